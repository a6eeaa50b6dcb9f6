import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {match, parseNginxLine} from '../../src/explain/nginx-error.js'

const ctx = (upstream: string, host = 'localhost:8080'): string =>
  `, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "${upstream}", host: "${host}"`
const line = (message: string, upstream = 'https://127.0.0.2:443/'): string => `2026/11/26 05:10:01 [error] 1234#1234: *1 ${message}${ctx(upstream)}`

const ALERT_112 = line(
  'SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream',
)

describe('nginx error-log parsing', () => {
  test('date, level, pid, connection, message and context', () => {
    const parsed = parseNginxLine(ALERT_112)
    assert.ok(parsed)
    assert.equal(parsed.date, '2026/11/26 05:10:01')
    assert.equal(parsed.level, 'error')
    assert.equal(parsed.pid, 1234)
    assert.equal(parsed.tid, 1234)
    assert.equal(parsed.connection, 1)
    assert.match(parsed.message, /^SSL_do_handshake\(\) failed .* while SSL handshaking to upstream$/)
    assert.deepEqual(parsed.context, {client: '127.0.0.1', server: '_', request: 'GET / HTTP/1.1', upstream: 'https://127.0.0.2:443/', host: 'localhost:8080'})
  })

  test('a message with commas inside keeps them', () => {
    const parsed = parseNginxLine(line('upstream timed out (110: Connection timed out, really) while connecting to upstream'))
    assert.equal(parsed?.message, 'upstream timed out (110: Connection timed out, really) while connecting to upstream')
  })
})

describe('nginx upstream errors', () => {
  test('alert 112 while SSL handshaking: proxy_ssl_server_name', () => {
    const e = match(ALERT_112)
    assert.ok(e)
    assert.equal(e.kind, 'nginx-error')
    const f = e.fields as Record<string, any>
    assert.equal(f.date, '2026/11/26 05:10:01')
    assert.equal(f.level, 'error')
    assert.equal(f.pid, 1234)
    assert.equal(f.connection, 1)
    assert.equal(f.client, '127.0.0.1')
    assert.equal(f.server, '_')
    assert.equal(f.request, 'GET / HTTP/1.1')
    assert.equal(f.upstream, 'https://127.0.0.2:443/')
    assert.equal(f.host, 'localhost:8080')
    assert.deepEqual(f.alert, {number: 112, name: 'unrecognized_name'})
    assert.equal(f.outcome, 'tls-alert')
    assert.match(e.summary, /SNI/)
    assert.ok(e.nextSteps.some((step) => step.includes('proxy_ssl_server_name on; proxy_ssl_name <host>;')))
    assert.ok(e.nextSteps.some((step) => step.includes('apigw-doctor probe <host> --resolve <host>:443:127.0.0.2')))
  })

  test('alert 40 handshake failure, named upstream used in the fix', () => {
    const e = match(
      line(
        'SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream',
        'https://api.example.com:443/',
      ),
    )
    assert.ok(e)
    assert.deepEqual((e.fields as Record<string, any>).alert, {number: 40, name: 'handshake_failure'})
    assert.ok(e.nextSteps.includes('nginx: proxy_ssl_server_name on; proxy_ssl_name api.example.com;'))
    assert.ok(e.nextSteps.some((step) => step.includes('apigw-doctor probe api.example.com')))
  })

  test('OpenSSL 1.1 spelling of the same alert', () => {
    const e = match(line('SSL_do_handshake() failed (SSL: error:14094410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream'))
    assert.deepEqual((e?.fields as Record<string, any>).alert, {number: 40, name: 'handshake_failure'})
  })

  test('wrong version number: tls-malformed, SNI or a plain port', () => {
    const e = match(line('SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream'))
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).outcome, 'tls-malformed')
    assert.ok(e.nextSteps.some((step) => step.includes('proxy_ssl_server_name on')))
  })

  test('peer closed connection in SSL handshake (104): tls-closed', () => {
    const e = match(line('peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream'))
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).outcome, 'tls-closed')
    assert.ok(e.nextSteps.some((step) => step.includes('proxy_ssl_server_name on')))
  })

  test('certificate verify error (10: certificate has expired)', () => {
    const e = match(line('upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream'))
    assert.ok(e)
    assert.deepEqual((e.fields as Record<string, any>).verifyError, {number: 10, text: 'certificate has expired', node: 'CERT_HAS_EXPIRED'})
    assert.ok(e.likelyCauses.some((cause) => /SNI/.test(cause)))
    assert.ok(!e.nextSteps.some((step) => step.startsWith('HAProxy')))
  })

  test('certificate does not match: the name in the message is the host', () => {
    const e = match(line('upstream SSL certificate does not match "api.example.com" while SSL handshaking to upstream', 'https://1.2.3.4:443/'))
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).targetHost, 'api.example.com')
    assert.ok(e.nextSteps.includes('nginx: proxy_ssl_server_name on; proxy_ssl_name api.example.com;'))
  })

  test('prematurely closed, with http:// on port 443', () => {
    const e = match(line('upstream prematurely closed connection while reading response header from upstream', 'http://52.1.2.3:443/prod/x'))
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).outcome, 'http-closed')
    assert.ok(e.meaning[0]?.includes('plain HTTP to the TLS port'))
    assert.ok(e.nextSteps.some((step) => step.includes('proxy_pass https://')))
  })

  test('no live upstreams: look at the error before', () => {
    const e = match(line('no live upstreams while connecting to upstream', 'https://apigw/'))
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).targetHost, undefined)
    assert.ok(e.nextSteps.some((step) => step.includes('first error before')))
  })

  test('connect() refused, timed out, unreachable', () => {
    assert.equal((match(line('connect() failed (111: Connection refused) while connecting to upstream'))?.fields as Record<string, any>).outcome, 'tcp-refused')
    const timeout = match(line('upstream timed out (110: Connection timed out) while connecting to upstream'))
    assert.equal((timeout?.fields as Record<string, any>).outcome, 'tcp-timeout')
    assert.ok(timeout?.meaning.some((m) => m.includes('504')))
    assert.equal((match(line('connect() failed (113: No route to host) while connecting to upstream'))?.fields as Record<string, any>).case, 'connect-unreachable')
  })

  test('timeouts while handshaking and while reading', () => {
    assert.equal((match(line('upstream timed out (110: Connection timed out) while SSL handshaking to upstream'))?.fields as Record<string, any>).outcome, 'tls-timeout')
    assert.equal((match(line('upstream timed out (110: Connection timed out) while reading response header from upstream'))?.fields as Record<string, any>).outcome, 'http-timeout')
  })

  test('too big header', () => {
    const e = match(line('upstream sent too big header while reading response header from upstream'))
    assert.ok(e?.nextSteps.some((step) => step.includes('proxy_buffer_size')))
  })

  test('no valid HTTP/1.0 header: plain HTTP to TLS', () => {
    const e = match(line('upstream sent no valid HTTP/1.0 header while reading response header from upstream', 'http://10.0.0.1:443/'))
    assert.equal((e?.fields as Record<string, any>).outcome, 'http-malformed')
  })

  test('host not found in upstream, as logged and as printed by nginx -t', () => {
    const logged = match('2026/11/26 05:10:01 [emerg] 1234#1234: host not found in upstream "abc123.execute-api.eu-west-1.amazonaws.com:443" in /etc/nginx/conf.d/api.conf:12')
    assert.ok(logged)
    assert.equal((logged.fields as Record<string, any>).targetHost, 'abc123.execute-api.eu-west-1.amazonaws.com')
    assert.ok(logged.meaning.some((m) => m.includes('refuses to start')))
    const printed = match('nginx: [emerg] host not found in upstream "x.example" in /etc/nginx/nginx.conf:20')
    assert.equal((printed?.fields as Record<string, any>).level, 'emerg')
    assert.ok(match(line('api.example.com could not be resolved (3: Host not found)')))
  })

  test('just the message, without the line head', () => {
    const e = match('SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream')
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).date, undefined)
  })

  test('not nginx', () => {
    assert.equal(match('hello world'), null)
    assert.equal(match('2026/11/26 05:10:01 [notice] 1#1: start worker processes'), null)
  })
})
