// The lint rules against the fixtures in test/fixtures/lint (expected.json: file -> findings) and
// against hand-written cases: inheritance, versions, kept options, hostile names.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'

import {UsageError} from '../../src/cli/errors.js'
import {haproxyHostRewrite, haproxyServerLine} from '../../src/fixes/haproxy.js'
import {nginxHostLine, nginxSniLines, nginxVerifyLines} from '../../src/fixes/nginx.js'
import type {FixContext} from '../../src/fixes/types.js'
import {detectKind} from '../../src/lint/detect.js'
import {lintText} from '../../src/lint/index.js'
import type {Finding, LintResult} from '../../src/lint/types.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'lint')

interface Expectation {
  fixed: string
  proxyVersion?: string
  ids: string[]
  findings: string[]
}
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, Expectation>

function lintFixture(name: string, proxyVersion: string | null = null): LintResult {
  return lintText(readFileSync(join(fixtures, name), 'utf8'), {file: name, proxyVersion})
}

function find(result: LintResult, id: string, line?: number): Finding {
  const finding = result.findings.find((candidate) => candidate.id === id && (line === undefined || candidate.line === line))
  assert.ok(finding, `no ${id}${line ? ` at line ${line}` : ''} in ${JSON.stringify(result.findings.map((f) => `${f.line} ${f.id}`))}`)
  return finding
}

const ctx = (host: string, extra: Partial<FixContext> = {}): FixContext => ({host, port: 443, address: null, path: '/', caFile: null, version: null, ...extra})

describe('fixtures (expected.json)', () => {
  const names = Object.keys(expected)
  test('at least 15 fixtures of both kinds, each with a fixed version', () => {
    assert.ok(names.length >= 15)
    assert.ok(names.some((name) => name.endsWith('.cfg')) && names.some((name) => name.endsWith('.conf')))
    for (const name of names) readFileSync(join(fixtures, expected[name]!.fixed), 'utf8')
  })

  for (const name of names) {
    const expectation = expected[name]!
    test(`${name}: ${expectation.ids.join(', ')}`, () => {
      const result = lintFixture(name, expectation.proxyVersion ?? null)
      assert.deepEqual(
        result.findings.map((finding) => `${finding.line} ${finding.severity} ${finding.id}`),
        expectation.findings,
      )
      assert.deepEqual([...new Set(result.findings.map((finding) => finding.id))].sort(), expectation.ids)
    })
    test(`${expectation.fixed} lints clean of errors and warnings`, () => {
      const result = lintFixture(expectation.fixed, expectation.proxyVersion ?? null)
      const problems = result.findings.filter((finding) => finding.severity !== 'info')
      assert.deepEqual(problems, [])
    })
  }
})

describe('the classic config from the field', () => {
  const result = lintFixture('classic-haproxy.cfg')
  const host = 'abc123.execute-api.us-east-1.amazonaws.com'

  test('points at the ACL typo and suggests api_gateway', () => {
    const finding = find(result, 'haproxy-undefined-acl', 4)
    assert.equal(finding.severity, 'error')
    assert.match(finding.message, /no such ACL : 'api-gateway'/)
    assert.match(finding.message, /did you mean 'api_gateway'/)
    assert.equal(finding.fix, 'use_backend api-gateway-backend if api_gateway')
  })

  test('points at the server line: no ssl, no sni, no Host rewrite; fixes come from the generators', () => {
    const serverLine = haproxyServerLine(ctx(host), {name: 'gw', check: false})
    assert.equal(find(result, 'haproxy-server-missing-ssl', 6).fix, serverLine)
    assert.match(find(result, 'haproxy-server-missing-ssl', 6).message, /400/)
    assert.equal(find(result, 'haproxy-ssl-without-sni', 6).fix, serverLine)
    assert.match(find(result, 'haproxy-ssl-without-sni', 6).message, /SC--.*503/)
    // No mode anywhere: HAProxy runs the backend in TCP mode and would ignore the rewrite, so the fix turns HTTP mode on.
    const rewrite = find(result, 'haproxy-missing-host-rewrite', 6)
    assert.equal(rewrite.fix, `mode http\n${haproxyHostRewrite(ctx(host))}`)
    assert.equal(rewrite.fixAction, 'insert')
    assert.match(rewrite.message, /403/)
    assert.match(rewrite.message, /TCP mode/)
    assert.doesNotMatch(rewrite.message, /:$/)
    assert.equal(find(result, 'haproxy-server-missing-ssl', 6).fixAction, 'replace')
  })

  test('applying the fixes gives a config without errors, in HTTP mode', () => {
    const lines = readFileSync(join(fixtures, 'classic-haproxy.cfg'), 'utf8').split('\n')
    lines[3] = '    ' + find(result, 'haproxy-undefined-acl', 4).fix
    lines[5] = `    ${find(result, 'haproxy-server-missing-ssl', 6).fix}\n    ${(find(result, 'haproxy-missing-host-rewrite', 6).fix ?? '').split('\n').join('\n    ')}`
    const fixed = lintText(lines.join('\n'), {file: 'x.cfg'})
    assert.deepEqual(fixed.findings.filter((finding) => finding.severity === 'error'), [])
    assert.deepEqual(fixed.findings.filter((finding) => finding.id === 'haproxy-http-rules-in-tcp-mode'), [])
  })

  test('the Host rewrite alone, without mode http, is reported as ignored (TCP mode)', () => {
    const lines = readFileSync(join(fixtures, 'classic-haproxy.cfg'), 'utf8').split('\n')
    lines[3] = '    ' + find(result, 'haproxy-undefined-acl', 4).fix
    lines[5] = `    ${haproxyHostRewrite(ctx(host))}\n    ${find(result, 'haproxy-server-missing-ssl', 6).fix}`
    const fixed = lintText(lines.join('\n'), {file: 'x.cfg'})
    const tcp = find(fixed, 'haproxy-http-rules-in-tcp-mode', 5)
    assert.equal(tcp.severity, 'warning')
    assert.equal(tcp.fix, 'mode http')
    assert.equal(tcp.fixAction, 'insert')
    assert.match(tcp.message, /'http-request' rules ignored for backend 'api-gateway-backend' as they require HTTP mode/)
  })

  test('--proxy-version 2.4 gets a CA bundle path instead of @system-ca', () => {
    const old = lintFixture('classic-haproxy.cfg', '2.4')
    assert.match(find(old, 'haproxy-server-missing-ssl').fix ?? '', /ca-file \/etc\/ssl\/certs\/ca-certificates\.crt/)
  })
})

describe('HAProxy rules', () => {
  const base = ['defaults', '    mode http', 'backend be']

  test('sni-auto: warning only with --proxy-version >= 3.3 and a Host rewrite', () => {
    assert.equal(find(lintFixture('haproxy-sni-auto-33.cfg'), 'haproxy-ssl-without-sni').severity, 'error')
    assert.equal(find(lintFixture('haproxy-sni-auto-33.cfg', '3.2'), 'haproxy-ssl-without-sni').severity, 'error')
    const v33 = find(lintFixture('haproxy-sni-auto-33.cfg', '3.3'), 'haproxy-ssl-without-sni')
    assert.equal(v33.severity, 'warning')
    assert.match(v33.message, /3\.3/)
    const noAuto = lintText([...base, '    http-request set-header Host api.example.test', '    server s api.example.test:443 ssl verify required ca-file @system-ca no-sni-auto'].join('\n'), {file: 'x.cfg', proxyVersion: '3.3'})
    assert.equal(find(noAuto, 'haproxy-ssl-without-sni').severity, 'error')
  })

  test('a corrected server line keeps the other options', () => {
    const result = lintText([...base, '    server web1 web.example.test:443 check inter 2s weight 10 maxconn 100 ssl verify none backup'].join('\n'), {file: 'x.cfg'})
    const fix = find(result, 'haproxy-ssl-without-sni').fix ?? ''
    assert.ok(fix.startsWith(haproxyServerLine(ctx('web.example.test'), {name: 'web1', check: true})), fix)
    assert.match(fix, / inter 2s weight 10 maxconn 100 backup$/)
    assert.doesNotMatch(fix, /verify none/)
    assert.equal(find(result, 'haproxy-check-without-sni').fix, fix)
  })

  test('an IP-literal server takes its SNI name from the Host rewrite (the address stays)', () => {
    const fix = find(lintFixture('haproxy-ip-literal-no-ssl.cfg'), 'haproxy-server-missing-ssl').fix
    assert.equal(fix, haproxyServerLine(ctx('partner-api.example.test', {address: '127.0.0.1'}), {name: 'partner', check: true}))
  })

  test('templated and hostile hosts get findings without a snippet', () => {
    const result = lintText(
      [...base, '    server a ${API_ID}.execute-api.us-east-1.amazonaws.com:443', '    server b "x;y".execute-api.us-east-1.amazonaws.com:443 ssl', "    server c 'x }{ y'.cloudfront.net:443 ssl sni str(a)"].join('\n'),
      {file: 'x.cfg'},
    )
    assert.ok(result.findings.length >= 3)
    for (const finding of result.findings) {
      if (finding.id === 'haproxy-undefined-acl') continue
      assert.equal(finding.fix, null, `${finding.id} at ${finding.line}: ${finding.fix}`)
    }
    assert.ok(result.findings.some((finding) => finding.id === 'haproxy-server-missing-ssl' && finding.line === 4))
  })

  test('TCP passthrough is not asked for ssl, sni or a Host rewrite', () => {
    const result = lintText(['defaults', '    mode tcp', 'backend be', '    server cf d111.cloudfront.net:443 resolvers dns'].join('\n'), {file: 'x.cfg'})
    assert.deepEqual(result.findings, [])
  })

  test('mode is read from the frontends that route to a backend when nothing says it', () => {
    const http = lintText(['frontend fe', '    bind :80', '    http-request set-header X-A 1', '    default_backend be', 'backend be', '    server s 127.0.0.1:443'].join('\n'), {file: 'x.cfg'})
    assert.ok(http.findings.some((finding) => finding.id === 'haproxy-server-missing-ssl'))
    const tcp = lintText(['frontend fe', '    mode tcp', '    bind :443', '    default_backend be', 'backend be', '    server s 127.0.0.1:443'].join('\n'), {file: 'x.cfg'})
    assert.deepEqual(tcp.findings, [])
  })

  test('Host rewrites are found in the backend, the defaults before it, or every routing frontend', () => {
    const server = '    server s d111.cloudfront.net:443 ssl verify required ca-file @system-ca sni str(d111.cloudfront.net) resolvers dns'
    const variants = [
      ['defaults', '    mode http', 'backend be', '    http-request set-header host d111.cloudfront.net', server],
      ['defaults', '    mode http', 'backend be', '    http-request replace-header Host .* d111.cloudfront.net', server],
      ['defaults', '    mode http', 'backend be', '    http-send-name-header Host', server],
      ['defaults', '    mode http', '    http-request set-header Host d111.cloudfront.net', 'backend be', server],
      ['defaults', '    mode http', 'frontend fe', '    http-request set-header Host d111.cloudfront.net', '    default_backend be', 'backend be', server],
    ]
    for (const lines of variants) {
      const result = lintText(lines.join('\n'), {file: 'x.cfg'})
      assert.ok(!result.findings.some((finding) => finding.id === 'haproxy-missing-host-rewrite'), lines.join(' | '))
    }
  })

  test('conditions: or, ||, !, braces, predefined ACLs, and unless', () => {
    const result = lintText(
      [
        'frontend fe',
        '    mode http',
        '    acl a path_beg /a',
        '    acl b path_beg /b',
        '    http-request deny if a OR b || !a ! b !{ path /c } { method POST } METH_GET HTTP_1.1',
        '    http-request deny unless a or TRUE',
        '    http-request set-header X-If "if" if b',
        '    use_backend x if c',
      ].join('\n'),
      {file: 'x.cfg'},
    )
    assert.deepEqual(result.findings.map((finding) => `${finding.line} ${finding.id}`), ['8 haproxy-undefined-acl'])
    assert.equal(result.findings[0]?.fix, null)
  })

  test('ACLs belong to their section', () => {
    const result = lintText(['frontend a', '    acl x path /x', 'frontend b', '    use_backend y if x'].join('\n'), {file: 'x.cfg'})
    assert.equal(find(result, 'haproxy-undefined-acl').line, 4)
  })

  test('default-server verify none is reported once, where it is', () => {
    const result = lintFixture('haproxy-default-server-verify-none.cfg')
    const verify = result.findings.filter((finding) => finding.id === 'haproxy-verify-none')
    assert.equal(verify.length, 1)
    assert.equal(verify[0]?.fix, 'default-server ssl verify required ca-file @system-ca')
  })
})

describe('nginx rules', () => {
  const wrap = (body: string): string => `events {}\nhttp {\n${body}\n}\n`

  test('the SNI fix and the verify fix come from the generators', () => {
    const result = lintFixture('nginx-apigw-no-sni.conf')
    const host = 'k3x9q2v7m1.execute-api.eu-west-1.amazonaws.com'
    assert.equal(find(result, 'nginx-missing-proxy-ssl-server-name').fix, nginxSniLines(ctx(host)).join('\n'))
    assert.equal(find(result, 'nginx-ssl-verify-off').fix, nginxVerifyLines(ctx(host)).join('\n'))
    assert.match(find(result, 'nginx-missing-proxy-ssl-server-name').message, /502.*SSL_do_handshake/)
  })

  test('proxy_set_header is inherited only by blocks that set none', () => {
    const result = lintFixture('nginx-header-inheritance.conf')
    assert.deepEqual(result.findings.map((finding) => `${finding.line} ${finding.id}`), ['14 nginx-host-passthrough'])
    assert.equal(result.findings[0]?.fix, nginxHostLine(ctx('a1b2c3d4e5.execute-api.us-east-1.amazonaws.com')))
    assert.match(result.findings[0]?.message ?? '', /line 19/)
  })

  test('proxy_ssl_server_name is inherited from server and http blocks, and can be turned off below', () => {
    const on = lintText(wrap('proxy_ssl_server_name on; proxy_ssl_verify on; resolver 127.0.0.1;\nserver { location / { set $u api.example.test; proxy_pass https://$u; } }'), {file: 'x.conf'})
    assert.deepEqual(on.findings, [])
    const off = lintFixture('nginx-sni-off-override.conf')
    // The off is in the proxy_pass's own block: the fix replaces it (a second proxy_ssl_server_name there is a duplicate).
    const finding = find(off, 'nginx-missing-proxy-ssl-server-name', 21)
    assert.match(finding.message, /off at line 21/)
    assert.equal(finding.fixAction, 'replace')
    assert.equal(finding.fix, nginxSniLines(ctx('z9y8x7w6v5.execute-api.us-west-2.amazonaws.com')).join('\n'))
  })

  test('proxy_pass to an upstream group follows its servers', () => {
    const result = lintFixture('nginx-upstream-http-443.conf')
    assert.equal(
      find(result, 'nginx-http-to-tls-port').fix,
      ['proxy_pass https://partner_api;', ...nginxSniLines(ctx('partner-api.example.test'))].join('\n'),
    )
    const cloud = lintFixture('nginx-upstream-cloud.conf')
    assert.match(find(cloud, 'nginx-host-passthrough').message, /group name/)
    assert.match(find(cloud, 'nginx-missing-proxy-ssl-server-name').fix ?? '', /proxy_ssl_name a1b2c3d4e5\.execute-api/)
  })

  test('http:// to port 443 keeps the URI part of proxy_pass', () => {
    const fix = find(lintFixture('nginx-http-to-443.conf'), 'nginx-http-to-tls-port').fix ?? ''
    assert.equal(fix.split('\n')[0], 'proxy_pass https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com:443/prod/;')
  })

  test('Host $host to a non-cloud HTTPS origin is a warning; to plain HTTP nothing', () => {
    const https = lintText(wrap('server { proxy_set_header Host $host; location / { proxy_pass https://app.example.test; proxy_ssl_server_name on; proxy_ssl_verify on; } }'), {file: 'x.conf'})
    assert.equal(find(https, 'nginx-host-passthrough').severity, 'warning')
    const http = lintText(wrap('server { location / { proxy_pass http://127.0.0.1:8080; proxy_set_header Host $http_host; } }'), {file: 'x.conf'})
    assert.deepEqual(http.findings, [])
  })

  test('templated hosts get findings with no host in the snippet', () => {
    const result = lintText(wrap('server { location / { proxy_pass https://${ORIGIN}.execute-api.us-east-1.amazonaws.com; proxy_set_header Host $host; } }'), {file: 'x.conf'})
    assert.equal(find(result, 'nginx-missing-proxy-ssl-server-name').fix, 'proxy_ssl_server_name on;')
    assert.equal(find(result, 'nginx-host-passthrough').fix, null)
    // No resolver for the variable: the fix is the resolver line, with no host in it.
    assert.match(find(result, 'nginx-static-resolution').fix ?? '', /^resolver 127\.0\.0\.53 valid=30s;/)
  })

  test('include is reported as not followed', () => {
    const result = lintText(wrap('include /etc/nginx/conf.d/*.conf;'), {file: 'x.conf'})
    const finding = find(result, 'config-include-not-followed', 3)
    assert.equal(finding.severity, 'info')
    assert.equal(finding.fix, null)
  })
})

describe('kind detection', () => {
  test('reads the kind from the content', () => {
    assert.equal(detectKind('global\n    maxconn 10\nbackend b\n    server s 127.0.0.1:80\n'), 'haproxy')
    assert.equal(detectKind('server {\n    listen 80;\n    location / { proxy_pass http://x; }\n}\n'), 'nginx')
    assert.equal(detectKind('location /api/ {\n  proxy_pass https://a;\n}\n'), 'nginx')
    assert.equal(detectKind('hello world\n'), null)
  })

  test('an unrecognisable file is a usage error unless --kind is given', () => {
    assert.throws(() => lintText('just some text\n', {file: 'x.txt'}), UsageError)
    assert.equal(lintText('just some text\n', {file: 'x.txt', kind: 'nginx'}).kind, 'nginx')
  })
})
