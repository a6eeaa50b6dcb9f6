// IPv6 and --all-addresses through the built CLI: a name pinned to [::1] as curl writes it, and a
// name pinned to 127.0.0.1 and ::1 at once (curl's ADDR,ADDR) where two test edges listen on the
// same port number and behave alike or differently.
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {reportValidator} from '../../src/observations/validate-report.js'
import {runCli, show} from '../support/cli.js'
import {edgeFor, type HasAfter} from '../support/probe-helpers.js'
import type {TestEdge, TestEdgeOptions} from '../support/test-edge.js'

type Json = Record<string, any>

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-doctor-addresses-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function caFileFor(edge: TestEdge): Promise<string> {
  const caFile = join(dir, `ca-${edge.port}-${edge.host === '::1' ? 'v6' : 'v4'}.pem`)
  await writeFile(caFile, edge.caCert)
  return caFile
}

/** Two edges on the same TLS port number, one on 127.0.0.1 and one on ::1 (one PKI), and the flags for both. */
async function twoEdges(t: HasAfter, v6: TestEdgeOptions) {
  const v4Edge = await edgeFor(t)
  const v6Edge = await edgeFor(t, {host: '::1', tlsPort: v4Edge.port, ...v6})
  assert.equal(v6Edge.port, v4Edge.port)
  const flags = ['--port', String(v4Edge.port), '--http-port', String(v4Edge.httpPort), '--resolve', 'api.test:*:127.0.0.1,[::1]', '--ca-file', await caFileFor(v4Edge)]
  return {v4Edge, v6Edge, flags}
}

describe('IPv6 and --all-addresses (built CLI)', {concurrency: 3}, () => {
  test("--resolve 'api.test:*:[::1]': the probes go to ::1, SNI and Host keep the name", async (t) => {
    const edge = await edgeFor(t, {host: '::1'})
    const r = await runCli(['probe', 'api.test', '--port', String(edge.port), '--http-port', String(edge.httpPort), '--resolve', 'api.test:*:[::1]', '--ca-file', await caFileFor(edge), '--json'])
    assert.equal(r.code, 0, show(r))
    const report = JSON.parse(r.stdout) as Json
    assert.deepEqual(report.target.addresses, ['::1'])
    assert.equal(report.target.pinnedAddress, '::1')
    const reference = report.probes.find((p: Json) => p.id === 'tls-sni')
    assert.equal(reference.sent.address, '::1')
    assert.equal(reference.sent.sni, 'api.test')
    assert.equal(reference.status, 200)
    assert.ok(edge.requests.some((q) => q.sni === 'api.test' && q.host?.startsWith('api.test')))
    assert.match(report.recommended.haproxy, /server gw \[::1\]:\d+ ssl verify required/)
  })

  test('--all-addresses, the addresses differ: per-address results in the JSON, the odd address named, exit 1', async (t) => {
    // ::1 serves the name but not the path (403 Missing Authentication Token); 127.0.0.1 answers 200.
    const {v4Edge, v6Edge, flags} = await twoEdges(t, {paths: ['/prod/only']})
    const [json, human] = await Promise.all([runCli(['probe', 'api.test', ...flags, '--all-addresses', '--json']), runCli(['probe', 'api.test', ...flags, '--all-addresses'])])
    assert.equal(json.code, 1, show(json))
    assert.equal(human.code, 1, show(human))
    const report = JSON.parse(json.stdout) as Json
    const validate = await reportValidator()
    assert.ok(validate(report), JSON.stringify(validate.errors))
    assert.deepEqual(report.target.addresses, ['127.0.0.1', '::1'])
    assert.equal(report.verdict, 'problems')
    const results = report.addressResults
    assert.equal(results.agree, false)
    assert.deepEqual(results.results.map((r: Json) => [r.address, r.verdict]), [['127.0.0.1', 'healthy'], ['::1', 'problems']])
    assert.ok(results.results[1].diagnoses.includes('missing-authentication-token'), JSON.stringify(results.results[1].diagnoses))
    assert.equal(results.results[1].probes.find((p: Json) => p.id === 'tls-sni').sent.address, '::1')
    assert.deepEqual(results.differences.find((d: Json) => d.probe === 'tls-sni')?.seen, {'127.0.0.1': 'ok 200', '::1': 'http-error 403'})
    assert.match(results.note, /the verdict on ::1 is problems, on 127\.0\.0\.1 healthy/)
    // The rest of the report is the first address's, as a run without the flag would give.
    assert.equal(report.probes.find((p: Json) => p.id === 'tls-sni').status, 200)
    // Both edges were probed.
    assert.ok(v4Edge.requests.some((q) => q.via === 'tls'))
    assert.ok(v6Edge.requests.some((q) => q.via === 'tls'))

    assert.match(human.stdout, /addresses differ: /)
    assert.match(human.stdout, /^\s+tls-sni\s+ok 200\s+http-error 403$/m)
    assert.match(human.stdout, /^\s+verdict\s+healthy\s+problems$/m)
    assert.match(human.stdout, /verdict: problems/)

    // diagnose reads it back: compared again, same verdict.
    const saved = join(dir, `differ-${v4Edge.port}.json`)
    await writeFile(saved, json.stdout)
    const again = await runCli(['diagnose', saved, '--json'])
    assert.equal(again.code, 1, show(again))
    const rediagnosed = JSON.parse(again.stdout) as Json
    assert.equal(rediagnosed.verdict, 'problems')
    assert.equal(rediagnosed.addressResults.agree, false)
  })

  test('--all-addresses, the addresses agree: the report as without the flag, plus a note; exit 0', async (t) => {
    const {v6Edge, flags} = await twoEdges(t, {})
    const [json, human, single] = await Promise.all([
      runCli(['probe', 'api.test', ...flags, '--all-addresses', '--json']),
      runCli(['probe', 'api.test', ...flags, '--all-addresses']),
      runCli(['probe', 'api.test', ...flags, '--json']),
    ])
    assert.equal(json.code, 0, show(json))
    assert.equal(human.code, 0, show(human))
    const report = JSON.parse(json.stdout) as Json
    assert.equal(report.verdict, 'healthy')
    assert.deepEqual(report.addressResults, {
      agree: true,
      note: 'all 2 addresses (127.0.0.1, ::1) answered alike',
      results: [
        {address: '127.0.0.1', verdict: 'healthy'},
        {address: '::1', verdict: 'healthy'},
      ],
    })
    assert.match(human.stdout, /addresses: all 2 addresses \(127\.0\.0\.1, ::1\) answered alike/)
    // Without the flag: the first address only (as curl does), no addressResults.
    assert.equal(single.code, 0, show(single))
    const plain = JSON.parse(single.stdout) as Json
    assert.equal(plain.addressResults, undefined)
    assert.deepEqual(plain.probes.map((p: Json) => p.id), report.probes.map((p: Json) => p.id))
    assert.ok(v6Edge.requests.length > 0, 'the ::1 edge was probed by the --all-addresses runs')
  })
})
