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

  test('connect() to <address> failed (nginx ≥ 1.25 wording), IPv6 and IPv4, with and without the line head', () => {
    const v6 = match(
      `2026/11/26 05:10:01 [error] 1234#1234: *1 connect() to [2001:db8::1]:443 failed (101: Network is unreachable) while connecting to upstream${ctx('https://[2001:db8::1]:443/')}`,
    )
    assert.ok(v6, 'recognised')
    const f6 = v6.fields as Record<string, any>
    assert.equal(f6.case, 'connect-unreachable')
    assert.equal(f6.date, '2026/11/26 05:10:01')
    assert.equal(f6.level, 'error')
    assert.equal(f6.connectAddress, '[2001:db8::1]:443')
    assert.equal(f6.upstreamAddress, '2001:db8::1')
    // an IPv6 address goes into --resolve in brackets, as the probe parses it
    assert.ok(v6.nextSteps.some((step) => step.includes('--resolve <host>:443:[2001:db8::1]')), v6.nextSteps.join('\n'))

    const v4 = match('connect() to 13.32.1.1:443 failed (111: Connection refused) while connecting to upstream')
    assert.ok(v4)
    assert.equal(v4.kind, 'nginx-error')
    const f4 = v4.fields as Record<string, any>
    assert.equal(f4.case, 'connect-refused')
    assert.equal(f4.outcome, 'tcp-refused')
    assert.equal(f4.upstreamAddress, '13.32.1.1')
    assert.ok(v4.nextSteps.some((step) => step.includes('--resolve <host>:443:13.32.1.1')))

    // the older wording still works, and another errno still gets the nginx reading
    assert.equal((match(line('connect() failed (111: Connection refused) while connecting to upstream'))?.fields as Record<string, any>).case, 'connect-refused')
    assert.equal((match(line('connect() to 10.0.0.1:443 failed (99: Cannot assign requested address) while connecting to upstream'))?.fields as Record<string, any>).case, 'connect-failed')
  })

  test('"upstream server temporarily disabled" is a consequence of the error before it, not a handshake failure', () => {
    for (const [phase, expect] of [
      ['while SSL handshaking to upstream', /TLS handshake/],
      ['while connecting to upstream', /while connecting/],
    ] as const) {
      const e = match(`2026/11/26 05:10:01 [warn] 1234#1234: *1 upstream server temporarily disabled ${phase}${ctx('https://127.0.0.2:443/')}`)
      assert.ok(e, phase)
      const f = e.fields as Record<string, any>
      assert.equal(f.case, 'upstream-disabled', phase)
      assert.equal(f.level, 'warn')
      assert.equal(f.outcome, undefined, 'no probe outcome: nothing failed on this line itself')
      assert.match(e.summary, /consequence/)
      assert.doesNotMatch(e.summary, /handshake/i)
      assert.ok(e.meaning.some((m) => expect.test(m)), e.meaning.join('\n'))
      assert.ok(e.meaning.some((m) => m.includes('fail_timeout')))
      assert.match(e.nextSteps[0] ?? '', /error logged just before/)
    }
  })

  test('SSL_read() failed (unexpected eof) while reading upstream: a mid-response close, not a handshake failure', () => {
    const e = match(line('SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading upstream'))
    assert.ok(e)
    const f = e.fields as Record<string, any>
    assert.equal(f.case, 'ssl-io-failed')
    assert.equal(f.outcome, 'http-closed')
    assert.match(e.summary, /after the handshake/)
    assert.ok(e.meaning.some((m) => m.includes('truncated')), e.meaning.join('\n'))
    assert.ok(!e.meaning.some((m) => m.includes('answers the client 502')), 'the response had started: no 502')
    assert.ok(!e.nextSteps.some((step) => step.includes('proxy_ssl_server_name')), e.nextSteps.join('\n'))
    assert.ok(e.nextSteps.some((step) => step.includes('keepalive_timeout')))
    const header = match(line('SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading response header from upstream'))
    assert.ok(header?.meaning.some((m) => m.includes('502')))
  })

  test('a syslog or journald prefix keeps the date, level and pid', () => {
    // captured: nginx 1.22 with `error_log syslog:server=127.0.0.1:15514 error;`
    const syslog = match(
      '<187>Nov 26 05:46:10 vm nginx: 2026/11/26 05:46:10 [error] 9896#9896: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET /a HTTP/1.1", upstream: "http://127.0.0.1:18499/a", host: "127.0.0.1:18490"',
    )
    assert.ok(syslog)
    const f = syslog.fields as Record<string, any>
    assert.equal(f.date, '2026/11/26 05:46:10')
    assert.equal(f.level, 'error')
    assert.equal(f.pid, 9896)
    assert.equal(f.connection, 1)
    assert.deepEqual(f.syslog, {prefix: '<187>Nov 26 05:46:10 vm nginx:', priority: 187, process: 'nginx'})
    assert.equal(f.upstream, 'http://127.0.0.1:18499/a')

    const journald = parseNginxLine(`Nov 26 05:10:01 host nginx[1234]: ${ALERT_112}`)
    assert.equal(journald?.date, '2026/11/26 05:10:01')
    assert.equal(journald?.level, 'error')
    assert.equal(journald?.syslog?.pid, 1234)
    assert.equal(journald?.syslog?.process, 'nginx')

    const emerg = match('Nov 26 05:10:01 host nginx[1]: nginx: [emerg] host not found in upstream "x.example" in /etc/nginx/nginx.conf:20')
    assert.equal((emerg?.fields as Record<string, any>).level, 'emerg')
  })

  test('"nginx answers the client 502" is said once', () => {
    const e = match(ALERT_112)
    assert.ok(e)
    assert.equal(e.meaning.filter((m) => /\b502\b/.test(m)).length, 1, e.meaning.join('\n'))
    assert.equal(new Set(e.meaning).size, e.meaning.length)
  })

  test('not nginx', () => {
    assert.equal(match('hello world'), null)
    assert.equal(match('2026/11/26 05:10:01 [notice] 1#1: start worker processes'), null)
  })
})
