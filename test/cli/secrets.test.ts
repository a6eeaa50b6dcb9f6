// Secrets given with -H (and --redact NAME) against a test edge that echoes every request header
// back in every form a debug endpoint might (telling headers, JSON, URL-encoded, cut by the excerpt
// bound): no output path of the built CLI shows a value. stdout and stderr of every run are searched
// for each canary, with APIGW_DOCTOR_DEBUG set so that debug output is searched too.
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {BaseCommand} from '../../src/cli/base-command.js'
import {rememberSecrets} from '../../src/observations/redaction.js'
import {reportValidator} from '../../src/observations/validate-report.js'
import {runCli, show, type CliResult} from '../support/cli.js'
import {edgeFor, type HasAfter} from '../support/probe-helpers.js'

const BASIC_PASSWORD = 'CANARY-basic-pw-5150'
const SECRETS = {
  authorization: 'Bearer CANARY-auth-7f3a9c1e',
  'x-api-key': 'CANARY-key-2b8d',
  cookie: 'session=CANARY-cookie-91e4',
  'x-amz-security-token': 'CANARY-amz-"token"-66aa',
  'proxy-authorization': `Basic ${Buffer.from(`user:${BASIC_PASSWORD}`).toString('base64')}`,
  'x-tenant': 'CANARY-tenant-0042',
}
/** What must never appear: each value, and the distinctive part of each. */
const NEEDLES = [...Object.values(SECRETS), 'CANARY', Buffer.from(`user:${BASIC_PASSWORD}`).toString('base64'), 'auth-7f3a9c1e', 'tenant-0042']

const HEADER_FLAGS = [
  ...Object.entries(SECRETS).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
  '-H', 'X-Trace: visible-trace-1',
  '--redact', 'X-Tenant',
]

const cli = (args: string[], input?: string) => runCli(args, {input, env: {APIGW_DOCTOR_DEBUG: '1'}})

function assertNoSecret(r: CliResult, what: string): void {
  for (const needle of NEEDLES) {
    assert.ok(!r.stdout.includes(needle), `${what}: ${JSON.stringify(needle)} on stdout\n${show(r)}`)
    assert.ok(!r.stderr.includes(needle), `${what}: ${JSON.stringify(needle)} on stderr\n${show(r)}`)
  }
}

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-doctor-secrets-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function echoEdge(t: HasAfter) {
  const edge = await edgeFor(t, {hostnames: ['api.test', 'alt.test'], echoRequest: true, httpListener: 'serve'})
  const caFile = join(dir, `ca-${edge.port}.pem`)
  await writeFile(caFile, edge.caCert)
  const pin = ['--port', String(edge.port), '--http-port', String(edge.httpPort), '--resolve', 'api.test:*:127.0.0.1', '--resolve', 'alt.test:*:127.0.0.1', '--ca-file', caFile]
  return {edge, pin}
}

describe('secrets never leave the process in any output (built CLI, echoing edge)', {concurrency: 4}, () => {
  test('one target, human and --json: values shown as [redacted], echoes scrubbed; the edge did get them', async (t) => {
    const {edge, pin} = await echoEdge(t)
    const [human, json, verbose] = await Promise.all([
      cli(['probe', 'api.test', ...pin, ...HEADER_FLAGS]),
      cli(['probe', 'api.test', ...pin, ...HEADER_FLAGS, '--json']),
      cli(['probe', 'api.test', ...pin, ...HEADER_FLAGS, '--verbose']),
    ])
    assert.equal(human.code, 0, show(human))
    assert.equal(json.code, 0, show(json))
    assert.equal(verbose.code, 0, show(verbose))
    assertNoSecret(human, 'human')
    assertNoSecret(json, '--json')
    assertNoSecret(verbose, '--verbose')
    // --verbose prints each request's headers: the --redact name is a secret there too.
    assert.match(verbose.stdout, /> x-tenant: \[redacted\]/i)
    assert.match(verbose.stdout, /> X-Trace: visible-trace-1/)
    assert.match(human.stdout, /headers: .*authorization: \[redacted\]/)
    assert.match(human.stdout, /x-tenant: \[redacted\]/, '--redact NAME is redacted too')
    assert.match(human.stdout, /X-Trace: visible-trace-1/, 'other headers show their value')

    const report = JSON.parse(json.stdout)
    const validate = await reportValidator()
    assert.ok(validate(report), JSON.stringify(validate.errors))
    assert.deepEqual(
      report.target.headers.map((h: {name: string; value: string; redacted: boolean}) => `${h.name}: ${h.value} ${h.redacted}`),
      [...Object.keys(SECRETS).map((name) => `${name}: [redacted] true`), 'X-Trace: visible-trace-1 false'],
    )
    // The reference probe carried the echo: the scrubbed forms are there, the values are not.
    const reference = report.probes.find((p: {id: string}) => p.id === 'tls-sni')
    assert.equal(reference.status, 200, JSON.stringify(reference))
    assert.match(reference.http.headers.server, /^echo \[redacted\]$/)
    assert.match(reference.http.headers.location, /auth=\[redacted\]/)
    assert.match(reference.http.headers.via, /\[redacted\]$/, 'a value cut at the 256-character bound is still redacted')
    assert.match(reference.http.bodyExcerpt, /\[redacted\]$/, 'a value cut at the excerpt bound is still redacted')
    // They were sent, to the verified edge, so the run meant something.
    const sent = edge.requests.find((q) => q.via === 'tls' && q.headers['authorization'] === SECRETS.authorization)
    assert.ok(sent, 'Authorization reached the edge')
    assert.equal(sent.headers['x-tenant'], SECRETS['x-tenant'])
    assert.equal(sent.headers['proxy-authorization'], SECRETS['proxy-authorization'])
  })

  test('a batch (NDJSON and human), --via to an echoing proxy, and diagnose of the saved report', async (t) => {
    const {edge, pin} = await echoEdge(t)
    const via = ['--via', `http://127.0.0.1:${edge.httpPort}`]
    const runs = await Promise.all([
      cli(['probe', 'api.test', 'alt.test', ...pin, ...HEADER_FLAGS, '--json']),
      cli(['probe', 'api.test', 'alt.test', ...pin, ...HEADER_FLAGS]),
      cli(['probe', 'api.test', ...pin, ...HEADER_FLAGS, ...via]),
      cli(['probe', 'api.test', ...pin, ...HEADER_FLAGS, ...via, '--json']),
    ])
    for (const [i, r] of runs.entries()) {
      assert.ok(r.code === 0 || r.code === 1, show(r))
      assertNoSecret(r, `run ${i}`)
    }
    // The proxy (--via) is sent the client's headers as is: its echo was scrubbed, not withheld.
    assert.ok(edge.requests.some((q) => q.via === 'http' && q.headers['x-api-key'] === SECRETS['x-api-key']), '--via got the headers')
    const viaReport = JSON.parse(runs[3]!.stdout)
    assert.match(viaReport.via.http.headers['www-authenticate'], /^\[redacted\]$/)

    const saved = join(dir, `saved-${edge.port}.json`)
    await writeFile(saved, runs[3]!.stdout)
    const again = await Promise.all([cli(['diagnose', saved]), cli(['diagnose', saved, '--json']), cli(['diagnose', '-'], runs[0]!.stdout)])
    for (const r of again) {
      assert.ok(r.code === 0 || r.code === 1, show(r))
      assertNoSecret(r, 'diagnose')
    }
    assert.match(again[0]!.stdout, /authorization: \[redacted\]/)
  })

  test('a target may follow -H, --redact, --resolve and --connect-to (each takes one value, as in curl)', async (t) => {
    const {edge, pin} = await echoEdge(t)
    const r = await cli(['probe', '-H', `x-tenant: ${SECRETS['x-tenant']}`, '--redact', 'X-Tenant', ...pin, '--connect-to', 'other.test:443:127.0.0.1:443', 'api.test', '--json'])
    assert.equal(r.code, 0, show(r))
    assertNoSecret(r, 'target after repeatable flags')
    assert.equal(JSON.parse(r.stdout).target.host, 'api.test')
    assert.ok(edge.requests.some((q) => q.headers['x-tenant'] === SECRETS['x-tenant']))
  })

  test('bad input carrying a secret: one line, exit 2, the value not echoed (human and --json)', async () => {
    const bad: string[][] = [
      ['-H', `Authorization: ${SECRETS.authorization}\u0001`],
      ['-H', `Authorization ${SECRETS.authorization}`],
      ['-H', `Authorization=${SECRETS.authorization}: x`],
      ['-H', 'Authorization:', SECRETS.authorization.split(' ')[1]!],
      ['-H', `X-Tenant: ${SECRETS['x-tenant']}`, '--redact', 'X Tenant'],
      ['--header', `x-api-key: ${SECRETS['x-api-key']}`, '--port', '99999'],
      [`Authorization: ${SECRETS.authorization}`],
      [`https://user:${BASIC_PASSWORD}@api.test/`],
      [`user:${BASIC_PASSWORD}@api.test`],
    ]
    const runs = await Promise.all(bad.flatMap((args) => [cli(['probe', '127.0.0.1', ...args, '--timeout', '300']), cli(['probe', '127.0.0.1', ...args, '--timeout', '300', '--json'])]))
    for (const r of runs) {
      assert.equal(r.code, 2, show(r))
      assertNoSecret(r, r.args.join(' '))
      const lines = (r.stdout + r.stderr).split('\n').filter((line) => line.trim() !== '')
      assert.equal(lines.length, 1, `one line\n${show(r)}`)
      assert.doesNotMatch(r.stderr, /^\s+at\s/m, 'no stack trace')
    }
  })

  test('an internal error whose message or stack holds a secret: scrubbed on stderr and in the debug stack', async () => {
    rememberSecrets([{name: 'Authorization', value: SECRETS.authorization}])
    const writes: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    const debug = process.env.APIGW_DOCTOR_DEBUG
    process.stderr.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stderr.write
    process.env.APIGW_DOCTOR_DEBUG = '1'
    const exitCode = process.exitCode
    try {
      const fake = {parsed: true, jsonEnabled: () => false, out: () => {}}
      await BaseCommand.prototype.catch.call(fake as never, new Error(`request failed with header ${SECRETS.authorization} in it`))
    } finally {
      process.stderr.write = write
      process.env.APIGW_DOCTOR_DEBUG = debug
      if (debug === undefined) delete process.env.APIGW_DOCTOR_DEBUG
    }
    assert.equal(process.exitCode, 1)
    process.exitCode = exitCode
    const text = writes.join('')
    assert.match(text, /apigw-doctor: request failed with header \[redacted\] in it/)
    assert.match(text, /^\s+at /m, 'the debug stack was printed')
    assert.ok(!text.includes('CANARY'), text)
  })
})
