import assert from 'node:assert/strict'
import {test} from 'node:test'

import {UsageError} from '../../src/cli/errors.js'
import {diagnose} from '../../src/diagnosis/diagnose.js'
import type {Report} from '../../src/observations/report.js'
import {rediagnose} from '../../src/pipeline/rediagnose.js'
import {classicEdge, OBSERVED_AT, target} from '../support/observations.js'

function saved(): Report {
  const t = target()
  const r = diagnose({target: t, probes: classicEdge(), observedAt: OBSERVED_AT}, {proxyKind: 'haproxy', proxyVersion: null})
  return {schemaVersion: 1, tool: {name: 'apigw-doctor', version: '0'}, generatedAt: OBSERVED_AT, target: t, probes: classicEdge(), diagnoses: [], recommended: {}, verdict: r.verdict}
}

const options = {proxyKind: 'haproxy' as const, proxyVersion: null}

test('a saved report is diagnosed again, judged at the time it was made', () => {
  const report = rediagnose(saved(), options)
  assert.equal(report.verdict, 'healthy')
  assert.ok(report.diagnoses.some((d) => d.id === 'sni-required'))
  assert.match(report.recommended.haproxy!, /^backend /)
})

test('a hostile report cannot put anything into a snippet or a verify command', () => {
  const hostile: Array<[string, (r: Report) => void]> = [
    ['host', (r) => (r.target.host = 'api.test;evil')],
    ['host kind', (r) => (r.target.hostKind = 'ipv4')],
    ['wrongName', (r) => (r.target.wrongName = "x' ; id > /tmp/pwned ; echo '")],
    ['pinnedAddress', (r) => (r.target.pinnedAddress = '127.0.0.1;x')],
    ['caFile', (r) => (r.target.caFile = '/tmp/x;\n    proxy_pass http://evil.example;\n#.pem')],
  ]
  for (const [what, mutate] of hostile) {
    const r = saved()
    mutate(r)
    assert.throws(() => rediagnose(r, options), (err: unknown) => err instanceof UsageError && err.exitCode === 2, what)
  }
})
