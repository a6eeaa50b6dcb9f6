// Memory stays bounded against peers that never stop sending: ten whole probes at once against an
// endless status line, endless 103 responses, an endless header line and an endless body. The
// probe's caps (256 KiB per response, 16 KiB of headers, a 2 KiB excerpt) mean what it holds is a
// few MiB whatever the peers send; a reader bound only by the deadline would hold hundreds.
// What is measured is what stays reachable (after a full GC, sampled while the peers flood), not
// the garbage of decrypting records, which the next young-generation GC takes anyway.
import assert from 'node:assert/strict'
import {before, test} from 'node:test'
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

import type {KeyCert} from '../support/certs.js'
import {CRLF, flood, OK_HEAD, probePeer, startHostilePeer, tlsThen, watchProcess, type HostilePeer} from '../support/hostile-peers.js'
import {HOST, sharedPki, type HasAfter} from '../support/probe-helpers.js'

// 60 connections capped at 256 KiB each hold at most 15 MiB of response; the rest is slack for the runner.
const GROWTH_BOUND = 32 * 1024 * 1024
const RUNS_AT_ONCE = 10
const TIMEOUT_MS = 3000

const processWatch = watchProcess()

let certificate: KeyCert
before(async () => {
  certificate = await (await sharedPki()).pki.valid([HOST])
})

const endless = (byte: string) => {
  const chunk = Buffer.alloc(64 * 1024, byte)
  return () => chunk
}

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** What the process holds that is still reachable. */
const held = () => {
  gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers + usage.external
}

test(`${RUNS_AT_ONCE} probes at once against four endless peers: what the process holds grows by less than ${GROWTH_BOUND / 1024 / 1024} MiB`, async (t: HasAfter) => {
  const peers: HostilePeer[] = await Promise.all([
    startHostilePeer(t, tlsThen(certificate, (socket, stats) => flood(socket, stats, 'HTTP/1.1 200 ', endless('O')))),
    startHostilePeer(t, tlsThen(certificate, (socket, stats) => flood(socket, stats, '', () => Buffer.from(`HTTP/1.1 103 Early Hints${CRLF}Link: </a>; rel=preload${CRLF}${CRLF}`.repeat(512))))),
    startHostilePeer(t, tlsThen(certificate, (socket, stats) => flood(socket, stats, `${OK_HEAD}X-Endless: `, endless('e')))),
    startHostilePeer(t, tlsThen(certificate, (socket, stats) => flood(socket, stats, `${OK_HEAD}${CRLF}`, endless('b')))),
  ])
  const baseline = held()
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, held())
  }, 25)
  try {
    const runs = Array.from({length: RUNS_AT_ONCE}, (_, i) => probePeer(peers[i % peers.length]!, TIMEOUT_MS))
    const reports = await Promise.all(runs)
    // Each ended on a cap, not on the deadline (the outcomes themselves are asserted in hostile-http).
    for (const {ms} of reports) assert.ok(ms < TIMEOUT_MS, `a run took ${Math.round(ms)} ms: it read until the deadline`)
  } finally {
    clearInterval(sampler)
  }
  peak = Math.max(peak, held())
  const sent = peers.reduce((sum, peer) => sum + peer.stats.bytesWritten, 0)
  assert.ok(peak - baseline < GROWTH_BOUND, `grew by ${((peak - baseline) / 1024 / 1024).toFixed(1)} MiB while the peers wrote ${(sent / 1024 / 1024).toFixed(1)} MiB`)
  processWatch.assertClean('after the endless peers')
})
