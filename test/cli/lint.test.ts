// Runs the built CLI (`npm run build` first): `apigw-doctor lint` exit codes (0/1/2), human output
// and the --json shape.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {REPO_ROOT, runCli, type CliResult} from '../support/cli.js'

const fixtures = join(REPO_ROOT, 'test', 'fixtures', 'lint')

const lint = (args: string[], input?: string): Promise<CliResult> => runCli(['lint', ...args], {cwd: fixtures, input, timeoutMs: 30_000})

interface JsonFinding {
  file: string
  line: number
  severity: string
  id: string
  message: string
  fix: string | null
  fixAction: 'replace' | 'insert' | null
}
interface JsonResult {
  file: string
  kind: string
  findings: JsonFinding[]
  checked?: unknown
}

function assertShape(result: JsonResult, file: string, kind: string): void {
  assert.deepEqual(Object.keys(result).sort(), ['file', 'findings', 'kind'])
  assert.equal(result.file, file)
  assert.equal(result.kind, kind)
  let previous = 0
  for (const finding of result.findings) {
    assert.deepEqual(Object.keys(finding).sort(), ['file', 'fix', 'fixAction', 'id', 'line', 'message', 'severity'])
    assert.equal(finding.file, file)
    assert.ok(finding.line >= previous)
    previous = finding.line
    assert.ok(['error', 'warning', 'info'].includes(finding.severity))
    assert.ok(finding.fix === null || typeof finding.fix === 'string')
    // A fix says how it applies; no fix, no action.
    assert.equal(finding.fixAction === null, finding.fix === null, `${finding.id} at ${finding.line}`)
    assert.ok(finding.fixAction === null || ['replace', 'insert'].includes(finding.fixAction))
  }
}

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-lint-cli-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('apigw-doctor lint', () => {
  test('the classic config: exit 1, findings with line numbers and fixes', async () => {
    const run = await lint(['classic-haproxy.cfg'])
    assert.equal(run.code, 1, run.stderr)
    assert.match(run.stdout, /^classic-haproxy\.cfg:4 {2}error {2}haproxy-undefined-acl {2}.*did you mean 'api_gateway'/m)
    assert.match(run.stdout, /^ {4}replace line 4 with:\n {6}use_backend api-gateway-backend if api_gateway$/m)
    assert.match(run.stdout, /^classic-haproxy\.cfg:6 {2}error {2}haproxy-server-missing-ssl {2}/m)
    assert.match(run.stdout, /^classic-haproxy\.cfg:6 {2}error {2}haproxy-ssl-without-sni {2}/m)
    assert.match(run.stdout, /^classic-haproxy\.cfg:6 {2}error {2}haproxy-missing-host-rewrite {2}/m)
    assert.match(run.stdout, /^ {4}replace line 6 with:\n {6}server gw abc123\.execute-api\.us-east-1\.amazonaws\.com:443 ssl verify required ca-file @system-ca sni str\(abc123\.execute-api\.us-east-1\.amazonaws\.com\)$/m)
    // The Host rewrite is added to the backend, not put in place of the server line; HTTP mode with it.
    assert.match(run.stdout, /^ {4}add:\n {6}mode http\n {6}http-request set-header Host abc123\.execute-api\.us-east-1\.amazonaws\.com$/m)
    assert.doesNotMatch(run.stdout, /Add in the backend:/)
    assert.match(run.stdout, /^classic-haproxy\.cfg \(haproxy\): 4 errors, 2 warnings, 0 info$/m)
    assert.doesNotMatch(run.stdout, /\u001B\[/)
  })

  test('--json: the result object, findings sorted by line, exit 1', async () => {
    const run = await lint(['classic-haproxy.cfg', '--json'])
    assert.equal(run.code, 1, run.stderr)
    const result = JSON.parse(run.stdout) as JsonResult
    assertShape(result, 'classic-haproxy.cfg', 'haproxy')
    assert.deepEqual(
      [...new Set(result.findings.map((finding) => finding.id))].sort(),
      ['haproxy-missing-host-rewrite', 'haproxy-no-resolvers', 'haproxy-server-missing-ssl', 'haproxy-ssl-without-sni', 'haproxy-undefined-acl'],
    )
    assert.equal(result.findings.find((finding) => finding.id === 'haproxy-missing-host-rewrite')?.fixAction, 'insert')
    assert.equal(result.findings.find((finding) => finding.id === 'haproxy-server-missing-ssl')?.fixAction, 'replace')
  })

  test('- reads the configuration from stdin; --check on stdin is refused (exit 2)', async () => {
    const text = await readFile(join(fixtures, 'classic-haproxy.cfg'), 'utf8')
    const run = await lint(['-', '--json'], text)
    assert.equal(run.code, 1, run.stderr)
    const result = JSON.parse(run.stdout) as JsonResult
    assertShape(result, '<stdin>', 'haproxy')
    assert.ok(result.findings.some((finding) => finding.id === 'haproxy-undefined-acl' && finding.line === 4))
    const human = await lint(['-'], 'events {} http { server { listen 80; location / { proxy_pass https://d111111abcdef8.cloudfront.net; } } }\n')
    assert.equal(human.code, 1, human.stderr)
    assert.match(human.stdout, /^<stdin>:1 {2}error {2}nginx-missing-proxy-ssl-server-name/m)
    const check = await lint(['-', '--check'], text)
    assert.equal(check.code, 2)
    assert.match(check.stderr, /--check needs a file/)
  })

  test('--help says how fixes apply and that --check lets the proxy resolve host names', async () => {
    const run = await lint(['--help'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /DNS/)
    assert.match(run.stdout, /replace line N with:/)
    assert.match(run.stdout, /stdin/)
  })

  test('fixed configs exit 0; warnings alone exit 0', async () => {
    for (const file of ['classic-haproxy.fixed.cfg', 'nginx-apigw-no-sni.fixed.conf', 'haproxy-check-without-sni.cfg']) {
      const run = await lint([file, '--json'])
      assert.equal(run.code, 0, `${file}: ${run.stdout}${run.stderr}`)
      assertShape(JSON.parse(run.stdout) as JsonResult, file, file.endsWith('.conf') ? 'nginx' : 'haproxy')
    }
    const clean = await lint(['classic-haproxy.fixed.cfg'])
    assert.equal(clean.stdout, 'classic-haproxy.fixed.cfg (haproxy): no problems found\n')
  })

  test('nginx: detected from the content, exit 1 on an error', async () => {
    const run = await lint(['nginx-http-to-443.conf', '--json'])
    assert.equal(run.code, 1)
    const result = JSON.parse(run.stdout) as JsonResult
    assertShape(result, 'nginx-http-to-443.conf', 'nginx')
    assert.equal(result.findings.find((finding) => finding.id === 'nginx-http-to-tls-port')?.line, 11)
  })

  test('--proxy-version 3.3 turns the sni-auto case into a warning (exit 0)', async () => {
    assert.equal((await lint(['haproxy-sni-auto-33.cfg'])).code, 1)
    const run = await lint(['haproxy-sni-auto-33.cfg', '--proxy-version', '3.3', '--json'])
    assert.equal(run.code, 0)
    assert.equal((JSON.parse(run.stdout) as JsonResult).findings[0]?.severity, 'warning')
  })

  test('exit 2: missing file, directory, binary, huge file, unknown kind, bad flags', async () => {
    const binary = join(dir, 'binary.cfg')
    await writeFile(binary, Buffer.from([0, 1, 2, 3, 0x67, 0x6c, 0x6f, 0x62, 0x61, 0x6c]))
    const huge = join(dir, 'huge.cfg')
    await writeFile(huge, Buffer.alloc(6 * 1024 * 1024, 0x23))
    const prose = join(dir, 'notes.txt')
    await writeFile(prose, 'nothing to see here\n')
    const cases: Array<[string[], RegExp]> = [
      [['does-not-exist.cfg'], /no such file/],
      [[dir], /directory/],
      [[binary], /binary/],
      [[huge], /MiB/],
      [[prose], /--kind/],
      [['classic-haproxy.cfg', '--kind', 'apache'], /haproxy, nginx/],
      [['classic-haproxy.cfg', '--proxy-version', 'latest'], /--proxy-version/],
      [[], /file/],
    ]
    for (const [args, message] of cases) {
      const run = await lint(args)
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`)
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
      assert.match(run.stderr, message)
      assert.doesNotMatch(run.stderr, /\n\s+at /)
    }
    const json = await lint(['does-not-exist.cfg', '--json'])
    assert.equal(json.code, 2)
    const error = JSON.parse(json.stdout) as {error: {code: string; message: string}}
    assert.equal(error.error.code, 'bad-file')
    assert.match(error.error.message, /no such file/)
  })

  test('--kind reads a file whose kind cannot be guessed', async () => {
    const prose = join(dir, 'fragment.inc')
    await writeFile(prose, 'proxy_pass https://d111111abcdef8.cloudfront.net\n')
    const run = await lint([prose, '--kind', 'nginx', '--json'])
    assert.equal((JSON.parse(run.stdout) as JsonResult).kind, 'nginx')
  })
})
