import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {diagnose, exitCodeFor} from '../../src/diagnosis/diagnose.js'
import type {ProbeObservation} from '../../src/observations/types.js'
import {alert, classicEdge, goodTls, OBSERVED_AT, probe, target, type ProbeShape} from '../support/observations.js'

function via(shape: ProbeShape): ProbeObservation & {url: string} {
  return {...probe('http-plain', shape), id: 'via', url: 'http://127.0.0.1:8080/'}
}

const HAPROXY_503 = '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>'
const NGINX_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>'

function proxyDiagnosis(shape: ProbeShape, kind: 'haproxy' | 'nginx' = 'haproxy', probes = classicEdge()) {
  const result = diagnose({target: target(), probes, observedAt: OBSERVED_AT, via: via(shape)}, {proxyKind: kind, proxyVersion: null})
  return {first: result.diagnoses[0]!, exit: exitCodeFor(result)}
}

describe('--via: the proxy answer matched against the direct probes', () => {
  test('like the reference request: proxy-ok, exit 0', () => {
    const {first, exit} = proxyDiagnosis({outcome: 'ok', status: 200})
    assert.equal(first.id, 'proxy-ok')
    assert.equal(exit, 0)
  })

  test('400 like plain HTTP to the TLS port: proxy-missing-tls with the ssl fix', () => {
    const {first, exit} = proxyDiagnosis({outcome: 'http-error', status: 400})
    assert.equal(first.id, 'proxy-missing-tls')
    assert.deepEqual(first.evidence, ['via', 'http-to-tls-port', 'tls-sni'])
    assert.match(first.fix.haproxy!, /server gw .* ssl verify required/)
    assert.equal(exit, 1)
  })

  test("HAProxy's own 503 while the edge refuses a missing SNI: proxy-missing-sni", () => {
    const {first} = proxyDiagnosis({outcome: 'http-error', status: 503, body: HAPROXY_503})
    assert.equal(first.id, 'proxy-missing-sni')
    assert.match(first.summary, /SC--/)
    assert.match(first.fix.haproxy!, /sni str\(/)
  })

  test("nginx's own 502: proxy-missing-sni with proxy_ssl_server_name", () => {
    const {first} = proxyDiagnosis({outcome: 'http-error', status: 502, body: NGINX_502, headers: {server: 'nginx/1.22.1'}}, 'nginx')
    assert.equal(first.id, 'proxy-missing-sni')
    assert.match(first.fix.nginx!, /proxy_ssl_server_name on;/)
  })

  test('403 ForbiddenException like the wrong Host: proxy-missing-host-rewrite', () => {
    const {first} = proxyDiagnosis({outcome: 'http-error', status: 403, errorType: 'ForbiddenException'})
    assert.equal(first.id, 'proxy-missing-host-rewrite')
    assert.match(first.fix.haproxy!, /http-request set-header Host /)
    assert.match(first.fix.nginx!, /proxy_set_header Host /)
  })

  test('anything else: proxy-unexplained, exit 1', () => {
    const {first, exit} = proxyDiagnosis({outcome: 'http-error', status: 418})
    assert.equal(first.id, 'proxy-unexplained')
    assert.equal(exit, 1)
    assert.equal(proxyDiagnosis({outcome: 'tcp-refused'}).first.id, 'proxy-unexplained')
  })

  // DOMAIN.md: HAProxy logs SC--/503 both for a missing SNI and for a failed certificate
  // verification (sni str(api.test) with a ca-file that lacks the edge's CA). The log cannot tell
  // them apart, so neither can --via: the diagnosis must name both and its fix must carry both.
  const serverLines = (snippet: string) => snippet.split('\n').filter((line) => /^\s*server /.test(line))

  test("HAProxy's own 503, edge trusted by the system store: both causes named, SNI first, one server line fixing both", () => {
    const {first} = proxyDiagnosis({outcome: 'http-error', status: 503, body: HAPROXY_503})
    assert.equal(first.id, 'proxy-missing-sni')
    assert.match(first.summary, /SC--/)
    assert.match(first.summary, /no SNI/)
    assert.match(first.summary, /ca-file/)
    assert.match(first.summary, /cannot tell/)
    assert.ok(first.summary.search(/no SNI/) < first.summary.search(/ca-file/), first.summary)
    assert.doesNotMatch(first.summary, /: the proxy sends no SNI\./)
    assert.deepEqual(first.evidence, ['via', 'tls-no-sni', 'tls-sni'])
    assert.match(first.details.find((d) => d.probe === 'tls-sni')!.saw, /trusted/)
    assert.deepEqual(serverLines(first.fix.haproxy!), ['server gw abc123.execute-api.eu-west-1.amazonaws.com:443 ssl verify required ca-file @system-ca sni str(abc123.execute-api.eu-west-1.amazonaws.com)'])
  })

  test("nginx's own 502: the fix carries SNI and the trust store", () => {
    const {first} = proxyDiagnosis({outcome: 'http-error', status: 502, body: NGINX_502, headers: {server: 'nginx/1.22.1'}}, 'nginx')
    assert.equal(first.id, 'proxy-missing-sni')
    assert.match(first.summary, /SSL_do_handshake\(\) failed/)
    assert.match(first.fix.nginx!, /proxy_ssl_server_name on;\nproxy_ssl_name abc123\.execute-api\.eu-west-1\.amazonaws\.com;/)
    assert.match(first.fix.nginx!, /proxy_ssl_trusted_certificate \/etc\/ssl\/certs\/ca-certificates\.crt;/)
    for (const kind of ['envoy', 'apache', 'caddy', 'traefik'] as const) assert.ok(first.fix[kind], kind)
  })

  test('reference certificate untrusted by the system store: the certificate cause leads, the fix trusts the issuing CA and sends SNI', () => {
    const untrusted = classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls: goodTls({trusted: false, trustError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'})}})
    const {first} = proxyDiagnosis({outcome: 'http-error', status: 503, body: HAPROXY_503}, 'haproxy', untrusted)
    assert.equal(first.id, 'proxy-missing-sni')
    assert.match(first.summary, /UNABLE_TO_GET_ISSUER_CERT_LOCALLY/)
    assert.ok(first.summary.search(/not trusted/) < first.summary.search(/no SNI/), first.summary)
    const lines = serverLines(first.fix.haproxy!)
    assert.equal(lines.length, 1, first.fix.haproxy)
    assert.match(lines[0]!, /verify required ca-file \/path\/to\/issuing-ca\.pem sni str\(abc123\.execute-api\.eu-west-1\.amazonaws\.com\)/)
    const nginx = proxyDiagnosis({outcome: 'http-error', status: 502, body: NGINX_502, headers: {server: 'nginx/1.22.1'}}, 'nginx', untrusted).first
    assert.match(nginx.fix.nginx!, /proxy_ssl_trusted_certificate \/path\/to\/issuing-ca\.pem;[^]*proxy_ssl_server_name on;/)
  })

  test('a proxy answering exactly like the no-SNI probe is SNI alone (it got through TLS)', () => {
    const lenientNoSni = classicEdge({'tls-no-sni': {outcome: 'http-error', status: 421}})
    const {first} = proxyDiagnosis({outcome: 'http-error', status: 421}, 'haproxy', lenientNoSni)
    assert.equal(first.id, 'proxy-missing-sni')
    assert.doesNotMatch(first.summary, /ca-file/)
  })

  test('an edge that refuses SNI = target: the proxy 503 is not blamed on a missing SNI', () => {
    const probes = classicEdge({'tls-sni': alert(112, 'unrecognized_name'), 'tls-sni-wrong-host': alert(112, 'unrecognized_name'), 'tls-wrong-sni': alert(112, 'unrecognized_name'), 'tls-no-sni': {outcome: 'ok', status: 200}})
    const {first} = proxyDiagnosis({outcome: 'http-error', status: 503, body: HAPROXY_503}, 'haproxy', probes)
    assert.notEqual(first.id, 'proxy-missing-sni')
  })
})
