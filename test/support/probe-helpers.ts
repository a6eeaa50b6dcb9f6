// Helpers for the live probe tests (test/probes/*.test.ts, test/cli/probe.test.ts).
// Loopback only: every name is pinned to a loopback address (resolve rules or --resolve /
// --connect-to), so no test name ever reaches a real resolver.
import assert from 'node:assert/strict'
import {once} from 'node:events'
import type {SecureContext} from 'node:tls'
import {Worker} from 'node:worker_threads'

import type {ProbeObservation, ProbeId} from '../../src/observations/types.js'
import type {ProbeOptions} from '../../src/pipeline/probe-options.js'
import {WRONG_NAME} from '../../src/probes/matrix.js'
import type {ProbeEnvironment} from '../../src/probes/run-probe.js'
import {runMatrix, type MatrixOptions, type MatrixResult} from '../../src/probes/run-matrix.js'
import {buildTrustStore} from '../../src/probes/trust-store.js'
import {makePki, type Pki} from './certs.js'
import {startTestEdge, type TestEdge, type TestEdgeOptions} from './test-edge.js'

export const HOST = 'api.test'
export const TOOL = {name: 'apigw-doctor', version: '0.0.0-test'}

/** Minimal view of node:test's TestContext that we need (after-hooks). */
export interface HasAfter {
  after(fn: () => unknown): void
}

/** Guard: every test name is pinned; a lookup that got here would leave loopback. */
export const noDns = async (host: string): Promise<string[]> => {
  throw Object.assign(new Error(`test tried to resolve ${host}`), {code: 'ETESTDNS'})
}

/** A resolver answering NXDOMAIN, as the system's would for a .invalid name, without leaving loopback. */
export const nxdomain = async (host: string): Promise<string[]> => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {code: 'ENOTFOUND'})
}

/** One PKI (and its trust store) per test file: leaf keys are cheap, the ~150 roots are not. */
export interface Shared {
  pki: Pki
  secureContext: SecureContext
}

let shared: Promise<Shared> | undefined
export function sharedPki(): Promise<Shared> {
  shared ??= makePki().then((pki) => ({pki, secureContext: buildTrustStore(pki.caCert)}))
  return shared
}

/** Starts a test edge on an ephemeral loopback port, closed when the test ends. */
export async function edgeFor(t: HasAfter, opts: TestEdgeOptions = {}): Promise<TestEdge> {
  const {pki} = await sharedPki()
  const edge = await startTestEdge({pki, ...opts})
  t.after(() => edge.close())
  return edge
}

/** Options for runMatrix: HOST pinned to the edge's address on every port (no DNS). */
export type EdgeAddress = Pick<TestEdge, 'host' | 'port' | 'httpPort'>

export async function matrixOptions(edge: EdgeAddress, overrides: Partial<MatrixOptions> = {}): Promise<MatrixOptions> {
  const {secureContext} = await sharedPki()
  return {
    host: HOST,
    hostKind: 'name',
    port: edge.port,
    httpPort: edge.httpPort,
    path: '/',
    method: 'GET',
    headers: [],
    resolve: [{host: HOST, port: '*', addresses: [edge.host]}],
    connectTo: [],
    timeoutMs: 3000,
    secureContext,
    caFile: null,
    userAgent: `${TOOL.name}/${TOOL.version}`,
    lookup: noDns,
    ...overrides,
  }
}

export async function matrixAgainst(edge: EdgeAddress, overrides: Partial<MatrixOptions> = {}): Promise<MatrixResult> {
  return runMatrix(await matrixOptions(edge, overrides))
}

/** The probe with that id; fails the test when it is missing. */
export function probe(result: {probes: ProbeObservation[]}, id: ProbeId): ProbeObservation {
  const found = result.probes.find((p) => p.id === id)
  assert.ok(found, `probe ${id} missing from ${result.probes.map((p) => p.id).join(', ')}`)
  return found
}

/** Short description of a probe for assertion messages. */
export function show(p: ProbeObservation): string {
  return JSON.stringify({id: p.id, outcome: p.outcome, status: p.status, error: p.error, alert: p.tls?.alert, firstBytesHex: p.tls?.firstBytesHex})
}

/** ProbeOptions as probeOptions() would build them from flags, HOST pinned to the edge. */
export function probeOptionsFor(edge: EdgeAddress, overrides: Partial<ProbeOptions> = {}): ProbeOptions {
  return {
    port: edge.port,
    httpPort: edge.httpPort,
    path: undefined,
    method: 'GET',
    headers: [],
    resolve: [{host: HOST, port: '*', addresses: [edge.host]}],
    connectTo: [],
    caFile: null,
    caPem: null,
    timeoutMs: 3000,
    proxyKind: 'haproxy',
    proxyVersion: null,
    via: null,
    lookup: noDns,
    ...overrides,
  }
}

/** A ProbeEnvironment for runProbe that connects to address:port (pinned, no DNS). */
export async function probeEnv(address: string, port: number, overrides: Partial<ProbeEnvironment> = {}): Promise<ProbeEnvironment> {
  const {secureContext} = await sharedPki()
  return {
    host: HOST,
    hostIsIp: false,
    tlsPort: port,
    httpPort: port,
    path: '/',
    method: 'GET',
    headers: [],
    wrongName: WRONG_NAME,
    timeoutMs: 3000,
    secureContext,
    userAgent: `${TOOL.name}/${TOOL.version}`,
    endpoint: async () => ({addresses: [address], port, pinned: true}),
    ...overrides,
  }
}

/** Blocks the event loop (not the kernel) for ms. */
export function busyWait(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin
  }
}

/** Resolves in the "check" phase of the event loop (after poll, before the next timers phase). */
export function inCheckPhase(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

// A listener in a worker thread (its own event loop) that accepts every connection and answers
// it with an RST at once, then counts it in shared memory. Because it runs beside the main
// thread, the main thread can block until the RST has been sent.
const RESETTER_SOURCE = `
const {parentPort, workerData} = require('node:worker_threads')
const net = require('node:net')
const counter = new Int32Array(workerData.signal)
const server = net.createServer((socket) => {
  socket.on('error', () => {})
  socket.once('close', () => {
    Atomics.add(counter, 0, 1)
    Atomics.notify(counter, 0)
  })
  socket.resetAndDestroy()
})
server.listen(0, workerData.host, () => parentPort.postMessage(server.address().port))
`

export interface ResettingListener {
  port: number
  /** How many connections were reset so far. */
  resets(): number
  /** Blocks the calling thread until the count passes `seen` (or timeoutMs): 'ok' | 'timed-out' | 'not-equal'. */
  waitForResetAfter(seen: number, timeoutMs: number): string
  close(): Promise<number>
}

export async function startResettingListener(host = '127.0.0.1'): Promise<ResettingListener> {
  const signal = new SharedArrayBuffer(4)
  const counter = new Int32Array(signal)
  const worker = new Worker(RESETTER_SOURCE, {eval: true, workerData: {signal, host}})
  const [port] = (await once(worker, 'message')) as [number]
  return {
    port,
    resets: () => Atomics.load(counter, 0),
    waitForResetAfter: (seen, timeoutMs) => Atomics.wait(counter, 0, seen, timeoutMs),
    close: () => worker.terminate(),
  }
}

/** Hex of an ASCII string, for firstBytesHex comparisons. */
export const hex = (text: string): string => Buffer.from(text, 'latin1').toString('hex')
