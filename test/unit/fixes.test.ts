// Fix snippets and verify commands: what a user pastes into a shell or a proxy config must do
// exactly what it says, whatever the path, the pinned address and port, or the kind of target.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createSecureContext} from 'node:tls'
import {after, describe, test} from 'node:test'

import {parseDocument as parseYamlDocument} from 'yaml'

import {
  curlPlainToTlsPort,
  curlReference,
  curlVerbose,
  curlWrongHost,
  opensslNoSni,
  opensslVerify,
  opensslWrongSni,
} from '../../src/diagnosis/verify-commands.js'
import {diagnose} from '../../src/diagnosis/diagnose.js'
import {configPath, requestTarget} from '../../src/fixes/context.js'
import {FIXES} from '../../src/fixes/index.js'
import {shellQuote} from '../../src/fixes/shell.js'
import {PROXY_KINDS, type FixContext, type Requirements} from '../../src/fixes/types.js'
import type {TargetInfo} from '../../src/observations/types.js'
import {reportValidator} from '../../src/observations/validate-report.js'
import {runMatrix} from '../../src/probes/run-matrix.js'
import {hostHeaderFor} from '../../src/target/authority.js'
import {classicEdge, OBSERVED_AT, target} from '../support/observations.js'

const ALL: Requirements = {tls: true, sni: true, hostHeader: true, stagePath: true}
const ctx = (extra: Partial<FixContext> = {}): FixContext => ({host: 'api.test', port: 443, address: null, addressPort: null, path: '/prod/health', caFile: null, version: null, ...extra})

const VERIFY_COMMANDS = {curlReference, curlPlainToTlsPort, curlWrongHost, curlVerbose, opensslNoSni, opensslVerify, opensslWrongSni}

const scratch = mkdtempSync(join(tmpdir(), 'apigw-fixes-'))
after(() => rmSync(scratch, {recursive: true, force: true}))

/**
 * Runs a verify command through a real POSIX shell with the program replaced by printf: returns
 * the arguments the program would have received, one per element.
 */
function argvOf(command: string): string[] {
  const program = /^(curl|openssl) /.exec(command)
  assert.ok(program, command)
  const replaced = `printf '%s\\0' ${command.slice(program[0].length)}`
  const run = spawnSync('sh', ['-c', replaced], {cwd: scratch, encoding: 'utf8', timeout: 5000})
  assert.equal(run.status, 0, `${command}\n${run.stderr}`)
  return run.stdout.split('\0').slice(0, -1)
}

describe('shellQuote', () => {
  test('leaves plain words bare and single-quotes anything else, with \' written as \'\\\'\'', () => {
    assert.equal(shellQuote('api.test:443:127.0.0.1'), 'api.test:443:127.0.0.1')
    assert.equal(shellQuote('/etc/edge-ca.pem'), '/etc/edge-ca.pem')
    assert.equal(shellQuote("it's"), `'it'\\''s'`)
    assert.equal(shellQuote(''), "''")
    for (const hostile of ["'&touch$IFS/tmp/x&'", '$(id)', '`id`', 'a b', 'x;y', 'a\\b', '"', "'", "''''", '!x', '*', '~root', 'a\nb']) {
      const run = spawnSync('sh', ['-c', `printf '%s' ${shellQuote(hostile)}`], {cwd: scratch, encoding: 'utf8'})
      assert.equal(run.stdout, hostile, hostile)
    }
  })
})

describe('verify commands: POSIX quoting and a well-formed URL (review item 1)', () => {
  test("--path \"/'&touch$IFS/tmp/x&'\" gives commands that run nothing but curl/openssl", () => {
    const marker = join(scratch, 'pwned')
    const t = target({host: 'api.test', path: `/'&touch\${IFS}${marker}&'`, pinnedAddress: '127.0.0.1', caFile: '/etc/edge-ca.pem'})
    for (const [name, build] of Object.entries(VERIFY_COMMANDS)) {
      const command = build(t)
      argvOf(command)
      assert.equal(existsSync(marker), false, `${name} ran a command: ${command}`)
    }
    const url = argvOf(curlReference(t)).at(-1)
    // ' & $ are pchar (sub-delims), kept; { and } are not, percent-encoded
    assert.equal(url, `https://api.test/'&touch$%7BIFS%7D${marker}&'`)
  })

  test('a query string is kept (it used to become /)', () => {
    const t = target({host: 'api.test', path: '/x?a=1&b=/c?d'})
    assert.equal(argvOf(curlReference(t)).at(-1), 'https://api.test/x?a=1&b=/c?d')
    assert.equal(argvOf(curlWrongHost(t)).at(-1), 'https://api.test/x?a=1&b=/c?d')
  })

  test('characters outside RFC 3986 pchar/query are percent-encoded; valid escapes are kept', () => {
    assert.equal(requestTarget('/prod/health'), '/prod/health')
    assert.equal(requestTarget('/a"b<c>{d}|e^f`g\\h'), '/a%22b%3Cc%3E%7Bd%7D%7Ce%5Ef%60g%5Ch')
    assert.equal(requestTarget('/%2F/%zz/100%'), '/%2F/%25zz/100%25')
    assert.equal(requestTarget('/a[b]#frag'), '/a%5Bb%5D%23frag')
    assert.equal(requestTarget('/é'), '/%C3%A9')
    assert.equal(requestTarget("/!$&'()*+,;=:@-._~"), "/!$&'()*+,;=:@-._~")
    assert.equal(requestTarget('/q?x=[1]'), '/q?x=%5B1%5D')
    assert.equal(requestTarget('/q?a?b/c'), '/q?a?b/c')
    for (const path of ['/a"b', '/x y', '/%', '/a{b}', "/'&touch$IFS/tmp/x&'"]) assert.match(requestTarget(path), /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/, path)
  })

  test('the Host and SNI values are quoted arguments too', () => {
    const t = target({host: 'api.test', path: '/', wrongName: "x' ; id > /tmp/pwned ; echo '"})
    assert.deepEqual(argvOf(curlWrongHost(t)).slice(-3), ['-H', "Host: x' ; id > /tmp/pwned ; echo '", 'https://api.test/'])
    assert.deepEqual(argvOf(opensslWrongSni(t)).slice(-2), ['-servername', "x' ; id > /tmp/pwned ; echo '"])
  })
})

describe('config snippets show a path only when it is made of [A-Za-z0-9._~/%-] (review item 1)', () => {
  test('configPath', () => {
    assert.equal(configPath('/prod/v1.2/~a_b-c%20'), '/prod/v1.2/~a_b-c%20')
    assert.equal(configPath('/prod/health?x=1'), '/prod/health', 'the query is left out of comments')
    assert.equal(configPath('/a b/é'), '/a%20b/%C3%A9')
    assert.equal(configPath("/p'x"), null)
    for (const hostile of ["/'&touch$IFS/tmp/x&'", '/a;b', '/a{b}', '/a#b', '/a"b', '/a$b', '/a(b)', '/a\\b']) {
      const shown = configPath(hostile)
      assert.ok(shown === null || /^\/[A-Za-z0-9._~/%-]*$/.test(shown), `${hostile} -> ${shown}`)
    }
  })

  test('HAProxy and nginx snippets never echo a hostile path', () => {
    const hostile = "/prod/'x';}{#$(id)&"
    for (const kind of PROXY_KINDS) {
      const fixes = FIXES[kind]
      for (const snippet of [fixes.stagePath(ctx({path: hostile})), fixes.recommended(ctx({path: hostile}), ALL)]) {
        assert.ok(!snippet.includes("'x'"), `${kind}: ${snippet}`)
        assert.ok(!snippet.includes('$(id)'), `${kind}: ${snippet}`)
        assert.ok(!snippet.includes(';}{'), `${kind}: ${snippet}`)
      }
    }
    assert.match(FIXES.haproxy.stagePath(ctx({path: '/prod/health'})), /the probe used \/prod\/health$/m)
    assert.match(FIXES.nginx.recommended(ctx({path: '/prod/health?x=1'}), ALL), /\(\/prod\/health\)/)
  })
})

describe('--connect-to keeps its port (review item 2)', () => {
  const pinned = ctx({address: '127.0.0.1', addressPort: 34493})

  test('HAProxy and nginx connect to address:addressPort; Host keeps the target port', () => {
    const haproxy = FIXES.haproxy.recommended(pinned, ALL)
    assert.match(haproxy, /^ {4}server gw 127\.0\.0\.1:34493 ssl verify required ca-file @system-ca sni str\(api\.test\) check check-sni api\.test$/m)
    assert.match(haproxy, /http-request set-header Host api\.test$/m)
    assert.match(FIXES.haproxy.tls(pinned), /server gw 127\.0\.0\.1:34493 /)
    const nginx = FIXES.nginx.recommended(pinned, ALL)
    assert.match(nginx, /proxy_pass https:\/\/127\.0\.0\.1:34493;/)
    assert.match(nginx, /proxy_set_header Host api\.test;/)
    assert.match(FIXES.nginx.stagePath(pinned), /proxy_pass https:\/\/127\.0\.0\.1:34493\/prod\/;/)
  })

  test('Envoy, Apache, Caddy and Traefik connect to the pinned port too', () => {
    const envoy = FIXES.envoy.recommended(pinned, ALL)
    assert.match(envoy, /port_value: 34493/)
    assert.match(envoy, /host_rewrite_literal: api\.test$/m)
    assert.match(FIXES.caddy.recommended(pinned, ALL), /reverse_proxy https:\/\/127\.0\.0\.1:34493 \{/)
    assert.match(FIXES.caddy.recommended(pinned, ALL), /header_up Host api\.test$/m)
    assert.match(FIXES.traefik.recommended(pinned, ALL), /url: "?https:\/\/127\.0\.0\.1:34493"?$/m)
    assert.match(FIXES.apache.recommended(pinned, ALL), /:34493\//)
  })

  test('the target port stays when only --resolve pinned the address (addressPort = port or absent)', () => {
    for (const addressPort of [443, null, undefined]) {
      const c: FixContext = {...ctx({address: '127.0.0.2'}), addressPort}
      assert.match(FIXES.haproxy.recommended(c, ALL), /server gw 127\.0\.0\.2:443 /)
    }
    const t = target({host: 'api.test', pinnedAddress: '127.0.0.2', pinnedPort: 443})
    assert.match(curlReference(t), / --resolve api\.test:443:127\.0\.0\.2 /)
  })

  test('verify commands use curl --connect-to and openssl -connect addr:port2', () => {
    const t = target({host: 'api.test', path: '/prod/health', pinnedAddress: '127.0.0.1', pinnedPort: 34493})
    for (const build of [curlReference, curlVerbose, curlWrongHost]) {
      const argv = argvOf(build(t))
      assert.ok(argv.includes('--connect-to'), build(t))
      assert.equal(argv[argv.indexOf('--connect-to') + 1], 'api.test:443:127.0.0.1:34493')
      assert.ok(!argv.includes('--resolve'), build(t))
      assert.equal(argv.at(-1), 'https://api.test/prod/health')
    }
    assert.match(curlPlainToTlsPort(t), /--connect-to api\.test:443:127\.0\.0\.1:34493 http:\/\/api\.test:443\/prod\/health /)
    for (const build of [opensslVerify, opensslNoSni, opensslWrongSni]) {
      const argv = argvOf(build(t))
      assert.equal(argv[argv.indexOf('-connect') + 1], '127.0.0.1:34493', build(t))
    }
    const v6 = target({host: 'api.test', pinnedAddress: '::1', pinnedPort: 8443})
    assert.equal(argvOf(curlReference(v6)).find((a) => a.startsWith('api.test:')), 'api.test:443:[::1]:8443')
    const openssl = argvOf(opensslVerify(v6))
    assert.equal(openssl[openssl.indexOf('-connect') + 1], '[::1]:8443')
  })

  test('a report without pinnedPort (older versions) still works', () => {
    const old = target({host: 'api.test', pinnedAddress: '127.0.0.2'}) as Partial<TargetInfo>
    delete old.pinnedPort
    assert.match(curlReference(old as TargetInfo), /--resolve api\.test:443:127\.0\.0\.2/)
  })

  test('runMatrix records the port --connect-to chose (null when nothing was pinned)', async () => {
    const base = {
      host: 'api.test',
      hostKind: 'name' as const,
      port: 443,
      httpPort: 80,
      path: '/',
      method: 'GET',
      headers: [],
      resolve: [],
      connectTo: [],
      timeoutMs: 300,
      secureContext: createSecureContext(),
      caFile: null,
      userAgent: 'test',
      // nothing leaves loopback: every name is 127.0.0.1, and port 1 refuses
      lookup: async () => ['127.0.0.1'],
    }
    const moved = await runMatrix({...base, connectTo: [{host: 'api.test', port: null, toHost: '127.0.0.1', toPort: 1}]})
    assert.equal(moved.target.pinnedAddress, '127.0.0.1')
    assert.equal(moved.target.pinnedPort, 1)
    const resolved = await runMatrix({...base, port: 1, httpPort: 1, resolve: [{host: 'api.test', port: '*', addresses: ['127.0.0.1']}]})
    assert.equal(resolved.target.pinnedPort, 1)
    const dns = await runMatrix({...base, port: 1, httpPort: 1})
    assert.equal(dns.target.pinnedAddress, null)
    assert.equal(dns.target.pinnedPort, null)
  })

  test('the schema accepts pinnedPort (integer 1..65535 or null) and reports without it', async () => {
    const validate = await reportValidator()
    const t = target()
    const result = diagnose({target: t, probes: classicEdge(), observedAt: OBSERVED_AT}, {proxyKind: 'haproxy', proxyVersion: null})
    const report = {schemaVersion: 1, tool: {name: 'apigw-doctor', version: '0'}, generatedAt: OBSERVED_AT, target: t, probes: classicEdge(), diagnoses: result.diagnoses, recommended: result.recommended, verdict: result.verdict}
    const withPort = (value: unknown) => JSON.parse(JSON.stringify({...report, target: {...t, pinnedPort: value}}))
    for (const ok of [null, 1, 34493, 65535]) assert.ok(validate(withPort(ok)), `${ok}: ${JSON.stringify(validate.errors)}`)
    const old = JSON.parse(JSON.stringify(report))
    delete old.target.pinnedPort
    assert.ok(validate(old), JSON.stringify(validate.errors))
    for (const bad of [0, 65536, 1.5, '443', -1]) assert.equal(validate(withPort(bad)), false, String(bad))
  })
})

describe('--ca-file reaches the verify commands (review item 3)', () => {
  test('curl --cacert and openssl -CAfile', () => {
    const t = target({host: 'api.test', caFile: '/etc/edge-ca.pem'})
    for (const build of [curlReference, curlVerbose, curlWrongHost]) {
      const argv = argvOf(build(t))
      assert.equal(argv[argv.indexOf('--cacert') + 1], '/etc/edge-ca.pem', build(t))
    }
    for (const build of [opensslVerify, opensslNoSni, opensslWrongSni]) {
      const argv = argvOf(build(t))
      assert.equal(argv[argv.indexOf('-CAfile') + 1], '/etc/edge-ca.pem', build(t))
    }
    const none = target({host: 'api.test'})
    assert.doesNotMatch(curlReference(none), /--cacert/)
    assert.doesNotMatch(opensslVerify(none), /-CAfile/)
  })
})

describe('IP targets: no SNI, and the certificate check each proxy can really do (review item 4)', () => {
  const v4 = ctx({host: '192.0.2.10', path: '/'})
  const v6 = ctx({host: '::1', port: 34493, path: '/'})

  test('HAProxy: no sni / check-sni / verifyhost for an IP, and a comment saying what is verified', () => {
    for (const c of [v4, v6]) {
      const text = FIXES.haproxy.recommended(c, ALL)
      const server = text.split('\n').find((line) => /^\s*server /.test(line))!
      assert.doesNotMatch(server, /\bsni\b|check-sni|verifyhost/, server)
      assert.match(server, /ssl verify required ca-file @system-ca/)
      assert.match(text, /# .*verifyhost/)
      const directives = (text: string) => text.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n')
      for (const method of ['tls', 'sni', 'sniHostMatch'] as const) assert.doesNotMatch(directives(FIXES.haproxy[method](c)), /sni str\(|check-sni|verifyhost/, method)
    }
    assert.match(FIXES.haproxy.recommended(v6, ALL), /server gw \[::1\]:34493 ssl/)
  })

  test('nginx: no proxy_ssl_server_name / proxy_ssl_name for an IP, verification kept with a comment', () => {
    for (const c of [v4, v6]) {
      const text = FIXES.nginx.recommended(c, ALL)
      assert.doesNotMatch(text, /^\s*proxy_ssl_server_name|^\s*proxy_ssl_name/m, text)
      assert.match(text, /proxy_ssl_verify on;/)
      assert.match(text, /# .*X509_check_host|# .*IP SAN/)
      assert.doesNotMatch(FIXES.nginx.sni(c), /^proxy_ssl_name/m)
    }
    assert.match(FIXES.nginx.recommended(v6, ALL), /proxy_pass https:\/\/\[::1\]:34493;/)
    assert.match(FIXES.nginx.recommended(v6, ALL), /proxy_set_header Host \[::1\]:34493;/)
  })

  test('Envoy: quoted YAML scalars, STATIC for addresses, IP_ADDRESS SANs, no sni for an IP', () => {
    const text = FIXES.envoy.recommended(v6, ALL)
    assert.match(text, /host_rewrite_literal: "\[::1\]:34493"/)
    assert.match(text, /address: "::1"/)
    assert.match(text, /type: STATIC/)
    assert.doesNotMatch(text, /LOGICAL_DNS|dns_lookup_family/)
    assert.match(text, /san_type: IP_ADDRESS, matcher: \{exact: "::1"\}/)
    assert.doesNotMatch(text, /^\s*sni:/m)
    const name = FIXES.envoy.recommended(ctx(), ALL)
    assert.match(name, /type: LOGICAL_DNS/)
    assert.doesNotMatch(name, /V4_ONLY/)
    assert.match(name, /dns_lookup_family: V4_PREFERRED/)
    assert.match(name, /san_type: DNS/)
    assert.match(name, /sni: api\.test/)
    const pinned = FIXES.envoy.recommended(ctx({address: '127.0.0.1', addressPort: 34493}), ALL)
    assert.match(pinned, /type: STATIC/)
    assert.match(pinned, /sni: api\.test/)
    assert.match(pinned, /san_type: DNS/)
  })

  test('Envoy and Traefik YAML parses (a strict YAML 1.2 parser) for names, IPv4 and IPv6', () => {
    for (const c of [ctx(), v4, v6, ctx({address: '::1', addressPort: 8443})]) {
      for (const kind of ['envoy', 'traefik'] as const) {
        const text = FIXES[kind].recommended(c, ALL)
        const document = parseYamlDocument(text)
        assert.deepEqual(document.errors.map(String), [], `${kind} ${c.host}:\n${text}`)
        const parsed = document.toJS()
        if (kind === 'envoy') {
          const endpoint = parsed.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address
          assert.equal(endpoint.address, c.address ?? c.host)
          assert.equal(endpoint.port_value, c.addressPort ?? c.port)
          assert.equal(typeof parsed.routes[0].route.host_rewrite_literal, 'string')
        }
      }
    }
  })

  test('Caddy, Traefik and Apache: no tls_server_name / serverName naming an IP', () => {
    for (const c of [v4, v6]) {
      assert.doesNotMatch(FIXES.caddy.recommended(c, ALL), /tls_server_name/)
      assert.doesNotMatch(FIXES.traefik.recommended(c, ALL), /serverName/)
      assert.doesNotMatch(FIXES.caddy.sni(c), /^\s*tls_server_name/m)
      assert.doesNotMatch(FIXES.traefik.sni(c), /^serverName/m)
      assert.match(FIXES.apache.recommended(c, ALL), /# .*IP/)
    }
    assert.match(FIXES.caddy.recommended(ctx(), ALL), /tls_server_name api\.test/)
    assert.match(FIXES.traefik.recommended(ctx(), ALL), /serverName: api\.test/)
  })

  test('verify commands for an IP: no -servername, -verify_ip instead of -verify_hostname', () => {
    const t = target({host: '192.0.2.10', hostKind: 'ipv4', path: '/'})
    const argv = argvOf(opensslVerify(t))
    assert.ok(!argv.includes('-servername'), opensslVerify(t))
    assert.ok(argv.includes('-noservername'), opensslVerify(t))
    assert.equal(argv[argv.indexOf('-verify_ip') + 1], '192.0.2.10')
    assert.equal(argvOf(curlReference(target({host: '::1', hostKind: 'ipv6', port: 8443, path: '/'}))).at(-1), 'https://[::1]:8443/')
  })
})

describe('hostHeaderFor (review item 6)', () => {
  test('leaves out the default port of the scheme only', () => {
    assert.equal(hostHeaderFor('api.test', 443, 'https'), 'api.test')
    assert.equal(hostHeaderFor('api.test', 80, 'http'), 'api.test')
    assert.equal(hostHeaderFor('api.test', 443, 'http'), 'api.test:443')
    assert.equal(hostHeaderFor('api.test', 80, 'https'), 'api.test:80')
    assert.equal(hostHeaderFor('::1', 8443, 'https'), '[::1]:8443')
    assert.equal(hostHeaderFor('::1', 443, 'https'), '[::1]')
  })
})
