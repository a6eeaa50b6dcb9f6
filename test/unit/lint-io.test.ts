// File reading (exit-2 cases), the --check plumbing that needs no proxy installed, and the
// human rendering.
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {UsageError} from '../../src/cli/errors.js'
import {parseCheckOutput, runConfigCheck} from '../../src/lint/check.js'
import {lintFile} from '../../src/lint/index.js'
import {MAX_CONFIG_BYTES, isBinary, readConfigFile} from '../../src/lint/read.js'
import {renderLint} from '../../src/lint/render.js'
import type {LintResult} from '../../src/lint/types.js'

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-lint-io-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('reading a config file', () => {
  test('missing file, directory, binary and huge files are usage errors', async () => {
    await assert.rejects(readConfigFile(join(dir, 'nope.cfg')), (error: unknown) => error instanceof UsageError && /no such file/.test(error.message))
    await assert.rejects(readConfigFile(dir), (error: unknown) => error instanceof UsageError && /directory/.test(error.message))
    const binary = join(dir, 'bin.cfg')
    await writeFile(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]))
    await assert.rejects(readConfigFile(binary), (error: unknown) => error instanceof UsageError && /binary/.test(error.message))
    const huge = join(dir, 'huge.cfg')
    await writeFile(huge, Buffer.alloc(MAX_CONFIG_BYTES + 10, 0x61))
    await assert.rejects(readConfigFile(huge), (error: unknown) => error instanceof UsageError && /MiB/.test(error.message))
    await assert.rejects(readConfigFile(''), UsageError)
  })

  test('text with UTF-8 comments, tabs and CRLF is not binary; a BOM is dropped', async () => {
    assert.equal(isBinary(Buffer.from('# Hệ Thống → ok\r\n\tglobal\n')), false)
    const path = join(dir, 'bom.cfg')
    await writeFile(path, '\uFEFFglobal\n    maxconn 10\nbackend b\n    server s 127.0.0.1:80\n')
    const result = await lintFile(path)
    assert.equal(result.kind, 'haproxy')
  })
})

describe('--check plumbing', () => {
  test('a missing binary is an info finding, not a failure', async () => {
    const outcome = await runConfigCheck('haproxy', '/nonexistent.cfg', 10, {searchDirs: [dir]})
    assert.equal(outcome.available, false)
    assert.deepEqual(
      outcome.findings.map((finding) => [finding.id, finding.severity, finding.line]),
      [['config-check-unavailable', 'info', 1]],
    )
  })

  test("the tool's error lines and the line they name are picked out", () => {
    const errors = (kind: 'haproxy' | 'nginx', output: string, file: string, lineCount: number) =>
      parseCheckOutput(kind, output, file, lineCount)
        .filter((problem) => problem.level === 'error')
        .map((problem) => [problem.text, problem.line])
    const haproxy = [
      '[NOTICE]   (4645) : haproxy version is 2.6.12-1+deb12u4',
      "[ALERT]    (4645) : config : parsing [/etc/x/a.cfg:8] : error detected while parsing switching rule : no such ACL : 'later_acl'.",
      '[ALERT]    (4645) : config : Error(s) found in configuration file : /etc/x/a.cfg',
    ].join('\n')
    const found = errors('haproxy', haproxy, '/etc/x/a.cfg', 20)
    assert.equal(found.length, 2)
    assert.match(String(found[0]?.[0]), /^parsing \[\/etc\/x\/a\.cfg:8\] : error detected/)
    assert.equal(found[0]?.[1], 8)
    // A line beyond the file's end is not a line of it.
    assert.equal(errors('haproxy', haproxy, '/etc/x/a.cfg', 5)[0]?.[1], null)
    const nginx = 'nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/site.conf:12\nnginx: configuration file /etc/nginx/site.conf test failed'
    assert.equal(errors('nginx', nginx, '/etc/nginx/site.conf', 30).length, 2)
    assert.equal(errors('nginx', nginx, '/etc/nginx/site.conf', 30)[0]?.[1], 12)
    assert.equal(errors('nginx', nginx, '/etc/nginx/other.conf', 30)[0]?.[1], null)
  })
})

describe('human output', () => {
  const result: LintResult = {
    file: 'h.cfg',
    kind: 'haproxy',
    findings: [
      {file: 'h.cfg', line: 3, severity: 'error', id: 'haproxy-server-missing-ssl', message: 'no ssl \u001b[31m', fix: 'server gw a.example.test:443 ssl', fixAction: 'replace'},
      {file: 'h.cfg', line: 3, severity: 'error', id: 'haproxy-missing-host-rewrite', message: 'Host', fix: 'mode http\nhttp-request set-header Host a.example.test', fixAction: 'insert'},
      {file: 'h.cfg', line: 4, severity: 'info', id: 'haproxy-no-resolvers', message: 'once', fix: null, fixAction: null},
    ],
  }

  test('file:line  severity  id  message, how the fix applies, the fix indented, a summary; no escape codes without colour', () => {
    const text = renderLint(result, {colour: false})
    assert.equal(
      text,
      [
        'h.cfg:3  error  haproxy-server-missing-ssl  no ssl \\x1b[31m',
        '    replace line 3 with:',
        '      server gw a.example.test:443 ssl',
        'h.cfg:3  error  haproxy-missing-host-rewrite  Host',
        '    add:',
        '      mode http',
        '      http-request set-header Host a.example.test',
        'h.cfg:4  info  haproxy-no-resolvers  once',
        'h.cfg (haproxy): 2 errors, 0 warnings, 1 info',
        '',
      ].join('\n'),
    )
  })

  test('colour by severity when allowed', () => {
    const text = renderLint(result, {colour: true})
    assert.match(text, /\u001B\[31merror\u001B\[39m/)
    assert.match(text, /\u001B\[36minfo\u001B\[39m/)
  })

  test('a clean file says so', () => {
    assert.equal(renderLint({file: 'ok.conf', kind: 'nginx', findings: []}, {colour: false}), 'ok.conf (nginx): no problems found\n')
  })
})
