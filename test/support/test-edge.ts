// A loopback test edge that reproduces, byte for byte, what AWS API Gateway / CloudFront edges do
// on the wire: strict SNI (alerts, silent close, reset, malformed alert, default certificate),
// virtual hosting by Host, 421 on SNI/Host mismatch, Missing Authentication Token, plain HTTP on the
// TLS port, and pathological peers (black hole, endless headers, garbage, truncated responses).
//
// One net.Server accepts raw TCP. It reads the first bytes (bounded), parses the ClientHello itself to
// find the server_name, and then either answers with raw bytes or hands the socket to an in-process
// tls.Server (never listening) with the buffered bytes put back. HTTP requests are read and answered
// with a small hand-written HTTP/1.1 reader/writer so every byte of the answer is under control.
import { randomBytes, randomUUID } from 'node:crypto'
import net from 'node:net'
import tls from 'node:tls'
import type { Duplex } from 'node:stream'
import { makePki, type KeyCert, type Pki } from './certs.js'
import {refusingPort} from './ports.js'

/** What the edge does with a ClientHello without SNI (or with the wrong one). */
export const NO_SNI_BEHAVIOURS = ['alert-112', 'alert-40', 'close', 'reset', 'malformed-alert', 'http-reply', 'default-cert', 'serve'] as const
export type NoSniBehaviour = (typeof NO_SNI_BEHAVIOURS)[number]

export const EDGE_MODES = ['normal', 'black-hole', 'reset-mid-handshake', 'endless-headers', 'garbage-response', 'close-after-headers-start'] as const
export type EdgeMode = (typeof EDGE_MODES)[number]

export const EDGE_CERTIFICATES = ['valid', 'expired', 'not-yet-valid', 'untrusted', 'wrong-name'] as const
export const EDGE_STYLES = ['apigw', 'cloudfront'] as const

export interface TestEdgeOptions {
  hostnames?: string[]
  certificate?: (typeof EDGE_CERTIFICATES)[number]
  noSni?: NoSniBehaviour
  wrongSni?: NoSniBehaviour
  plainHttpOnTlsPort?: '400' | 'close'
  requireHost?: boolean
  sniHostMismatch?: '421' | 'ignore'
  paths?: string[] | null
  style?: (typeof EDGE_STYLES)[number]
  httpListener?: 'none' | '403' | '301' | 'serve'
  mode?: EdgeMode
  host?: string
  /** Reuse a PKI (e.g. to share one CA between several edges). Default: a fresh one. */
  pki?: Pki
  /**
   * Answer every request 200 with its own headers echoed back in every form a debug endpoint
   * might use (telling headers, a URL-encoded Location, JSON, a body cut mid-value): secrets tests.
   */
  echoRequest?: boolean
  /** Listen for TLS on this port (default: any free one), e.g. the same number on 127.0.0.1 and ::1. */
  tlsPort?: number
}

export interface EdgeRequest {
  sni: string | null
  host: string | undefined
  path: string
  method: string
  headers: Record<string, string | string[] | undefined>
  /** where it arrived: over TLS, on the plain-HTTP listener, or as plain HTTP on the TLS port */
  via: 'tls' | 'http' | 'plain-on-tls-port'
}

export interface EdgeHandshake {
  sni: string | null
  action: string
}

export interface TestEdge {
  host: string
  port: number
  httpPort: number
  caCert: string
  hostnames: string[]
  requests: EdgeRequest[]
  handshakes: EdgeHandshake[]
  /** the certificate (and key) presented for a served SNI, and the lenient default one ('*.cloudfront.test') */
  certs: { served: KeyCert; fallback: KeyCert }
  close(): Promise<void>
}

// ---------------------------------------------------------------------------------------------
// Wire constants

export const ALERT_HANDSHAKE_FAILURE = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])
export const ALERT_UNRECOGNIZED_NAME = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70])
export const ALERT_MALFORMED_CLOUDFRONT = Buffer.from([0x15, 0x00, 0x00, 0x00, 0x02, 0x02, 0x28])
export const FALLBACK_CERT_NAME = '*.cloudfront.test'

const MAX_HELLO_BYTES = 16 * 1024
const MAX_HEAD_BYTES = 16 * 1024

// ---------------------------------------------------------------------------------------------
// ClientHello parsing (bounded, defensive)

type HelloState = { state: 'need-more' } | { state: 'invalid'; reason: string } | { state: 'complete'; sni: string | null }

/** Gather the handshake bytes carried by consecutive handshake records at the start of `buf`. */
function handshakePayload(buf: Buffer): { payload: Buffer; incomplete: boolean } | { invalid: string } {
  const parts: Buffer[] = []
  let off = 0
  let incomplete = false
  while (off < buf.length) {
    if (buf.length - off < 5) {
      incomplete = true
      break
    }
    if (buf[off] !== 0x16) return { invalid: `record type ${buf[off]} inside ClientHello` }
    if (buf[off + 1] !== 0x03) return { invalid: 'record version major is not 3' }
    const len = buf.readUInt16BE(off + 3)
    if (len === 0 || len > 16384 + 2048) return { invalid: `record length ${len}` }
    const body = buf.subarray(off + 5, Math.min(buf.length, off + 5 + len))
    parts.push(body)
    if (body.length < len) {
      incomplete = true
      break
    }
    off += 5 + len
  }
  return { payload: Buffer.concat(parts), incomplete }
}

/** Decide whether `buf` holds a complete ClientHello and extract the SNI host_name. */
export function parseClientHello(buf: Buffer): HelloState {
  const hp = handshakePayload(buf)
  if ('invalid' in hp) return { state: 'invalid', reason: hp.invalid }
  const p = hp.payload
  // A handshake message may span several records: until it is whole, wait (the caller caps the bytes).
  if (p.length < 4) return { state: 'need-more' }
  if (p[0] !== 0x01) return { state: 'invalid', reason: `handshake type ${p[0]} is not client_hello` }
  const hsLen = p.readUIntBE(1, 3)
  if (hsLen > MAX_HELLO_BYTES) return { state: 'invalid', reason: `ClientHello length ${hsLen}` }
  if (p.length < 4 + hsLen) return { state: 'need-more' }
  const h = p.subarray(4, 4 + hsLen)
  let o = 0
  const need = (n: number): boolean => o + n <= h.length
  if (!need(2 + 32)) return { state: 'invalid', reason: 'truncated version/random' }
  o += 2 + 32
  if (!need(1)) return { state: 'invalid', reason: 'truncated session id' }
  const sidLen = h[o]!
  o += 1
  if (sidLen > 32 || !need(sidLen)) return { state: 'invalid', reason: 'bad session id' }
  o += sidLen
  if (!need(2)) return { state: 'invalid', reason: 'truncated cipher suites' }
  const csLen = h.readUInt16BE(o)
  o += 2
  if (!need(csLen)) return { state: 'invalid', reason: 'bad cipher suites' }
  o += csLen
  if (!need(1)) return { state: 'invalid', reason: 'truncated compression' }
  const compLen = h[o]!
  o += 1
  if (!need(compLen)) return { state: 'invalid', reason: 'bad compression' }
  o += compLen
  if (o === h.length) return { state: 'complete', sni: null } // no extensions at all
  if (!need(2)) return { state: 'invalid', reason: 'truncated extensions' }
  const extLen = h.readUInt16BE(o)
  o += 2
  if (!need(extLen)) return { state: 'invalid', reason: 'bad extensions length' }
  const end = o + extLen
  while (o + 4 <= end) {
    const type = h.readUInt16BE(o)
    const len = h.readUInt16BE(o + 2)
    o += 4
    if (o + len > end) return { state: 'invalid', reason: 'bad extension length' }
    if (type === 0) {
      const ext = h.subarray(o, o + len)
      if (ext.length < 2) return { state: 'invalid', reason: 'bad server_name' }
      const listLen = ext.readUInt16BE(0)
      let q = 2
      const listEnd = Math.min(ext.length, 2 + listLen)
      while (q + 3 <= listEnd) {
        const nameType = ext[q]!
        const nameLen = ext.readUInt16BE(q + 1)
        q += 3
        if (q + nameLen > listEnd) return { state: 'invalid', reason: 'bad server_name entry' }
        if (nameType === 0) return { state: 'complete', sni: ext.subarray(q, q + nameLen).toString('latin1') }
        q += nameLen
      }
      return { state: 'complete', sni: null }
    }
    o += len
  }
  return { state: 'complete', sni: null }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/**
 * Read from `socket` until `done(buf)` says so or `limit` bytes arrived, then detach, pause and hand
 * the bytes over. If the peer goes away first nothing is called.
 */
function collect(socket: Duplex, limit: number, done: (buf: Buffer) => boolean, cb: (buf: Buffer, capped: boolean) => void): void {
  let buf: Buffer = Buffer.alloc(0)
  const onData = (chunk: Buffer): void => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
    const capped = buf.length >= limit
    if (capped || done(buf)) {
      socket.removeListener('data', onData)
      socket.pause()
      cb(buf, capped && !done(buf))
    }
  }
  socket.on('data', onData)
}

/** After we stop caring about input: keep reading and discarding so the kernel never sends RST. */
function drain(socket: Duplex): void {
  socket.removeAllListeners('data')
  socket.resume()
}

function endWith(socket: Duplex, bytes: Buffer | string): void {
  if (socket.destroyed) return
  drain(socket)
  socket.end(bytes)
}

const HEAD_END = Buffer.from('\r\n\r\n')

function looksLikeHttp(buf: Buffer): 'need-more' | 'yes' | 'no' {
  const n = Math.min(buf.length, 17)
  for (let i = 0; i < n; i++) {
    const c = buf[i]!
    if (c === 0x20) return i > 0 ? 'yes' : 'no'
    if (c < 0x41 || c > 0x5a) return 'no'
  }
  return buf.length >= 17 ? 'no' : 'need-more'
}

interface ParsedHead {
  method: string
  path: string
  version: string
  headers: Record<string, string | string[] | undefined>
}

function parseHead(head: Buffer): ParsedHead | null {
  const text = head.toString('latin1')
  const end = text.indexOf('\r\n\r\n')
  const lines = (end >= 0 ? text.slice(0, end) : text).split('\r\n')
  const m = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(lines[0] ?? '')
  if (!m) return null
  const headers: Record<string, string | string[] | undefined> = {}
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':')
    if (i <= 0) continue
    const k = line.slice(0, i).trim().toLowerCase()
    const v = line.slice(i + 1).trim()
    const prev = headers[k]
    if (prev === undefined) headers[k] = v
    else if (Array.isArray(prev)) prev.push(v)
    else headers[k] = [prev, v]
  }
  return { method: m[1]!, path: m[2]!, version: m[3]!, headers }
}

/** Host header without port, lower-cased; IPv6 brackets removed. */
export function hostOnly(host: string): string {
  let h = host.trim().toLowerCase()
  if (h.startsWith('[')) {
    const i = h.indexOf(']')
    return i > 0 ? h.slice(1, i) : h
  }
  const colons = h.split(':').length - 1
  if (colons === 1) h = h.slice(0, h.indexOf(':'))
  return h.replace(/\.$/, '')
}

const REASONS: Record<number, string> = {
  200: 'OK',
  301: 'Moved Permanently',
  400: 'Bad Request',
  403: 'Forbidden',
  421: 'Misdirected Request',
}

function httpResponse(status: number, headers: Array<[string, string]>, body: string): Buffer {
  const b = Buffer.from(body, 'utf8')
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Unknown'}`]
  for (const [k, v] of headers) lines.push(`${k}: ${v}`)
  lines.push(`Content-Length: ${b.length}`, 'Connection: close', '', '')
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), b])
}

const apigwId = (): string => randomBytes(10).toString('base64')
const cfId = (): string => randomBytes(40).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
const cfHeaders = (xcache: string): Array<[string, string]> => [
  ['X-Cache', xcache],
  ['Via', `1.1 ${randomBytes(16).toString('hex')}.cloudfront.net (CloudFront)`],
  ['X-Amz-Cf-Pop', 'TST50-P1'],
  ['X-Amz-Cf-Id', cfId()],
]

function cloudFrontErrorPage(status: number, headline: string, text: string): string {
  return (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n' +
    '<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n' +
    '<TITLE>ERROR: The request could not be satisfied</TITLE>\n' +
    '</HEAD><BODY>\n' +
    `<H1>${status} ERROR</H1>\n` +
    `<H2>${headline}</H2>\n` +
    '<HR noshade size="1px">\n' +
    `${text}\n` +
    '<BR clear="all">\n' +
    '<HR noshade size="1px">\n' +
    '<PRE>\n' +
    'Generated by cloudfront (CloudFront)\n' +
    `Request ID: ${cfId()}\n` +
    '</PRE>\n' +
    '<ADDRESS>\n' +
    '</ADDRESS>\n' +
    '</BODY></HTML>'
  )
}

/** The request's headers sent back: in the headers a probe keeps, JSON-escaped, URL-encoded, and cut by the excerpt bound. */
function echoAnswer(req: ParsedHead): Buffer {
  const one = (name: string): string => {
    const value = req.headers[name]
    return Array.isArray(value) ? value.join(', ') : value ?? ''
  }
  const everything = Object.values(req.headers).flat().join(' | ')
  const body = JSON.stringify({headers: req.headers}) + '\n'
  // The excerpt keeps 2048 bytes: the Authorization value is put across that bound.
  const pad = 'p'.repeat(Math.max(0, 2048 - 6 - Buffer.byteLength(body)))
  return httpResponse(
    200,
    [
      ['Server', `echo ${one('authorization')}`],
      ['WWW-Authenticate', one('x-api-key')],
      ['X-Cache', one('cookie')],
      ['X-Amzn-ErrorType', JSON.stringify(one('x-amz-security-token'))],
      ['Location', `https://echo.test/?auth=${encodeURIComponent(one('authorization'))}`],
      // Kept headers are cut at 256 characters: this one is cut inside the value.
      ['Via', `${'v'.repeat(250)}${one('authorization')}`],
      ['X-Amzn-RequestId', everything.replace(/[\r\n]/g, ' ').slice(0, 4000)],
      ['Content-Type', 'application/json'],
    ],
    body + pad + one('authorization'),
  )
}

const PLAIN_ON_TLS_BODY =
  '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n' +
  '<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n' +
  '</body>\r\n</html>\r\n'

// ---------------------------------------------------------------------------------------------

export async function startTestEdge(opts: TestEdgeOptions = {}): Promise<TestEdge> {
  const hostnames = (opts.hostnames ?? ['api.test']).map((h) => h.toLowerCase())
  if (hostnames.length === 0) throw new Error('startTestEdge: hostnames must not be empty')
  const certificate = opts.certificate ?? 'valid'
  const noSni: NoSniBehaviour = opts.noSni ?? 'alert-112'
  const wrongSni: NoSniBehaviour = opts.wrongSni ?? noSni
  const plainOnTls = opts.plainHttpOnTlsPort ?? '400'
  const requireHost = opts.requireHost ?? true
  const sniHostMismatch = opts.sniHostMismatch ?? '421'
  const paths = opts.paths ?? null
  const style = opts.style ?? 'apigw'
  const httpListener = opts.httpListener ?? 'none'
  const mode: EdgeMode = opts.mode ?? 'normal'
  const listenHost = opts.host ?? '127.0.0.1'
  if (!isLoopback(listenHost)) throw new Error(`startTestEdge: ${listenHost} is not a loopback address`)

  const pki = opts.pki ?? (await makePki())
  const served: KeyCert = await (certificate === 'valid'
    ? pki.valid(hostnames)
    : certificate === 'expired'
      ? pki.expired(hostnames)
      : certificate === 'not-yet-valid'
        ? pki.notYetValid(hostnames)
        : certificate === 'untrusted'
          ? pki.untrusted(hostnames)
          : pki.valid(['other.example']))
  const fallback = await pki.valid([FALLBACK_CERT_NAME])

  const requests: EdgeRequest[] = []
  const handshakes: EdgeHandshake[] = []
  const sockets = new Set<Duplex>()
  let closing = false
  const track = (s: Duplex): void => {
    if (closing) {
      s.destroy()
      return
    }
    sockets.add(s)
    s.on('error', () => {}) // ECONNRESET, EPIPE…: a test peer may do anything
    s.once('close', () => sockets.delete(s))
  }

  let tlsPort = 0

  // ----- HTTP layer (shared by TLS and the plain listener) -----
  type Via = EdgeRequest['via']

  function httpAnswer(req: ParsedHead, sni: string | null, via: Via): Buffer {
    const rawHost = req.headers['host']
    const hostHeader = Array.isArray(rawHost) ? rawHost[0] : rawHost
    const host = hostHeader === undefined ? undefined : hostOnly(hostHeader)
    const pathOnly = req.path.split('?')[0] ?? req.path
    const apigwHeaders = (): Array<[string, string]> => [
      ['Date', new Date().toUTCString()],
      ['Content-Type', 'application/json'],
      ['x-amzn-RequestId', randomUUID()],
      ['x-amz-apigw-id', apigwId()],
    ]
    const json = (status: number, message: string | null, errorType: string | null, xcache: string): Buffer => {
      const h = apigwHeaders()
      if (errorType) h.push(['x-amzn-ErrorType', errorType])
      if (style === 'cloudfront') h.push(...cfHeaders(xcache))
      return httpResponse(status, h, message === null ? '{"ok":true}' : JSON.stringify({ message }))
    }
    const cfError = (status: number, headline: string, text: string): Buffer =>
      httpResponse(
        status,
        [
          ['Server', 'CloudFront'],
          ['Date', new Date().toUTCString()],
          ['Content-Type', 'text/html'],
          ...cfHeaders('Error from cloudfront'),
        ],
        cloudFrontErrorPage(status, headline, text),
      )

    if (via === 'http' && httpListener === '403') {
      return cfError(403, 'The request could not be satisfied.', 'Bad request.')
    }
    if (via === 'http' && httpListener === '301') {
      const target = host !== undefined && host !== '' ? host : hostnames[0]!
      const h = target.includes(':') ? `[${target}]` : target
      const location = `https://${h}${tlsPort === 443 ? '' : `:${tlsPort}`}${req.path}`
      return httpResponse(
        301,
        [
          ['Server', 'CloudFront'],
          ['Date', new Date().toUTCString()],
          ['Content-Type', 'text/html'],
          ['Location', location],
          ...cfHeaders('Redirect from cloudfront'),
        ],
        '<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>CloudFront</center>\r\n</body>\r\n</html>\r\n',
      )
    }
    if (requireHost && (host === undefined || !hostnames.includes(host))) {
      if (style === 'cloudfront') return cfError(403, 'The request could not be satisfied.', 'Bad request.')
      return json(403, 'Forbidden', 'ForbiddenException', 'Error from cloudfront')
    }
    if (
      sniHostMismatch === '421' &&
      via === 'tls' &&
      sni !== null &&
      host !== undefined &&
      hostnames.includes(sni.toLowerCase()) &&
      hostnames.includes(host) &&
      sni.toLowerCase() !== host
    ) {
      if (style === 'cloudfront') return cfError(421, 'The request could not be satisfied.', 'Misdirected Request.')
      return json(421, 'Misdirected Request', null, 'Error from cloudfront')
    }
    if (paths !== null && !paths.includes(pathOnly)) {
      return json(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException', 'Error from cloudfront')
    }
    return json(200, null, null, 'Miss from cloudfront')
  }

  function endlessHeaders(socket: Duplex): void {
    drain(socket)
    let n = 0
    const pad = 'x'.repeat(48)
    const pump = (): void => {
      if (socket.destroyed || socket.writableEnded) return
      if (n === 0 && !socket.write('HTTP/1.1 200 OK\r\n')) {
        n++
        socket.once('drain', pump)
        return
      }
      for (let i = 0; i < 64; i++) {
        n++
        if (!socket.write(`X-Endless-${n}: ${pad}\r\n`)) {
          socket.once('drain', pump)
          return
        }
      }
      setImmediate(pump) // yield to the event loop between batches
    }
    pump()
  }

  /** Read one request head from `socket` and answer it according to mode and options. */
  function serveHttp(socket: Duplex, sni: string | null, via: Via): void {
    if (mode === 'black-hole') {
      drain(socket)
      return
    }
    collect(
      socket,
      MAX_HEAD_BYTES,
      (b) => b.indexOf(HEAD_END) >= 0,
      (buf, capped) => {
        const req = capped ? null : parseHead(buf)
        if (req) {
          const host = req.headers['host']
          requests.push({
            sni,
            host: Array.isArray(host) ? host[0] : host,
            path: req.path,
            method: req.method,
            headers: req.headers,
            via,
          })
        }
        if (mode === 'endless-headers') return endlessHeaders(socket)
        if (mode === 'garbage-response') return endWith(socket, Buffer.from('\x00\x01garbage\r\n\r\n', 'latin1'))
        if (mode === 'close-after-headers-start') return endWith(socket, 'HTTP/1.1 200 OK\r\nContent-')
        if (!req) {
          return endWith(socket, httpResponse(400, [['Content-Type', 'text/html']], '<html><body><h1>400 Bad Request</h1></body></html>\r\n'))
        }
        endWith(socket, opts.echoRequest ? echoAnswer(req) : httpAnswer(req, sni, via))
      },
    )
  }

  // ----- TLS layer -----
  const tlsOptions = (kc: KeyCert): tls.TlsOptions => ({
    key: kc.key,
    cert: kc.cert,
    ALPNProtocols: ['http/1.1'],
  })
  const makeTlsServer = (kc: KeyCert): tls.Server => {
    const s = tls.createServer(tlsOptions(kc))
    s.on('secureConnection', (t: tls.TLSSocket) => {
      track(t)
      const sni = typeof t.servername === 'string' && t.servername !== '' ? t.servername : null
      serveHttp(t, sni, 'tls')
    })
    s.on('tlsClientError', (_err, t) => {
      t.destroy()
    })
    return s
  }
  const tlsServed = makeTlsServer(served)
  const tlsFallback = makeTlsServer(fallback)

  function act(socket: net.Socket, buffered: Buffer, action: NoSniBehaviour | 'serve-right'): void {
    switch (action) {
      case 'serve':
      case 'serve-right':
      case 'default-cert': {
        socket.unshift(buffered)
        const target = action === 'default-cert' ? tlsFallback : tlsServed
        target.emit('connection', socket)
        return
      }
      case 'alert-40':
        return endWith(socket, ALERT_HANDSHAKE_FAILURE)
      case 'alert-112':
        return endWith(socket, ALERT_UNRECOGNIZED_NAME)
      case 'malformed-alert':
        return endWith(socket, ALERT_MALFORMED_CLOUDFRONT)
      case 'close':
        drain(socket)
        socket.end()
        return
      case 'reset':
        socket.resetAndDestroy()
        return
      case 'http-reply':
        return endWith(
          socket,
          httpResponse(400, [['Content-Type', 'text/html']], '<html><head><title>400 Bad Request</title></head><body><h1>400 Bad Request</h1></body></html>\r\n'),
        )
    }
  }

  function onTlsPortConnection(socket: net.Socket): void {
    track(socket)
    let kind: 'tls' | 'http' | 'other' | undefined
    collect(
      socket,
      MAX_HELLO_BYTES,
      (b) => {
        if (kind === undefined) {
          if (b[0] === 0x16) kind = 'tls'
          else {
            const l = looksLikeHttp(b)
            if (l === 'need-more') return false
            kind = l === 'yes' ? 'http' : 'other'
          }
        }
        if (kind === 'tls') return parseClientHello(b).state !== 'need-more'
        if (kind === 'http') return b.indexOf(HEAD_END) >= 0
        return true
      },
      (buf) => {
        if (kind === 'tls') {
          const hello = parseClientHello(buf)
          if (hello.state !== 'complete') {
            handshakes.push({ sni: null, action: 'invalid-client-hello' })
            drain(socket)
            socket.end()
            return
          }
          const sni = hello.sni
          if (mode === 'black-hole') {
            handshakes.push({ sni, action: 'black-hole' })
            drain(socket)
            return
          }
          if (mode === 'reset-mid-handshake') {
            handshakes.push({ sni, action: 'reset-mid-handshake' })
            drain(socket)
            const partial = Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00, 0x00, 0x3c, 0x03, 0x03]), randomBytes(8)])
            socket.write(partial, () => socket.resetAndDestroy())
            return
          }
          let action: NoSniBehaviour | 'serve-right'
          if (sni === null) action = noSni
          else if (hostnames.includes(sni.toLowerCase().replace(/\.$/, ''))) action = 'serve-right'
          else action = wrongSni
          handshakes.push({ sni, action: action === 'serve-right' ? 'serve' : action })
          act(socket, buf, action)
          return
        }
        if (mode === 'black-hole') {
          drain(socket)
          return
        }
        if (kind === 'http') {
          const req = parseHead(buf)
          if (req) {
            const host = req.headers['host']
            requests.push({
              sni: null,
              host: Array.isArray(host) ? host[0] : host,
              path: req.path,
              method: req.method,
              headers: req.headers,
              via: 'plain-on-tls-port',
            })
          }
          if (plainOnTls === 'close') {
            drain(socket)
            socket.end()
            return
          }
          const headers: Array<[string, string]> = [
            ['Date', new Date().toUTCString()],
            ['Content-Type', 'text/html'],
          ]
          if (style === 'cloudfront') headers.unshift(['Server', 'CloudFront'])
          endWith(socket, httpResponse(400, headers, PLAIN_ON_TLS_BODY))
          return
        }
        // Neither TLS nor HTTP: say nothing, hang up.
        drain(socket)
        socket.end()
      },
    )
  }

  // ----- listeners -----
  const servers: net.Server[] = []
  const listen = (s: net.Server, port = 0): Promise<number> =>
    new Promise((resolve, reject) => {
      s.once('error', reject)
      s.listen(port, listenHost, () => {
        s.removeListener('error', reject)
        s.on('error', () => {})
        resolve((s.address() as net.AddressInfo).port)
      })
    })

  const tlsListener = net.createServer(onTlsPortConnection)
  servers.push(tlsListener)
  tlsPort = await listen(tlsListener, opts.tlsPort)

  let httpPort: number
  if (httpListener === 'none') {
    httpPort = await refusingPort(listenHost)
  } else {
    const httpServer = net.createServer((socket) => {
      track(socket)
      serveHttp(socket, null, 'http')
    })
    servers.push(httpServer)
    httpPort = await listen(httpServer)
  }

  return {
    host: listenHost,
    port: tlsPort,
    httpPort,
    caCert: pki.caCert,
    hostnames,
    requests,
    handshakes,
    certs: { served, fallback },
    async close(): Promise<void> {
      closing = true
      const closed = servers.map((s) => new Promise<void>((r) => s.close(() => r())))
      for (const s of sockets) s.destroy()
      sockets.clear()
      await Promise.all(closed)
    },
  }
}

function isLoopback(addr: string): boolean {
  if (addr === '::1' || addr === 'localhost') return true
  return net.isIPv4(addr) && addr.startsWith('127.')
}
