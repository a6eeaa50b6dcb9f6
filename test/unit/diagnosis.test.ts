import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {diagnose} from '../../src/diagnosis/diagnose.js'
import {DIAGNOSIS_IDS} from '../../src/diagnosis/types.js'
import {PROXY_KINDS} from '../../src/fixes/types.js'
import type {CertificateInfo, ProbeObservation} from '../../src/observations/types.js'
import {alert, certificate, classicEdge, goodTls, OBSERVED_AT, target, type ProbeShape} from '../support/observations.js'

const run = (probes: ProbeObservation[], t = target(), proxyVersion: string | null = null) =>
  diagnose({target: t, probes, observedAt: OBSERVED_AT}, {proxyKind: 'haproxy', proxyVersion})
const ids = (probes: ProbeObservation[], t = target()) => run(probes, t).diagnoses.map((d) => d.id)

describe('diagnosis from recorded observations', () => {
  test('the classic edge: healthy, with TLS, SNI and Host required', () => {
    const result = run(classicEdge())
    assert.deepEqual(ids(classicEdge()), ['healthy', 'tls-required', 'sni-required', 'host-header-required'])
    assert.equal(result.verdict, 'healthy')
    assert.deepEqual(result.requirements, {tls: true, sni: true, hostHeader: true, stagePath: false})
    const sni = result.diagnoses.find((d) => d.id === 'sni-required')!
    assert.deepEqual(sni.evidence, ['tls-no-sni', 'tls-sni'])
    assert.equal(sni.severity, 'warning')
    assert.match(sni.fix.haproxy!, /sni str\(abc123\.execute-api\.eu-west-1\.amazonaws\.com\)/)
    assert.match(sni.fix.nginx!, /proxy_ssl_server_name on;/)
    assert.match(sni.fix.verify!, /openssl s_client .* -noservername/)
    for (const kind of PROXY_KINDS) assert.ok(sni.fix[kind], `sni fix for ${kind}`)
  })

  for (const [how, shape] of [
    ['alert 40', alert(40, 'handshake_failure')],
    ['alert 112', alert(112, 'unrecognized_name')],
    ['silent close', {outcome: 'tls-closed' as const, error: {code: 'EOF'}}],
    ['reset', {outcome: 'tls-closed' as const, error: {code: 'ECONNRESET'}}],
    ['malformed alert (record version 00 00)', {outcome: 'tls-malformed' as const, tls: {chain: [] as CertificateInfo[], firstBytesHex: '15000000020228'}}],
    ['a default certificate that does not cover the host', {outcome: 'ok' as const, status: 200, tls: goodTls({chain: [certificate({commonName: '*.cloudfront.net', sans: ['DNS:*.cloudfront.net']})], nameMatch: false})}],
  ] as Array<[string, ProbeShape]>) {
    test(`sni-required when the edge answers a missing SNI with ${how}`, () => {
      assert.ok(ids(classicEdge({'tls-no-sni': shape})).includes('sni-required'))
    })
  }

  test('no false requirements for a lenient origin', () => {
    const lenient = classicEdge({
      'http-plain': {outcome: 'ok', status: 200},
      'http-to-tls-port': {outcome: 'http-error', status: 400},
      'tls-no-sni': {outcome: 'ok', status: 200},
      'tls-sni-wrong-host': {outcome: 'ok', status: 200},
      'tls-wrong-sni': {outcome: 'ok', status: 200},
    })
    const found = ids(lenient)
    assert.ok(found.includes('healthy'))
    assert.ok(!found.includes('sni-required'))
    assert.ok(!found.includes('host-header-required'))
    assert.ok(!found.includes('sni-host-mismatch-rejected'))
  })

  test('tls-required from port 80 not serving while plain HTTP to 443 gets 400', () => {
    const d = run(classicEdge()).diagnoses.find((x) => x.id === 'tls-required')!
    assert.deepEqual(d.evidence, ['http-to-tls-port', 'http-plain', 'tls-sni'])
    assert.match(d.fix.haproxy!, /\bssl\b/)
    assert.match(d.fix.nginx!, /proxy_pass https:\/\//)
  })

  test('sni-host-mismatch-rejected on 421', () => {
    const found = ids(classicEdge({'tls-wrong-sni': {outcome: 'http-error', status: 421}}))
    assert.ok(found.includes('sni-host-mismatch-rejected'))
  })

  test('certificate problems are judged at the observation time, not now', () => {
    const expired = goodTls({chain: [certificate({notAfter: '2026-11-01T00:00:00.000Z'})], trusted: false, trustError: 'CERT_HAS_EXPIRED'})
    const found = ids(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls: expired}}))
    assert.ok(found.includes('certificate-expired'))
    assert.ok(!found.includes('certificate-untrusted'), 'an expired chain is not also reported as untrusted')
    const notYet = goodTls({chain: [certificate({notBefore: '2026-12-01T00:00:00.000Z'})], trusted: false, trustError: 'CERT_NOT_YET_VALID'})
    assert.ok(ids(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls: notYet}})).includes('certificate-not-yet-valid'))
    const untrusted = goodTls({trusted: false, trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'})
    const d = run(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls: untrusted}})).diagnoses.find((x) => x.id === 'certificate-untrusted')!
    assert.equal(d.severity, 'error')
    assert.match(d.fix.haproxy!, /ca-file/)
    assert.ok(!/verify none/.test(d.fix.haproxy!))
    assert.equal(run(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls: untrusted}})).verdict, 'problems', 'a verifying proxy would refuse it: not healthy')
    const wrongName = goodTls({nameMatch: false, nameError: 'ERR_TLS_CERT_ALTNAME_INVALID'})
    assert.ok(ids(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls: wrongName}})).includes('certificate-name-mismatch'))
  })

  test('missing-authentication-token for REST (403) and HTTP APIs (404 + apigw-requestid)', () => {
    const rest = run(classicEdge({'tls-sni': {outcome: 'http-error', status: 403, errorType: 'MissingAuthenticationTokenException', body: '{"message":"Missing Authentication Token"}'}}))
    assert.ok(rest.diagnoses.some((d) => d.id === 'missing-authentication-token'))
    assert.ok(!rest.diagnoses.some((d) => d.id === 'forbidden'))
    assert.equal(rest.verdict, 'problems')
    assert.equal(rest.requirements.stagePath, true)
    const httpApi = ids(classicEdge({'tls-sni': {outcome: 'http-error', status: 404, body: '{"message":"Not Found"}', headers: {'apigw-requestid': 'abc='}}}))
    assert.ok(httpApi.includes('missing-authentication-token'))
  })

  test('forbidden names the cause the headers tell', () => {
    const policy = run(classicEdge({'tls-sni': {outcome: 'http-error', status: 403, errorType: 'AccessDeniedException', body: '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke"}'}}))
    const d = policy.diagnoses.find((x) => x.id === 'forbidden')!
    assert.match(d.summary, /resource policy/)
    const cloudfront = run(classicEdge({'tls-sni': {outcome: 'http-error', status: 403, body: 'The request could not be satisfied', headers: {'x-cache': 'Error from cloudfront', 'x-amz-cf-id': 'x'}}}))
    assert.match(cloudfront.diagnoses.find((x) => x.id === 'forbidden')!.summary, /CloudFront/)
  })

  test('unreachable when DNS, TCP or every handshake fails', () => {
    const down = ['http-plain', 'http-to-tls-port', 'tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni'] as const
    const refused = Object.fromEntries(down.map((id) => [id, {outcome: 'tcp-refused' as const}]))
    const result = run(classicEdge(refused))
    assert.deepEqual(result.diagnoses.map((d) => d.id), ['unreachable'])
    assert.equal(result.verdict, 'unreachable')
    const dns = Object.fromEntries(down.map((id) => [id, {outcome: 'dns-failed' as const}]))
    assert.match(run(classicEdge(dns)).diagnoses[0]!.summary, /does not resolve/)
  })

  test('tls-timeout when TCP connects but no handshake completes', () => {
    const result = run(classicEdge({'tls-sni': {outcome: 'tls-timeout'}, 'tls-no-sni': {outcome: 'tls-timeout'}, 'tls-sni-wrong-host': {outcome: 'tls-timeout'}, 'tls-wrong-sni': {outcome: 'tls-timeout'}}))
    assert.ok(result.diagnoses.some((d) => d.id === 'tls-timeout'))
    assert.ok(!result.diagnoses.some((d) => d.id === 'unreachable'))
    assert.equal(result.verdict, 'unreachable')
  })

  test('server-error, request-rejected and http-no-answer for a reached edge that fails otherwise', () => {
    assert.ok(ids(classicEdge({'tls-sni': {outcome: 'http-error', status: 502}})).includes('server-error'))
    assert.ok(ids(classicEdge({'tls-sni': {outcome: 'http-error', status: 429}})).includes('request-rejected'))
    assert.ok(ids(classicEdge({'tls-sni': {outcome: 'http-timeout', tls: goodTls()}})).includes('http-no-answer'))
  })

  test('an IP target cannot show sni-required (no probe sends SNI)', () => {
    const t = target({host: '192.0.2.10', hostKind: 'ipv4'})
    const probes = classicEdge({}, t).map((p) => ({...p, sent: {...p.sent, sni: null}}))
    assert.ok(!ids(probes, t).includes('sni-required'))
  })

  test('every diagnosis carries the spec keys and a verify command', () => {
    const all = [
      ...run(classicEdge()).diagnoses,
      ...run(classicEdge({'tls-sni': {outcome: 'http-error', status: 403, errorType: 'ForbiddenException'}})).diagnoses,
    ]
    for (const d of all) {
      assert.ok(DIAGNOSIS_IDS.includes(d.id))
      assert.ok(['error', 'warning', 'info'].includes(d.severity))
      assert.ok(d.summary.length > 10 && !d.summary.includes('\n'))
      assert.ok(d.evidence.length > 0)
      assert.equal(typeof d.fix.verify, 'string')
    }
  })

  test('recommended configs verify the certificate and never say verify none', () => {
    const result = run(classicEdge())
    for (const kind of PROXY_KINDS) assert.ok(result.recommended[kind], kind)
    assert.match(result.recommended.haproxy, /^backend /)
    assert.match(result.recommended.haproxy, /verify required ca-file @system-ca sni str\(abc123\.execute-api\.eu-west-1\.amazonaws\.com\)/)
    assert.match(result.recommended.haproxy, /http-request set-header Host abc123\.execute-api\.eu-west-1\.amazonaws\.com\n/)
    assert.match(result.recommended.haproxy, /check check-sni abc123/)
    assert.match(result.recommended.nginx, /^location \/ \{/)
    assert.match(result.recommended.nginx, /proxy_ssl_verify on;/)
    for (const config of Object.values(result.recommended)) assert.ok(!/verify none|proxy_ssl_verify off/.test(config))
  })

  test('HAProxy version changes the fix: no @system-ca before 2.6, sni-auto explained from 3.3', () => {
    const old = run(classicEdge(), target(), '2.4')
    assert.match(old.recommended.haproxy, /ca-file \/etc\/ssl\/certs\/ca-certificates\.crt/)
    assert.ok(!old.recommended.haproxy.includes('@system-ca'))
    const recent = run(classicEdge(), target(), '3.3')
    assert.match(recent.diagnoses.find((d) => d.id === 'sni-required')!.fix.haproxy!, /3\.3.*Host/)
    // the version is for the chosen kind only: nginx's fix is unchanged
    assert.equal(old.recommended.nginx, run(classicEdge()).recommended.nginx)
  })

  test('a pinned address goes on the server line; SNI and Host keep the name; --ca-file replaces @system-ca', () => {
    const t = target({pinnedAddress: '127.0.0.2', caFile: '/etc/edge-ca.pem'})
    const result = run(classicEdge({}, t), t)
    assert.match(result.recommended.haproxy, /server gw 127\.0\.0\.2:443 ssl verify required ca-file \/etc\/edge-ca\.pem sni str\(abc123/)
    assert.match(result.recommended.nginx, /proxy_pass https:\/\/127\.0\.0\.2:443;/)
    assert.match(result.recommended.nginx, /proxy_ssl_trusted_certificate \/etc\/edge-ca\.pem;/)
    assert.match(result.diagnoses.find((d) => d.id === 'host-header-required')!.fix.verify!, /--resolve abc123\.execute-api\.eu-west-1\.amazonaws\.com:443:127\.0\.0\.2/)
  })
})
