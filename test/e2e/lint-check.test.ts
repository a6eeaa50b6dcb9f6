// Needs haproxy and nginx installed (CI installs them before `npm run test:e2e`); FAILS when
// they are missing. Runs `haproxy -c` / `nginx -t` on every fixed fixture, then `lint --check`
// through the built CLI. Only fixtures that resolve no name at check time are used: the fixed
// ones (init-addr none, variables with a loopback resolver, IP literals) and a few IP-only ones.
import assert from 'node:assert/strict'
import {mkdir, mkdtemp, readdir, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {findBinary} from '../../src/lint/check.js'
import {REPO_ROOT, run, runCli, type CliResult, type RunResult} from '../support/e2e/index.js'

const fixtures = join(REPO_ROOT, 'test', 'fixtures', 'lint')
// the C locale, as lint --check gives haproxy -c / nginx -t: their messages in English
const ENV = {LC_ALL: 'C'}

const exec = (file: string, args: string[], cwd = fixtures): Promise<RunResult> => run(file, args, {cwd, env: {...process.env, ...ENV}, timeoutMs: 30_000})

const lint = (args: string[]): Promise<CliResult> => runCli(['lint', ...args], {cwd: fixtures, env: ENV, timeoutMs: 30_000})

/** What nginx -t could write when left alone: the default pid file and error log (absent or unchanged). */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const path of ['/run/nginx.pid', '/var/log/nginx/error.log']) {
    try {
      const info = await stat(path)
      out[path] = `${info.size} ${info.mtimeMs}`
    } catch {
      out[path] = 'absent'
    }
  }
  return out
}

interface JsonResult {
  findings: Array<{id: string; line: number; severity: string; message: string}>
  checked?: {tool: string; ok: boolean; output: string}
}

let haproxy: string | null = null
let nginx: string | null = null
let scratch = ''

before(async () => {
  haproxy = await findBinary('haproxy')
  nginx = await findBinary('nginx')
  scratch = await mkdtemp(join(tmpdir(), 'apigw-lint-e2e-'))
  await mkdir(join(scratch, 'logs'))
})
after(async () => {
  await rm(scratch, {recursive: true, force: true})
})

describe('lint --check against the real tools', () => {
  test('haproxy and nginx are installed', () => {
    assert.ok(haproxy, 'haproxy not found in PATH: install it (apt-get install haproxy) before npm run test:e2e')
    assert.ok(nginx, 'nginx not found in PATH: install it (apt-get install nginx) before npm run test:e2e')
  })

  test('every fixed fixture passes haproxy -c / nginx -t', async () => {
    assert.ok(haproxy && nginx, 'haproxy and nginx are needed')
    const names = (await readdir(fixtures)).filter((name) => /\.fixed\.(cfg|conf)$/.test(name)).sort()
    assert.ok(names.length >= 15)
    for (const name of names) {
      const path = join(fixtures, name)
      const run: RunResult = name.endsWith('.cfg')
        ? await exec(haproxy, ['-c', '-f', path])
        : await exec(nginx, ['-t', '-c', path, '-p', scratch + '/', '-e', 'stderr', '-g', `pid ${join(scratch, 'nginx.pid')}; error_log ${join(scratch, 'logs', 'error.log')};`], scratch)
      assert.equal(run.code, 0, `${name}:\n${run.stdout}${run.stderr}`)
    }
  })

  test('a fixed config: lint --check exit 0, checked.ok', async () => {
    for (const [file, tool] of [['classic-haproxy.fixed.cfg', 'haproxy'], ['nginx-upstream-cloud.fixed.conf', 'nginx']] as const) {
      const run = await lint([file, '--check', '--json'])
      assert.equal(run.code, 0, run.stdout + run.stderr)
      const result = JSON.parse(run.stdout) as JsonResult
      assert.equal(result.checked?.tool, tool)
      assert.equal(result.checked?.ok, true, result.checked?.output)
      assert.ok(!result.findings.some((finding) => finding.id.startsWith('config-check')))
    }
  })

  test("haproxy -c refusing the config: HAProxy's words, not counted twice when lint reports the same (ACL)", async () => {
    const run = await lint(['haproxy-acl-order.cfg', '--check', '--json'])
    assert.equal(run.code, 1)
    const result = JSON.parse(run.stdout) as JsonResult
    assert.equal(result.checked?.ok, false)
    const failed = result.findings.find((finding) => finding.id === 'config-check-failed')
    assert.ok(failed, run.stdout)
    assert.equal(failed.severity, 'info')
    assert.equal(failed.line, 10)
    assert.match(failed.message, /no such ACL : 'blocked_net'.*reported above: haproxy-undefined-acl at line 10/s)
    assert.equal(result.findings.filter((finding) => finding.severity === 'error').length, 2)
  })

  test('ssl without ca-file: HAProxy 2.6 refuses to start, as lint says (not counted twice)', async () => {
    const run = await lint(['haproxy-ssl-without-ca-file.cfg', '--check', '--json'])
    assert.equal(run.code, 1)
    const result = JSON.parse(run.stdout) as JsonResult
    assert.equal(result.checked?.ok, false)
    assert.match(result.checked?.output ?? '', /verify is enabled by default but no CA file specified/)
    const lintFinding = result.findings.find((finding) => finding.id === 'haproxy-ssl-without-ca-file')
    assert.equal(lintFinding?.line, 17)
    const failed = result.findings.find((finding) => finding.id === 'config-check-failed')
    assert.equal(failed?.severity, 'info')
    assert.equal(failed?.line, 17)
  })

  test("haproxy -c warnings are folded in: 'http-request' rules ignored in TCP mode, missing timeouts", async () => {
    const path = join(scratch, 'tcp-rules.cfg')
    await writeFile(
      path,
      [
        'frontend fe',
        '    bind 127.0.0.1:18085',
        '    default_backend be',
        '',
        'backend be',
        '    http-request set-header Host api.example.test',
        '    server s 127.0.0.1:9000',
        '',
      ].join('\n'),
    )
    const run = await lint([path, '--check', '--json'])
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const result = JSON.parse(run.stdout) as JsonResult
    assert.equal(result.checked?.ok, true, result.checked?.output)
    const tcp = result.findings.find((finding) => finding.id === 'haproxy-http-rules-in-tcp-mode')
    assert.equal(tcp?.line, 5)
    assert.equal(tcp?.severity, 'warning')
    const warnings = result.findings.filter((finding) => finding.id === 'config-check-warning')
    // HAProxy's own warning, on the backend's line, marked info: lint reports it already.
    const ignored = warnings.find((finding) => /'http-request' rules ignored for backend 'be'/.test(finding.message))
    assert.equal(ignored?.severity, 'info')
    assert.equal(ignored?.line, 5)
    // One lint has no rule for: a warning of its own.
    assert.ok(warnings.some((finding) => /missing timeouts/.test(finding.message) && finding.severity === 'warning'), run.stdout)
  })

  test('nginx -t writes nothing outside its scratch prefix (pid and error log moved there)', async () => {
    const before = await snapshot()
    const run = await lint(['nginx-upstream-cloud.fixed.conf', '--check', '--json'])
    assert.equal(run.code, 0, run.stdout)
    assert.deepEqual(await snapshot(), before)
  })

  test('a config nginx accepts but lint does not: checked.ok and still exit 1', async () => {
    const run = await lint(['nginx-upstream-http-443.conf', '--check', '--json'])
    assert.equal(run.code, 1)
    const result = JSON.parse(run.stdout) as JsonResult
    assert.equal(result.checked?.ok, true, result.checked?.output)
    assert.deepEqual(result.findings.map((finding) => finding.id), ['nginx-http-to-tls-port'])
  })

  test('nginx -t failing: the line it names, human output says so', async () => {
    const path = join(scratch, 'broken.conf')
    await writeFile(path, 'events {}\nhttp {\n    access_log off;\n    server {\n        listen 127.0.0.1:18080;\n        proxy_passs http://127.0.0.1:9000;\n    }\n}\n')
    const run = await lint([path, '--check'])
    assert.equal(run.code, 1)
    assert.match(run.stdout, /broken\.conf:6 {2}error {2}config-check-failed {2}nginx -t /)
    assert.match(run.stdout, /unknown directive "proxy_passs"/)
    assert.match(run.stdout, /^nginx -t: failed$/m)
  })
})
