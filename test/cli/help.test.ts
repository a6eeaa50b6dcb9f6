// Help that teaches: `apigw-doctor help` lists every command by what the user wants to do, each
// command has a description, examples and defaults, and EVERY example in the help runs as written
// (through bash, pipes and redirections included) and does its job: not a usage error.
// Host names, addresses and absolute paths in the examples are swapped for loopback stand-ins before
// running (the AWS-style names never reach a resolver), and every probe is pinned to a test edge.
import assert from 'node:assert/strict'
import {copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync} from 'node:fs'
import {spawn} from 'node:child_process'
import http from 'node:http'
import https from 'node:https'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {TASKS} from '../../src/cli/help.js'
import {REPO_ROOT, runCli} from '../support/cli.js'
import {run} from '../support/e2e/util.js'
import {startTestEdge, type TestEdge} from '../support/test-edge.js'

interface ManifestCommand {
  id: string
  hidden?: boolean
  description?: string
  summary?: string
  examples?: Array<string | {description: string; command: string}>
  flags: Record<string, {name: string; default?: unknown; description?: string; type: string}>
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand>}
const commands = Object.values(manifest.commands).filter((c) => !c.hidden)

/** The example as a user would type it. */
function exampleLine(command: ManifestCommand, example: string | {command: string}): string {
  const text = typeof example === 'string' ? example : example.command
  return text
    .replaceAll('<%= config.bin %>', 'apigw-doctor')
    .replaceAll('<%= command.id %>', command.id)
    .replace(/^\$ /, '')
}

let dir = ''
let edge: TestEdge
let proxy: http.Server
let proxyPort = 0

/** Names, addresses and paths of the examples → their loopback stand-ins in `dir`. */
function localise(line: string): string {
  return line
    .replace(/\b[\w-]+\.execute-api\.[\w-]+\.amazonaws\.com\b/g, 'api.test')
    .replace(/\b[\w-]+\.cloudfront\.net\b/g, 'api.test')
    .replaceAll('api.example.com', 'api.test')
    .replaceAll('10.0.0.5', '127.0.0.1')
    .replaceAll('http://127.0.0.1:8080', `http://127.0.0.1:${proxyPort}`)
    .replaceAll('/etc/haproxy/haproxy.cfg', 'haproxy.cfg')
    .replaceAll('/etc/nginx/nginx.conf', 'nginx.conf')
    .replaceAll('/var/log/haproxy.log', 'haproxy.log')
    .replaceAll('/var/log/nginx/error.log', 'nginx-error.log')
}

const HAPROXY_LOG = [
  '2026-11-26T05:10:01+00:00 lb1 haproxy[811]: 10.0.0.9:50412 [26/Nov/2026:05:10:01.123] fe_main be_api/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /prod/health HTTP/1.1"',
  '2026-11-26T05:10:04+00:00 lb1 haproxy[811]: 10.0.0.9:50418 [26/Nov/2026:05:10:04.456] fe_main be_api/gw 0/0/0/12/12 400 230 - - ---- 1/1/0/0/0 0/0 "GET /prod/health HTTP/1.1"',
].join('\n')
const NGINX_LOG =
  '2026/11/26 05:10:01 [error] 1234#1234: *1 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "https://127.0.0.2:443/", host: "localhost:8080"'
// IP literals only: `lint --check` lets nginx -t read it, and nginx must resolve nothing.
const NGINX_CONF = `events {}
http {
    server {
        listen 127.0.0.1:18080;
        location / {
            proxy_pass https://127.0.0.1:8443;
            proxy_set_header Host $host;
        }
    }
}
`

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'apigw-doctor-examples-'))
  edge = await startTestEdge({hostnames: ['api.test'], noSni: 'alert-112', paths: null, httpListener: 'none'})
  writeFileSync(join(dir, 'edge-ca.pem'), edge.caCert)
  // A proxy configured right (TLS, SNI and Host = api.test), standing in for "our own HAProxy" of the --via example.
  proxy = http.createServer((req, res) => {
    const upstream = https.request(
      {host: edge.host, port: edge.port, servername: 'api.test', ca: edge.caCert, method: req.method, path: req.url, headers: {...req.headers, host: 'api.test'}},
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  proxyPort = (proxy.address() as {port: number}).port

  // `apigw-doctor` on PATH: this checkout's CLI, every probe pinned to the edge (and anything else to a closed loopback port).
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  writeFileSync(
    join(bin, 'apigw-doctor'),
    `#!/bin/sh
if [ "$1" = probe ]; then
  set -- "$@" --connect-to 'api.test:443:${edge.host}:${edge.port}' --connect-to 'api.test:80:${edge.host}:${edge.httpPort}' --connect-to '::127.0.0.1:9' --ca-file '${join(dir, 'edge-ca.pem')}' --timeout 3000
fi
exec '${process.execPath}' '${join(REPO_ROOT, 'bin', 'run.js')}' "$@"
`,
  )
  chmodSync(join(bin, 'apigw-doctor'), 0o755)

  const fixtures = join(dir, 'fixtures')
  mkdirSync(fixtures)
  writeFileSync(join(fixtures, 'targets.txt'), '# the API, twice: by name and as a URL\napi.test\nhttps://api.test/prod/health\n')
  copyFileSync(join(REPO_ROOT, 'test/fixtures/lint/classic-haproxy.cfg'), join(fixtures, 'haproxy.cfg'))
  copyFileSync(join(REPO_ROOT, 'test/fixtures/lint/nginx-apigw-no-sni.conf'), join(fixtures, 'site.conf'))
  writeFileSync(join(fixtures, 'nginx.conf'), NGINX_CONF)
  writeFileSync(join(fixtures, 'haproxy.log'), HAPROXY_LOG + '\n')
  writeFileSync(join(fixtures, 'nginx-error.log'), NGINX_LOG + '\n')
  // A report as a customer would paste it.
  const saved = await runCli(['probe', 'api.test', '--port', String(edge.port), '--http-port', String(edge.httpPort), '--resolve', `api.test:*:${edge.host}`, '--ca-file', join(dir, 'edge-ca.pem'), '--json'])
  assert.equal(saved.code, 0, saved.stderr)
  writeFileSync(join(fixtures, 'customer-report.json'), saved.stdout)
  writeFileSync(join(fixtures, 'report.json'), saved.stdout)
})

after(async () => {
  await new Promise((resolve) => proxy?.close(resolve))
  await edge?.close()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

describe('help', () => {
  test('`apigw-doctor help` and a bare `apigw-doctor` list every command, by what the user wants to do', async () => {
    for (const args of [['help'], []]) {
      const r = await runCli(args)
      assert.equal(r.code, 0, r.stderr)
      for (const {goal} of TASKS) assert.ok(r.stdout.includes(goal), `${goal} missing from ${args.join(' ') || 'bare'} help`)
      // What the page prints, not what TASKS holds: each command starts an indented usage line.
      const listed = new Set([...r.stdout.matchAll(/^ {2}([a-z]+)(?= |$)/gm)].map((match) => match[1]))
      for (const command of [...commands.map((c) => c.id), 'autocomplete']) assert.ok(listed.has(command), `${command} is not in the root help`)
      assert.match(r.stdout, /Exit status: 0/)
    }
  })

  test('help COMMAND is COMMAND --help; an unknown one is a one-line error, exit 2', async () => {
    const [viaHelp, viaFlag] = await Promise.all([runCli(['help', 'lint']), runCli(['lint', '--help'])])
    assert.equal(viaHelp.code, 0, viaHelp.stderr)
    assert.equal(viaHelp.stdout, viaFlag.stdout)
    const unknown = await runCli(['help', 'prob'])
    assert.equal(unknown.code, 2)
    assert.equal(unknown.stderr, `apigw-doctor: unknown command "prob": did you mean 'probe'? (commands: probe, lint, explain, diagnose, help, autocomplete)\n`)
  })

  test('a reader that leaves at once (| head -1) does not change the exit status: 0, nothing on stderr', async () => {
    for (const args of [['--help'], ['help'], ['explain', 'SC--']]) {
      // The read end is closed before the CLI writes a byte: its writes, and oclif's flush, get EPIPE.
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'run.js'), ...args], {cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe']})
      child.stdout.destroy()
      let stderr = ''
      child.stderr.on('data', (chunk) => (stderr += chunk))
      const code = await new Promise<number | null>((resolve) => child.on('close', (exit) => resolve(exit)))
      assert.equal(code, 0, `${args.join(' ')}: exit ${code} (13: Node gave up on an await that never settles)\n${stderr}`)
      assert.equal(stderr, '', args.join(' '))
    }
  })

  for (const command of commands) {
    test(`${command.id}: a summary, a description, examples, and every flag's default shown`, async () => {
      assert.ok(command.summary, 'no summary')
      assert.ok((command.examples ?? []).length >= 2, 'fewer than two examples')
      const r = await runCli(['help', command.id])
      assert.equal(r.code, 0, r.stderr)
      if (command.id !== 'help') assert.match(r.stdout, /\nDESCRIPTION\n/)
      assert.match(r.stdout, /\nEXAMPLES\n/)
      for (const flag of Object.values(command.flags)) {
        if (flag.type === 'option' && flag.default !== undefined) {
          assert.match(r.stdout, new RegExp(`--${flag.name}=<[^>]+>\\s+\\[default: ${String(flag.default)}\\]`), `--${flag.name}: default not shown`)
        }
      }
    })
  }

  test('the help teaches the cases users come with: classic HAProxy, --via, a batch file, lint, explain SC--', () => {
    const all = commands.flatMap((c) => (c.examples ?? []).map((e) => exampleLine(c, e)))
    for (const needle of [/^apigw-doctor probe \S+\.execute-api\.\S+ --path \/prod\/health$/, / --via http/, /probe --file targets\.txt/, /^apigw-doctor lint \/etc\/haproxy\/haproxy\.cfg$/, /^apigw-doctor explain SC--$/]) {
      assert.ok(all.some((line) => needle.test(line)), `no example matches ${needle}`)
    }
  })
})

describe('every example in the help runs as written', {concurrency: 4}, () => {
  for (const command of commands) {
    for (const example of command.examples ?? []) {
      const line = exampleLine(command, example)
      test(line, async () => {
        const local = localise(line)
        assert.doesNotMatch(local, /amazonaws\.com|cloudfront\.net|example\.com|\/etc\/|\/var\//, 'a name or path was not swapped for its stand-in')
        for (const ip of local.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? []) assert.match(ip, /^127\./, `${ip} is not loopback`)
        // Its own copy of the files: examples that write one (reports.ndjson) run side by side.
        const cwd = mkdtempSync(join(dir, 'example-'))
        cpSync(join(dir, 'fixtures'), cwd, {recursive: true})
        const r = await run('bash', ['-o', 'pipefail', '-c', local], {
          cwd,
          env: {PATH: `${join(dir, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: dir, NO_COLOR: '1', API_KEY: 'example-key-value'},
          timeoutMs: 60_000,
        })
        const show = `${local}\nexit ${r.code}\n--- stdout\n${r.stdout.slice(0, 1500)}\n--- stderr\n${r.stderr.slice(0, 1500)}`
        assert.ok(r.code === 0 || r.code === 1, show)
        // Exit 1 is also what an unreachable target gives: every probe example is pinned to a live
        // test edge, so "unreachable" would mean the pins stopped applying, not a finding.
        if (/\bprobe\b/.test(local)) assert.doesNotMatch(r.stdout, /verdict: unreachable|"verdict": ?"unreachable"|\b[1-9]\d* unreachable\b/, show)
        assert.doesNotMatch(r.stderr, /^apigw-doctor: /m, show)
        const redirect = /> ([\w.-]+)/.exec(local)?.[1]
        if (redirect) assert.ok(existsSync(join(cwd, redirect)) && statSync(join(cwd, redirect)).size > 0, `${redirect} is empty\n${show}`)
        else assert.ok(r.stdout.trim().length > 0, show)
        assert.ok(!r.stdout.includes('example-key-value'), 'the API key was printed')
      })
    }
  }
})
