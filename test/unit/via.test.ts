import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {diagnose, exitCodeFor} from '../../src/diagnosis/diagnose.js'
import type {ProbeObservation} from '../../src/observations/types.js'
import {classicEdge, OBSERVED_AT, probe, target, type ProbeShape} from '../support/observations.js'

function via(shape: ProbeShape): ProbeObservation & {url: string} {
  return {...probe('http-plain', shape), id: 'via', url: 'http://127.0.0.1:8080/'}
}

const HAPROXY_503 = '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>'
const NGINX_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>'

function proxyDiagnosis(shape: ProbeShape, kind: 'haproxy' | 'nginx' = 'haproxy') {
  const result = diagnose({target: target(), probes: classicEdge(), observedAt: OBSERVED_AT, via: via(shape)}, {proxyKind: kind, proxyVersion: null})
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
})
