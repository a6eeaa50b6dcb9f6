// Property tests of `lint` and `explain`: configs and log lines are text from anywhere. Any of it
// is linted or explained (or refused with a usage error), never crashes, and a host name that
// could break a config line never reaches a generated fix.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import fc from 'fast-check'

import {UsageError} from '../../src/cli/errors.js'
import {explain, explainPaste} from '../../src/explain/index.js'
import {lintText} from '../../src/lint/index.js'
import {render, renderPaste} from '../../src/render/explanation.js'
import {hostileHost, hostileText, hostName, MARKER, MARKER_END, runs} from './arbitraries.js'

const plain = (_colour: string, text: string) => text

/** Control characters and bidi overrides that must never reach the terminal (newline and tab are layout). */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

/** A host for a config line: valid, hostile, or hostile between markers (to follow it into the fixes). */
const configHost = fc.oneof(hostName, hostileHost, hostileText(4).map((text) => `${MARKER}${text}${MARKER_END}`), fc.constantFrom('127.0.0.1', '[::1]', '${UPSTREAM}', 'abc.execute-api.eu-west-1.amazonaws.com', 'd111.cloudfront.net'))
const port = fc.constantFrom('', ':443', ':80', ':8443', ':0', ':99999', ':x')

const haproxyLine = fc.oneof(
  fc.constantFrom('global', 'defaults', '    mode http', '    mode tcp', 'frontend fe', '    bind :8080', '    default_backend be', 'backend be', '    option httpchk GET /health', '    http-request set-header Host api.test', '    acl is_api hdr(host) -i api.test', '    use_backend be if is_apii', '    default-server ssl verify none', '    ssl-default-server-options ssl-min-ver TLSv1.2', 'resolvers dns', '    nameserver ns 127.0.0.53:53', '# comment', '    server gw api.test:443 \\'),
  fc.tuple(configHost, port, fc.constantFrom('', ' ssl', ' ssl verify none', ' ssl verify required ca-file @system-ca sni str(api.test)', ' check', ' ssl sni req.hdr(host)')).map(([host, p, options]) => `    server gw ${host}${p}${options}`),
  fc.tuple(configHost).map(([host]) => `    http-request set-header Host ${host}`),
  hostileText(8),
)

const nginxLine = fc.oneof(
  fc.constantFrom('http {', 'server {', '    listen 8080;', 'location / {', '}', '    proxy_ssl_server_name on;', '    proxy_ssl_verify off;', '    proxy_set_header Host $host;', '    resolver 127.0.0.53 valid=30s;', '    include conf.d/*.conf;', 'upstream api {', '# comment', '    proxy_ssl_name api.test;', '"unterminated', "'"),
  fc.tuple(fc.constantFrom('http://', 'https://', ''), configHost, port, fc.constantFrom('', '/', '/prod/')).map(([scheme, host, p, path]) => `    proxy_pass ${scheme}${host}${p}${path};`),
  fc.tuple(configHost, port).map(([host, p]) => `    server ${host}${p};`),
  fc.tuple(configHost).map(([host]) => `    proxy_set_header Host ${host};`),
  hostileText(8),
)

/**
 * What lies between the markers in a fix: only what a host name or port may hold. Case-insensitive:
 * lint lower-cases host names on their way into a fix. Returns how many marked spans it checked, so
 * that a property can prove it looked at some (a marker that never comes through checks nothing).
 */
function assertSandwichSafe(text: string, where: string): number {
  let spans = 0
  for (const match of text.matchAll(new RegExp(`${MARKER}([\\s\\S]*?)${MARKER_END}`, 'gi'))) {
    spans++
    assert.match(match[1]!, /^[A-Za-z0-9._:-]*$/, `${where}: a hostile host reached a fix: ${JSON.stringify(match[0])}\n${text}`)
  }
  return spans
}

describe('fuzz: lint', () => {
  for (const [kind, line] of [
    ['haproxy', haproxyLine],
    ['nginx', nginxLine],
  ] as const) {
    test(`${kind}: any config is linted (findings in range) or refused; hostile hosts never reach a fix`, () => {
      let spans = 0
      fc.assert(
        fc.property(fc.array(line, {maxLength: 14}), fc.boolean(), (lines, detect) => {
          const text = lines.join('\n')
          let result
          try {
            result = lintText(text, {file: 'fuzz.cfg', ...(detect ? {} : {kind})})
          } catch (error) {
            assert.ok(error instanceof UsageError, `not a usage error: ${(error as Error)?.stack ?? String(error)}`)
            return
          }
          for (const finding of result.findings) {
            assert.ok(Number.isInteger(finding.line) && finding.line >= 1 && finding.line <= Math.max(1, result.lineCount), `line ${finding.line} of ${result.lineCount}`)
            // The continuation fix is the user's own lines joined back into one: a copy, not a generated line.
            if (finding.fix !== null && finding.id !== 'haproxy-line-continuation') spans += assertSandwichSafe(finding.fix, `${kind} ${finding.id}`)
          }
        }),
        runs(400),
      )
      assert.ok(spans > 0, 'no marked host came through to a fix: the property checked nothing')
    })
  }
})

const LOG_PIECES = [
  '127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_main be_api/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /prod/health HTTP/1.1"',
  '2026/11/26 05:10:01 [error] 1234#1234: *1 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "https://127.0.0.2:443/", host: "localhost:8080"',
  'curl: (35) OpenSSL/3.0.13: error:0A000458:SSL routines::tlsv1 unrecognized name',
  'SC--', '---- 400', 'sH--', '112', 'alert 40', 'curl 60', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ECONNRESET', 'tls-closed', 'sni-required', '503',
  'upstream: "https://', 'host: "', 'connect() to ', ' failed (111: Connection refused) while connecting to upstream',
]

/** Whole log lines with a marked, hostile host where the logs name one: the steps that quote it are checked. */
const markedHost = hostileText(3).map((t) => `${MARKER}${t}${MARKER_END}`)
const LOGS_NAMING_A_HOST = [
  (host: string) => `2026/11/26 05:10:01 [error] 1234#1234: *1 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "https://${host}:443/", host: "${host}"`,
  (host: string) => `2026/11/26 05:10:01 [error] 1234#1234: *1 upstream SSL certificate does not match "${host}" while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "https://127.0.0.2:443/", host: "localhost"`,
  (host: string) => `127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_main be_api/${host} 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /prod/health HTTP/1.1"`,
  (host: string) => `Server be_api/${host} is DOWN, reason: Layer6 invalid response, info: "SSL handshake failure", check duration: 3ms. 0 active and 0 backup servers left.`,
]

describe('fuzz: explain', () => {
  test('any text or pasted log: an explanation or "not recognised", never a crash; output and snippets stay clean', () => {
    const piece = fc.oneof({weight: 3, arbitrary: fc.constantFrom(...LOG_PIECES)}, {weight: 2, arbitrary: hostileText(6)}, {weight: 1, arbitrary: hostileHost}, {weight: 1, arbitrary: markedHost})
    const namingLine = fc.tuple(fc.constantFrom(...LOGS_NAMING_A_HOST), fc.oneof(markedHost, hostName.map((host) => `${MARKER}${host}${MARKER_END}`))).map(([line, host]) => line(host))
    const line = fc.oneof({weight: 3, arbitrary: fc.array(piece, {maxLength: 4}).map((parts) => parts.join(' '))}, {weight: 2, arbitrary: namingLine})
    const text = fc.array(line, {minLength: 1, maxLength: 6}).map((lines) => lines.join('\n'))
    let spans = 0
    fc.assert(
      fc.property(text, (input) => {
        const single = explain(input)
        const paste = explainPaste(input)
        const outputs = [single ? render(single, plain) : '', paste.explanations.length > 0 ? renderPaste(paste, plain) : '']
        for (const output of outputs) assert.ok(!TERMINAL_CONTROL.test(output), `a control character reached the output: ${JSON.stringify(output.match(TERMINAL_CONTROL))}`)
        for (const explanation of [...(single ? [single] : []), ...paste.explanations]) {
          for (const step of explanation.nextSteps) spans += assertSandwichSafe(step, `explain ${explanation.kind}`)
        }
      }),
      runs(400),
    )
    assert.ok(spans > 0, 'no marked host came through to a next step: the property checked nothing')
  })
})
