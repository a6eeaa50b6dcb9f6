// Runs the built CLI (`npm run build` first): exit codes, human output, --json, stdin.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {before, describe, test} from 'node:test'

import {REPO_ROOT, runCli, type CliResult} from '../support/cli.js'

const run = (args: string[]): Promise<CliResult> => runCli(['explain', ...args])
// The CLI stops reading after 64 KiB and may exit before all of a huge input is written: runCli ignores the broken pipe.
const runWithStdin = (args: string[], input: string): Promise<CliResult> => runCli(['explain', ...args], {input})

const HAPROXY_503 =
  'Nov 26 05:10:01 host haproxy[1234]: 127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_main be_api/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /prod/health HTTP/1.1"'
const NGINX_112 =
  '2026/11/26 05:10:01 [error] 1234#1234: *1 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "https://127.0.0.2:443/", host: "localhost:8080"'

describe('apigw-doctor explain', () => {
  before(() => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'commands', 'explain.js'))) throw new Error('dist/commands/explain.js is missing: run `npm run build` first')
  })

  test('SC--: exit 0, summary and sections', async () => {
    const r = await run(['SC--'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /SC--/)
    assert.match(r.stdout, /TLS handshake/)
    assert.match(r.stdout, /What it means/)
    assert.match(r.stdout, /Likely causes/)
    assert.match(r.stdout, /Next steps/)
    assert.match(r.stdout, /sni str\(<host>\)/)
    assert.match(r.stdout, /apigw-doctor probe <host>/)
    assert.doesNotMatch(r.stdout, /\u001b\[/)
  })

  test('unquoted words are joined, and ---- is text, not a flag', async () => {
    const r = await run(['----', '400'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /plain HTTP/)
    const separated = await run(['--', '----', '400'])
    assert.equal(separated.code, 0, separated.stderr)
  })

  test('a whole HAProxy log line', async () => {
    const r = await run([HAPROXY_503])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Tc = -1/)
    assert.match(r.stdout, /3 retries/)
  })

  test('--json returns the explanation object', async () => {
    const r = await run([HAPROXY_503, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const json = JSON.parse(r.stdout)
    assert.equal(json.kind, 'haproxy-log')
    assert.deepEqual(json.fields.timers, {TR: 0, Tw: 0, Tc: -1, Tr: -1, Ta: 3015})
    assert.equal(json.fields.status, 503)
    assert.equal(json.fields.termination.code, 'SC--')
    assert.ok(Array.isArray(json.meaning) && Array.isArray(json.likelyCauses) && Array.isArray(json.nextSteps))
  })

  test('--json before the text', async () => {
    const r = await run(['--json', NGINX_112])
    assert.equal(r.code, 0, r.stderr)
    const json = JSON.parse(r.stdout)
    assert.equal(json.kind, 'nginx-error')
    assert.deepEqual(json.fields.alert, {number: 112, name: 'unrecognized_name'})
    assert.equal(json.fields.upstream, 'https://127.0.0.2:443/')
  })

  test('alerts, curl and error codes', async () => {
    for (const [args, pattern] of [
      [['112'], /unrecognized_name/],
      [['alert', '40'], /handshake_failure/],
      [['curl: (60) SSL certificate problem: certificate has expired'], /CERT_HAS_EXPIRED|expired/],
      [['ERR_SSL_WRONG_VERSION_NUMBER'], /wrong version number/],
      [['tls-closed'], /tls-closed/],
    ] as const) {
      const r = await run([...args])
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stdout, pattern)
    }
  })

  test('unknown text: exit 1 with a hint', async () => {
    const r = await run(['hello', 'world'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /Not recognised/)
    assert.match(r.stdout, /apigw-doctor probe <host>/)
  })

  test('unknown text under --json', async () => {
    const r = await run(['hello', '--json'])
    assert.equal(r.code, 1)
    const json = JSON.parse(r.stdout)
    assert.equal(json.recognised, false)
    assert.equal(json.input, 'hello')
    assert.match(json.hint, /apigw-doctor probe/)
  })

  test('control characters are escaped in the output', async () => {
    const r = await run(['SC--\u001b[2J'])
    assert.equal(r.code, 1)
    assert.doesNotMatch(r.stdout, /\u001b/)
    assert.match(r.stdout, /\\x1b/)
  })

  test('no text: one line of usage error, exit 2 (JSON error under --json)', async () => {
    const NOTHING = 'nothing to explain: give a termination state, a log line, an error or an alert (or - to read stdin)'
    const r = await run([])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, `apigw-doctor: ${NOTHING}\n`)
    const json = await run(['--json'])
    assert.equal(json.code, 2)
    assert.deepEqual(JSON.parse(json.stdout).error, {code: 'usage', message: NOTHING})
  })

  test('an unknown --flag is refused (exit 2), not explained as text; after -- it is text', async () => {
    const r = await run(['--bogus', 'SC--'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /unknown flag --bogus/)
    assert.equal(r.stdout, '')
    const json = await run(['--json', '--bogus', 'SC--'])
    assert.equal(json.code, 2)
    assert.match(JSON.parse(json.stdout).error.message, /unknown flag --bogus/)
    const literal = await run(['--', '--bogus'])
    assert.equal(literal.code, 1)
    assert.match(literal.stdout, /Not recognised: --bogus/)
  })

  test('a bare number that is a curl code and an obsolete alert: curl first, the alert named', async () => {
    const r = await run(['60'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout.split('\n')[0] ?? '', /curl 60/)
    assert.match(r.stdout, /Also TLS alert 60 export_restriction/)
    const json = JSON.parse((await run(['60', '--json'])).stdout)
    assert.equal(json.kind, 'curl')
    assert.equal(json.fields.alternatives[0].kind, 'tls-alert')
  })

  test('several lines on stdin: each distinct problem, an array under --json', async () => {
    const ok = HAPROXY_503.replace('0/0/-1/-1/3015 503', '0/0/5/20/30 200').replace('SC--', '----').replace('1/1/0/0/3', '1/1/1/1/0')
    const paste = [ok, HAPROXY_503, ok, HAPROXY_503, ok, NGINX_112, ''].join('\n')
    const human = await runWithStdin(['-'], paste)
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stdout, /^6 lines, 6 recognised, 2 distinct problems:/)
    assert.match(human.stdout, /── 1\/2: line 2 \(and 1 more line like it\) ──/)
    assert.match(human.stdout, /── 2\/2: line 6 ──/)
    assert.doesNotMatch(human.stdout, /successful/)
    const json = await runWithStdin(['-', '--json'], paste)
    assert.equal(json.code, 0, json.stderr)
    const list = JSON.parse(json.stdout)
    assert.ok(Array.isArray(list))
    assert.deepEqual(
      list.map((e: {kind: string; fields: {lineNumber: number; occurrences: number}}) => [e.kind, e.fields.lineNumber, e.fields.occurrences]),
      [
        ['haproxy-log', 2, 2],
        ['nginx-error', 6, 1],
      ],
    )
    const nothing = await runWithStdin(['-', '--json'], 'hello\nworld\n')
    assert.equal(nothing.code, 1)
    assert.equal(JSON.parse(nothing.stdout).recognised, false)
  })

  test('--help: a blank line before "Exit status", pipe examples written as commands', async () => {
    const r = await run(['--help'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /\n\n {2}Exit status: 0 recognised/)
    assert.match(r.stdout, /\$ tail -n 50 \/var\/log\/haproxy\.log \| apigw-doctor explain -\n/)
    assert.doesNotMatch(r.stdout, /^ {2}tail /m, 'a pipe example without its $ prompt')
  })

  test('"-" reads stdin', async () => {
    const r = await runWithStdin(['-', '--json'], `${NGINX_112}\n`)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).kind, 'nginx-error')
    const empty = await runWithStdin(['-'], '')
    assert.equal(empty.code, 2)
  })

  test('binary on stdin is bad input (exit 2, one line), not "not recognised" with the bytes echoed', async () => {
    const r = await runWithStdin(['-'], '\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000' + 'x\u0000'.repeat(500))
    assert.equal(r.code, 2, r.stdout)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'apigw-doctor: stdin: binary content, not a log line or an error message\n')
  })

  test('a huge stdin is bounded', async () => {
    const r = await runWithStdin(['-', '--json'], `${HAPROXY_503}\n${'x'.repeat(2 * 1024 * 1024)}`)
    assert.equal(r.code, 0, r.stderr)
    // two lines in: an array, with the one recognised line
    const json = JSON.parse(r.stdout)
    assert.ok(Array.isArray(json), r.stdout.slice(0, 200))
    assert.equal(json.length, 1)
    assert.equal(json[0].kind, 'haproxy-log')
  })
})
