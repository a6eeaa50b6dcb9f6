import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {alertName, explain, explainLines, TLS_ALERTS} from '../../src/explain/index.js'
import {escapeControls, MAX_INPUT, safeHostFrom} from '../../src/explain/text.js'
import {DIAGNOSIS_IDS} from '../../src/diagnosis/types.js'

const HAPROXY_503 =
  'Nov 26 05:10:01 host haproxy[1234]: 127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_main be_api/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /prod/health HTTP/1.1"'
const NGINX_112 =
  '2026/11/26 05:10:01 [error] 1234#1234: *1 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "https://127.0.0.2:443/", host: "localhost:8080"'

/** Every string in an explanation, for checks that must hold everywhere. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)])
  return []
}

describe('explain() picks the right explainer', () => {
  const cases: [string, string][] = [
    ['SC--', 'haproxy-termination-state'],
    ['sH--', 'haproxy-termination-state'],
    ['CD--', 'haproxy-termination-state'],
    ['----', 'haproxy-termination-state'],
    ['PR--', 'haproxy-termination-state'],
    ['cD--', 'haproxy-termination-state'],
    ['LR--', 'haproxy-termination-state'],
    ['SC', 'haproxy-termination-state'],
    [HAPROXY_503, 'haproxy-log'],
    ['127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_tcp be/gw 0/-1/3002 0 SC 1/1/0/0/3 0/0', 'haproxy-log'],
    [NGINX_112, 'nginx-error'],
    ['112', 'tls-alert'],
    ['alert 40', 'tls-alert'],
    ['unrecognized_name', 'tls-alert'],
    ['handshake_failure', 'tls-alert'],
    ['curl: (35) OpenSSL/3.0.13: error:0A000458:SSL routines::tlsv1 unrecognized name', 'curl'],
    ['curl: (60) SSL certificate problem: certificate has expired', 'curl'],
    ['curl: (52) Empty reply from server', 'curl'],
    ['curl: (56) OpenSSL SSL_read: error:0A000126:SSL routines::unexpected eof while reading, errno 0', 'curl'],
    ['28', 'curl'],
    ['35', 'curl'],
    ['ERR_SSL_TLSV1_UNRECOGNIZED_NAME', 'error-code'],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'error-code'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'error-code'],
    ['ECONNRESET', 'error-code'],
    ['ECONNREFUSED', 'error-code'],
    ['ETIMEDOUT', 'error-code'],
    ['ENOTFOUND', 'error-code'],
    ['EAI_AGAIN', 'error-code'],
    ['CERT_HAS_EXPIRED', 'error-code'],
    ['CERT_NOT_YET_VALID', 'error-code'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'error-code'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'error-code'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'error-code'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'error-code'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'error-code'],
    ['wrong version number', 'error-code'],
    ['unexpected eof while reading', 'error-code'],
    ['tlsv1 unrecognized name', 'error-code'],
    ['tls-closed', 'outcome'],
    ['tls-malformed', 'outcome'],
    ['403', 'outcome'],
  ]
  for (const [input, kind] of cases) {
    test(`${input.slice(0, 60)} → ${kind}`, () => {
      const e = explain(input)
      assert.ok(e, input)
      assert.equal(e.kind, kind)
      assert.ok(e.summary.length > 0)
      assert.ok(!e.summary.includes('\n'))
      assert.ok(Array.isArray(e.meaning) && Array.isArray(e.likelyCauses) && Array.isArray(e.nextSteps))
    })
  }

  test('the TLS alert table is re-exported for the probe engine', () => {
    assert.equal(TLS_ALERTS[112], 'unrecognized_name')
    assert.equal(alertName(40), 'handshake_failure')
  })

  test('the JSON of an explanation is plain data', () => {
    const e = explain(HAPROXY_503)
    assert.deepEqual(JSON.parse(JSON.stringify(e)), e)
  })
})

describe('pasted text', () => {
  test('a shell prompt or backticks around the text', () => {
    assert.equal(explain('`SC--`')?.kind, 'haproxy-termination-state')
    assert.equal(explain('$ curl: (52) Empty reply from server')?.kind, 'curl')
  })

  test('several lines: the first recognised one, with its position', () => {
    const e = explain(`some noise\n\n${HAPROXY_503}\n${NGINX_112}\n`)
    assert.ok(e)
    assert.equal(e.kind, 'haproxy-log')
    assert.equal((e.fields as Record<string, unknown>).lineNumber, 2)
    assert.equal((e.fields as Record<string, unknown>).linesInInput, 3)
    assert.equal(e.input, HAPROXY_503)
  })

  test('curl -v output ending in the error line', () => {
    const e = explain('*   Trying 1.2.3.4:443...\n* Connected to 1.2.3.4 (1.2.3.4) port 443\ncurl: (35) OpenSSL/3.0.13: error:0A000410:SSL routines::sslv3 alert handshake failure')
    assert.equal(e?.kind, 'curl')
  })

  test('explainLines() explains each recognised line', () => {
    const all = explainLines(`${HAPROXY_503}\nnot a log line\n${NGINX_112}`)
    assert.deepEqual(
      all.map((e) => e.kind),
      ['haproxy-log', 'nginx-error'],
    )
  })

  test('unknown text is not recognised', () => {
    for (const text of ['', '   ', 'hello world', 'the quick brown fox', '99999', '{}', '[]', 'null', '<script>alert(1)</script>']) {
      assert.equal(explain(text), null, JSON.stringify(text))
    }
  })
})

describe('hostile input', () => {
  test('a 1 MB input is capped and answered quickly', () => {
    const big = 'A'.repeat(1024 * 1024)
    const started = performance.now()
    assert.equal(explain(big), null)
    const withLine = explain(HAPROXY_503 + ' ' + 'x'.repeat(1024 * 1024))
    assert.equal(withLine?.kind, 'haproxy-log')
    assert.ok((withLine?.input.length ?? 0) < 4096)
    assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`)
  })

  test('inputs built to make regexes backtrack finish fast', () => {
    const n = MAX_INPUT
    const nasty = [
      ' ['.repeat(n / 2),
      '1/'.repeat(n / 2),
      ':'.repeat(n),
      'a:'.repeat(n / 2),
      '"'.repeat(n),
      '{'.repeat(n),
      'curl: ('.repeat(n / 7),
      'error:'.repeat(n / 6),
      'alert '.repeat(n / 6),
      'Server a/b, '.repeat(n / 12),
      ', client: '.repeat(n / 10),
      '127.0.0.1:1 [26/Nov/2026:05:10:01.123] ' + 'fe be/s '.repeat(n / 8),
      '2026/11/26 05:10:01 [error] 1#1: *1 ' + 'SSL_do_handshake() failed '.repeat(n / 26),
      'http://' + 'a'.repeat(n),
      'remote error: tls: ' + 'a '.repeat(n / 2),
      '\n'.repeat(n),
      'SC-- '.repeat(n / 5),
    ]
    for (const text of nasty) {
      const started = performance.now()
      explain(text)
      const took = performance.now() - started
      assert.ok(took < 1500, `${JSON.stringify(text.slice(0, 20))}… took ${took.toFixed(0)} ms`)
    }
  })

  test('control characters are never echoed unescaped', () => {
    const inputs = [
      'SC--\u001b[31m',
      '\u001b]0;pwned\u0007curl: (52) Empty reply from server',
      HAPROXY_503.replace('GET /prod/health', 'GET /\u001b[2J\u009b31m'),
      NGINX_112.replace('localhost:8080', 'evil\u001b[1mhost\u202e'),
      'Health check for server be/s\u001b[0m failed, reason: Layer6 invalid response, info: "SSL\u0000"',
      '\u0007\u0008\u001b',
    ]
    for (const input of inputs) {
      const e = explain(input)
      for (const text of strings(e)) {
        assert.ok(!/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text), `${JSON.stringify(input)} → ${JSON.stringify(text)}`)
      }
    }
    assert.equal(escapeControls('a\u001bb\u202ec'), 'a\\x1bb\\u202ec')
  })

  test('a hostile host name never reaches a snippet', () => {
    const e = explain('curl: (6) Could not resolve host: evil;rm${IFS}-rf')
    assert.ok(e)
    assert.equal((e.fields as Record<string, unknown>).targetHost, undefined)
    for (const step of e.nextSteps) assert.ok(!step.includes('evil'), step)
    const nginx = explain(NGINX_112.replace('https://127.0.0.2:443/', 'https://a.example;proxy_pass$x/'))
    for (const step of nginx?.nextSteps ?? []) assert.ok(!step.includes(';proxy_pass'), step)
    assert.equal(safeHostFrom('api.example.com:443'), 'api.example.com')
    assert.equal(safeHostFrom('[::1]:8443'), '::1')
    assert.equal(safeHostFrom('a b'), null)
    assert.equal(safeHostFrom('x"}'), null)
  })

  test('non-string input does not throw', () => {
    assert.equal(explain(undefined as unknown as string), null)
    assert.equal(explain(42 as unknown as string), null)
  })
})

test('every diagnosis id of the catalogue is explained', () => {
  for (const id of DIAGNOSIS_IDS) assert.ok(explain(id), id)
})
