// The timing budget. A probe runs its phases one after another, each with its own deadline of
// --timeout ms, and each deadline is a total (a peer trickling a byte now and then does not extend
// it): DNS (skipped for an IP literal or a --resolve pin), TCP connect, TLS handshake (https), HTTP
// (response head and body excerpt share one deadline). The six probes of a matrix (and --via) run at
// once, so `probe` on one target ends within timeout × 4 + 1 s, or timeout × 3 + 1 s once pinned.
//
// Shown twice: in-process with an injected resolver (no DNS query leaves the process), each phase
// held close to its deadline so that the total approaches the formula; and through the built CLI
// (`npm run build` first), wall clock included, against a black hole and a trickler.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, describe, test} from 'node:test'

import type {Report} from '../../src/observations/report.js'
import {runCli, show as showRun} from '../support/cli.js'
import {deaf, mainDiagnosis, onFirstMessage, startHostilePeer, tlsThen, trickle, watchProcess, type HttpBehaviour} from '../support/hostile-peers.js'
import {HOST, matrixAgainst, probe, sharedPki, show} from '../support/probe-helpers.js'

/** Phases one probe runs one after another, the DNS phase included. */
const SEQUENTIAL_PHASES = 4
const processWatch = watchProcess()
afterEach(() => processWatch.assertClean('after a budget test'))

const slow = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** A response head trickled one byte every intervalMs, without end. */
const trickledHead = (intervalMs: number): HttpBehaviour => (socket, stats) => trickle(socket, stats, '', `HTTP/1.1 200 OK\r\nX-Slow: ${'z'.repeat(10_000)}`, intervalMs)

describe('every phase has a deadline that is a total', {concurrency: true}, () => {
  test('DNS, TLS and HTTP each held most of the deadline: http-timeout, within timeout × 4', async (t) => {
    const T = 1000
    const {pki} = await sharedPki()
    // Held 0.6 × T: what is left of the deadline must cover a handshake on a busy machine.
    const peer = await startHostilePeer(t, tlsThen(await pki.valid([HOST]), trickledHead(40), {handshakeDelayMs: 0.6 * T}))
    // An injected resolver that answers well into the DNS deadline.
    const lookup = async () => {
      await slow(0.6 * T)
      return ['127.0.0.1']
    }
    const started = performance.now()
    const result = await matrixAgainst({host: peer.host, port: peer.port, httpPort: peer.closedPort}, {resolve: [], lookup, timeoutMs: T})
    const elapsed = performance.now() - started
    const reference = probe(result, 'tls-sni')
    assert.equal(reference.outcome, 'http-timeout', show(reference))
    const {dns = 0, connect = 0, tls = 0, total} = reference.timings
    assert.ok(dns >= 0.55 * T && dns < T, `dns ${dns}`)
    assert.ok(tls >= 0.55 * T && tls < T, `tls ${tls}`)
    const httpPhase = total - dns - connect - tls
    assert.ok(httpPhase >= 0.9 * T && httpPhase < T + 200, `the trickled HTTP phase still ended at its deadline: ${httpPhase}`)
    assert.ok(total >= 2 * T, `the phases ran one after another, and total counts them all: ${total}`)
    assert.ok(elapsed < SEQUENTIAL_PHASES * T + 1000, `the matrix took ${Math.round(elapsed)} ms`)
  })

  test('a resolver that never answers → dns-failed on every probe at the deadline', async () => {
    const T = 400
    const started = performance.now()
    const result = await matrixAgainst({host: '127.0.0.1', port: 9, httpPort: 9}, {resolve: [], lookup: () => new Promise<string[]>(() => {}), timeoutMs: T})
    const elapsed = performance.now() - started
    for (const p of result.probes) {
      assert.equal(p.outcome, 'dns-failed', show(p))
      assert.equal(p.error?.code, 'ETIMEOUT')
      assert.ok((p.timings.dns ?? 0) >= 0.9 * T && (p.timings.dns ?? 0) < T + 200, `dns ${p.timings.dns}`)
    }
    assert.ok(elapsed < T + 1000, `${Math.round(elapsed)} ms`)
  })
})

// Pinned with --resolve: no DNS phase, so connect + TLS + HTTP.
const PINNED_PHASES = 3

const caDir = mkdtempSync(join(tmpdir(), 'apigw-hostile-'))
after(() => rmSync(caDir, {recursive: true, force: true}))

function cliArgs(port: number, httpPort: number, timeoutMs: number, caFile: string): string[] {
  return ['probe', HOST, '--resolve', `${HOST}:*:127.0.0.1`, '--port', String(port), '--http-port', String(httpPort), '--timeout', String(timeoutMs), '--ca-file', caFile, '--json']
}

/**
 * Runs the CLI against the peer and checks the budget. The "+ 1 s" of the formula is the CLI's fixed
 * cost (start-up, trust store, rendering); on a machine so loaded that this cost alone exceeds 1 s,
 * the allowance is what the same command costs right now against a port that refuses at once.
 */
async function cliProbe(port: number, httpPort: number, timeoutMs: number) {
  // The peers' certificates come from the test CA: trusted, so that the diagnosis is about time only.
  const caFile = join(caDir, 'ca.pem')
  writeFileSync(caFile, (await sharedPki()).pki.caCert)
  const refusing = await runCli(cliArgs(httpPort, httpPort, timeoutMs, caFile), {timeoutMs: 30_000})
  assert.equal(probe(refusing.json as Report, 'tls-sni').outcome, 'tcp-refused', showRun(refusing))
  const run = await runCli(cliArgs(port, httpPort, timeoutMs, caFile), {timeoutMs: 30_000})
  const budget = PINNED_PHASES * timeoutMs + Math.max(1000, refusing.ms)
  assert.equal(run.code, 1, showRun(run))
  assert.ok(run.ms < budget, `probe took ${Math.round(run.ms)} ms, over the budget of ${Math.round(budget)} ms (timeout × ${PINNED_PHASES} + 1 s, or + ${Math.round(refusing.ms)} ms, the fixed cost now)`)
  return {run, report: run.json as Report}
}

describe('the built CLI ends within timeout × phases + 1 s', {concurrency: true}, () => {
  test('a black hole (accepts, never answers): tls-timeout, within the budget', async (t) => {
    const T = 1500
    const peer = await startHostilePeer(t, deaf)
    const {run, report} = await cliProbe(peer.port, peer.closedPort, T)
    assert.equal(probe(report, 'tls-sni').outcome, 'tls-timeout', showRun(run))
    assert.equal(probe(report, 'http-to-tls-port').outcome, 'http-timeout')
    assert.equal(mainDiagnosis(report), 'tls-timeout')
    assert.ok(run.ms >= T, `it waited the deadline: ${Math.round(run.ms)} ms`)
  })

  // One byte a second is slower than any idle timer of 1.5 s would notice: only a total deadline ends it.
  test('a trickler (handshake held 0.6 × timeout, then one byte a second): http-timeout, within the budget', async (t) => {
    const T = 1500
    const {pki} = await sharedPki()
    const peer = await startHostilePeer(t, tlsThen(await pki.valid([HOST]), trickledHead(1000), {handshakeDelayMs: 0.6 * T}))
    const {run, report} = await cliProbe(peer.port, peer.closedPort, T)
    const reference = probe(report, 'tls-sni')
    assert.equal(reference.outcome, 'http-timeout', showRun(run))
    assert.ok((reference.timings.tls ?? 0) >= 0.55 * T, `the handshake waited: ${reference.timings.tls}`)
    assert.ok(reference.timings.total >= 1.5 * T, `two phases, one after the other: ${reference.timings.total}`)
    // Plain HTTP to the same port: the request is answered by the same trickle.
    assert.equal(probe(report, 'http-to-tls-port').outcome, 'http-timeout')
    assert.equal(mainDiagnosis(report), 'http-no-answer')
  })

  test('a peer that trickles the ServerHello one byte a second: tls-timeout, within the budget', async (t) => {
    const T = 1500
    const peer = await startHostilePeer(t, onFirstMessage((socket, _first, stats) => trickle(socket, stats, '', '\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03' + 'r'.repeat(100), 1000)))
    const {run, report} = await cliProbe(peer.port, peer.closedPort, T)
    const reference = probe(report, 'tls-sni')
    assert.equal(reference.outcome, 'tls-timeout', showRun(run))
    assert.ok(reference.timings.total < T + 500, `one deadline: ${reference.timings.total}`)
    assert.equal(mainDiagnosis(report), 'tls-timeout')
  })
})
