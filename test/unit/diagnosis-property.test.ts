import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {diagnose} from '../../src/diagnosis/diagnose.js'
import {DIAGNOSIS_IDS} from '../../src/diagnosis/types.js'
import {OUTCOMES, PROBE_IDS, type Outcome, type ProbeId, type ProbeObservation, type TargetInfo, type TlsObservation} from '../../src/observations/types.js'
import {certificate, goodTls, OBSERVED_AT, probe, target, type ProbeShape} from '../support/observations.js'

// Property: a report whose reference request fails always carries an error, and healthy never
// sits beside one. Observations are generated from every outcome on every probe, sampled with a
// fixed seed so that a failure names a reproducible case.

function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d_2b_79_f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

type Random = () => number
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!

const STATUSES_OK = [200, 204, 301, 302]
const STATUSES_ERROR = [400, 401, 403, 404, 421, 429, 500, 502, 503, 504]
const BODIES = ['', '{"message":"Forbidden"}', '{"message":"Missing Authentication Token"}', '{"message":"Not Found"}', 'The request could not be satisfied']
const HEADERS: Array<Record<string, string>> = [{}, {'x-amz-cf-id': 'x', 'x-cache': 'Error from cloudfront'}, {'apigw-requestid': 'abc='}, {'x-amzn-errortype': 'ForbiddenException'}]
const ALERTS = [
  [40, 'handshake_failure'],
  [112, 'unrecognized_name'],
  [70, 'protocol_version'],
] as const

function tlsVariant(random: Random): TlsObservation {
  const expiredIntermediate = certificate({subject: 'CN=Intermediate', commonName: 'Intermediate', sans: [], notAfter: '2026-10-01T00:00:00.000Z'})
  return pick(random, [
    goodTls(),
    goodTls(),
    goodTls({trusted: false, trustError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'}),
    goodTls({trusted: false, trustError: 'CERT_HAS_EXPIRED'}),
    goodTls({chain: [certificate(), expiredIntermediate], trusted: false, trustError: 'CERT_HAS_EXPIRED'}),
    goodTls({chain: [certificate({notAfter: '2026-11-01T00:00:00.000Z'})], trusted: false, trustError: 'CERT_HAS_EXPIRED'}),
    goodTls({nameMatch: false, nameError: 'ERR_TLS_CERT_ALTNAME_INVALID'}),
  ])
}

function shapeFor(outcome: Outcome, random: Random, https: boolean): ProbeShape {
  switch (outcome) {
    case 'ok': {
      return {outcome, status: pick(random, STATUSES_OK), ...(https ? {tls: tlsVariant(random)} : {})}
    }
    case 'http-error': {
      const headers = pick(random, HEADERS)
      return {outcome, status: pick(random, STATUSES_ERROR), body: pick(random, BODIES), headers, ...(https ? {tls: tlsVariant(random)} : {})}
    }
    case 'tls-alert': {
      const [number, name] = pick(random, ALERTS)
      return {outcome, tls: {chain: [], alert: {number, name}}}
    }
    case 'tls-malformed': {
      return {outcome, tls: {chain: [], firstBytesHex: '15000000020228'}}
    }
    case 'tls-closed': {
      return {outcome, error: {code: pick(random, ['EOF', 'ECONNRESET'])}}
    }
    case 'http-timeout':
    case 'http-closed':
    case 'http-malformed': {
      // the handshake completed (or there was none, for plain HTTP), then HTTP failed
      return {outcome, ...(https && random() < 0.7 ? {tls: tlsVariant(random)} : {})}
    }
    default: {
      return {outcome}
    }
  }
}

const HTTPS = new Set<ProbeId>(['tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni'])

function observations(outcomes: Record<ProbeId, Outcome>, random: Random, t: TargetInfo): ProbeObservation[] {
  const ip = t.hostKind !== 'name'
  return PROBE_IDS.map((id) => {
    const p = probe(id, shapeFor(outcomes[id], random, HTTPS.has(id)), t)
    // an IP target sends no SNI where the target's name would go (src/probes/run-probe.ts)
    return ip && (id === 'tls-sni' || id === 'tls-sni-wrong-host') ? {...p, sent: {...p.sent, sni: null}} : p
  })
}

const NAME = target()
const IP = target({host: '192.0.2.10', hostKind: 'ipv4'})

function check(outcomes: Record<ProbeId, Outcome>, random: Random, t: TargetInfo): void {
  const probes = observations(outcomes, random, t)
  const result = diagnose({target: t, probes, observedAt: OBSERVED_AT}, {proxyKind: 'all', proxyVersion: null})
  const errors = result.diagnoses.filter((d) => d.severity === 'error')
  const healthy = result.diagnoses.some((d) => d.id === 'healthy')
  const context = () =>
    `${t.host}: ${probes.map((p) => `${p.id}=${p.outcome}${p.status ? '/' + p.status : ''}${p.tls?.trusted === false ? '(untrusted ' + p.tls.trustError + ')' : ''}`).join(' ')}\n-> ${result.diagnoses.map((d) => `${d.id}:${d.severity}`).join(', ')} verdict ${result.verdict}`
  if (outcomes['tls-sni'] !== 'ok') assert.ok(errors.length > 0, `the reference failed but no error diagnosis: ${context()}`)
  assert.ok(!(healthy && errors.length > 0), `healthy beside an error: ${context()}`)
  assert.equal(result.verdict === 'healthy', healthy, `verdict and healthy disagree: ${context()}`)
  for (const d of result.diagnoses) {
    assert.ok(DIAGNOSIS_IDS.includes(d.id), d.id)
    assert.ok(d.evidence.length > 0, `${d.id} without evidence: ${context()}`)
    assert.ok(!d.summary.includes('\n'), `${d.id}: multi-line summary`)
  }
}

describe('property: a failing reference always carries an error diagnosis', () => {
  for (const t of [NAME, IP]) {
    test(`every outcome of tls-sni against every outcome of each other probe (${t.hostKind})`, () => {
      const random = mulberry32(0xa9_1d_0c)
      for (const reference of OUTCOMES) {
        for (const other of PROBE_IDS.filter((id) => id !== 'tls-sni')) {
          for (const outcome of OUTCOMES) {
            const outcomes = Object.fromEntries(PROBE_IDS.map((id) => [id, pick(random, OUTCOMES)])) as Record<ProbeId, Outcome>
            outcomes['tls-sni'] = reference
            outcomes[other] = outcome
            check(outcomes, random, t)
          }
        }
      }
    })

    test(`3000 fully random combinations (${t.hostKind})`, () => {
      const random = mulberry32(20_261_126)
      for (let i = 0; i < 3000; i++) {
        const outcomes = Object.fromEntries(PROBE_IDS.map((id) => [id, pick(random, OUTCOMES)])) as Record<ProbeId, Outcome>
        check(outcomes, random, t)
      }
    })
  }
})
