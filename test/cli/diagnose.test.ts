// The built CLI (bin/run.js → dist/): `apigw-doctor diagnose` on saved `probe --json` output.
// Run `npm run build` first. Reports are built in-process from recorded observations, except one
// round trip through `probe` against the loopback test edge (every name pinned with --resolve).
import assert from 'node:assert/strict'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {diagnose, exitCodeFor} from '../../src/diagnosis/diagnose.js'
import type {Report} from '../../src/observations/report.js'
import {reportValidator} from '../../src/observations/validate-report.js'
import {runCli, show, type CliResult} from '../support/cli.js'
import {alert, classicEdge, OBSERVED_AT, target} from '../support/observations.js'
import {edgeFor} from '../support/probe-helpers.js'

// The built CLI through pipes, NO_COLOR set, CI and the debug switch removed (test/support/cli.ts).
const cli = (args: string[], input?: string, timeoutMs?: number) => runCli(['diagnose', ...args], {input, timeoutMs})

/** A saved report as `probe --json` writes it, diagnosed by this version. */
function savedReport(probes = classicEdge(), host = target().host): Report {
  const t = target({host})
  const result = diagnose({target: t, probes, observedAt: OBSERVED_AT}, {proxyKind: 'haproxy', proxyVersion: null})
  return {schemaVersion: 1, tool: {name: 'apigw-doctor', version: '0.1.0'}, generatedAt: OBSERVED_AT, target: t, probes, diagnoses: result.diagnoses, recommended: result.recommended, verdict: result.verdict}
}

const HEALTHY = savedReport()
// The reference request fails with SNI too: nothing works on the TLS port.
const BROKEN = savedReport(
  classicEdge({'tls-sni': alert(40, 'handshake_failure'), 'tls-sni-wrong-host': alert(40, 'handshake_failure'), 'tls-wrong-sni': alert(40, 'handshake_failure')}),
  'def456.execute-api.eu-west-1.amazonaws.com',
)

let dir = ''
const file = (name: string) => join(dir, name)
before(async () => {
  assert.equal(exitCodeFor(HEALTHY), 0, 'fixture: the healthy report exits 0')
  assert.equal(exitCodeFor(BROKEN), 1, 'fixture: the broken report exits 1')
  dir = await mkdtemp(join(tmpdir(), 'apigw-doctor-diagnose-'))
  await writeFile(file('healthy.json'), JSON.stringify(HEALTHY, null, 2) + '\n')
  await writeFile(file('broken.json'), JSON.stringify(BROKEN, null, 2) + '\n')
  await writeFile(file('batch.ndjson'), `${JSON.stringify(HEALTHY)}\n${JSON.stringify(BROKEN)}\n`)
  await writeFile(file('healthy-batch.ndjson'), `${JSON.stringify(HEALTHY)}\r\n\r\n${JSON.stringify(HEALTHY)}\r\n`)
  await writeFile(file('bad-line.ndjson'), `${JSON.stringify(HEALTHY)}\n${JSON.stringify(HEALTHY)}\n{"schemaVersion": 1, "probes": [\n`)
  await writeFile(file('invalid-line.ndjson'), `${JSON.stringify(HEALTHY)}\n${JSON.stringify({...BROKEN, verdict: 'fine'})}\n`)
  await writeFile(file('malformed.json'), JSON.stringify(HEALTHY, null, 2).slice(0, 500))
  await writeFile(file('foreign.json'), '{"name": "some-package", "version": "1.0.0"}\n')
  await writeFile(file('array.json'), '[1, 2, 3]\n')
  await writeFile(file('v2.json'), JSON.stringify({...HEALTHY, schemaVersion: 2}))
  // What diagnose must make again rather than echo: no diagnoses, no configs, a stale verdict.
  await writeFile(file('stale.json'), JSON.stringify({...HEALTHY, diagnoses: [], recommended: {}, verdict: 'unreachable'}))
  const invalid = JSON.parse(JSON.stringify(HEALTHY)) as {probes: Array<{outcome: string}>}
  invalid.probes[0]!.outcome = 'fine'
  await writeFile(file('invalid.json'), JSON.stringify(invalid))
  await writeFile(file('empty.json'), '')
  await writeFile(file('binary.json'), Buffer.from([0x7b, 0x00, 0x01, 0x7d]))
  await mkdir(file('a-directory'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

type Json = Record<string, any>

function parseJson(r: CliResult): Json {
  try {
    return JSON.parse(r.stdout) as Json
  } catch (error) {
    assert.fail(`stdout is not one JSON document: ${(error as Error).message}\n${show(r)}`)
  }
}

function ndjson(r: CliResult): Json[] {
  const lines = r.stdout.split('\n').filter(Boolean)
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Json
    } catch {
      assert.fail(`not NDJSON, line ${JSON.stringify(line.slice(0, 80))}\n${show(r)}`)
    }
  })
}

async function assertValid(report: unknown): Promise<void> {
  const validate = await reportValidator()
  assert.ok(validate(report), `--json output fails the schema: ${JSON.stringify(validate.errors)}`)
}

/** Exit 2 with exactly one line on stderr (no stack), nothing on stdout; under --json the error object on stdout. */
async function assertRefused(args: string[], message: RegExp, input?: string): Promise<void> {
  const human = await cli(args, input)
  assert.equal(human.code, 2, show(human))
  assert.equal(human.stdout, '', show(human))
  const lines = human.stderr.split('\n').filter(Boolean)
  assert.equal(lines.length, 1, `one line on stderr\n${show(human)}`)
  assert.match(lines[0]!, /^apigw-doctor: /)
  assert.match(lines[0]!, message, show(human))
  assert.doesNotMatch(human.stderr, /\s+at .+:\d+/, 'no stack trace')

  const json = await cli([...args, '--json'], input)
  assert.equal(json.code, 2, show(json))
  assert.equal(json.stderr, '', show(json))
  const error = parseJson(json).error as {code?: unknown; message?: unknown} | undefined
  assert.equal(error?.code, 'bad-report', show(json))
  assert.equal(typeof error?.message, 'string')
  assert.match(error!.message as string, message)
}

describe('apigw-doctor diagnose (built CLI)', {concurrency: 4}, () => {
  test('a healthy saved report: exit 0, the human report says healthy', async () => {
    const r = await cli([file('healthy.json')])
    assert.equal(r.code, 0, show(r))
    assert.match(r.stdout, /healthy/)
    assert.ok(r.stdout.includes(HEALTHY.target.host), show(r))
    assert.doesNotMatch(r.stdout, /\u001B\[/, 'no colour when not a TTY / NO_COLOR')
    assert.equal(r.stderr, '')
  })

  test('a broken saved report: exit 1', async () => {
    const r = await cli([file('broken.json'), '--proxy-kind', 'nginx'])
    assert.equal(r.code, 1, show(r))
    assert.ok(r.stdout.includes(BROKEN.target.host), show(r))
  })

  test('--json: one document that validates against the shipped schema, same verdict, exit per verdict', async () => {
    for (const [name, saved] of [['healthy.json', HEALTHY], ['broken.json', BROKEN]] as const) {
      const r = await cli([file(name), '--json'])
      assert.equal(r.code, exitCodeFor(saved), show(r))
      assert.equal(r.stderr, '')
      const report = parseJson(r)
      await assertValid(report)
      assert.equal(report.verdict, saved.verdict)
      assert.deepEqual(
        report.diagnoses.map((d: Json) => d.id),
        saved.diagnoses.map((d) => d.id),
      )
    }
  })

  test('--proxy-kind all fills every recommended config; a bad --proxy-version is refused', async () => {
    const r = await cli([file('healthy.json'), '--json', '--proxy-kind', 'all'])
    assert.equal(r.code, 0, show(r))
    const report = parseJson(r)
    await assertValid(report)
    for (const kind of ['haproxy', 'nginx', 'envoy', 'apache', 'caddy', 'traefik']) assert.equal(typeof report.recommended[kind], 'string', kind)
    const bad = await cli([file('healthy.json'), '--proxy-version', 'latest'])
    assert.equal(bad.code, 2, show(bad))
    assert.match(bad.stderr, /--proxy-version/)
  })

  test('the diagnosis is made again, not echoed: a stale saved report comes back with its diagnoses, configs and verdict', async () => {
    const r = await cli([file('stale.json'), '--json'])
    assert.equal(r.code, 0, show(r))
    const report = parseJson(r)
    await assertValid(report)
    assert.equal(report.verdict, 'healthy')
    assert.deepEqual(
      report.diagnoses.map((d: Json) => d.id),
      HEALTHY.diagnoses.map((d) => d.id),
    )
    assert.match(report.recommended.haproxy, /ca-file @system-ca/)
    // --proxy-version is followed: HAProxy 2.4 has no @system-ca.
    const old = parseJson(await cli([file('stale.json'), '--json', '--proxy-version', '2.4']))
    assert.doesNotMatch(old.recommended.haproxy, /@system-ca/)
    assert.match(old.recommended.haproxy, /ca-file \/etc\/ssl\/certs\/ca-certificates\.crt/)
    // --proxy-kind picks the fixes printed.
    const human = await cli([file('stale.json'), '--proxy-kind', 'nginx'])
    assert.match(human.stdout, /Recommended nginx configuration/, show(human))
    assert.doesNotMatch(human.stdout, /Recommended haproxy configuration/, show(human))
  })

  test('piped without NO_COLOR: no colour either (stdout is not a terminal)', async () => {
    const r = await runCli(['diagnose', file('healthy.json')], {env: {NO_COLOR: undefined}})
    assert.equal(r.code, 0, show(r))
    assert.match(r.stdout, /verdict: healthy/)
    assert.doesNotMatch(r.stdout, /\u001B\[/)
  })

  test('NDJSON of two reports: two lines under --json, each valid; exit 1 because one is broken', async () => {
    const r = await cli([file('batch.ndjson'), '--json'])
    assert.equal(r.code, 1, show(r))
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 2, show(r))
    const reports = ndjson(r)
    for (const report of reports) await assertValid(report)
    assert.deepEqual(
      reports.map((report) => [report.target.host, report.verdict]),
      [
        [HEALTHY.target.host, HEALTHY.verdict],
        [BROKEN.target.host, BROKEN.verdict],
      ],
    )

    const human = await cli([file('batch.ndjson')])
    assert.equal(human.code, 1, show(human))
    assert.ok(human.stdout.includes(HEALTHY.target.host) && human.stdout.includes(BROKEN.target.host), show(human))
  })

  test('NDJSON with CRLF and blank lines, all healthy: exit 0', async () => {
    const r = await cli([file('healthy-batch.ndjson'), '--json'])
    assert.equal(r.code, 0, show(r))
    assert.equal(ndjson(r).length, 2)
  })

  test('stdin: - and /dev/stdin, one report or NDJSON', async () => {
    const one = await cli(['-', '--json'], JSON.stringify(BROKEN, null, 2))
    assert.equal(one.code, 1, show(one))
    await assertValid(parseJson(one))
    const batch = await cli(['/dev/stdin', '--json'], `${JSON.stringify(HEALTHY)}\n${JSON.stringify(HEALTHY)}\n`)
    assert.equal(batch.code, 0, show(batch))
    assert.equal(ndjson(batch).length, 2)
  })

  test('round trip: probe - --json on two targets (NDJSON) piped into diagnose -', async (t) => {
    const edge = await edgeFor(t, {hostnames: ['api.test', 'alt.test']})
    const caFile = file(`ca-${edge.port}.pem`)
    await writeFile(caFile, edge.caCert)
    const pin = ['--port', String(edge.port), '--http-port', String(edge.httpPort), '--resolve', 'api.test:*:127.0.0.1', '--resolve', 'alt.test:*:127.0.0.1', '--ca-file', caFile]
    const probed = await runCli(['probe', '-', ...pin, '--json'], {input: 'api.test\nalt.test\n'})
    assert.equal(probed.code, 0, show(probed))
    assert.equal(probed.stdout.split('\n').filter(Boolean).length, 2, show(probed))

    const r = await cli(['-', '--json'], probed.stdout)
    assert.equal(r.code, 0, show(r))
    const reports = ndjson(r)
    assert.deepEqual(reports.map((report) => report.target.host).sort(), ['alt.test', 'api.test'])
    for (const report of reports) {
      await assertValid(report)
      assert.equal(report.verdict, 'healthy')
    }
    const human = await cli(['-'], probed.stdout)
    assert.equal(human.code, 0, show(human))
  })

  describe('exit 2: what is not a saved report', {concurrency: 4}, () => {
    test('malformed JSON', () => assertRefused([file('malformed.json')], /malformed\.json: not JSON/))
    test('foreign JSON', () => assertRefused([file('foreign.json')], /not an apigw-doctor report/))
    test('a JSON array', () => assertRefused([file('array.json')], /not an apigw-doctor report/))
    test('schemaVersion 2', () => assertRefused([file('v2.json')], /schemaVersion 2 is not supported/))
    test('a report the schema refuses', () => assertRefused([file('invalid.json')], /not a valid report: \/probes\/0\/outcome/))
    test('an empty file', () => assertRefused([file('empty.json')], /empty/))
    test('a binary file', () => assertRefused([file('binary.json')], /binary/))
    test('a directory', () => assertRefused([file('a-directory')], /a-directory: is a directory/))
    test('a missing file', () => assertRefused([file('missing.json')], /missing\.json: no such file/))
    test('NDJSON with a broken line names the line', () => assertRefused([file('bad-line.ndjson')], /bad-line\.ndjson, line 3: not JSON/))
    test('NDJSON with a schema-invalid line names the line', () => assertRefused([file('invalid-line.ndjson')], /invalid-line\.ndjson, line 2: not a valid report: \/verdict/))
    test('garbage on stdin', () => assertRefused(['-'], /report on stdin: not JSON/, 'hello\n'))

    test('/dev/zero fails fast, without reading it all', async () => {
      for (const args of [['/dev/zero'], ['/dev/zero', '--json']]) {
        const r = await cli(args, undefined, 10_000)
        assert.equal(r.code, 2, show(r))
        assert.ok(r.ms < 5000, `took ${Math.round(r.ms)} ms\n${show(r)}`)
      }
      await assertRefused(['/dev/zero'], /\/dev\/zero: binary content/)
    })
  })
})
