// Full pipeline (probeTarget: probes → diagnosis → fixes) against live loopback edges.
// HOST is pinned to the edge's address on every port: no test name reaches a resolver.
import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {Diagnosis} from '../../src/diagnosis/types.js'
import type {Report} from '../../src/observations/report.js'
import type {ProbeOptions} from '../../src/pipeline/probe-options.js'
import {reportValidator} from '../../src/observations/validate-report.js'
import {probeTarget} from '../../src/pipeline/probe-target.js'
import {parseTarget} from '../../src/target/parse-target.js'
import {HOST, TOOL, edgeFor, probe, probeOptionsFor, sharedPki, type HasAfter, nxdomain} from '../support/probe-helpers.js'
import type {TestEdge, TestEdgeOptions} from '../support/test-edge.js'

async function reportFor(t: HasAfter, edgeOptions: TestEdgeOptions = {}, options: Partial<ProbeOptions> = {}, target = HOST): Promise<{edge: TestEdge; report: Report}> {
  const edge = await edgeFor(t, edgeOptions)
  const {secureContext} = await sharedPki()
  const report = await probeTarget(parseTarget(target), probeOptionsFor(edge, options), secureContext, TOOL)
  // Every live report, whatever the edge did, must match the schema that ships with the package.
  const validate = await reportValidator()
  assert.ok(validate(JSON.parse(JSON.stringify(report))), `report does not match schema/report.schema.json: ${JSON.stringify(validate.errors)}`)
  return {edge, report}
}

const ids = (report: Report): string[] => report.diagnoses.map((d) => d.id)

function diagnosis(report: Report, id: string): Diagnosis {
  const found = report.diagnoses.find((d) => d.id === id)
  assert.ok(found, `diagnosis ${id} missing; got ${ids(report).join(', ')}`)
  return found
}

function assertShape(d: Diagnosis): void {
  assert.ok(['error', 'warning', 'info'].includes(d.severity), d.severity)
  assert.equal(typeof d.summary, 'string')
  assert.ok(d.summary.length > 0)
  assert.ok(Array.isArray(d.evidence) && d.evidence.length > 0, `${d.id} rests on evidence`)
  assert.equal(typeof d.fix, 'object')
}

function assertRecommendedVerifies(report: Report): void {
  const haproxy = report.recommended.haproxy ?? ''
  assert.match(haproxy, /\bbackend\b/)
  assert.match(haproxy, /verify required/)
  assert.doesNotMatch(haproxy, /verify none/)
}

// ----- sni-required, four ways ----------------------------------------------------------------

const SNI_WAYS: Array<{noSni: TestEdgeOptions['noSni']; saw: RegExp}> = [
  {noSni: 'alert-112', saw: /alert 112/},
  {noSni: 'close', saw: /closed during the TLS handshake/},
  {noSni: 'malformed-alert', saw: /not TLS/},
  {noSni: 'default-cert', saw: /default certificate/},
]

for (const way of SNI_WAYS) {
  test(`sni-required when the edge answers no-SNI with '${way.noSni}'`, async (t) => {
    const {report} = await reportFor(t, {noSni: way.noSni})
    const d = diagnosis(report, 'sni-required')
    assertShape(d)
    assert.equal(d.severity, 'warning')
    assert.deepEqual([...d.evidence].sort(), ['tls-no-sni', 'tls-sni'])
    assert.match(d.summary + JSON.stringify(d.details), way.saw)
    assert.match(d.fix.haproxy ?? '', /sni str\(api\.test\)/)
    assert.match(d.fix.nginx ?? '', /proxy_ssl_server_name on/)
    assert.match(d.fix.verify ?? '', /openssl s_client .*-noservername/)
    // SNI is required but the reference request works: healthy, with the requirement listed.
    assert.equal(report.verdict, 'healthy')
    assert.match(report.recommended.haproxy ?? '', /sni str\(api\.test\)/)
    assertRecommendedVerifies(report)
  })
}

// ----- tls-required, host-header-required -----------------------------------------------------

test('tls-required: plain HTTP to the TLS port gets 400 and port 80 refuses', async (t) => {
  const {report} = await reportFor(t)
  const d = diagnosis(report, 'tls-required')
  assertShape(d)
  assert.ok(d.evidence.includes('http-to-tls-port'))
  assert.ok(d.evidence.includes('http-plain'))
  assert.match(d.fix.haproxy ?? '', /\bssl\b/)
  assert.match(d.fix.nginx ?? '', /proxy_pass https:\/\//)
  assert.equal(probe(report, 'http-to-tls-port').status, 400)
})

test('host-header-required: a wrong Host gets 403 while the right one gets 200', async (t) => {
  const {report} = await reportFor(t, {requireHost: true})
  const d = diagnosis(report, 'host-header-required')
  assertShape(d)
  assert.deepEqual([...d.evidence].sort(), ['tls-sni', 'tls-sni-wrong-host'])
  assert.match(d.fix.haproxy ?? '', /http-request set-header Host api\.test/)
  assert.match(d.fix.nginx ?? '', /proxy_set_header Host api\.test/)
  assert.match(report.recommended.haproxy ?? '', /http-request set-header Host api\.test/)
})

// ----- certificates ---------------------------------------------------------------------------

const CERT_DIAGNOSES = [
  {certificate: 'expired', id: 'certificate-expired'},
  {certificate: 'not-yet-valid', id: 'certificate-not-yet-valid'},
  {certificate: 'untrusted', id: 'certificate-untrusted'},
  {certificate: 'wrong-name', id: 'certificate-name-mismatch'},
] as const

for (const c of CERT_DIAGNOSES) {
  test(`${c.id} for a '${c.certificate}' certificate, and no other certificate diagnosis`, async (t) => {
    const {report} = await reportFor(t, {certificate: c.certificate})
    const d = diagnosis(report, c.id)
    assertShape(d)
    assert.equal(d.severity, 'error')
    assert.deepEqual(d.evidence, ['tls-sni'])
    assert.match(d.fix.verify ?? '', /openssl s_client .*-servername api\.test/)
    const others = CERT_DIAGNOSES.map((x) => x.id).filter((id) => id !== c.id)
    for (const other of others) assert.ok(!ids(report).includes(other), `${other} reported too: ${ids(report).join(', ')}`)
  })
}

// A verifying proxy (the recommended configuration says `verify required`) cannot use an endpoint
// whose certificate fails verification, so such a report must not be "healthy" (exit 0).
test('a certificate error is not a healthy verdict (the recommended verify-required config would fail)', async (t) => {
  const failures: string[] = []
  for (const c of CERT_DIAGNOSES) {
    const {report} = await reportFor(t, {certificate: c.certificate})
    if (report.verdict === 'healthy' || ids(report).includes('healthy')) failures.push(`${c.certificate}: verdict ${report.verdict}, diagnoses ${ids(report).join(', ')}`)
  }
  assert.deepEqual(failures, [])
})

test('certificate on a trusted, matching chain: no certificate diagnosis', async (t) => {
  const {report} = await reportFor(t)
  for (const c of CERT_DIAGNOSES) assert.ok(!ids(report).includes(c.id), ids(report).join(', '))
})

// ----- missing-authentication-token -----------------------------------------------------------

test('missing-authentication-token: 403 Missing Authentication Token without the stage; problems verdict', async (t) => {
  const {report} = await reportFor(t, {paths: ['/prod/health']})
  const d = diagnosis(report, 'missing-authentication-token')
  assertShape(d)
  assert.equal(d.severity, 'error')
  assert.deepEqual(d.evidence, ['tls-sni'])
  assert.equal(probe(report, 'tls-sni').status, 403)
  assert.ok(!ids(report).includes('healthy'))
  assert.ok(!ids(report).includes('forbidden'), 'a Missing Authentication Token is not a generic 403')
  assert.equal(report.verdict, 'problems')
})

test('the same edge with the stage in the path is healthy', async (t) => {
  const {report} = await reportFor(t, {paths: ['/prod/health']}, {path: '/prod/health'})
  assert.ok(!ids(report).includes('missing-authentication-token'), ids(report).join(', '))
  assert.ok(ids(report).includes('healthy'))
  assert.equal(report.verdict, 'healthy')
  assert.equal(report.target.path, '/prod/health')
})

// ----- unreachable, tls-timeout ---------------------------------------------------------------

test('unreachable: the TLS port refuses connections', async (t) => {
  const edge = await edgeFor(t) // its httpPort is a closed port
  const {secureContext} = await sharedPki()
  const report = await probeTarget(parseTarget(HOST), probeOptionsFor(edge, {port: edge.httpPort}), secureContext, TOOL)
  assert.equal(probe(report, 'tls-sni').outcome, 'tcp-refused')
  const d = diagnosis(report, 'unreachable')
  assertShape(d)
  assert.equal(d.severity, 'error')
  assert.match(d.summary, /refuses connections/)
  assert.ok(!ids(report).includes('healthy'))
  assert.ok(!ids(report).includes('sni-required'), 'no requirement is inferred from a port that refuses everything')
  assert.ok(!ids(report).includes('host-header-required'))
  assert.equal(report.verdict, 'unreachable')
})

test('unreachable: the name does not resolve (.invalid)', async () => {
  // A resolver that answers NXDOMAIN, as the system's does for .invalid: no query leaves loopback.
  const {secureContext} = await sharedPki()
  const options = probeOptionsFor({port: 443, httpPort: 80, host: '127.0.0.1'}, {resolve: [], lookup: nxdomain})
  const report = await probeTarget(parseTarget('no-such-host.apigw-doctor.invalid'), options, secureContext, TOOL)
  assert.equal(probe(report, 'tls-sni').outcome, 'dns-failed')
  diagnosis(report, 'unreachable')
  assert.equal(report.verdict, 'unreachable')
})

test('tls-timeout: TCP connects, the handshake never completes; unreachable verdict', async (t) => {
  const {report} = await reportFor(t, {mode: 'black-hole'}, {timeoutMs: 300})
  const d = diagnosis(report, 'tls-timeout')
  assertShape(d)
  assert.equal(d.severity, 'error')
  assert.ok(d.evidence.includes('tls-sni'))
  assert.ok(!ids(report).includes('healthy'))
  assert.ok(!ids(report).includes('sni-required'), 'a black hole is not an SNI requirement')
  assert.equal(report.verdict, 'unreachable')
})

// ----- healthy, without false requirements ----------------------------------------------------

test('healthy edge that needs neither SNI nor Host: no sni-required, no host-header-required', async (t) => {
  const {report} = await reportFor(t, {noSni: 'serve', requireHost: false, httpListener: 'serve'})
  assert.equal(report.verdict, 'healthy')
  const healthy = diagnosis(report, 'healthy')
  assert.equal(healthy.severity, 'info')
  for (const id of ['sni-required', 'host-header-required', 'sni-host-mismatch-rejected']) assert.ok(!ids(report).includes(id), `false requirement ${id}: ${ids(report).join(', ')}`)
  assert.equal(probe(report, 'http-plain').outcome, 'ok')
  // The test edge always answers plain HTTP on its TLS port with 400 (there is no option to serve
  // it), which by SPEC ("plain HTTP to the TLS port is refused (400) or port 80 does not serve")
  // is a TLS requirement for a server line on that port. Port 80, which serves, must not be blamed.
  const tlsRequired = report.diagnoses.find((d) => d.id === 'tls-required')
  if (tlsRequired) assert.doesNotMatch(tlsRequired.summary, new RegExp(`port ${report.target.httpPort} gives`))
  assert.doesNotMatch(healthy.summary, /SNI|Host header/)
  assertRecommendedVerifies(report)
})

test('verdicts: healthy / problems / unreachable over the same host', async (t) => {
  const healthy = (await reportFor(t)).report
  const problems = (await reportFor(t, {paths: ['/prod/x']})).report
  const unreachable = (await reportFor(t, {mode: 'reset-mid-handshake'})).report
  assert.equal(healthy.verdict, 'healthy')
  assert.equal(problems.verdict, 'problems')
  assert.equal(unreachable.verdict, 'unreachable')
  assert.ok(ids(unreachable).includes('unreachable'), ids(unreachable).join(', '))
  for (const report of [healthy, problems, unreachable]) {
    assert.equal(report.schemaVersion, 1)
    assert.equal(report.probes.length, 6)
    for (const d of report.diagnoses) assertShape(d)
  }
})

test('sni-rejected: the edge serves other names; SNI = target is refused while no SNI completes', async (t) => {
  const {report} = await reportFor(t, {hostnames: ['other.test'], noSni: 'serve', wrongSni: 'alert-112'})
  assert.equal(probe(report, 'tls-sni').outcome, 'tls-alert')
  assert.equal(probe(report, 'tls-no-sni').tls?.version !== undefined, true, 'the handshake without SNI completes')
  const d = diagnosis(report, 'sni-rejected')
  assertShape(d)
  assert.equal(d.severity, 'error')
  assert.ok(d.evidence.includes('tls-sni') && d.evidence.includes('tls-no-sni'))
  assert.ok(!ids(report).includes('sni-required'), 'not a missing-SNI problem')
  assert.notEqual(report.verdict, 'healthy')
})

for (const mode of ['garbage-response', 'close-after-headers-start', 'endless-headers'] as const) {
  test(`http-no-answer: the handshake works, the HTTP answer does not (${mode})`, async (t) => {
    const {report} = await reportFor(t, {mode}, {timeoutMs: 1500})
    assert.ok(probe(report, 'tls-sni').tls?.version, 'handshake completed')
    const d = diagnosis(report, 'http-no-answer')
    assertShape(d)
    assert.equal(d.severity, 'error')
    assert.ok(!ids(report).includes('unreachable'))
    assert.equal(report.verdict, 'problems')
  })
}
