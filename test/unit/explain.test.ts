import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {textAfterFlags} from '../../src/explain/arguments.js'
import {render, wrap} from '../../src/render/explanation.js'
import {painter} from '../../src/cli/colour.js'
import {alertName, explain, explainPaste, MAX_PROBLEMS, problemLevel, TLS_ALERTS} from '../../src/explain/index.js'
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

  test('double quotes (and typographic ones) around a word are removed; quotes inside a line are left alone', () => {
    assert.equal(explain('"SC--"')?.kind, 'haproxy-termination-state')
    assert.equal(explain('\u201cSC--\u201d')?.kind, 'haproxy-termination-state')
    assert.equal(explain('"curl: (52) Empty reply from server"')?.kind, 'curl')
    assert.equal(explain(`"${HAPROXY_503.slice(HAPROXY_503.indexOf('127.0.0.1:'))}`)?.kind, 'haproxy-log')
  })

  test('several lines: the most telling one, not the first 200', () => {
    const ok = HAPROXY_503.replace('0/0/-1/-1/3015 503', '0/0/5/20/30 200').replace('SC--', '----').replace('1/1/0/0/3', '1/1/1/1/0')
    const e = explain(`${ok}\n${ok}\n${HAPROXY_503}\n${ok}`)
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).status, 503)
    assert.equal((e.fields as Record<string, any>).lineNumber, 3)
    assert.equal((e.fields as Record<string, any>).linesInInput, 4)
    // nothing failed: the first recognised line
    assert.equal((explain(`${ok}\n${ok}`)?.fields as Record<string, any>).lineNumber, 1)
    // a single line is explained as before, without line fields
    assert.equal((explain(HAPROXY_503)?.fields as Record<string, any>).lineNumber, undefined)
  })

  test('curl -v output ending in the error line', () => {
    const e = explain('*   Trying 1.2.3.4:443...\n* Connected to 1.2.3.4 (1.2.3.4) port 443\ncurl: (35) OpenSSL/3.0.13: error:0A000410:SSL routines::sslv3 alert handshake failure')
    assert.equal(e?.kind, 'curl')
  })


  test('explainPaste(): each distinct problem once, in order, with its first line and count', () => {
    const ok = HAPROXY_503.replace('0/0/-1/-1/3015 503', '0/0/5/20/30 200').replace('SC--', '----').replace('1/1/0/0/3', '1/1/1/1/0')
    const forbidden = ok.replace(' 200 ', ' 403 ')
    const report = explainPaste([ok, HAPROXY_503, ok, 'noise', HAPROXY_503.replace('50412', '50413'), forbidden, ok].join('\n'))
    assert.equal(report.lines, 7)
    assert.equal(report.recognised, 6)
    assert.equal(report.problems, 2)
    assert.deepEqual(
      report.explanations.map((e) => [(e.fields as Record<string, any>).status, (e.fields as Record<string, any>).lineNumber, (e.fields as Record<string, any>).occurrences]),
      [
        [503, 2, 2],
        [403, 6, 1],
      ],
    )
    // nothing failed: the first recognised line alone
    const calm = explainPaste(`${ok}\n${ok}`)
    assert.equal(calm.problems, 0)
    assert.equal(calm.explanations.length, 1)
    assert.equal(problemLevel(calm.explanations[0]!), 0)
    // nothing recognised
    assert.deepEqual(explainPaste('hello\nworld').explanations, [])
    // a stack trace: the code is found in the whole text
    assert.equal(explainPaste('Error: boom\n    at TLSSocket.onConnectEnd (node:_tls_wrap:1727:19) ERR_SSL_WRONG_VERSION_NUMBER').explanations[0]?.kind, 'error-code')
  })

  test('explainPaste(): nginx lines captured from nginx 1.22 (two servers refused, each then disabled)', () => {
    const tail = ', client: 127.0.0.1, server: , request: "GET /b HTTP/1.1", upstream: "https://[::1]:18499/b", host: "127.0.0.1:18490"'
    const paste = [
      `2026/11/26 05:46:16 [error] 10092#10092: *1 connect() failed (111: Connection refused) while connecting to upstream${tail}`,
      `2026/11/26 05:46:16 [warn] 10092#10092: *1 upstream server temporarily disabled while connecting to upstream${tail}`,
      `2026/11/26 05:46:16 [error] 10092#10092: *1 connect() failed (111: Connection refused) while connecting to upstream${tail.replace('[::1]', '127.0.0.1')}`,
      `2026/11/26 05:46:16 [warn] 10092#10092: *1 upstream server temporarily disabled while connecting to upstream${tail.replace('[::1]', '127.0.0.1')}`,
    ].join('\n')
    const report = explainPaste(paste)
    assert.deepEqual(
      report.explanations.map((e) => [(e.fields as Record<string, any>).case, (e.fields as Record<string, any>).occurrences]),
      [
        ['connect-refused', 2],
        ['upstream-disabled', 2],
      ],
    )
    // the single pick is the error, not the warning that follows it
    assert.equal((explain(paste.split('\n').reverse().join('\n'))?.fields as Record<string, any>).case, 'connect-refused')
  })

  test(`explainPaste(): at most ${MAX_PROBLEMS} problems, the count says how many there were`, () => {
    const lines = Array.from({length: 14}, (_, i) => HAPROXY_503.replace('be_api/gw', `be_api/gw${i}`))
    const report = explainPaste(lines.join('\n'))
    assert.equal(report.problems, 14)
    assert.equal(report.explanations.length, MAX_PROBLEMS)
    assert.equal((report.explanations[9]?.fields as Record<string, any>).server, 'gw9')
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

  test('a 64 KiB log excerpt of many lines is answered quickly', () => {
    const many = Array.from({length: 2000}, (_, i) => (i % 3 === 0 ? HAPROXY_503 : i % 3 === 1 ? NGINX_112 : 'Server a/b, '.repeat(8))).join('\n')
    const started = performance.now()
    const report = explainPaste(many)
    explain(many)
    assert.ok(report.explanations.length >= 1)
    assert.ok(performance.now() - started < 3000, `took ${performance.now() - started} ms`)
  })

  test('non-string input does not throw', () => {
    assert.equal(explain(undefined as unknown as string), null)
    assert.equal(explain(42 as unknown as string), null)
  })
})

test('every diagnosis id of the catalogue is explained', () => {
  for (const id of DIAGNOSIS_IDS) assert.ok(explain(id), id)
})

describe('human output and arguments (src/render/explanation.ts, src/explain/arguments.ts)', () => {
  test('wrapped bullet lines are indented under their text; code spans stay whole', () => {
    const lines = wrap('HAProxy: add `sni str(api.example.com)` to the server line so that the edge sees the name it serves', 40, '  - ', '    ')
    assert.ok(lines.length > 1)
    assert.ok(lines[0]!.startsWith('  - '))
    for (const line of lines.slice(1)) assert.match(line, /^ {4}\S/)
    for (const line of lines) assert.ok(line.length <= 40, line)
    assert.ok(lines.some((line) => line.includes('`sni str(api.example.com)`')), lines.join('\n'))
    const out = render(explain(HAPROXY_503)!, painter(false), 60)
    for (const line of out.split('\n')) {
      assert.ok(line.length <= 60 || !line.includes(' ', 6), line)
      assert.ok(!/^\S/.test(line) || /^(?:\[|What it means|Likely causes|Next steps)/.test(line), `an unindented continuation: ${line}`)
    }
    // no width: one line per item, as before
    assert.ok(render(explain(HAPROXY_503)!, painter(false)).split('\n').some((line) => line.length > 200))
  })

  test('unknown --flags are refused; dashes-only words and text after -- are text', () => {
    assert.throws(() => textAfterFlags(['--bogus', 'SC--']), /unknown flag --bogus/)
    assert.throws(() => textAfterFlags(['SC--', '--jsn']), /unknown flag --jsn/)
    assert.deepEqual(textAfterFlags(['----', '400']), ['--', '----', '400'])
    assert.deepEqual(textAfterFlags(['--json', '----']), ['--json', '--', '----'])
    assert.deepEqual(textAfterFlags(['--', '--bogus']), ['--', '--bogus'])
    assert.deepEqual(textAfterFlags(['0/0/-1/-1/3015', '-']), ['--', '0/0/-1/-1/3015', '-'])
  })
})
