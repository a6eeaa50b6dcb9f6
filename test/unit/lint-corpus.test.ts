// Lints every file of the shared corpus of real public HAProxy and nginx configs (never copied
// into this repository: licences unknown). APIGW_CORPUS overrides where it is; by default it sits
// at ../shared/corpus relative to the repository root.
import assert from 'node:assert/strict'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'

import {lintText} from '../../src/lint/index.js'
import {FINDING_IDS, type ConfigKind, type Finding, type LintResult} from '../../src/lint/types.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const corpusSetting = process.env.APIGW_CORPUS ?? '../shared/corpus'
const corpus = isAbsolute(corpusSetting) ? corpusSetting : resolve(root, corpusSetting)

function files(kind: ConfigKind): string[] {
  const dir = join(corpus, kind)
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name))
}

function lintCorpus(kind: ConfigKind, name: string): LintResult & {lineCount: number} {
  const path = join(corpus, kind, name)
  return lintText(readFileSync(path, 'utf8'), {file: `${kind}/${name}`})
}

const at = (result: LintResult, id: string): Finding[] => result.findings.filter((finding) => finding.id === id)
const lines = (findings: Finding[]): number[] => findings.map((finding) => finding.line)

describe('corpus', () => {
  test(`the corpus is there (${corpus}; set APIGW_CORPUS to move it)`, () => {
    assert.ok(existsSync(join(corpus, 'haproxy')) && existsSync(join(corpus, 'nginx')), `no corpus at ${corpus}`)
    assert.ok(files('haproxy').length >= 10)
    assert.ok(files('nginx').length >= 10)
  })

  for (const kind of ['haproxy', 'nginx'] as const) {
    for (const path of existsSync(join(corpus, kind)) ? files(kind) : []) {
      const name = path.split('/').at(-1) as string
      test(`${kind}/${name}: no exception, kind detected, valid findings`, () => {
        const text = readFileSync(path, 'utf8')
        const result = lintText(text, {file: name})
        assert.equal(result.kind, kind)
        const lineCount = text.split('\n').length
        let previous = 0
        for (const finding of result.findings) {
          assert.equal(finding.file, name)
          assert.ok(Number.isInteger(finding.line) && finding.line >= 1 && finding.line <= lineCount, `line ${finding.line} of ${lineCount}`)
          assert.ok(finding.line >= previous, 'sorted by line')
          previous = finding.line
          assert.ok(['error', 'warning', 'info'].includes(finding.severity))
          assert.ok((FINDING_IDS as readonly string[]).includes(finding.id), finding.id)
          assert.match(finding.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/)
          assert.ok(typeof finding.message === 'string' && finding.message.length > 10)
          assert.ok(finding.fix === null || (typeof finding.fix === 'string' && finding.fix.length > 0))
          // A snippet never carries a template placeholder or a character that breaks a config line.
          if (finding.fix) assert.doesNotMatch(finding.fix, /\$\{|\{\{|%\[|[\u0000-\u0008\u000B-\u001F]/, finding.fix)
        }
        // Robust to truncation and to being read as the other kind.
        for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 25))) lintText(text.slice(0, cut), {file: name, kind})
        lintText(text, {file: name, kind: kind === 'haproxy' ? 'nginx' : 'haproxy'})
      })
    }
  }

  // Specific files, inspected by hand (see SOURCES.md in the corpus for what each one is).
  test('haproxy/11 (re-encryption, Host rewritten, no sni): SNI errors take the rewritten Host', () => {
    const result = lintCorpus('haproxy', '11-reencrypt-host-rewrite-verify-none.cfg')
    assert.deepEqual(lines(at(result, 'haproxy-ssl-without-sni')), [24, 30])
    assert.ok(at(result, 'haproxy-ssl-without-sni').every((finding) => finding.severity === 'error'))
    assert.deepEqual(lines(at(result, 'haproxy-verify-none')), [24, 30])
    assert.match(at(result, 'haproxy-ssl-without-sni')[0]?.fix ?? '', /^server mybackendserver haproxy1:443 ssl verify required ca-file @system-ca sni str\(haproxy-1-nginx-a\.local\)$/)
    assert.deepEqual(at(result, 'haproxy-missing-host-rewrite'), [])
  })

  test('haproxy/07: `!{ ... }` anonymous ACLs are fine; the verify none server is caught', () => {
    const result = lintCorpus('haproxy', '07-lua-sni-router-ssl-verify-none.cfg')
    assert.deepEqual(at(result, 'haproxy-undefined-acl'), [])
    assert.deepEqual(
      result.findings.filter((finding) => finding.line === 91 && finding.severity !== 'info').map((finding) => finding.id).sort(),
      ['haproxy-check-without-sni', 'haproxy-ssl-without-sni', 'haproxy-verify-none'],
    )
    assert.match(at(result, 'haproxy-check-without-sni')[0]?.fix ?? '', / check check-sni exodus-nginx init-addr last,libc,none$/)
  })

  test('TCP passthrough configs are not asked for ssl, sni or a Host rewrite', () => {
    for (const name of ['02-tcp-passthrough-to-alb.cfg', '04-tcp-resolvers-server-template.cfg', '06-tcp-tls-multiplex-openvpn.cfg', '10-sni-passthrough-and-termination-codeberg.cfg', '12-tcp-nlb-to-alb-env-template.cfg', '15-openshift-api-ingress-tcp-lb.cfg', '19-tcp-sni-list-routing-ssl-hello-chk.cfg']) {
      const result = lintCorpus('haproxy', name)
      assert.deepEqual(result.findings.filter((finding) => finding.severity !== 'info'), [], name)
    }
  })

  test('haproxy/20: httpclient.ssl.verify none; `OR` and braces in conditions are understood', () => {
    const result = lintCorpus('haproxy', '20-bot-protection-lua-maps-httpclient-verify-none.cfg')
    assert.deepEqual(result.findings.map((finding) => `${finding.line} ${finding.id}`), ['12 haproxy-verify-none'])
  })

  test('haproxy/16: an ACL defined by a template placeholder is a warning, not an error', () => {
    const result = lintCorpus('haproxy', '16-legacy-bind-on-section-line-py-template.cfg')
    assert.deepEqual(at(result, 'haproxy-undefined-acl').map((finding) => [finding.line, finding.severity]), [[20, 'warning']])
  })

  test('nginx/02: S3 over https with no SNI; resolver + variables means no static-resolution finding', () => {
    const result = lintCorpus('nginx', '02-s3-proxy-https-no-sni.conf')
    const sni = at(result, 'nginx-missing-proxy-ssl-server-name')
    assert.deepEqual(lines(sni), [29])
    assert.equal(sni[0]?.severity, 'error')
    assert.equal(sni[0]?.fix, 'proxy_ssl_server_name on;\nproxy_ssl_name s3.amazonaws.com;')
    assert.deepEqual(at(result, 'nginx-static-resolution'), [])
  })

  test('nginx/04: three of the four server blocks lack SNI', () => {
    const result = lintCorpus('nginx', '04-openai-proxy-mixed-sni.conf')
    assert.deepEqual(lines(at(result, 'nginx-missing-proxy-ssl-server-name')), [5, 23, 31])
    assert.deepEqual(lines(at(result, 'nginx-ssl-verify-off')), [5, 23, 31, 54])
  })

  test('nginx/06: upstream group over https, client Host forwarded', () => {
    const result = lintCorpus('nginx', '06-upstream-block-https-no-sni.conf')
    assert.deepEqual(at(result, 'nginx-host-passthrough').map((finding) => [finding.line, finding.severity]), [[19, 'warning']])
    assert.equal(at(result, 'nginx-missing-proxy-ssl-server-name')[0]?.line, 22)
    assert.match(at(result, 'nginx-missing-proxy-ssl-server-name')[0]?.fix ?? '', /proxy_ssl_name gateway;/)
  })

  test('nginx/07, 08, 09, 12: correct or unknowable configs have no errors', () => {
    for (const name of ['07-s3-gateway-map-include-sni.conf', '08-sni-on-host-rewrite-tf-template.conf', '09-api-router-ssl-verify-variable.conf', '12-certbot-managed-http-upstream.conf', '03-s3-aws-auth-placeholders.conf']) {
      const result = lintCorpus('nginx', name)
      assert.deepEqual(result.findings.filter((finding) => finding.severity === 'error'), [], name)
    }
    assert.equal(at(lintCorpus('nginx', '07-s3-gateway-map-include-sni.conf'), 'config-include-not-followed').length, 8)
  })

  test('nginx/10 and 11: https through a variable set with `set`', () => {
    const ten = lintCorpus('nginx', '10-s3-variable-https-no-sni-lua.conf')
    assert.deepEqual(at(ten, 'nginx-missing-proxy-ssl-server-name').map((finding) => [finding.line, finding.fix]), [[61, 'proxy_ssl_server_name on;']])
    const eleven = lintCorpus('nginx', '11-variable-https-upstream-include.conf')
    const sni = at(eleven, 'nginx-missing-proxy-ssl-server-name')
    assert.deepEqual(sni.map((finding) => [finding.line, finding.severity]), [[11, 'warning']])
    assert.match(sni[0]?.message ?? '', /included at line 7, 8/)
  })
})
