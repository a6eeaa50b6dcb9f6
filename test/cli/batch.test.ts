// The built CLI's batch mode end to end (`npm run build` first): several targets, --file, - (stdin),
// bad lines reported and skipped, the concurrency bound as the edge sees it, NDJSON, the closing
// summary, exit codes and Ctrl-C. Every name is pinned to loopback with --connect-to.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {reportValidator} from '../../src/observations/validate-report.js'
import {REPO_ROOT, runCli, show, type CliResult} from '../support/cli.js'
import {run} from '../support/e2e/util.js'
import {edgeFor, type HasAfter} from '../support/probe-helpers.js'
import {startRelay} from '../support/relay.js'
import type {TestEdge, TestEdgeOptions} from '../support/test-edge.js'

const require = createRequire(import.meta.url)
const cli = (args: string[], input?: string, timeoutMs?: number) => runCli(['probe', ...args], {input, timeoutMs})

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-doctor-batch-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

let files = 0
async function targetFile(text: string): Promise<string> {
  const path = join(dir, `targets-${++files}.txt`)
  await writeFile(path, text)
  return path
}

/**
 * An edge for api.test and alt.test. `pin` sends every host to 127.0.0.1 (keeping the port) and
 * trusts the test CA, so a target names its edge by port: at('api.test') is `api.test:${edge.port}`.
 * All edges share one CA (probe-helpers' shared PKI), so one edge's pin reaches the others too.
 */
async function batchEdge(t: HasAfter, opts: TestEdgeOptions = {}): Promise<{edge: TestEdge; pin: string[]; flags: string[]; at: (host: string) => string}> {
  const edge = await edgeFor(t, {hostnames: ['api.test', 'alt.test'], ...opts})
  const caFile = join(dir, `ca-${edge.port}.pem`)
  await writeFile(caFile, edge.caCert)
  const pin = ['--connect-to', '::127.0.0.1:', '--ca-file', caFile]
  return {edge, pin, flags: [...pin, '--http-port', String(edge.httpPort)], at: (host) => `${host}:${edge.port}`}
}

type Json = Record<string, any>

function ndjson(r: CliResult): Json[] {
  return r.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as Json
      } catch {
        return assert.fail(`stdout line ${i + 1} is not JSON: ${line.slice(0, 200)}\n${show(r)}`)
      }
    })
}

const stderrLines = (r: CliResult) => r.stderr.split('\n').filter((line) => line.trim() !== '')

describe('apigw-doctor probe: batches (built CLI)', {concurrency: 4}, () => {
  test('several targets: one NDJSON report per target, each complete and valid, in any order; exit 0', async (t) => {
    const healthy = await batchEdge(t)
    const broken = await batchEdge(t, {paths: ['/prod/health']})
    const targets = [healthy.at('api.test'), broken.at('api.test'), healthy.at('alt.test')]
    const r = await cli([...targets, ...healthy.pin, '--http-port', '9', '--json'])
    assert.equal(r.code, 1, `a Missing Authentication Token target fails the batch\n${show(r)}`)
    const lines = ndjson(r)
    assert.equal(lines.length, 3, show(r))
    const validate = await reportValidator()
    for (const line of lines) assert.ok(validate(line), JSON.stringify(validate.errors))
    // Completion order is not input order: match the content by target, not by position.
    const byTarget = new Map(lines.map((report) => [`${report.target.host}:${report.target.port}`, report]))
    assert.deepEqual([...byTarget.keys()].sort(), [...targets].sort())
    assert.equal(byTarget.get(healthy.at('api.test'))!.verdict, 'healthy')
    assert.equal(byTarget.get(healthy.at('alt.test'))!.verdict, 'healthy')
    const failing = byTarget.get(broken.at('api.test'))!
    assert.equal(failing.verdict, 'problems')
    assert.ok(failing.diagnoses.some((d: Json) => d.id === 'missing-authentication-token'))
    for (const report of lines) assert.deepEqual(report.probes.map((p: Json) => p.id).length, 6)
    assert.equal(r.stderr, '', 'nothing on stderr under --json')

    const allHealthy = await cli([healthy.at('api.test'), healthy.at('alt.test'), ...healthy.flags, '--json'])
    assert.equal(allHealthy.code, 0, show(allHealthy))
    assert.equal(ndjson(allHealthy).length, 2)
  })

  test('--file: comments and blank lines skipped, bad lines reported on stderr as file:line and skipped, the rest probed; exit 1', async (t) => {
    const {flags, at} = await batchEdge(t)
    const file = await targetFile(`# fleet\n\n${at('api.test')}   # the API\nbad host\n  # indented\nx..y\n${at('alt.test')}\nhttps://user:hunter2pw@api.test/\n`)
    const r = await cli([...flags, '--file', file])
    assert.equal(r.code, 1, `bad lines make the exit 1\n${show(r)}`)
    assert.deepEqual(
      stderrLines(r).map((line) => line.slice(0, file.length + 4)),
      [`${file}:4: `, `${file}:6: `, `${file}:8: `],
      show(r),
    )
    assert.match(stderrLines(r)[0]!, /:4: invalid target "bad.*": it contains spaces or control characters$/)
    assert.ok(!(r.stdout + r.stderr).includes('hunter2pw'), 'a password in a bad line is never echoed')
    // Without --json: a summary table (target, verdict, main diagnosis) and the tally.
    assert.match(r.stdout, /│ target\s+│ verdict\s+│ main diagnosis/)
    assert.match(r.stdout, new RegExp(`│ ${at('api.test')}\\s+│ healthy\\s+│ healthy; a proxy needs`))
    assert.match(r.stdout, new RegExp(`│ ${at('alt.test')}\\s+│ healthy`))
    assert.match(r.stdout, /^2 of 2 targets probed, 2 healthy, 0 problems, 0 unreachable, 3 bad lines skipped$/m)

    const clean = await cli([...flags, '--file', await targetFile(`${at('api.test')}\n`)])
    assert.equal(clean.code, 0, `a list with no bad line and a healthy target exits 0\n${show(clean)}`)
    assert.match(clean.stdout, /^1 of 1 target probed, 1 healthy/m)
  })

  test('--json: each bad line is an NDJSON error object (code, message, source, line) valid against the shipped schema', async (t) => {
    const {flags, at} = await batchEdge(t)
    const file = await targetFile(`${at('api.test')}\nbad host\nhost:99999\n`)
    const r = await cli([...flags, '--file', file, '--json'])
    assert.equal(r.code, 1, show(r))
    const lines = ndjson(r)
    const errors = lines.filter((line) => 'error' in line)
    const reports = lines.filter((line) => 'schemaVersion' in line)
    assert.equal(reports.length, 1)
    assert.deepEqual(
      errors.map((e) => [e.error.code, e.error.source, e.error.line, e.error.message.slice(0, file.length + 4)]),
      [
        ['bad-target', file, 2, `${file}:2: `],
        ['bad-port', file, 3, `${file}:3: `],
      ],
    )
    const {default: Ajv} = await import('ajv')
    const validate = new (Ajv as unknown as typeof Ajv.default)({strict: true}).compile(require('../../schema/batch-error.schema.json'))
    for (const e of errors) assert.ok(validate(e), JSON.stringify(validate.errors))
    assert.equal(r.stderr, '')

    // The saved batch reads back: diagnose skips the error lines.
    const saved = join(dir, 'saved.ndjson')
    await writeFile(saved, r.stdout)
    const again = await runCli(['diagnose', saved, '--json'])
    assert.equal(again.code, 0, show(again))
    assert.equal(ndjson(again).length, 1, show(again))
  })

  test('- reads the list from stdin: bad lines named stdin:N; a failing target makes the exit 1', async (t) => {
    const {flags, at} = await batchEdge(t)
    const r = await cli(['-', ...flags, '--json'], `# from stdin\n${at('api.test')}\n\n${at('alt.test')}\n`)
    assert.equal(r.code, 0, show(r))
    assert.deepEqual(ndjson(r).map((x) => x.target.host).sort(), ['alt.test', 'api.test'])

    const withBad = await cli(['-', ...flags], `${at('api.test')}\nnot a target\n`)
    assert.equal(withBad.code, 1, show(withBad))
    assert.match(stderrLines(withBad)[0]!, /^stdin:2: invalid target "not.*": it contains spaces/)

    const broken = await batchEdge(t, {paths: ['/prod/x']})
    const failing = await cli(['-', ...broken.flags, '--json'], `${broken.at('api.test')}\n`)
    assert.equal(failing.code, 1, show(failing))
    assert.equal(ndjson(failing)[0]!.verdict, 'problems')
  })

  test('no valid target at all: every bad line reported, then exit 2 (human and --json)', async (t) => {
    const {flags} = await batchEdge(t)
    const file = await targetFile('bad host\n# only comments otherwise\nx..y\n')
    const human = await cli([...flags, '--file', file])
    assert.equal(human.code, 2, show(human))
    assert.deepEqual(
      stderrLines(human).map((line) => line.replace(/: .*/, '')),
      [`${file}:1`, `${file}:3`, 'apigw-doctor'],
    )
    assert.match(stderrLines(human).at(-1)!, /^apigw-doctor: no valid target: 2 bad lines, nothing to probe$/)
    assert.equal(human.stdout, '')

    const json = await cli([...flags, '--file', file, '--json'])
    assert.equal(json.code, 2, show(json))
    assert.deepEqual(
      ndjson(json).map((line) => [line.error.code, line.error.line ?? null]),
      [
        ['bad-target', 1],
        ['bad-target', 3],
        ['no-valid-target', null],
      ],
    )

    const empty = await cli([...flags, '--file', await targetFile('# nothing\n\n')])
    assert.equal(empty.code, 2, show(empty))
    assert.equal(empty.stderr, 'apigw-doctor: no target: the list is empty (only blank lines and # comments)\n')
  })

  test('--concurrency N: the edge never sees more than N × 6 connections at once, and exactly 6 per target', async (t) => {
    const {edge, pin} = await batchEdge(t)
    // Every probe of every target goes through one relay (the plain-HTTP probe too: --http-port is
    // the relay's port), which holds each chunk 150 ms so that targets overlap.
    const relay = await startRelay({targetHost: edge.host, targetPort: edge.port, delayMs: 150})
    t.after(() => relay.close())
    const relayFlags = [...pin, '--http-port', String(relay.port), '--port', String(relay.port)]
    const targets = Array.from({length: 8}, (_, i) => (i % 2 === 0 ? 'api.test' : 'alt.test'))
    const r = await cli([...targets, ...relayFlags, '--concurrency', '2', '--json'], undefined, 60_000)
    assert.equal(ndjson(r).length, 8, show(r))
    assert.equal(relay.connections.total, 8 * 6, 'six connections per target, none more')
    assert.ok(relay.connections.peak <= 2 * 6, `peak ${relay.connections.peak} connections at once with --concurrency 2`)
    assert.ok(relay.connections.peak > 6, `peak ${relay.connections.peak}: two targets were never in flight together`)
  })

  test('--concurrency 1 runs one target at a time', async (t) => {
    const {edge, pin} = await batchEdge(t)
    const relay = await startRelay({targetHost: edge.host, targetPort: edge.port, delayMs: 50})
    t.after(() => relay.close())
    const r = await cli(['api.test', 'alt.test', 'api.test', ...pin, '--port', String(relay.port), '--http-port', String(relay.port), '--concurrency', '1', '--json'])
    assert.equal(ndjson(r).length, 3, show(r))
    assert.equal(relay.connections.total, 18)
    assert.ok(relay.connections.peak <= 6, `peak ${relay.connections.peak}`)
  })

  test('on a terminal: a live progress line on stderr, then the summary, also in the background under timeout(1); a terminal without a size gets no spinner and still finishes', async (t) => {
    const {pin, at} = await batchEdge(t)
    const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`
    // timeout(1) kills the CLI itself if it hangs: script(1) being killed would leave it running.
    // It also runs the CLI in a process group of its own, in the background of the terminal, as
    // `timeout 30 apigw-doctor …` in a runbook does: touching the terminal's modes there (ora's
    // raw-mode stdin) gets the process stopped by SIGTTOU for good. `; exit $?` keeps the shell
    // waiting, so that group is not orphaned (where the kernel answers EIO instead of stopping it).
    const command = ['timeout', '-s', 'KILL', '15', process.execPath, join(REPO_ROOT, 'bin', 'run.js'), 'probe', at('api.test'), at('alt.test'), ...pin, '--http-port', '9'].map(quote).join(' ')
    // script(1) runs the CLI on a pseudo-terminal; without `stty cols` that terminal reports 0 columns.
    const onTerminal = async (setup: string): Promise<CliResult> => {
      const started = performance.now()
      const env = {...process.env, SHELL: '/bin/sh', TERM: 'xterm', NO_COLOR: undefined, CI: undefined, APIGW_DOCTOR_DEBUG: undefined}
      const result = await run('script', ['-qec', `${setup}${command}; exit $?`, '/dev/null'], {cwd: REPO_ROOT, env, timeoutMs: 20_000, input: ''})
      return {...result, args: [], ms: performance.now() - started, json: undefined}
    }
    const sized = await onTerminal('stty cols 120; ')
    assert.equal(sized.code, 0, show(sized))
    assert.match(sized.stdout, /probing 2 targets/, 'the spinner runs on a terminal')
    assert.match(sized.stdout, /2 of 2 targets probed, 2 healthy/)
    const unsized = await onTerminal('')
    assert.equal(unsized.code, 0, show(unsized))
    assert.doesNotMatch(unsized.stdout, /probing 2 targets/, 'no spinner on a terminal of width 0')
    assert.match(unsized.stdout, /2 of 2 targets probed, 2 healthy/)
  })

  test('the reader of stdout leaves (| head -1): no more targets start, exit 141 at once, nothing on stderr', async (t) => {
    const healthy = await batchEdge(t)
    const hole = await edgeFor(t, {hostnames: ['api.test'], mode: 'black-hole'})
    // One healthy target first, then 20 black holes of ~0.5 s each, two at a time: about 5 s in all.
    const file = await targetFile([healthy.at('api.test'), ...Array.from({length: 20}, (_, i) => `hole${i}.test:${hole.port}`)].join('\n') + '\n')
    const args = ['probe', ...healthy.pin, '--http-port', '9', '--file', file, '--concurrency', '2', '--timeout', '250', '--json']
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'run.js'), ...args], {cwd: REPO_ROOT, env: {...process.env, CI: undefined}, stdio: ['ignore', 'pipe', 'pipe']})
    t.after(() => child.kill('SIGKILL'))
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    // Like head -1: read the first line, then close the pipe.
    let first = ''
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk) => {
        first += chunk
        if (first.includes('\n')) {
          child.stdout.destroy()
          resolve()
        }
      })
    })
    const leftAt = performance.now()
    const code = await exited
    const after = performance.now() - leftAt
    assert.equal((JSON.parse(first.split('\n')[0]!) as Json).verdict, 'healthy')
    assert.equal(code, 141, stderr)
    assert.equal(stderr, '')
    // The next report to be written found the pipe closed; the black holes still to come were not started.
    assert.ok(after < 3000, `took ${Math.round(after)} ms after the reader left`)
    const started = new Set(hole.handshakes.map((h) => h.sni).filter(Boolean))
    assert.ok(started.size < 10, `${started.size} of 20 black-hole targets were started`)
  })

  for (const mode of ['--json', 'human'] as const) {
    test(`Ctrl-C (${mode}): stops promptly, prints what finished, exits 130`, async (t) => {
      const healthy = await batchEdge(t)
      const hole = await edgeFor(t, {hostnames: ['api.test'], mode: 'black-hole'})
      const file = await targetFile([healthy.at('api.test'), ...Array.from({length: 6}, (_, i) => `hole${i}.test:${hole.port}`)].join('\n') + '\n')
      // --http-port 9: refused at once, so the healthy target finishes while the black holes hang.
      const args = ['probe', ...healthy.pin, '--http-port', '9', '--file', file, '--concurrency', '3', '--timeout', '20000', ...(mode === '--json' ? ['--json'] : [])]
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'run.js'), ...args], {
        cwd: REPO_ROOT,
        env: {...process.env, NO_COLOR: '1', CI: undefined, APIGW_DOCTOR_DEBUG: undefined},
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      t.after(() => child.kill('SIGKILL'))
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk) => (stdout += chunk))
      child.stderr.on('data', (chunk) => (stderr += chunk))
      const exited = new Promise<{code: number | null; signal: string | null}>((resolve) => child.on('close', (code, signal) => resolve({code, signal})))
      // The healthy target finishes within a second or two; the black holes would take 20 s each.
      // --json: its report streams out. Human output comes at the end only: its edge has answered
      // all three of its requests (reference, wrong Host, plain HTTP), then the report takes ms.
      const finished = () => (mode === '--json' ? stdout.includes('"schemaVersion"') : healthy.edge.requests.length >= 3)
      const started = performance.now()
      while (!finished()) {
        if (performance.now() - started > 15_000) assert.fail(`the healthy target did not finish within 15 s\n${stdout}\n${stderr}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      if (mode === 'human') await new Promise((resolve) => setTimeout(resolve, 1500))
      const interruptedAt = performance.now()
      child.kill('SIGINT')
      const {code, signal} = await exited
      const after = performance.now() - interruptedAt
      const what = `exit ${code} signal ${signal} after ${Math.round(after)} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`
      assert.equal(code, 130, what)
      assert.ok(after < 3000, `took ${Math.round(after)} ms to stop\n${what}`)
      assert.match(stderr, /^apigw-doctor: interrupted: 1 of 7 targets probed$/m, what)
      if (mode === '--json') {
        const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Json)
        assert.deepEqual(
          lines.map((report) => `${report.target.host}:${report.target.port} ${report.verdict}`),
          [`${healthy.at('api.test')} healthy`],
        )
      } else {
        assert.match(stdout, new RegExp(`│ ${healthy.at('api.test')}\\s+│ healthy`), what)
        assert.match(stdout, /^1 of 7 targets probed, 1 healthy, 0 problems, 0 unreachable \(interrupted\)$/m, what)
        assert.doesNotMatch(stdout, /hole\d\.test/, what)
      }
      // The black holes saw their handshakes start: the run was really stopped mid-flight.
      assert.ok(hole.handshakes.length >= 1, `handshakes at the black hole: ${hole.handshakes.length}`)
    })
  }
})
