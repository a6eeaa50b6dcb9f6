// The built CLI (bin/run.js → dist/) end to end: `apigw-doctor probe` against loopback edges.
// Run `npm run build` first. Every name is pinned with --resolve or --connect-to: no test name
// reaches a resolver, and targets that must be refused are refused before any socket opens
// (the --connect-to safety net pins them to loopback even if they were not).
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {OUTCOMES, PROBE_IDS} from '../../src/observations/types.js'
import {runCli, show, type CliResult} from '../support/cli.js'
import {edgeFor, type HasAfter} from '../support/probe-helpers.js'
import type {TestEdge, TestEdgeOptions} from '../support/test-edge.js'

// The built CLI through pipes, NO_COLOR set, CI and the debug switch removed (test/support/cli.ts).
const cli = (args: string[], input?: string, timeoutMs?: number) => runCli(['probe', ...args], {input, timeoutMs})

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-doctor-cli-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

/** An edge and the flags that point the CLI at it for api.test (and alt.test). */
async function cliEdge(t: HasAfter, opts: TestEdgeOptions = {}): Promise<{edge: TestEdge; caFile: string; pin: string[]}> {
  const edge = await edgeFor(t, {hostnames: ['api.test', 'alt.test'], ...opts})
  const caFile = join(dir, `ca-${edge.port}.pem`)
  await writeFile(caFile, edge.caCert)
  const pin = [
    '--port', String(edge.port),
    '--http-port', String(edge.httpPort),
    '--resolve', `api.test:${edge.port}:127.0.0.1`,
    '--resolve', `api.test:${edge.httpPort}:127.0.0.1`,
    '--resolve', `alt.test:${edge.port}:127.0.0.1`,
    '--resolve', `alt.test:${edge.httpPort}:127.0.0.1`,
    '--ca-file', caFile,
  ]
  return {edge, caFile, pin}
}

// Pins every host and port to loopback, for targets that should never get that far.
const SAFETY_NET = ['--connect-to', '::127.0.0.1:', '--port', '9', '--http-port', '9', '--timeout', '500']

function parseJson(r: CliResult): Record<string, unknown> {
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>
  } catch (error) {
    assert.fail(`stdout is not one JSON document: ${(error as Error).message}\n${show(r)}`)
  }
}

type Json = Record<string, any>

// Each test spawns its own CLI processes against its own edge: they can run side by side.
describe('apigw-doctor probe (built CLI)', {concurrency: 4}, () => {
  // ----- --json report, exit codes ----------------------------------------------------------------

  test('--json on a healthy edge: one JSON document, schemaVersion 1, six probes with the spec ids, exit 0', async (t) => {
    const {pin} = await cliEdge(t)
    const r = await cli(['api.test', ...pin, '--json'])
    assert.equal(r.code, 0, show(r))
    const report = parseJson(r) as Json
    assert.equal(report.schemaVersion, 1)
    assert.equal(report.tool?.name, 'apigw-doctor')
    assert.equal(typeof report.tool?.version, 'string')
    assert.equal(report.target?.host, 'api.test')
    assert.deepEqual(report.target?.addresses, ['127.0.0.1'])
    assert.deepEqual(
      report.probes.map((p: Json) => p.id),
      [...PROBE_IDS],
    )
    for (const p of report.probes as Json[]) {
      assert.ok((OUTCOMES as readonly string[]).includes(p.outcome), `${p.id}: ${p.outcome}`)
      assert.equal(typeof p.timings?.total, 'number')
      assert.equal(typeof p.asProxy?.haproxy?.status, 'number')
      assert.equal(typeof p.asProxy?.nginx?.status, 'number')
    }
    assert.equal(report.probes.find((p: Json) => p.id === 'tls-sni').outcome, 'ok')
    assert.ok(Array.isArray(report.diagnoses))
    assert.ok(report.diagnoses.some((d: Json) => d.id === 'healthy'))
    assert.equal(typeof report.recommended?.haproxy, 'string')
    assert.equal(report.verdict, 'healthy')
    assert.equal(r.stderr, '', 'no spinner or noise on stderr under --json')
  })

  test('human output on a healthy edge: exit 0, the probe ids and the verdict are printed', async (t) => {
    const {pin} = await cliEdge(t)
    const r = await cli(['api.test', ...pin])
    assert.equal(r.code, 0, show(r))
    for (const id of PROBE_IDS) assert.ok(r.stdout.includes(id.slice(0, 16)), `${id} in the table\n${show(r)}`)
    assert.match(r.stdout, /healthy/)
    assert.doesNotMatch(r.stdout, /\u001B\[/, 'no colour when not a TTY / NO_COLOR')
    assert.equal(r.stderr, '', 'no spinner when stderr is not a TTY')
  })

  test('IPv6 literal target [::1]:PORT (no SNI for an IP), --json', async (t) => {
    const edge = await edgeFor(t, {host: '::1', hostnames: ['::1'], noSni: 'serve'})
    const caFile = join(dir, `ca-v6-${edge.port}.pem`)
    await writeFile(caFile, edge.caCert)
    const r = await cli([`[::1]:${edge.port}`, '--http-port', String(edge.httpPort), '--ca-file', caFile, '--json'])
    assert.equal(r.code, 0, show(r))
    const report = parseJson(r) as Json
    assert.equal(report.target.host, '::1')
    assert.equal(report.target.hostKind, 'ipv6')
    assert.equal(report.target.port, edge.port)
    const reference = report.probes.find((p: Json) => p.id === 'tls-sni')
    assert.equal(reference.outcome, 'ok')
    assert.equal(reference.sent.sni, null)
    assert.equal(reference.sent.address, '::1')
    assert.equal(reference.tls.nameMatch, true)
    assert.equal(report.verdict, 'healthy')
  })

  test('a broken edge (Missing Authentication Token) exits 1; --json says problems', async (t) => {
    const {pin} = await cliEdge(t, {paths: ['/prod/health']})
    const r = await cli(['api.test', ...pin, '--json'])
    assert.equal(r.code, 1, show(r))
    const report = parseJson(r) as Json
    assert.equal(report.verdict, 'problems')
    assert.ok(report.diagnoses.some((d: Json) => d.id === 'missing-authentication-token'))

    const fixed = await cli([`https://api.test:${pin[1]}/prod/health`, ...pin.slice(2), '--json'])
    assert.equal(fixed.code, 0, show(fixed))
    assert.equal((parseJson(fixed) as Json).target.path, '/prod/health')
  })

  test('black-hole target with --timeout 300 costs about the timeout more than a healthy one, exit 1, unreachable', async (t) => {
    // No absolute times: the same CLI against a healthy edge, run right before, is the baseline
    // (start-up and machine load are in both); the black hole may only add its deadlines.
    const healthy = await cliEdge(t, {noSni: 'serve'})
    const baseline = await cli(['api.test', ...healthy.pin, '--timeout', '300', '--json'])
    assert.equal(baseline.code, 0, show(baseline))
    const {pin} = await cliEdge(t, {mode: 'black-hole'})
    const r = await cli(['api.test', ...pin, '--timeout', '300', '--json'])
    assert.equal(r.code, 1, show(r))
    // The six probes wait at once: about one deadline more. Waiting one after another would add 6 × 300.
    assert.ok(r.ms - baseline.ms < 5 * 300, `black hole ${Math.round(r.ms)} ms against a healthy edge's ${Math.round(baseline.ms)} ms`)
    const report = parseJson(r) as Json
    assert.equal(report.verdict, 'unreachable')
    assert.ok(report.diagnoses.some((d: Json) => d.id === 'tls-timeout'))
  })

  // ----- usage errors: exit 2, one line, no stack ---------------------------------------------

  const BAD_TARGETS = ['bad host', 'a..b', 'x'.repeat(300), 'host:0', 'host:99999', '[::1', 'ftp://x', 'https://user:pw@host/', 'a\u0001b']

  function assertUsageError(r: CliResult, what: string): void {
    assert.equal(r.code, 2, `${what}\n${show(r)}`)
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
    assert.equal(lines.length, 1, `${what}: exactly one line on stderr\n${show(r)}`)
    assert.doesNotMatch(r.stderr, /^\s+at\s/m, `${what}: no stack trace`)
    assert.doesNotMatch(r.stderr, /Error:|\.js:\d+/, `${what}: no internal error text`)
    assert.equal(r.stdout, '', `${what}: nothing on stdout`)
  }

  test('bad targets exit 2 with one line on stderr and no stack trace', async () => {
    const results = await Promise.all(BAD_TARGETS.map((target) => cli([target, ...SAFETY_NET])))
    for (const [i, r] of results.entries()) assertUsageError(r, JSON.stringify(BAD_TARGETS[i]))
    // The control character is never echoed raw.
    assert.ok(!results.at(-1)!.stderr.includes('\u0001'))
  })

  test('--json with a bad target prints {"error":{"code","message"}} on stdout and exits 2', async () => {
    const results = await Promise.all(['a..b', 'host:99999', 'https://user:pw@host/'].map((target) => cli([target, ...SAFETY_NET, '--json'])))
    for (const r of results) {
      assert.equal(r.code, 2, show(r))
      const body = parseJson(r) as Json
      assert.deepEqual(Object.keys(body), ['error'])
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message'])
      assert.equal(typeof body.error.code, 'string')
      assert.equal(typeof body.error.message, 'string')
      assert.ok(body.error.message.length > 0)
      assert.doesNotMatch(r.stdout + r.stderr, /^\s+at\s/m)
    }
  })

  // Not a header, but the same rule applies: a password typed into a URL is a secret, and error
  // messages end up in CI logs. The URL is refused (good); its password must not be echoed back.
  test('a URL with credentials is refused without echoing the password (human and --json)', async () => {
    const target = 'https://user:hunter2pw@host/'
    const human = await cli([target, ...SAFETY_NET])
    const json = await cli([target, ...SAFETY_NET, '--json'])
    assertUsageError(human, 'credentials in URL')
    assert.equal(json.code, 2, show(json))
    for (const r of [human, json]) assert.ok(!(r.stdout + r.stderr).includes('hunter2pw'), `password echoed back:\n${show(r)}`)
  })

  test('a missing --ca-file exits 2 (human and --json)', async () => {
    const missing = join(dir, 'does-not-exist.pem')
    const human = await cli(['127.0.0.1', ...SAFETY_NET, '--ca-file', missing])
    assertUsageError(human, '--ca-file missing')
    const json = await cli(['127.0.0.1', ...SAFETY_NET, '--ca-file', missing, '--json'])
    assert.equal(json.code, 2, show(json))
    assert.equal(typeof (parseJson(json) as Json).error?.code, 'string')
  })

  test("a header without a colon (-H 'no colon') exits 2", async () => {
    const r = await cli(['127.0.0.1', ...SAFETY_NET, '-H', 'no colon'])
    assertUsageError(r, '-H no colon')
  })

  test('invalid flag values exit 2 (bad usage), one line, with --json the error object', async () => {
    const cases = [
      ['--timeout', 'abc'],
      ['--timeout', '0'],
      ['--port', '0'],
      ['--port', '70000'],
      ['--http-port', 'eighty'],
      ['--proxy-kind', 'squid'],
      ['--nope'],
      ['--resolve', 'api.test:443'],
      ['--path', 'no-slash'],
      ['--method', 'G E T'],
    ]
    const human = await Promise.all(cases.map((flags) => cli(['127.0.0.1', '--connect-to', '::127.0.0.1:', ...flags])))
    // --json for one case of each kind (oclif integer parse, oclif options, unknown flag, our own check).
    const jsonCases = [0, 2, 5, 6, 7]
    const json = await Promise.all(jsonCases.map((i) => cli(['127.0.0.1', '--connect-to', '::127.0.0.1:', ...cases[i]!, '--json'])))
    const wrong: string[] = []
    for (const [i, flags] of cases.entries()) {
      const h = human[i]!
      const lines = h.stderr.split('\n').filter((l) => l.trim() !== '')
      if (h.code !== 2 || lines.length !== 1 || /^\s+at\s/m.test(h.stderr)) wrong.push(`${flags.join(' ')}: exit ${h.code}, stderr ${JSON.stringify(h.stderr)}`)
    }
    for (const [k, i] of jsonCases.entries()) {
      const flags = cases[i]!
      const j = json[k]!
      let body: Json | undefined
      try {
        body = JSON.parse(j.stdout) as Json
      } catch {
        body = undefined
      }
      if (j.code !== 2 || typeof body?.error?.code !== 'string' || body.error.code === 'internal') wrong.push(`${flags.join(' ')} --json: exit ${j.code}, stdout ${JSON.stringify(j.stdout.trim())}`)
    }
    assert.deepEqual(wrong, [])
  })

  test('no target at all exits 2', async () => {
    const r = await cli([...SAFETY_NET])
    assertUsageError(r, 'no target')
  })

  // ----- secrets --------------------------------------------------------------------------------

  test('secret header values are sent but never printed (human and --json)', async (t) => {
    const {edge, pin} = await cliEdge(t)
    const secrets = ['-H', 'Authorization: Bearer SECRET123', '-H', 'x-api-key: SECRET456', '-H', 'Cookie: session=SECRET789']
    const human = await cli(['api.test', ...pin, ...secrets])
    const json = await cli(['api.test', ...pin, ...secrets, '--json'])
    assert.equal(human.code, 0, show(human))
    assert.equal(json.code, 0, show(json))
    for (const r of [human, json]) {
      for (const secret of ['SECRET123', 'SECRET456', 'SECRET789']) {
        assert.ok(!r.stdout.includes(secret), `${secret} on stdout`)
        assert.ok(!r.stderr.includes(secret), `${secret} on stderr`)
      }
    }
    // They did go on the wire, to the edge.
    assert.ok(edge.requests.some((q) => q.headers['authorization'] === 'Bearer SECRET123'), 'Authorization was sent')
    assert.ok(edge.requests.some((q) => q.headers['x-api-key'] === 'SECRET456'), 'x-api-key was sent')
    // The report names the headers it sent, without their values.
    const report = parseJson(json) as Json
    assert.deepEqual(report.target.extraHeaders.map((h: string) => h.toLowerCase()).sort(), ['authorization', 'cookie', 'x-api-key'])
  })

  // Batches (several targets, --file, -, bad lines, concurrency, Ctrl-C): test/cli/batch.test.ts
})
