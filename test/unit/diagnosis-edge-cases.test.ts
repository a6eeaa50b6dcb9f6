import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {checkEvidenceDeclared, diagnose} from '../../src/diagnosis/diagnose.js'
import type {Rule} from '../../src/diagnosis/rule.js'
import {PROBLEM_RULES, REQUIREMENT_RULES} from '../../src/diagnosis/rules/index.js'
import {DIAGNOSIS_IDS} from '../../src/diagnosis/types.js'
import type {ProbeObservation, TargetInfo} from '../../src/observations/types.js'
import {alert, certificate, classicEdge, goodTls, OBSERVED_AT, target, type ProbeShape} from '../support/observations.js'

const run = (probes: ProbeObservation[], t = target()) => diagnose({target: t, probes, observedAt: OBSERVED_AT}, {proxyKind: 'haproxy', proxyVersion: null})
const ids = (probes: ProbeObservation[], t = target()) => run(probes, t).diagnoses.map((d) => d.id)
const find = (probes: ProbeObservation[], id: string, t = target()) => run(probes, t).diagnoses.find((d) => d.id === id)

/** An IP target as the engine records it: no SNI on the probes that would send the target's name. */
function ipEdge(overrides: Parameters<typeof classicEdge>[0], t: TargetInfo): ProbeObservation[] {
  return classicEdge(overrides, t).map((p) => (p.id === 'tls-sni' || p.id === 'tls-sni-wrong-host' ? {...p, sent: {...p.sent, sni: null}} : p))
}

const intermediate = certificate({
  subject: 'C=US, O=Amazon, CN=Amazon RSA 2048 M02',
  commonName: 'Amazon RSA 2048 M02',
  sans: [],
  issuer: 'C=US, O=Amazon, CN=Amazon Root CA 1',
  notBefore: '2022-08-23T00:00:00.000Z',
  notAfter: '2026-10-01T00:00:00.000Z',
})
const root = certificate({subject: 'C=US, O=Amazon, CN=Amazon Root CA 1', commonName: 'Amazon Root CA 1', sans: [], issuer: 'C=US, O=Amazon, CN=Amazon Root CA 1', notAfter: '2038-01-17T00:00:00.000Z', selfSigned: true})

describe('certificates: every member of the chain is checked', () => {
  test('an expired intermediate is certificate-expired naming it, never healthy', () => {
    const tls = goodTls({chain: [certificate(), intermediate, root], trusted: false, trustError: 'CERT_HAS_EXPIRED'})
    const result = run(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls}}))
    const found = result.diagnoses.map((d) => d.id)
    assert.ok(!found.includes('healthy'), found.join(', '))
    assert.notEqual(result.verdict, 'healthy')
    const d = result.diagnoses.find((x) => x.id === 'certificate-expired')!
    assert.ok(d, found.join(', '))
    assert.equal(d.severity, 'error')
    assert.match(d.summary, /intermediate/)
    assert.match(d.summary, /Amazon RSA 2048 M02/)
    assert.match(d.summary, /2026-10-01/)
    assert.deepEqual(d.evidence, ['tls-sni'])
    assert.ok(!found.includes('certificate-untrusted'), 'the expired intermediate explains the failed verification')
  })

  test('a not-yet-valid intermediate is certificate-not-yet-valid naming it', () => {
    const early = {...intermediate, notBefore: '2026-12-01T00:00:00.000Z', notAfter: '2030-01-01T00:00:00.000Z'}
    const tls = goodTls({chain: [certificate(), early, root], trusted: false, trustError: 'CERT_NOT_YET_VALID'})
    const d = find(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls}}), 'certificate-not-yet-valid')
    assert.ok(d)
    assert.match(d.summary, /Amazon RSA 2048 M02/)
  })

  test('untrusted whenever verification failed and no date in the chain explains it', () => {
    // OpenSSL says expired, but every certificate the server sent is in date (e.g. an expired root in the local store)
    const tls = goodTls({chain: [certificate(), {...intermediate, notAfter: '2030-01-01T00:00:00.000Z'}], trusted: false, trustError: 'CERT_HAS_EXPIRED'})
    const result = run(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls}}))
    const d = result.diagnoses.find((x) => x.id === 'certificate-untrusted')
    assert.ok(d, result.diagnoses.map((x) => x.id).join(', '))
    assert.match(d.summary, /CERT_HAS_EXPIRED/)
    assert.equal(result.verdict, 'problems')
  })

  test('an expired extra certificate in a chain that verifies anyway (a stale cross-sign) is not a problem', () => {
    const tls = goodTls({chain: [certificate(), {...intermediate, notAfter: '2030-01-01T00:00:00.000Z'}, {...root, selfSigned: false, notAfter: '2021-09-30T14:01:15.000Z'}], trusted: true})
    const found = ids(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls}}))
    assert.ok(found.includes('healthy'), found.join(', '))
    assert.ok(!found.some((id) => id.startsWith('certificate-')), found.join(', '))
  })
})

describe('sni-rejected: SNI = target breaks the handshake, another SNI (or none) does not', () => {
  test('the id is part of the catalogue', () => {
    assert.ok((DIAGNOSIS_IDS as readonly string[]).includes('sni-rejected'))
  })

  for (const [how, shape] of [
    ['alert 112', alert(112, 'unrecognized_name')],
    ['alert 40', alert(40, 'handshake_failure')],
    ['silent close', {outcome: 'tls-closed', error: {code: 'EOF'}}],
  ] as Array<[string, ProbeShape]>) {
    test(`tls-sni ${how}, tls-no-sni ok: an error that names both probes`, () => {
      const probes = classicEdge({'tls-sni': shape, 'tls-sni-wrong-host': shape, 'tls-wrong-sni': shape, 'tls-no-sni': {outcome: 'ok', status: 200}})
      const result = run(probes)
      const d = result.diagnoses.find((x) => x.id === 'sni-rejected')
      assert.ok(d, result.diagnoses.map((x) => x.id).join(', '))
      assert.equal(d.severity, 'error')
      assert.deepEqual([...d.evidence].sort(), ['tls-no-sni', 'tls-sni'])
      assert.match(d.summary, /abc123\.execute-api\.eu-west-1\.amazonaws\.com/)
      assert.match(d.summary, /does not serve/)
      assert.match(d.fix.verify!, /-noservername/)
      for (const kind of ['haproxy', 'nginx', 'envoy', 'apache', 'caddy', 'traefik'] as const) assert.ok(d.fix[kind], `fix for ${kind}`)
      assert.match(d.fix.haproxy!, /sni/)
      assert.match(d.fix.nginx!, /proxy_ssl_name/)
      assert.equal(result.verdict, 'problems')
      assert.ok(!result.diagnoses.some((x) => x.id === 'healthy' || x.id === 'unreachable' || x.id === 'sni-required'))
    })
  }

  test('the certificate served without SNI is named in the summary, never put into a snippet', () => {
    const other = goodTls({chain: [certificate({commonName: 'default.example', sans: ['DNS:default.example']})], nameMatch: false})
    const d = find(classicEdge({'tls-sni': alert(112, 'unrecognized_name'), 'tls-sni-wrong-host': alert(112, 'unrecognized_name'), 'tls-no-sni': {outcome: 'ok', status: 200, tls: other}}), 'sni-rejected')!
    assert.match(d.summary, /default\.example/)
    for (const [kind, snippet] of Object.entries(d.fix)) if (kind !== 'verify') assert.ok(!snippet!.includes('default.example'), kind)
  })

  test('another SNI completing is enough (tls-wrong-sni), and it is cited', () => {
    const d = find(classicEdge({'tls-sni': alert(112, 'unrecognized_name'), 'tls-sni-wrong-host': alert(112, 'unrecognized_name'), 'tls-no-sni': alert(112, 'unrecognized_name'), 'tls-wrong-sni': {outcome: 'http-error', status: 421}}), 'sni-rejected')
    assert.ok(d)
    assert.ok(d.evidence.includes('tls-wrong-sni'))
  })

  test('every handshake refused stays unreachable (the schema test relies on it)', () => {
    const refused = alert(40, 'handshake_failure')
    const result = run(classicEdge({'tls-sni': refused, 'tls-sni-wrong-host': refused, 'tls-wrong-sni': refused}))
    assert.deepEqual(result.diagnoses.map((d) => d.id), ['unreachable'])
    assert.equal(result.verdict, 'unreachable')
  })

  test('only the same SNI completing once (tls-sni-wrong-host): unreachable, said to be intermittent', () => {
    const refused = alert(40, 'handshake_failure')
    const result = run(classicEdge({'tls-sni': refused, 'tls-wrong-sni': refused}))
    const d = result.diagnoses.find((x) => x.id === 'unreachable')
    assert.ok(d, result.diagnoses.map((x) => x.id).join(', '))
    assert.match(d.summary, /intermittent/)
    assert.ok(d.evidence.includes('tls-sni-wrong-host'))
  })

  test('an IP target whose edge needs SNI: unreachable, saying no SNI is sent to an IP', () => {
    const t = target({host: '192.0.2.10', hostKind: 'ipv4'})
    const refused = {outcome: 'tls-closed', error: {code: 'ECONNRESET'}} as ProbeShape
    const probes = ipEdge({'tls-sni': refused, 'tls-sni-wrong-host': refused, 'tls-no-sni': refused, 'tls-wrong-sni': {outcome: 'http-error', status: 421}}, t)
    const result = run(probes, t)
    assert.ok(!result.diagnoses.some((d) => d.id === 'sni-rejected'), 'no SNI was sent: nothing was rejected')
    const d = result.diagnoses.find((x) => x.id === 'unreachable')
    assert.ok(d, result.diagnoses.map((x) => x.id).join(', '))
    assert.match(d.summary, /no SNI/)
    assert.doesNotMatch(d.summary, /SNI = 192\.0\.2\.10/)
  })
})

describe('IP targets: summaries say what was sent', () => {
  const t = target({host: '127.0.0.1', hostKind: 'ipv4', addresses: ['127.0.0.1']})

  test('unreachable does not claim an SNI that was never sent', () => {
    const refused = alert(40, 'handshake_failure')
    const d = find(ipEdge({'tls-sni': refused, 'tls-no-sni': refused, 'tls-sni-wrong-host': refused, 'tls-wrong-sni': refused}, t), 'unreachable', t)!
    assert.ok(d)
    assert.doesNotMatch(d.summary, /SNI = 127\.0\.0\.1/)
    assert.match(d.summary, /without SNI|no SNI/)
  })

  test('forbidden says Host: 127.0.0.1 and no SNI, not "SNI and Host right"', () => {
    const d = find(ipEdge({'tls-sni': {outcome: 'http-error', status: 403, errorType: 'ForbiddenException', body: '{"message":"Forbidden"}'}}, t), 'forbidden', t)!
    assert.ok(d)
    assert.doesNotMatch(d.summary, /SNI and Host right/)
    assert.match(d.summary, /no SNI/)
    assert.match(d.summary, /Host: 127\.0\.0\.1/)
  })

  test('a name target still says which SNI and Host were sent', () => {
    const d = find(classicEdge({'tls-sni': {outcome: 'http-error', status: 403, errorType: 'ForbiddenException'}}), 'forbidden')!
    assert.match(d.summary, /SNI abc123\.execute-api\.eu-west-1\.amazonaws\.com/)
    const refused = alert(40, 'handshake_failure')
    const u = find(classicEdge({'tls-sni': refused, 'tls-sni-wrong-host': refused, 'tls-wrong-sni': refused}), 'unreachable')!
    assert.match(u.summary, /SNI = abc123\.execute-api\.eu-west-1\.amazonaws\.com/)
  })
})

describe('Rule.reads is the contract of a rule\'s evidence', () => {
  test('a rule citing a probe it does not declare is refused', () => {
    const rogue: Rule = {id: 'forbidden', severity: 'error', reads: ['tls-sni'], applies: () => null}
    assert.throws(() => checkEvidenceDeclared(rogue, [{probe: 'tls-no-sni', saw: 'x'}]), /forbidden.*tls-no-sni/)
    assert.doesNotThrow(() => checkEvidenceDeclared(rogue, [{probe: 'tls-sni', saw: 'x'}]))
  })

  test('every rule declares what it reads, and no rule carries skipKinds any more', () => {
    for (const rule of [...PROBLEM_RULES, ...REQUIREMENT_RULES]) {
      assert.ok(rule.reads.length > 0, rule.id)
      assert.ok(!('skipKinds' in rule), rule.id)
    }
  })
})
