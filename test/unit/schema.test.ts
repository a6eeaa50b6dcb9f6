import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {diagnose} from '../../src/diagnosis/diagnose.js'
import type {Report} from '../../src/observations/report.js'
import {reportValidator} from '../../src/observations/validate-report.js'
import {alert, classicEdge, OBSERVED_AT, target} from '../support/observations.js'

function report(probes = classicEdge()): Report {
  const t = target()
  const result = diagnose({target: t, probes, observedAt: OBSERVED_AT}, {proxyKind: 'haproxy', proxyVersion: null})
  return {schemaVersion: 1, tool: {name: 'apigw-doctor', version: '0.1.0'}, generatedAt: OBSERVED_AT, target: t, probes, diagnoses: result.diagnoses, recommended: result.recommended, verdict: result.verdict}
}

describe('the shipped JSON Schema', () => {
  test('accepts reports of every verdict', async () => {
    const validate = await reportValidator()
    for (const r of [report(), report(classicEdge({'tls-sni': alert(40, 'handshake_failure'), 'tls-sni-wrong-host': alert(40, 'handshake_failure'), 'tls-wrong-sni': alert(40, 'handshake_failure')}))]) {
      assert.ok(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors))
    }
  })

  test('rejects what breaks the contract', async () => {
    const validate = await reportValidator()
    const mutations: Array<[string, (r: any) => void]> = [
      ['unknown outcome', (r) => (r.probes[0].outcome = 'fine')],
      ['unknown probe id', (r) => (r.probes[0].id = 'tls-maybe')],
      ['missing verdict', (r) => delete r.verdict],
      ['schemaVersion 2', (r) => (r.schemaVersion = 2)],
      ['tls-alert without the alert', (r) => delete r.probes[2].tls.alert],
      ['http-error without status', (r) => delete r.probes[1].status],
      ['bad port', (r) => (r.target.port = 70000)],
      ['unknown proxy kind in recommended', (r) => (r.recommended.squid = 'x')],
      ['unknown severity', (r) => (r.diagnoses[0].severity = 'fatal')],
    ]
    for (const [what, mutate] of mutations) {
      const r = JSON.parse(JSON.stringify(report()))
      mutate(r)
      assert.equal(validate(r), false, what)
    }
  })
})
