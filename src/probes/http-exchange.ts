import type {Socket} from 'node:net'
import {STATUS_CODES} from 'node:http'
import {performance} from 'node:perf_hooks'

import type {HttpObservation, Outcome} from '../observations/types.js'
import {fitRedacted, secretScrubber} from '../observations/redaction.js'
import {isSecret, REDACTED, type ExtraHeader} from '../target/headers.js'
import {PhaseFailure, ms} from './phase.js'
import {printable} from '../text/controls.js'
import {RecordingStream} from './recording-stream.js'

/** Headers that tell who answered: kept verbatim (bounded). Everything else is dropped. */
export const TELLING_HEADERS = [
  'server',
  'via',
  'x-cache',
  'x-amzn-errortype',
  'x-amzn-requestid',
  'x-amz-apigw-id',
  'apigw-requestid',
  'x-amz-cf-id',
  'x-amz-cf-pop',
  'x-amzn-trace-id',
  'location',
  'content-type',
  'www-authenticate',
] as const

export const MAX_HEADER_BYTES = 16 * 1024
export const BODY_EXCERPT_BYTES = 2048
/**
 * Bytes of response (after TLS) read at most. undici caps header names and values (MAX_HEADER_BYTES)
 * but not a status line, interim responses or chunk extensions: a peer that sends those without end
 * is cut off here. Far above what a head and an excerpt need, so a real response never reaches it.
 */
export const MAX_RESPONSE_BYTES = 256 * 1024
const MAX_HEADER_VALUE = 256

export interface ExchangeRequest {
  /** Origin used for undici's bookkeeping only: the socket is already connected. */
  origin: string
  host: string
  method: string
  path: string
  headers: ExtraHeader[]
  userAgent: string
  timeoutMs: number
}

export interface ExchangeResult {
  http: HttpObservation
  ttfb: number
}

/**
 * Sends one request over a socket that is already connected (and TLS'd when it needs to be),
 * with undici as the HTTP parser. Header size, body excerpt and time are all bounded.
 */
let undici: Promise<typeof import('undici')> | undefined

/**
 * undici takes ~80 ms to load. Loaded lazily (start-up stays small), but before any probe's clock
 * starts: loading it mid-matrix would block the event loop and inflate every phase timing.
 */
export function loadHttpClient(): Promise<typeof import('undici')> {
  undici ??= import('undici')
  return undici
}

export async function exchange(socket: Socket, request: ExchangeRequest): Promise<ExchangeResult> {
  const {Client} = await loadHttpClient()
  const bounded = new RecordingStream(socket, {limit: MAX_RESPONSE_BYTES, keep: 0})
  bounded.on('error', () => {}) // undici reports it
  let handedOver = false
  const client = new Client(request.origin, {
    connect: (_options, callback) => {
      // One probe, one connection: never reconnect behind the probe's back.
      if (handedOver) return callback(new Error('connection already used'), null)
      handedOver = true
      // undici 7 never writes the request when the callback runs synchronously inside its connect().
      setImmediate(() => callback(null, bounded as never))
    },
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: request.timeoutMs + 1000,
    bodyTimeout: request.timeoutMs + 1000,
    pipelining: 1,
  })
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, request.timeoutMs)
  const started = performance.now()
  try {
    const headers: Record<string, string> = {host: request.host, 'user-agent': request.userAgent, accept: '*/*'}
    for (const header of request.headers) headers[header.name.toLowerCase()] = header.value
    const response = await client.request({path: request.path, method: request.method as 'GET', headers, signal: controller.signal})
    const ttfb = ms(performance.now() - started)
    // The status is in: from here on the same deadline (undici destroys the body when the signal
    // aborts) only cuts the excerpt short, it never loses the answer.
    const excerpt = await readExcerpt(response.body)
    return {ttfb, http: redactSecrets(observe(response.statusCode, response.headers, excerpt), request.headers)}
  } catch (error) {
    // undici refusing our own arguments is a bug here, not something the peer did.
    if ((error as NodeJS.ErrnoException).code === 'UND_ERR_INVALID_ARG') throw error
    throw toFailure(error as NodeJS.ErrnoException & {data?: string}, timedOut, bounded.limitExceeded, request)
  } finally {
    clearTimeout(timer)
    client.destroy().catch(() => {})
    bounded.destroy()
  }
}

interface Excerpt {
  text: string
  truncated: boolean
  bytes: number
}

/** At most BODY_EXCERPT_BYTES; a body cut short (the deadline, a reset) is kept as far as it came. */
async function readExcerpt(body: AsyncIterable<Buffer> & {destroy(): void}): Promise<Excerpt> {
  const chunks: Buffer[] = []
  let bytes = 0
  let complete = false
  try {
    for await (const chunk of body) {
      chunks.push(chunk.subarray(0, Math.max(0, BODY_EXCERPT_BYTES + 1 - bytes)))
      bytes += chunk.length
      if (bytes > BODY_EXCERPT_BYTES) break
    }
    complete = bytes <= BODY_EXCERPT_BYTES
  } catch {
    // destroyed by the deadline or by the peer: what arrived is still evidence
  } finally {
    body.destroy()
  }
  const buffer = Buffer.concat(chunks).subarray(0, BODY_EXCERPT_BYTES)
  return {text: printable(buffer.toString('utf8')), truncated: !complete, bytes}
}

/**
 * A peer may echo request headers back (debug endpoints do): the values of secret headers are
 * scrubbed from whatever is kept of the response, so a report never carries them.
 */
export function redactSecrets(http: HttpObservation, sent: ExtraHeader[]): HttpObservation {
  const scrub = secretScrubber(sent)
  // A response header named like a secret we sent (--redact x-amzn-requestid) is a secret too.
  const secretNames = new Set(sent.filter(isSecret).map((header) => header.name.toLowerCase()))
  // "[redacted]" may be longer than what it replaces: the bounds of the report still hold.
  const headers = Object.fromEntries(
    Object.entries(http.headers).map(([name, value]) => [name, secretNames.has(name.toLowerCase()) ? REDACTED : fitRedacted(scrub(value), MAX_HEADER_VALUE)]),
  )
  return {
    ...http,
    headers,
    // A copy of the content-type header: scrubbed with it, or an echo there would survive in the report.
    contentType: headers['content-type'] ?? null,
    bodyExcerpt: fitRedacted(scrub(http.bodyExcerpt), BODY_EXCERPT_BYTES),
  }
}

function observe(status: number, raw: Record<string, string | string[] | undefined>, body: {text: string; truncated: boolean; bytes: number}): HttpObservation {
  const headers: Record<string, string> = {}
  for (const name of TELLING_HEADERS) {
    const value = raw[name]
    if (value === undefined) continue
    headers[name] = printable((Array.isArray(value) ? value.join(', ') : value).slice(0, MAX_HEADER_VALUE))
  }
  return {
    status,
    statusText: STATUS_CODES[status] ?? '',
    httpVersion: '1.1',
    headers,
    contentType: headers['content-type'] ?? null,
    bodyExcerpt: body.text,
    bodyTruncated: body.truncated,
    bodyBytes: body.bytes,
  }
}

const MALFORMED_CODES = new Set(['UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_EXCEEDED_MAX_SIZE', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'ERR_READ_LIMIT'])

function toFailure(err: NodeJS.ErrnoException & {data?: string}, timedOut: boolean, limitExceeded: boolean, request: ExchangeRequest): PhaseFailure {
  // The cut-off may reach undici as a bare "socket closed": the stream that cut it off knows why.
  const code = limitExceeded && !timedOut ? 'ERR_READ_LIMIT' : err.code ?? err.name ?? 'EHTTP'
  let outcome: Outcome
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') outcome = 'http-timeout'
  // undici 7 leaves HTTPParserError's code undefined: its name is the stable part.
  else if (code.startsWith('HPE_') || err.name === 'HTTPParserError' || MALFORMED_CODES.has(code)) outcome = 'http-malformed'
  else outcome = 'http-closed'
  // undici found the bytes (and may quote them in its message); a peer may have echoed a secret into them.
  const scrub = secretScrubber(request.headers)
  const message =
    outcome === 'http-timeout'
      ? `no complete response within ${request.timeoutMs} ms`
      : code === 'UND_ERR_HEADERS_OVERFLOW'
        ? `response headers exceed ${MAX_HEADER_BYTES} bytes`
        : code === 'ERR_READ_LIMIT'
          ? `no complete response head within the first ${MAX_RESPONSE_BYTES / 1024} KiB`
          : scrub(printable(err.message.split('\n')[0]!))
  const extra = err.data ? {firstBytesHex: Buffer.from(scrub(err.data).slice(0, 64), 'latin1').toString('hex')} : {}
  return new PhaseFailure(outcome, {code: timedOut ? 'ETIMEDOUT' : code, message, phase: 'http'}, extra)
}
