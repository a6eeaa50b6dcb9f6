// --all-addresses in process, through DNS (an injected lookup answering both families): one matrix
// per address, at once, one DNS question per host, and the comparison of what each address saw.
import assert from 'node:assert/strict'
import {test} from 'node:test'

import {compareAddresses, combinedVerdict} from '../../src/observations/address-results.js'
import {MAX_ADDRESSES} from '../../src/pipeline/all-addresses.js'
import {probeTarget} from '../../src/pipeline/probe-target.js'
import {parseTarget} from '../../src/target/parse-target.js'
import {edgeFor, probeOptionsFor, sharedPki, TOOL} from '../support/probe-helpers.js'
import {classicEdge} from '../support/observations.js'

test('a name resolving to 127.0.0.1 and ::1: each address probed, DNS asked once, differences named', async (t) => {
  const v4 = await edgeFor(t)
  const v6 = await edgeFor(t, {host: '::1', tlsPort: v4.port, certificate: 'expired'})
  const asked: string[] = []
  const lookup = async (host: string) => {
    asked.push(host)
    return ['127.0.0.1', '::1']
  }
  const {secureContext} = await sharedPki()
  const report = await probeTarget(parseTarget('api.test'), probeOptionsFor(v4, {resolve: [], lookup, allAddresses: true}), secureContext, TOOL)
  assert.deepEqual(asked, ['api.test'], 'one DNS question for every run')
  assert.deepEqual(report.target.addresses, ['127.0.0.1', '::1'])
  assert.equal(report.target.pinnedAddress, null, 'DNS decided, not --resolve')
  const results = report.addressResults!
  assert.equal(results.agree, false)
  assert.deepEqual(results.differences!.find((d) => d.probe === 'tls-sni')?.seen, {'127.0.0.1': 'ok 200', '::1': 'ok 200 untrusted'})
  assert.ok(results.results[1]!.diagnoses!.includes('certificate-expired'), JSON.stringify(results.results[1]!.diagnoses))
  assert.equal(report.verdict, 'problems')
  for (const p of results.results[1]!.probes!) if (p.sent.scheme === 'https') assert.equal(p.sent.address, '::1')
  assert.ok(v6.handshakes.length > 0 && v4.handshakes.length > 0)
})

test('a name with more than 16 addresses: the first 16 probed, the rest named in the note, not connected to', async (t) => {
  const edge = await edgeFor(t)
  const many = Array.from({length: 20}, (_, i) => `127.0.0.${i + 1}`)
  const {secureContext} = await sharedPki()
  const report = await probeTarget(parseTarget('api.test'), probeOptionsFor(edge, {resolve: [], lookup: async () => many, allAddresses: true, timeoutMs: 2000}), secureContext, TOOL)
  const results = report.addressResults!
  assert.equal(results.results.length, MAX_ADDRESSES)
  assert.deepEqual(results.results.map((r) => r.address), many.slice(0, 16))
  assert.deepEqual(report.target.addresses, many, 'the report still names every address the host has')
  assert.match(results.note, /; 4 more address\(es\) not probed \(at most 16\): 127\.0\.0\.17, 127\.0\.0\.18, 127\.0\.0\.19, …$/)
  assert.equal(results.agree, false, 'only 127.0.0.1 has an edge')
})

test('comparison: what varies by nature (timings) is not a difference; verdicts combine', () => {
  const a = classicEdge()
  const b = classicEdge().map((p) => ({...p, timings: {total: p.timings.total + 50}}))
  assert.equal(compareAddresses([{address: '192.0.2.1', verdict: 'healthy', diagnoses: [], probes: a}, {address: '2001:db8::1', verdict: 'healthy', diagnoses: [], probes: b}]).agree, true)
  const c = classicEdge({'tls-no-sni': {outcome: 'ok', status: 200}})
  const differ = compareAddresses([{address: '192.0.2.1', verdict: 'healthy', diagnoses: [], probes: a}, {address: '2001:db8::1', verdict: 'healthy', diagnoses: [], probes: c}])
  assert.equal(differ.agree, false)
  assert.deepEqual(differ.differences, [{probe: 'tls-no-sni', seen: {'192.0.2.1': 'tls-alert alert 112', '2001:db8::1': 'ok 200'}}])
  assert.equal(combinedVerdict(['healthy', 'healthy']), 'healthy')
  assert.equal(combinedVerdict(['healthy', 'unreachable']), 'problems')
  assert.equal(combinedVerdict(['unreachable', 'unreachable']), 'unreachable')
})

test('a lookup that never answers: the DNS deadline is waited out once, not once more per run', async (t) => {
  const edge = await edgeFor(t)
  const {secureContext} = await sharedPki()
  const timeoutMs = 400
  const began = performance.now()
  const report = await probeTarget(parseTarget('api.test'), probeOptionsFor(edge, {resolve: [], lookup: () => new Promise<string[]>(() => {}), allAddresses: true, timeoutMs}), secureContext, TOOL)
  const elapsed = performance.now() - began
  assert.equal(report.verdict, 'unreachable')
  assert.ok(report.probes.every((p) => p.outcome === 'dns-failed'), report.probes.map((p) => p.outcome).join(' '))
  // Twice the deadline (806 ms measured before the fix) would mean a second wait.
  assert.ok(elapsed < timeoutMs * 1.75, `took ${Math.round(elapsed)} ms with a ${timeoutMs} ms DNS deadline`)
})
