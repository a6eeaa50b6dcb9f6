// Small hostile servers on loopback for test/probes/hostile-*.test.ts. Each accepts raw TCP and
// misbehaves in one precise way: silence, late or garbage answers, raw TLS alerts, resets, floods,
// tricklers, odd certificates. Unlike test-edge.ts (a faithful edge with a few pathological modes),
// a peer here is one behaviour, written in a line or two by the test that uses it.
//
// Loopback only. Every peer counts the bytes its writes handed to the kernel, so a test can show that
// the probe stopped reading a peer that never stops sending.
import assert from 'node:assert/strict'
import net from 'node:net'
import type {Duplex} from 'node:stream'
import tls from 'node:tls'

import type {Report} from '../../src/observations/report.js'
import {reportValidator} from '../../src/observations/validate-report.js'
import type {ProbeOptions} from '../../src/pipeline/probe-options.js'
import {probeTarget} from '../../src/pipeline/probe-target.js'
import {parseTarget} from '../../src/target/parse-target.js'
import type {KeyCert} from './certs.js'
import {HOST, TOOL, probeOptionsFor, sharedPki, type HasAfter} from './probe-helpers.js'
import {parseClientHello} from './test-edge.js'
import {refusingPort} from './ports.js'

export interface PeerStats {
  connections: number
  /** Bytes the peer's writes handed to the kernel, all connections together. */
  bytesWritten: number
}

/** What a peer does with one accepted connection. */
export type Behaviour = (socket: net.Socket, stats: PeerStats) => void

/**
 * What a peer does once it speaks HTTP on a connection (plain, or inside TLS), after the request
 * head. `tcp` is the TCP socket under it (the same socket for plain HTTP), e.g. to reset it.
 */
export type HttpBehaviour = (socket: Duplex, stats: PeerStats, tcp: net.Socket) => void

export interface HostilePeer {
  host: string
  port: number
  /** A loopback port nothing listens on: the target's HTTP port, so http-plain is refused. */
  closedPort: number
  stats: PeerStats
  close(): Promise<void>
}

const MAX_FIRST_MESSAGE = 16 * 1024

/** Starts a peer on an ephemeral loopback port, closed (with every connection) when the test ends. */
export async function startHostilePeer(t: HasAfter, behaviour: Behaviour): Promise<HostilePeer> {
  const stats: PeerStats = {connections: 0, bytesWritten: 0}
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    stats.connections++
    sockets.add(socket)
    socket.on('error', () => {}) // EPIPE, ECONNRESET: the probe hangs up on hostile peers, as it should
    socket.once('close', () => sockets.delete(socket))
    behaviour(socket, stats)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const closedPort = await refusingPort('127.0.0.1')
  const peer: HostilePeer = {
    host: '127.0.0.1',
    port: (server.address() as net.AddressInfo).port,
    closedPort,
    stats,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
  t.after(() => peer.close())
  return peer
}

// ----- wire bytes -----------------------------------------------------------------------------

/** A TLS alert record, as a server writes it instead of a ServerHello. Level 2 is fatal, 1 warning. */
export const alertRecord = (description: number, level = 2): Buffer => Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, level, description])

export const CRLF = '\r\n'

/** Reads and discards whatever the client sends from now on (no RST for unread data). */
export function discardInput(socket: Duplex): void {
  socket.removeAllListeners('data')
  socket.on('data', () => {})
  socket.resume()
}

/** Writes, counting what reached the kernel. */
export function send(socket: Duplex, stats: PeerStats, bytes: Buffer | string, then?: () => void): boolean {
  const chunk = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes
  return socket.write(chunk, (err) => {
    if (err) return
    stats.bytesWritten += chunk.length
    then?.()
  })
}

// ----- behaviours on the client's first message -----------------------------------------------

/** The first message is whole: a complete ClientHello, or a plain request head. */
function firstMessageComplete(buf: Buffer): boolean {
  if (buf.length >= MAX_FIRST_MESSAGE) return true
  if (buf[0] === 0x16) return parseClientHello(buf).state !== 'need-more'
  return buf.includes('\r\n\r\n')
}

/** Waits for the client's first message (ClientHello or request head), then acts; input after it is discarded. */
export function onFirstMessage(act: (socket: net.Socket, first: Buffer, stats: PeerStats) => void): Behaviour {
  return (socket, stats) => {
    let buf = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (!firstMessageComplete(buf)) return
      socket.off('data', onData)
      discardInput(socket)
      act(socket, buf, stats)
    }
    socket.on('data', onData)
  }
}

/** Accepts, never reads, never writes. */
export const deaf: Behaviour = (socket) => socket.pause()

/** Writes bytes as soon as the connection opens (an SSH or SMTP banner), keeps it open. */
export const speaksFirst = (bytes: string | Buffer): Behaviour => (socket, stats) => {
  discardInput(socket)
  send(socket, stats, bytes)
}

/** Answers the first message with bytes, then closes (FIN). */
export const answer = (bytes: string | Buffer): Behaviour => onFirstMessage((socket, _first, stats) => send(socket, stats, bytes, () => socket.end()))

/** Answers the first message with bytes after delayMs, then closes; nothing if the client left. */
export const answerLate = (delayMs: number, bytes: string | Buffer): Behaviour =>
  onFirstMessage((socket, _first, stats) => {
    const timer = setTimeout(() => {
      if (!socket.destroyed) send(socket, stats, bytes, () => socket.end())
    }, delayMs)
    socket.once('close', () => clearTimeout(timer))
  })

/** Answers the first message with bytes (maybe none), then resets (RST). */
export const resetAfter = (bytes: string | Buffer = ''): Behaviour =>
  onFirstMessage((socket, _first, stats) => {
    if (bytes.length === 0) return void socket.resetAndDestroy()
    send(socket, stats, bytes, () => setTimeout(() => socket.resetAndDestroy(), 20))
  })

/** Sends `head`, then `next()` for as long as the client reads, as fast as it reads. */
export function flood(socket: Duplex, stats: PeerStats, head: string | Buffer, next: () => Buffer): void {
  send(socket, stats, head)
  const loop = (): void => {
    while (!socket.destroyed && !socket.writableEnded) {
      if (!send(socket, stats, next())) {
        socket.once('drain', loop)
        return
      }
    }
  }
  loop()
}

/** Sends `head` at once, then `pattern` one byte every intervalMs, without end. */
export function trickle(socket: Duplex, stats: PeerStats, head: string | Buffer, pattern: string, intervalMs: number): void {
  if (head.length > 0) send(socket, stats, head)
  let i = 0
  const timer = setInterval(() => {
    if (socket.destroyed || socket.writableEnded) return clearInterval(timer)
    send(socket, stats, pattern[i++ % pattern.length]!)
  }, intervalMs)
  socket.once('close', () => clearInterval(timer))
}

// ----- TLS, then HTTP ---------------------------------------------------------------------------

export interface TlsPeerOptions {
  /** Holds the ClientHello this long before answering it. */
  handshakeDelayMs?: number
}

/**
 * Completes a real TLS handshake with `keyCert` (its `cert` may carry a whole chain), reads the
 * request head, then runs `http`. A plain HTTP request (http-to-tls-port) gets `http` directly, so
 * both paths to the same misbehaviour are covered by one peer.
 */
export function tlsThen(keyCert: KeyCert, http: HttpBehaviour, options: TlsPeerOptions = {}): Behaviour {
  const secureContext = tls.createSecureContext({key: keyCert.key, cert: keyCert.cert})
  return onFirstMessage((socket, first, stats) => {
    if (first[0] !== 0x16) return http(socket, stats, socket)
    const start = () => {
      if (socket.destroyed) return
      socket.removeAllListeners('data')
      socket.pause()
      socket.unshift(first)
      const secure = new tls.TLSSocket(socket, {isServer: true, secureContext, ALPNProtocols: ['http/1.1']})
      secure.on('error', () => secure.destroy())
      secure.once('secure', () => afterRequestHead(secure, () => http(secure, stats, socket)))
    }
    if (options.handshakeDelayMs) setTimeout(start, options.handshakeDelayMs)
    else start()
  })
}

function afterRequestHead(socket: Duplex, then: () => void): void {
  let buf = Buffer.alloc(0)
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk])
    if (!buf.includes('\r\n\r\n') && buf.length < MAX_FIRST_MESSAGE) return
    socket.off('data', onData)
    discardInput(socket)
    then()
  }
  socket.on('data', onData)
}

/** An HTTP behaviour that answers with bytes and closes. */
export const respond = (bytes: string | Buffer): HttpBehaviour => (socket, stats) => send(socket, stats, bytes, () => socket.end())

export const OK_HEAD = `HTTP/1.1 200 OK${CRLF}Content-Type: text/plain${CRLF}`

// ----- running the tool against a peer ------------------------------------------------------------

export interface HostileRun {
  report: Report
  ms: number
}

/** The whole pipeline (six probes, diagnosis, fixes) for HOST pinned to the peer; the report must match the schema. */
export async function probePeer(peer: HostilePeer, timeoutMs: number, overrides: Partial<ProbeOptions> = {}): Promise<HostileRun> {
  const {secureContext} = await sharedPki()
  const started = performance.now()
  const report = await probeTarget(parseTarget(HOST), probeOptionsFor({host: peer.host, port: peer.port, httpPort: peer.closedPort}, {timeoutMs, ...overrides}), overrides.caPem ? tls.createSecureContext({ca: overrides.caPem}) : secureContext, TOOL)
  const ms = performance.now() - started
  const validate = await reportValidator()
  assert.ok(validate(JSON.parse(JSON.stringify(report))), `report does not match the schema: ${JSON.stringify(validate.errors)}`)
  return {report, ms}
}

/** The main diagnosis: the first one reported (problems come before requirements, healthy before requirements). */
export const mainDiagnosis = (report: Report): string | undefined => report.diagnoses[0]?.id

// ----- the process stays clean ----------------------------------------------------------------------

/**
 * Records every unhandled rejection and uncaught exception in this test process, so that a test
 * can fail on one that a hostile peer caused, even after the probe itself returned.
 */
export function watchProcess(): {assertClean(context: string): void} {
  const seen: string[] = []
  process.on('unhandledRejection', (reason) => seen.push(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`))
  process.on('uncaughtException', (error) => seen.push(`uncaughtException: ${String(error?.stack ?? error)}`))
  return {assertClean: (context) => assert.deepEqual(seen, [], `${context}: the process saw ${seen.length} unhandled error(s)`)}
}
