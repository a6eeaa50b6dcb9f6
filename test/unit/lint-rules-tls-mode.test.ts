// Rules and fixes added after review: CA file, parse errors, HTTP checks without Host, TCP mode,
// Host pass-through and SNI mismatch, fixes that must not conflict or destroy, IP upstreams in nginx.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {haproxyServerLine} from '../../src/fixes/haproxy.js'
import type {FixContext} from '../../src/fixes/types.js'
import {detectKind} from '../../src/lint/detect.js'
import {lintText} from '../../src/lint/index.js'
import type {Finding, LintResult} from '../../src/lint/types.js'

const ctx = (host: string, extra: Partial<FixContext> = {}): FixContext => ({host, port: 443, address: null, path: '/', caFile: null, version: null, ...extra})

function haproxy(lines: string[], proxyVersion: string | null = null): LintResult {
  return lintText(lines.join('\n'), {file: 'x.cfg', kind: 'haproxy', proxyVersion})
}
function nginx(body: string): LintResult {
  return lintText(`events {}\nhttp {\n${body}\n}\n`, {file: 'x.conf', kind: 'nginx'})
}
const ids = (result: LintResult): string[] => result.findings.map((finding) => `${finding.line} ${finding.severity} ${finding.id}`)
function find(result: LintResult, id: string, line?: number): Finding {
  const finding = result.findings.find((candidate) => candidate.id === id && (line === undefined || candidate.line === line))
  assert.ok(finding, `no ${id}${line ? ` at line ${line}` : ''} in ${JSON.stringify(ids(result))}`)
  return finding
}
const none = (result: LintResult, id: string): void => assert.deepEqual(result.findings.filter((finding) => finding.id === id), [], id)

const HTTP = ['defaults', '    mode http']
const SNI_SERVER = 'ssl verify required ca-file @system-ca sni str(api.example.test)'

describe('1. ssl without ca-file (HAProxy refuses to start)', () => {
  test('ssl with the default verify required and no ca-file: error, the fix is the generator line with ca-file', () => {
    const result = haproxy([...HTTP, 'backend be', '    http-request set-header Host api.example.test', '    server s 127.0.0.1:443 ssl sni str(api.example.test)'])
    const finding = find(result, 'haproxy-ssl-without-ca-file', 5)
    assert.equal(finding.severity, 'error')
    assert.match(finding.message, /verify is enabled by default but no CA file specified/)
    assert.equal(finding.fix, haproxyServerLine(ctx('api.example.test', {address: '127.0.0.1'}), {name: 's'}))
    assert.equal(finding.fixAction, 'replace')
    const old = find(haproxy([...HTTP, 'backend be', '    server s 127.0.0.1:443 ssl sni str(api.example.test)'], '2.4'), 'haproxy-ssl-without-ca-file')
    assert.match(old.fix ?? '', /ca-file \/etc\/ssl\/certs\/ca-certificates\.crt/)
  })

  test('verify none (line, default-server, global) or a ca-file anywhere that applies: no finding', () => {
    const variants = [
      [...HTTP, 'backend be', '    server s 127.0.0.1:443 ssl verify none'],
      [...HTTP, '    default-server verify none', 'backend be', '    server s 127.0.0.1:443 ssl'],
      ['global', '    ssl-server-verify none', ...HTTP, 'backend be', '    server s 127.0.0.1:443 ssl'],
      [...HTTP, '    default-server ca-file /etc/ssl/certs/ca-certificates.crt', 'backend be', '    server s 127.0.0.1:443 ssl'],
      [...HTTP, 'backend be', '    server s 127.0.0.1:443 ssl verify required ca-file @system-ca'],
    ]
    for (const lines of variants) none(haproxy(lines), 'haproxy-ssl-without-ca-file')
  })

  test('a server without a known name still gets a fix that adds ca-file to its own line', () => {
    const finding = find(haproxy([...HTTP, 'backend be', '    server s 127.0.0.1:443 ssl check inter 2s']), 'haproxy-ssl-without-ca-file')
    assert.equal(finding.fix, 'server s 127.0.0.1:443 ssl check inter 2s ca-file @system-ca')
  })
})

describe('2. parse errors are reported', () => {
  test('nginx: unterminated quote, missing ";" (with the corrected line), extra and missing braces', () => {
    const quote = lintText('events {}\nhttp {\n  add_header X-A "oops;\n}\n', {file: 'x.conf', kind: 'nginx'})
    assert.deepEqual(ids(quote), ['3 error config-parse-error'])
    assert.match(quote.findings[0]?.message ?? '', /unterminated double-quoted string/)
    const semicolon = nginx('server {\n  location / {\n    proxy_pass http://127.0.0.1:9000\n    proxy_set_header Host x;\n  }\n}')
    const missing = find(semicolon, 'config-parse-error', 5)
    assert.match(missing.message, /"proxy_pass" directive is not terminated by ";"/)
    assert.equal(missing.fix, 'proxy_pass http://127.0.0.1:9000;')
    assert.equal(missing.fixAction, 'replace')
    assert.deepEqual(ids(lintText('events {}\nhttp {\n}\n}\n', {file: 'x.conf', kind: 'nginx'})), ['4 error config-parse-error'])
    assert.deepEqual(ids(lintText('events {}\nhttp {\n  server {\n    listen 80;\n', {file: 'x.conf', kind: 'nginx'})), ['3 error config-parse-error'])
  })

  test('nginx: nesting beyond the depth cap is an error; the findings are capped', () => {
    const deep = 'http {\n' + 'location / {\n'.repeat(250) + '}\n'.repeat(251)
    const result = lintText(deep, {file: 'x.conf', kind: 'nginx'})
    const parse = result.findings.filter((finding) => finding.id === 'config-parse-error')
    assert.ok(parse.length >= 1 && parse.length <= 10, String(parse.length))
    assert.match(parse[0]?.message ?? '', /nested more than 200 deep/)
    assert.equal(parse[0]?.severity, 'error')
  })

  test('HAProxy: an open quote, with the line and position HAProxy names', () => {
    const result = haproxy([...HTTP, 'backend be', '    http-request set-header X-A "abc', '    server s 127.0.0.1:80'])
    const finding = find(result, 'config-parse-error', 4)
    assert.equal(finding.severity, 'error')
    assert.match(finding.message, /unmatched quote at position 33/)
    assert.equal(finding.fix, null)
    assert.equal(finding.fixAction, null)
    none(haproxy([...HTTP, 'backend be', '    http-request set-header X-A "a b" # "comment', "    http-request set-header X-B 'it''s'"]), 'config-parse-error')
  })
})

describe('3. HTTP health checks without Host', () => {
  const server = '    server cf d111.cloudfront.net:443 ssl verify required ca-file @system-ca sni str(d111.cloudfront.net) check check-sni d111.cloudfront.net resolvers dns'
  const rewrite = '    http-request set-header Host d111.cloudfront.net'
  const tail = ['resolvers dns', '    nameserver a 127.0.0.53:53']

  test("option httpchk <method> <uri>: replaced by option httpchk + http-check send keeping the user's method and uri", () => {
    const finding = find(haproxy([...HTTP, 'backend be', '    option httpchk HEAD /ping', rewrite, server, ...tail]), 'haproxy-httpchk-without-host', 4)
    assert.equal(finding.severity, 'warning')
    assert.match(finding.message, /403 or 400.*DOWN/)
    assert.equal(finding.fix, 'option httpchk\nhttp-check send meth HEAD uri /ping ver HTTP/1.1 hdr Host d111.cloudfront.net')
    assert.equal(finding.fixAction, 'replace')
    assert.equal(find(haproxy([...HTTP, 'backend be', '    option httpchk', rewrite, server, ...tail]), 'haproxy-httpchk-without-host').fix, 'option httpchk\nhttp-check send meth GET uri / ver HTTP/1.1 hdr Host d111.cloudfront.net')
  })

  test('an http-check send without Host gets it; option httpchk in defaults: the send line is added to the backend', () => {
    const send = find(haproxy([...HTTP, '    option httpchk', 'backend be', '    http-check send meth GET uri /health', rewrite, server, ...tail]), 'haproxy-httpchk-without-host', 5)
    assert.equal(send.fix, 'http-check send meth GET uri /health ver HTTP/1.1 hdr Host d111.cloudfront.net')
    assert.equal(send.fixAction, 'replace')
    const inherited = find(haproxy([...HTTP, '    option httpchk GET /h', 'backend be', rewrite, server, ...tail]), 'haproxy-httpchk-without-host', 4)
    assert.equal(inherited.fix, 'http-check send meth GET uri /h ver HTTP/1.1 hdr Host d111.cloudfront.net')
    assert.equal(inherited.fixAction, 'insert')
  })

  test('HAProxy < 2.2: the old form with Host after the version', () => {
    const finding = find(haproxy([...HTTP, 'backend be', '    option httpchk GET /h', rewrite, server, ...tail], '2.0'), 'haproxy-httpchk-without-host')
    assert.equal(finding.fix, 'option httpchk GET /h HTTP/1.1\\r\\nHost:\\ d111.cloudfront.net')
  })

  test('Host already sent (new or old form), no check, a plain-HTTP local server, TCP mode: no finding', () => {
    const variants = [
      [...HTTP, 'backend be', '    option httpchk', '    http-check send meth GET uri / ver HTTP/1.1 hdr host d111.cloudfront.net', rewrite, server, ...tail],
      [...HTTP, 'backend be', '    option httpchk GET /h HTTP/1.1\\r\\nHost:\\ d111.cloudfront.net', rewrite, server, ...tail],
      [...HTTP, 'backend be', '    option httpchk', rewrite, server.replace(/ check check-sni \S+/, ''), ...tail],
      [...HTTP, 'backend be', '    option httpchk', '    server app 127.0.0.1:8080 check'],
      ['defaults', '    mode tcp', 'backend be', '    option httpchk', '    server cf d111.cloudfront.net:443 check resolvers dns', ...tail],
    ]
    for (const lines of variants) none(haproxy(lines), 'haproxy-httpchk-without-host')
  })
})

describe('4. mode: HAProxy runs a section without mode in TCP mode', () => {
  test('a TCP pass-through to CloudFront with no mode anywhere gets no missing-ssl (option httpchk is no HTTP signal)', () => {
    for (const extra of [[], ['    option httpchk']]) {
      const result = haproxy(['frontend fe', '    bind :443', '    default_backend be', 'backend be', ...extra, '    server cf d111.cloudfront.net:443 resolvers dns', 'resolvers dns', '    nameserver a 127.0.0.53:53'])
      assert.deepEqual(result.findings.filter((finding) => finding.severity !== 'info'), [], JSON.stringify(ids(result)))
    }
  })

  test("http-request rules in a backend with no mode: warning at the section line, add mode http", () => {
    const result = haproxy(['frontend fe', '    bind :80', '    default_backend be', 'backend be', '    http-request set-header Host api.example.test', `    server s 127.0.0.1:443 ${SNI_SERVER}`])
    const finding = find(result, 'haproxy-http-rules-in-tcp-mode', 4)
    assert.equal(finding.severity, 'warning')
    assert.equal(finding.fix, 'mode http')
    assert.equal(finding.fixAction, 'insert')
    assert.match(finding.message, /'http-request' rules ignored for backend 'be' as they require HTTP mode/)
    assert.match(finding.message, /Host rewrite is never done/)
  })

  test('an explicit mode tcp: the fix replaces that line; in the defaults: added to the section', () => {
    const own = find(haproxy(['backend be', '    mode tcp', '    http-request deny', '    server s 127.0.0.1:80']), 'haproxy-http-rules-in-tcp-mode', 2)
    assert.equal(own.fixAction, 'replace')
    const inherited = find(haproxy(['defaults', '    mode tcp', 'frontend fe', '    bind :80', '    http-response set-header X-A 1', '    default_backend be', 'backend be', '    server s 127.0.0.1:80']), 'haproxy-http-rules-in-tcp-mode', 3)
    assert.equal(inherited.fixAction, 'insert')
    assert.match(inherited.message, /mode tcp in its defaults \(line 2\)/)
    none(haproxy([...HTTP, 'backend be', '    http-request deny', '    server s 127.0.0.1:80']), 'haproxy-http-rules-in-tcp-mode')
  })

  test('a TCP frontend with HTTP rules: the backends it routes to are named, they need mode http too', () => {
    const finding = find(haproxy(['frontend fe', '    bind :80', '    http-request deny if { path /admin }', '    default_backend be', 'backend be', '    server s 127.0.0.1:80']), 'haproxy-http-rules-in-tcp-mode', 1)
    assert.match(finding.message, /backends it routes to \(be\) need mode http too/)
  })

  test('an HTTP frontend routing to a TCP backend: error (HAProxy refuses to start), add mode http to the backend', () => {
    const finding = find(haproxy(['frontend fe', '    mode http', '    bind :80', '    default_backend be', 'backend be', '    server s 127.0.0.1:80']), 'haproxy-backend-mode-mismatch', 5)
    assert.equal(finding.severity, 'error')
    assert.match(finding.message, /incompatible tcp backend 'be'/)
    assert.equal(finding.fix, 'mode http')
    assert.equal(finding.fixAction, 'insert')
    none(haproxy(['frontend fe', '    bind :80', '    default_backend be', 'backend be', '    mode http', '    server s 127.0.0.1:80']), 'haproxy-backend-mode-mismatch')
  })
})

describe('5. Host settings that only look like a rewrite', () => {
  const server = `    server cf d111.cloudfront.net:443 ssl verify required ca-file @system-ca sni str(d111.cloudfront.net) resolvers dns`
  const tail = ['resolvers dns', '    nameserver a 127.0.0.53:53']

  test('set-header Host %[req.hdr(host)] / %[hdr(host)] passes the client Host on: the finding points at it and replaces it', () => {
    for (const value of ['%[req.hdr(host)]', '%[hdr(Host)]', '%[req.hdr(host),lower]']) {
      const finding = find(haproxy([...HTTP, 'backend be', `    http-request set-header Host ${value}`, server, ...tail]), 'haproxy-missing-host-rewrite', 4)
      assert.equal(finding.fix, 'http-request set-header Host d111.cloudfront.net')
      assert.equal(finding.fixAction, 'replace')
    }
    // A dynamic value that is not the client's Host is still a rewrite.
    none(haproxy([...HTTP, 'backend be', '    http-request set-header Host %[var(txn.origin)]', server, ...tail]), 'haproxy-missing-host-rewrite')
  })

  test('a literal Host that differs from the sni name: warning, the fix sets Host to the SNI name (keeping the condition)', () => {
    const result = haproxy([...HTTP, 'backend be', '    http-request set-header Host www.example.com if { path_beg /x }', server, ...tail])
    const finding = find(result, 'haproxy-host-sni-mismatch', 4)
    assert.equal(finding.severity, 'warning')
    assert.match(finding.message, /SNI d111\.cloudfront\.net but Host is rewritten to www\.example\.com/)
    assert.equal(finding.fix, 'http-request set-header Host d111.cloudfront.net if { path_beg /x }')
    assert.equal(finding.fixAction, 'replace')
    none(haproxy([...HTTP, 'backend be', '    http-request set-header Host D111.cloudfront.net', server, ...tail]), 'haproxy-host-sni-mismatch')
    // Set in the frontend: the fix is added to the backend.
    const frontend = haproxy([...HTTP, 'frontend fe', '    bind :80', '    http-request set-header Host www.example.com', '    default_backend be', 'backend be', server, ...tail])
    assert.equal(find(frontend, 'haproxy-host-sni-mismatch', 8).fixAction, 'insert')
  })
})

describe('6. fixes that must not conflict or destroy', () => {
  test('nginx: http:// to API Gateway port 80: static resolution uses https and 443, the Host fix has no :80', () => {
    const result = nginx('server {\n location / {\n  proxy_pass http://abc.execute-api.us-east-1.amazonaws.com;\n  proxy_set_header Host $host;\n }\n}')
    const fix = find(result, 'nginx-static-resolution').fix ?? ''
    assert.match(fix, /^proxy_pass https:\/\/\$apigw_upstream;$/m)
    assert.equal(find(result, 'nginx-host-passthrough').fix, 'proxy_set_header Host abc.execute-api.us-east-1.amazonaws.com;')
    assert.match(find(result, 'nginx-http-to-tls-port').fix ?? '', /^proxy_pass https:/)
    const cloudfront = nginx('server {\n location / {\n  proxy_pass http://d111.cloudfront.net;\n  proxy_set_header Host $host;\n }\n}')
    assert.equal(find(cloudfront, 'nginx-host-passthrough').fix, 'proxy_set_header Host d111.cloudfront.net;')
    const upstream443 = nginx('upstream cf { server d111.cloudfront.net:443; }\nserver {\n location / {\n  proxy_pass http://cf;\n }\n}')
    assert.match(find(upstream443, 'nginx-static-resolution').fix ?? '', /^proxy_pass https:\/\/\$apigw_upstream;$/m)
  })

  test('nginx: the verify fix keeps proxy_ssl_trusted_certificate and points at the proxy_ssl_verify off line, once', () => {
    const result = nginx(
      'proxy_ssl_verify off;\nserver {\n location /a/ {\n  proxy_pass https://api.example.test;\n  proxy_ssl_server_name on;\n  proxy_ssl_trusted_certificate /etc/ssl/mine.pem;\n }\n location /b/ {\n  proxy_pass https://api.example.test;\n  proxy_ssl_server_name on;\n }\n}',
    )
    const verify = result.findings.filter((finding) => finding.id === 'nginx-ssl-verify-off')
    assert.deepEqual(verify.map((finding) => [finding.line, finding.fixAction]), [[3, 'replace']])
    assert.doesNotMatch(verify[0]?.fix ?? '', /proxy_ssl_trusted_certificate/)
    assert.match(verify[0]?.message ?? '', /keeps proxy_ssl_trusted_certificate \/etc\/ssl\/mine\.pem/)
    // No verify directive: added next to proxy_pass, with the CA only when none is in effect.
    const unset = find(nginx('proxy_ssl_trusted_certificate /etc/ssl/mine.pem;\nserver {\n location / {\n  proxy_pass https://api.example.test;\n  proxy_ssl_server_name on;\n }\n}'), 'nginx-ssl-verify-off', 6)
    assert.equal(unset.fix, 'proxy_ssl_verify on;\nproxy_ssl_verify_depth 4;')
    assert.equal(unset.fixAction, 'insert')
  })

  test('nginx: proxy_ssl_server_name off in the same block is replaced, not duplicated; proxy_ssl_name present is not repeated', () => {
    const result = nginx('server {\n location / {\n  proxy_ssl_server_name off;\n  proxy_ssl_name api.example.test;\n  proxy_pass https://api.example.test;\n  proxy_ssl_verify on;\n }\n}')
    const finding = find(result, 'nginx-missing-proxy-ssl-server-name', 5)
    assert.equal(finding.fix, 'proxy_ssl_server_name on;')
    assert.equal(finding.fixAction, 'replace')
  })

  test('HAProxy: a quoted ca-file is kept as written, not replaced by @system-ca', () => {
    const result = haproxy([...HTTP, 'backend be', '    http-request set-header Host api.example.test', '    server s 127.0.0.1:443 ssl verify none ca-file "/etc/ssl/my ca.pem"'])
    for (const id of ['haproxy-verify-none', 'haproxy-ssl-without-sni']) {
      assert.equal(find(result, id).fix, 'server s 127.0.0.1:443 ssl verify required ca-file "/etc/ssl/my ca.pem" sni str(api.example.test)', id)
    }
    const fromDefault = haproxy([...HTTP, '    default-server ca-file "/etc/ssl/my ca.pem" verify none', 'backend be', '    server s 127.0.0.1:443 ssl sni str(api.example.test)'])
    assert.equal(find(fromDefault, 'haproxy-verify-none', 3).fix, 'default-server verify required ca-file "/etc/ssl/my ca.pem"')
  })

  test('HAProxy: ssl to port 80 is TLS to a plain-HTTP port', () => {
    const cloud = find(haproxy([...HTTP, 'backend be', '    http-request set-header Host d111.cloudfront.net', `    server cf d111.cloudfront.net:80 ${SNI_SERVER.replace('api.example.test', 'd111.cloudfront.net')} resolvers dns`]), 'haproxy-ssl-to-plain-port', 5)
    assert.equal(cloud.severity, 'error')
    assert.match(cloud.fix ?? '', /^server cf d111\.cloudfront\.net:443 ssl /)
    const local = haproxy([...HTTP, 'backend be', '    default-server ssl verify none', '    server app 127.0.0.1:80'])
    const finding = find(local, 'haproxy-ssl-to-plain-port', 5)
    assert.equal(finding.severity, 'warning')
    assert.equal(finding.fix, 'server app 127.0.0.1:80 no-ssl')
    // The fix turns TLS off for it: no SNI or verification advice that contradicts it.
    assert.deepEqual(ids(local), ['5 warning haproxy-ssl-to-plain-port'])
  })
})

describe('7. how fixes apply', () => {
  test('every finding with a fix says replace or insert; none without', () => {
    const result = haproxy(['frontend fe', '    bind :80', '    acl a path_beg /a', '    use_backend be if b', 'backend be', '    server gw abc.execute-api.us-east-1.amazonaws.com:443'])
    for (const finding of result.findings) {
      assert.equal(finding.fixAction === null, finding.fix === null, finding.id)
      assert.doesNotMatch(finding.message, /:\s*$/, finding.id)
    }
    assert.equal(find(result, 'haproxy-missing-host-rewrite').fixAction, 'insert')
    assert.equal(find(result, 'haproxy-server-missing-ssl').fixAction, 'replace')
  })
})

describe('9. nginx details', () => {
  test('https to an IP literal without a name: a warning whose advice names proxy_ssl_name (no snippet that would not work)', () => {
    const result = nginx('server {\n location / {\n  proxy_pass https://10.0.0.5;\n  proxy_ssl_verify on;\n }\n}')
    const finding = find(result, 'nginx-missing-proxy-ssl-server-name')
    assert.equal(finding.severity, 'warning')
    assert.match(finding.message, /never sends as SNI.*proxy_ssl_name/)
    // The name cannot be guessed: the fix names the directive, commented out for the user to fill in.
    assert.match(finding.fix ?? '', /^proxy_ssl_server_name on;\n# proxy_ssl_name <host name the certificate is for>;/)
    assert.equal(finding.fixAction, 'insert')
    // proxy_ssl_server_name on alone does not help an IP either (and is not repeated).
    const on = find(nginx('server {\n location / {\n  proxy_pass https://10.0.0.5;\n  proxy_ssl_server_name on;\n  proxy_ssl_verify on;\n }\n}'), 'nginx-missing-proxy-ssl-server-name')
    assert.equal(on.severity, 'warning')
    assert.match(on.fix ?? '', /^# proxy_ssl_name </)
    // With the name known from Host: an error, and the fix names it.
    const named = find(nginx('server {\n location / {\n  proxy_pass https://10.0.0.5;\n  proxy_set_header Host api.example.test;\n  proxy_ssl_verify on;\n }\n}'), 'nginx-missing-proxy-ssl-server-name')
    assert.equal(named.severity, 'error')
    assert.equal(named.fix, 'proxy_ssl_server_name on;\nproxy_ssl_name api.example.test;')
  })

  test('one-line nginx configs are recognised', () => {
    assert.equal(detectKind('events {} http { server { listen 80; location / { proxy_pass https://d111.cloudfront.net; } } }'), 'nginx')
    assert.equal(detectKind('server { listen 80; location / { proxy_pass http://127.0.0.1:9; } }\n'), 'nginx')
    const result = lintText('events {} http { server { listen 80; location / { proxy_pass https://d111.cloudfront.net; } } }', {file: 'x.conf'})
    assert.equal(result.kind, 'nginx')
    assert.equal(find(result, 'nginx-missing-proxy-ssl-server-name').line, 1)
  })

  test('mime.types-style includes collapse into one info line; others keep their own', () => {
    const result = nginx('include /etc/nginx/modules-enabled/*.conf;\ninclude mime.types;\ninclude /etc/nginx/fastcgi_params;\ninclude /etc/nginx/conf.d/*.conf;\ninclude /etc/nginx/sites-enabled/*;')
    assert.deepEqual(ids(result), ['3 info config-include-not-followed', '6 info config-include-not-followed', '7 info config-include-not-followed'])
    assert.match(result.findings[0]?.message ?? '', /modules-enabled.*mime\.types.*fastcgi_params/)
  })
})
