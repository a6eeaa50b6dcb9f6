// The recommended configurations must pass the tool's own lint (review item 5): a backend or
// location that `apigw-doctor lint` would flag is not a fix.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {diagnose} from '../../src/diagnosis/diagnose.js'
import {FIXES} from '../../src/fixes/index.js'
import type {FixContext, Requirements} from '../../src/fixes/types.js'
import {lintText, type Finding} from '../../src/lint/index.js'
import {classicEdge, OBSERVED_AT, target} from '../support/observations.js'

const ALL: Requirements = {tls: true, sni: true, hostHeader: true, stagePath: true}
const APIGW = 'abc123.execute-api.eu-west-1.amazonaws.com'
const CLOUDFRONT = 'd111111abcdef8.cloudfront.net'

const ctx = (extra: Partial<FixContext> = {}): FixContext => ({host: APIGW, port: 443, address: null, addressPort: null, path: '/prod/health', caFile: null, version: null, ...extra})

/** Error- and warning-level findings: what `lint` would make the user fix. */
function problems(text: string, kind: 'haproxy' | 'nginx', version: string | null = null): Finding[] {
  return lintText(text, {file: `recommended.${kind}`, kind, proxyVersion: version}).findings.filter((finding) => finding.severity !== 'info')
}

const show = (findings: Finding[]) => findings.map((f) => `${f.line} ${f.severity} ${f.id}: ${f.message}`).join('\n')

describe('recommended configurations pass apigw-doctor lint', () => {
  for (const host of [APIGW, CLOUDFRONT, 'api.test']) {
    test(`HAProxy backend for the unpinned name ${host}: resolvers on the server line, no findings`, () => {
      for (const version of [null, '2.4', '2.6', '3.3']) {
        const text = FIXES.haproxy.recommended(ctx({host, version}), ALL)
        assert.deepEqual(problems(text, 'haproxy', version), [], `${version}:\n${text}\n${show(problems(text, 'haproxy', version))}`)
        assert.match(text, /^ {4}server gw \S+:443 ssl .* resolvers dns init-addr last,libc,none$/m)
        // the resolvers section lives at the top level: shown as comments, not as a directive of the backend
        assert.match(text, /^ {4}# resolvers dns$/m)
        assert.match(text, /^ {4}# {5}parse-resolv-conf$/m)
        assert.match(text, /^backend /, 'the text still starts with the backend line')
      }
      // nothing at all, not even info, about resolution
      const all = lintText(FIXES.haproxy.recommended(ctx({host}), ALL), {file: 'r', kind: 'haproxy'}).findings
      assert.ok(!all.some((f) => f.id === 'haproxy-no-resolvers'), show(all))
    })

    test(`nginx location for the unpinned name ${host}: resolver + variable, no findings`, () => {
      const text = FIXES.nginx.recommended(ctx({host}), ALL)
      assert.deepEqual(problems(text, 'nginx'), [], `${text}\n${show(problems(text, 'nginx'))}`)
      assert.match(text, /^ {4}resolver \S+ valid=30s;/m)
      assert.match(text, new RegExp(`^ {4}set \\$apigw_upstream https://${host.replaceAll('.', '\\.')}:443;$`, 'm'))
      assert.match(text, /^ {4}proxy_pass \$apigw_upstream;$/m)
      // with a variable in proxy_pass, SNI name and Host must be explicit: they are
      assert.match(text, new RegExp(`proxy_ssl_name ${host.replaceAll('.', '\\.')};`))
      assert.match(text, new RegExp(`proxy_set_header Host ${host.replaceAll('.', '\\.')};`))
      const all = lintText(text, {file: 'r', kind: 'nginx'}).findings
      assert.ok(!all.some((f) => f.id === 'nginx-static-resolution'), show(all))
    })
  }

  test('pinned (--resolve / --connect-to): the address form, no resolvers, no findings', () => {
    for (const c of [ctx({address: '127.0.0.1'}), ctx({host: 'api.test', address: '127.0.0.1', addressPort: 34493}), ctx({address: '::1', addressPort: 8443})]) {
      const haproxy = FIXES.haproxy.recommended(c, ALL)
      const nginx = FIXES.nginx.recommended(c, ALL)
      assert.doesNotMatch(haproxy, /resolvers|init-addr/)
      assert.doesNotMatch(nginx, /resolver|\$apigw_upstream/)
      assert.deepEqual(problems(haproxy, 'haproxy'), [], `${haproxy}\n${show(problems(haproxy, 'haproxy'))}`)
      assert.deepEqual(problems(nginx, 'nginx'), [], `${nginx}\n${show(problems(nginx, 'nginx'))}`)
    }
  })

  test('through diagnose(): the recommended configs of a classic API Gateway edge lint clean', () => {
    const result = diagnose({target: target(), probes: classicEdge(), observedAt: OBSERVED_AT}, {proxyKind: 'all', proxyVersion: null})
    assert.deepEqual(problems(result.recommended.haproxy, 'haproxy'), [], result.recommended.haproxy)
    assert.deepEqual(problems(result.recommended.nginx, 'nginx'), [], result.recommended.nginx)
  })

  // RFC 6066 forbids an IP literal as SNI: HAProxy and nginx send none for an IP (nginx skips
  // proxy_ssl_server_name for one, see ngx_http_upstream_ssl_name). The lint's SNI findings are
  // written for names and still fire on an IP upstream: those, and only those, are expected here
  // until the lint rules learn that (src/lint is not this module's).
  const SNI_FINDINGS_FOR_NAMES = new Set(['haproxy-ssl-without-sni', 'haproxy-check-without-sni', 'nginx-missing-proxy-ssl-server-name'])

  test('IP targets: only the lint SNI findings that cannot apply to an IP', () => {
    for (const host of ['192.0.2.10', '::1']) {
      const c = ctx({host, path: '/'})
      for (const kind of ['haproxy', 'nginx'] as const) {
        const text = FIXES[kind].recommended(c, ALL)
        const found = problems(text, kind)
        assert.ok(found.every((f) => SNI_FINDINGS_FOR_NAMES.has(f.id)), `${text}\n${show(found)}`)
      }
    }
  })
})
