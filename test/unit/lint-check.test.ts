// `lint --check` without the real tools: fake haproxy / nginx binaries print what the real ones
// print (captured from HAProxy 2.6 and nginx 1.22), so that warnings, problems lint already
// reports, permission and name-resolution failures, and nginx's command line are checked anywhere.
import assert from 'node:assert/strict'
import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {parseCheckOutput, runConfigCheck} from '../../src/lint/check.js'
import {lintText} from '../../src/lint/index.js'
import type {RawFinding} from '../../src/lint/types.js'

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-lint-check-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

/** A fake binary in its own directory: prints `output` on stderr, exits with `code`, records its arguments. */
async function fake(name: string, output: string, code: number): Promise<{dirs: string[]; args: () => Promise<string[]>}> {
  const home = await mkdtemp(join(dir, `${name}-`))
  const argsFile = join(home, 'args')
  const outFile = join(home, 'out')
  await writeFile(outFile, output)
  const script = join(home, name)
  await writeFile(
    script,
    ['#!/bin/sh', 'if [ "$1" = "-v" ]; then echo "nginx version: nginx/1.22.1" >&2; exit 0; fi', `for a in "$@"; do printf '%s\\n' "$a"; done > '${argsFile}'`, `cat '${outFile}' >&2`, `exit ${code}`, ''].join('\n'),
  )
  await chmod(script, 0o755)
  return {dirs: [home], args: async () => (await readFile(argsFile, 'utf8')).split('\n').filter(Boolean)}
}

const TCP_RULES = ['defaults', '    timeout connect 5s', '    timeout client 30s', '    timeout server 30s', 'frontend fe', '    bind 127.0.0.1:18085', '    default_backend be', 'backend be', '    http-request set-header Host api.example.test', '    server s 127.0.0.1:9000', ''].join('\n')

async function check(kind: 'haproxy' | 'nginx', text: string, output: string, code: number): Promise<{outcome: Awaited<ReturnType<typeof runConfigCheck>>; args: string[]; lint: RawFinding[]}> {
  const path = join(dir, kind === 'haproxy' ? 'x.cfg' : 'x.conf')
  await writeFile(path, text)
  const binary = await fake(kind, output.replaceAll('FILE', path), code)
  const lint = lintText(text, {file: path, kind}).findings
  const outcome = await runConfigCheck(kind, path, text.split('\n').length, {searchDirs: binary.dirs, text, lintFindings: lint})
  return {outcome, args: await binary.args(), lint}
}

describe('haproxy -c output folded in', () => {
  test("warnings become config-check-warning; one lint reports already is info, with the tool's words", async () => {
    const output = [
      '[NOTICE]   (1) : haproxy version is 2.6.12-1+deb12u4',
      "[WARNING]  (1) : config : missing timeouts for frontend 'fe2'.",
      '   | While not properly invalid, you will certainly encounter various problems',
      "   | timeouts are set to a non-zero value: 'client', 'connect', 'server'.",
      "[WARNING]  (1) : config : 'http-request' rules ignored for backend 'be' as they require HTTP mode.",
      'Warnings were found.',
      'Configuration file is valid',
    ].join('\n')
    const {outcome, lint} = await check('haproxy', TCP_RULES.replace('frontend fe\n', 'frontend fe2\n'), output, 0)
    assert.ok(outcome.available)
    assert.equal(outcome.checked.ok, true)
    const tcp = lint.find((finding) => finding.id === 'haproxy-http-rules-in-tcp-mode')
    assert.ok(tcp)
    const warnings = outcome.findings.filter((finding) => finding.id === 'config-check-warning')
    assert.deepEqual(
      warnings.map((finding) => [finding.line, finding.severity]),
      [
        [5, 'warning'],
        [8, 'info'],
      ],
    )
    assert.match(warnings[0]?.message ?? '', /missing timeouts for frontend 'fe2'.*non-zero value/)
    assert.match(warnings[1]?.message ?? '', /rules ignored for backend 'be'.*reported above: haproxy-http-rules-in-tcp-mode at line 8/)
  })

  test('a failure lint reports already (ACL typo) is info, not a second error; one it does not is an error', async () => {
    const text = ['frontend fe', '    mode http', '    bind :80', '    use_backend b if api-gateway', '    acl api_gateway path_beg /api', 'backend b', '    mode http', '    server s 127.0.0.1:80', ''].join('\n')
    const same = await check('haproxy', text, "[ALERT]    (1) : config : parsing [FILE:4] : error detected while parsing switching rule : no such ACL : 'api-gateway'.\n[ALERT]    (1) : config : Error(s) found in configuration file : FILE", 1)
    const failed = same.outcome.findings.find((finding) => finding.id === 'config-check-failed')
    assert.equal(failed?.severity, 'info')
    assert.equal(failed?.line, 4)
    assert.match(failed?.message ?? '', /no such ACL : 'api-gateway'.*reported above: haproxy-undefined-acl at line 4/s)
    const other = await check('haproxy', text, "[ALERT]    (1) : config : parsing [FILE:3] : 'bind :80' unknown keyword 'foo'.\n[ALERT]    (1) : config : parsing [FILE:4] : no such ACL : 'api-gateway'.", 1)
    const error = other.outcome.findings.find((finding) => finding.id === 'config-check-failed')
    assert.equal(error?.severity, 'error')
    assert.equal(error?.line, 3)
    assert.match(error?.message ?? '', /unknown keyword 'foo'/)
  })

  test('name resolution and permission failures: config-check-unavailable (info) with the reason', async () => {
    const dns = await check('haproxy', TCP_RULES, "[ALERT]    (1) : config : [FILE:10] : 'server be/s' : could not resolve address 'backend.example.test'.\n[ALERT]    (1) : config : Failed to initialize server(s) addr.", 1)
    assert.deepEqual(dns.outcome.findings.map((finding) => [finding.id, finding.severity, finding.line]), [['config-check-unavailable', 'info', 10]])
    assert.match(dns.outcome.findings[0]?.message ?? '', /did not resolve.*could not resolve address 'backend\.example\.test'/s)
    const permission = await check(
      'haproxy',
      TCP_RULES,
      "[ALERT]    (1) : config : parsing [FILE:6] : 'bind 127.0.0.1:18098' in section 'frontend' : unable to stat SSL certificate from file '/etc/ssl/private/x.pem' : Permission denied.\n[ALERT]    (1) : config : Error(s) found in configuration file : FILE\n[ALERT]    (1) : config : Fatal errors found in configuration.",
      1,
    )
    assert.deepEqual(permission.outcome.findings.filter((finding) => finding.id.startsWith('config-check-') && finding.id !== 'config-check-warning').map((finding) => [finding.id, finding.severity]), [['config-check-unavailable', 'info']])
    assert.match(permission.outcome.findings[0]?.message ?? '', /permission denied/i)
  })

  test('a file with backends only (haproxy -c exit 2, "will not start") is valid', async () => {
    const {outcome} = await check('haproxy', 'backend b\n    server s 127.0.0.1:80\n', 'Configuration file has no error but will not start (no listener) => exit(2).', 2)
    assert.ok(outcome.available && outcome.checked.ok)
    assert.deepEqual(outcome.findings, [])
  })
})

describe('nginx -t', () => {
  const conf = 'events {}\nhttp {\n  server {\n    listen 127.0.0.1:18099;\n    location / { proxy_pass http://127.0.0.1:9; }\n  }\n}\n'

  test('runs with a scratch prefix, the start-up log on stderr, error log and pid in the prefix', async () => {
    const {args, outcome} = await check('nginx', conf, 'nginx: the configuration file FILE syntax is ok\nnginx: configuration file FILE test is successful', 0)
    assert.ok(outcome.available && outcome.checked.ok)
    const prefix = args[args.indexOf('-p') + 1] ?? ''
    assert.match(prefix, /apigw-doctor-nginx-/)
    assert.equal(args[args.indexOf('-e') + 1], 'stderr')
    const globals = args[args.indexOf('-g') + 1] ?? ''
    assert.equal(globals, `error_log ${join(prefix, 'logs', 'error.log')}; pid ${join(prefix, 'nginx.pid')};`)
  })

  test('a config with its own pid keeps it (a second one is refused as duplicate)', async () => {
    const {args} = await check('nginx', `pid /run/nginx.pid;\n${conf}`, '', 0)
    const globals = args[args.indexOf('-g') + 1] ?? ''
    assert.match(globals, /^error_log /)
    assert.doesNotMatch(globals, /pid/)
  })

  test('permission denied as non-root, and a host not found: could not complete (info); the user warning is dropped', async () => {
    const output = [
      '2026/01/01 00:00:00 [warn] 1#1: the "user" directive makes sense only if the master process runs with super-user privileges, ignored in FILE:1',
      'nginx: the configuration file FILE syntax is ok',
      '2026/01/01 00:00:00 [emerg] 1#1: open() "/var/log/nginx/access.log" failed (13: Permission denied)',
      'nginx: configuration file FILE test failed',
    ].join('\n')
    const {outcome} = await check('nginx', `user www-data;\n${conf}`, output, 1)
    assert.deepEqual(outcome.findings.map((finding) => [finding.id, finding.severity]), [['config-check-unavailable', 'info']])
    assert.match(outcome.findings[0]?.message ?? '', /permission denied.*access\.log/is)
    const dns = await check('nginx', conf, '2026/01/01 00:00:00 [emerg] 1#1: host not found in upstream "backend.example.test" in FILE:5\nnginx: configuration file FILE test failed', 1)
    assert.deepEqual(dns.outcome.findings.map((finding) => [finding.id, finding.severity, finding.line]), [['config-check-unavailable', 'info', 5]])
  })

  test('a missing ";" lint reports as a parse error is not counted twice', async () => {
    const broken = 'events {}\nhttp {\n  server {\n    location / {\n      proxy_pass http://127.0.0.1:9\n      proxy_set_header Host x;\n    }\n  }\n}\n'
    const {outcome, lint} = await check('nginx', broken, '2026/01/01 00:00:00 [emerg] 1#1: invalid number of arguments in "proxy_pass" directive in FILE:6\nnginx: configuration file FILE test failed', 1)
    assert.deepEqual(lint.map((finding) => [finding.id, finding.line]), [['config-parse-error', 5]])
    assert.deepEqual(outcome.findings.map((finding) => [finding.id, finding.severity]), [['config-check-failed', 'info']])
  })

  test('a fragment (server blocks, no http {}) is not handed to nginx -t', async () => {
    const text = 'server {\n    listen 80;\n}\n'
    const path = join(dir, 'fragment.conf')
    await writeFile(path, text)
    const binary = await fake('nginx', 'should not run', 1)
    const outcome = await runConfigCheck('nginx', path, 3, {searchDirs: binary.dirs, text})
    assert.equal(outcome.available, false)
    assert.deepEqual(outcome.findings.map((finding) => [finding.id, finding.severity]), [['config-check-unavailable', 'info']])
    assert.match(outcome.findings[0]?.message ?? '', /fragment/)
    await assert.rejects(binary.args(), /ENOENT/)
  })
})

describe('parseCheckOutput', () => {
  test('levels, lines, continuation lines, environment and verdict lines', () => {
    const problems = parseCheckOutput(
      'haproxy',
      [
        '[NOTICE]   (4645) : haproxy version is 2.6.12',
        "[ALERT]    (4645) : config : parsing [/etc/x/a.cfg:7]: unmatched quote at position 33:",
        '  http-request set-header X-A "abc',
        '                              ^',
        "[WARNING]  (4645) : config : [/etc/x/a.cfg:10] : 'server be/gw' : could not resolve address 'x.example.test', disabling server.",
        "[WARNING]  (4645) : config : resolvers 'dns': can't connect socket for nameserver 'local'.",
        '[ALERT]    (4645) : config : Fatal errors found in configuration.',
      ].join('\n'),
      '/etc/x/a.cfg',
      20,
    )
    assert.deepEqual(
      problems.map((problem) => [problem.level, problem.line, problem.environment, problem.summary]),
      [
        ['error', 7, null, false],
        ['warning', 10, 'dns', false],
        ['warning', null, 'network', false],
        ['error', null, null, true],
      ],
    )
    assert.match(problems[0]?.text ?? '', /^parsing \[\/etc\/x\/a\.cfg:7\]: unmatched quote at position 33:$/)
  })
})
