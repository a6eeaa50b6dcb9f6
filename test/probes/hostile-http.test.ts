// Hostile peers at the HTTP layer. Each peer completes a real TLS handshake (a trusted certificate
// for HOST) and then misbehaves; a plain request to the same port (http-to-tls-port) gets the same
// misbehaviour without TLS. Each case asserts the exact outcome of both and the main diagnosis.
// The endless cases also show that the probe stops reading: it ends long before the deadline, and
// the peer could hand the kernel only a bounded number of bytes before the probe hung up.
import assert from 'node:assert/strict'
import {once} from 'node:events'
import net from 'node:net'
import {afterEach, before, describe, test} from 'node:test'

import type {ProbeObservation} from '../../src/observations/types.js'
import {BODY_EXCERPT_BYTES, MAX_HEADER_BYTES, MAX_RESPONSE_BYTES} from '../../src/probes/http-exchange.js'
import {ReadLimitError, RecordingStream} from '../../src/probes/recording-stream.js'
import type {KeyCert} from '../support/certs.js'
import {
  CRLF,
  OK_HEAD,
  flood,
  mainDiagnosis,
  probePeer,
  respond,
  send,
  startHostilePeer,
  tlsThen,
  trickle,
  watchProcess,
  type HostilePeer,
  type HttpBehaviour,
} from '../support/hostile-peers.js'
import {HOST, hex, probe, sharedPki, show, type HasAfter} from '../support/probe-helpers.js'

const T = 600
/** Long enough that a probe bound only by its deadline would read gigabytes from a flood. */
const LONG_T = 8000
/**
 * What a flooding peer may get out before the probe hangs up, over the five connections of a matrix
 * that reach it: the probe reads at most MAX_RESPONSE_BYTES each, loopback socket buffers (a few MB
 * per connection) hold the rest. A probe reading until its deadline takes in gigabytes.
 */
const FLOOD_BOUND = 5 * 16 * 1024 * 1024

const processWatch = watchProcess()
afterEach(() => processWatch.assertClean('after a hostile HTTP peer'))

let certificate: KeyCert
before(async () => {
  certificate = await (await sharedPki()).pki.valid([HOST])
})

const peerFor = (t: HasAfter, http: HttpBehaviour): Promise<HostilePeer> => startHostilePeer(t, tlsThen(certificate, http))
const both = (report: {probes: ProbeObservation[]}) => [probe(report, 'tls-sni'), probe(report, 'http-to-tls-port')]
const endless = (byte: string) => {
  const chunk = Buffer.alloc(64 * 1024, byte)
  return () => chunk
}

describe('a peer whose response is not HTTP/1.1', {concurrency: true}, () => {
  test('a status line that is not HTTP ("ICY 200 OK") → http-malformed, first bytes kept; http-no-answer', async (t) => {
    const peer = await peerFor(t, respond(`ICY 200 OK${CRLF}icy-name: radio${CRLF}${CRLF}`))
    const {report} = await probePeer(peer, T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'http-malformed', show(p))
      assert.equal(p.error?.phase, 'http')
      assert.ok(p.error?.firstBytesHex?.startsWith(hex('ICY')) || p.error?.firstBytesHex?.startsWith(hex('Y 200')), show(p))
    }
    assert.equal(mainDiagnosis(report), 'http-no-answer')
    assert.equal(report.verdict, 'problems')
  })

  // Bytes undici refuses: each is http-malformed with the refusal's code, and no answer.
  for (const [what, bytes, code] of [
    ['HTTP/0.9-style raw bytes (a body with no status line)', '<html><body>hello from 1991</body></html>\n', 'HTTPParserError'],
    ['two different Content-Length headers', `${OK_HEAD}Content-Length: 2${CRLF}Content-Length: 30${CRLF}${CRLF}ok`, 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'],
    ['a NUL byte inside a header value', `${OK_HEAD}X-Evil: a\u0000b${CRLF}Content-Length: 2${CRLF}${CRLF}ok`, 'HTTPParserError'],
  ] as const) {
    test(`${what} → http-malformed (${code}); http-no-answer`, async (t) => {
      const peer = await peerFor(t, respond(bytes))
      const {report} = await probePeer(peer, T)
      for (const p of both(report)) {
        assert.equal(p.outcome, 'http-malformed', show(p))
        assert.equal(p.error?.code, code, show(p))
      }
      assert.equal(mainDiagnosis(report), 'http-no-answer')
    })
  }

  test('terminal escapes in the body → ok, each control character replaced by U+FFFD in the report', async (t) => {
    const body = 'before\u001b[2J\u001b]0;owned\u0007\u009b31mafter'
    const peer = await peerFor(t, respond(`${OK_HEAD}Content-Length: ${Buffer.byteLength(body, 'latin1')}${CRLF}${CRLF}${body}`))
    const {report} = await probePeer(peer, T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'ok', show(p))
      assert.equal(p.http?.bodyExcerpt, 'before\uFFFD[2J\uFFFD]0;owned\uFFFD\uFFFD31mafter')
    }
    assert.doesNotMatch(JSON.stringify(report), /\\u001b|\\u0007|\u009b/)
    assert.equal(mainDiagnosis(report), 'healthy')
  })
})

describe('a peer whose response never ends', {concurrency: true}, () => {
  test('1 MB of response headers → http-malformed at the 16 KiB header cap; http-no-answer', async (t) => {
    const lines = Array.from({length: 17_000}, (_, i) => `X-Pad-${i}: ${'p'.repeat(48)}${CRLF}`).join('')
    assert.ok(lines.length >= 1_000_000)
    const peer = await peerFor(t, respond(`${OK_HEAD}${lines}Content-Length: 2${CRLF}${CRLF}ok`))
    const {report, ms} = await probePeer(peer, LONG_T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'http-malformed', show(p))
      assert.equal(p.error?.code, 'UND_ERR_HEADERS_OVERFLOW')
      assert.equal(p.error?.message, `response headers exceed ${MAX_HEADER_BYTES} bytes`)
    }
    assert.equal(mainDiagnosis(report), 'http-no-answer')
    assert.ok(ms < LONG_T / 4, `${Math.round(ms)} ms`)
  })

  test('an endless header line → http-malformed at the header cap, bytes bounded; http-no-answer', async (t) => {
    const peer = await peerFor(t, (socket, stats) => flood(socket, stats, `${OK_HEAD}X-Endless: `, endless('e')))
    const {report, ms} = await probePeer(peer, LONG_T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'http-malformed', show(p))
      assert.equal(p.error?.code, 'UND_ERR_HEADERS_OVERFLOW')
    }
    assert.equal(mainDiagnosis(report), 'http-no-answer')
    assert.ok(ms < LONG_T / 4, `ended at the cap, not the deadline: ${Math.round(ms)} ms`)
    assert.ok(peer.stats.bytesWritten < FLOOD_BOUND, `peer wrote ${peer.stats.bytesWritten} bytes`)
  })

  // undici caps header names and values, not the status line: MAX_RESPONSE_BYTES does.
  test('an endless status line → http-malformed at the response byte cap, bytes bounded; http-no-answer', async (t) => {
    const peer = await peerFor(t, (socket, stats) => flood(socket, stats, 'HTTP/1.1 200 ', endless('O')))
    const {report, ms} = await probePeer(peer, LONG_T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'http-malformed', show(p))
      assert.equal(p.error?.code, 'ERR_READ_LIMIT')
      assert.equal(p.error?.message, `no complete response head within the first ${MAX_RESPONSE_BYTES / 1024} KiB`)
    }
    assert.equal(mainDiagnosis(report), 'http-no-answer')
    assert.ok(ms < LONG_T / 4, `${Math.round(ms)} ms`)
    assert.ok(peer.stats.bytesWritten < FLOOD_BOUND, `peer wrote ${peer.stats.bytesWritten} bytes`)
  })

  test('endless interim responses (103 Early Hints) → http-malformed at the response byte cap; http-no-answer', async (t) => {
    const hints = Buffer.from(`HTTP/1.1 103 Early Hints${CRLF}Link: </style.css>; rel=preload${CRLF}${CRLF}`.repeat(1000))
    const peer = await peerFor(t, (socket, stats) => flood(socket, stats, '', () => hints))
    const {report, ms} = await probePeer(peer, LONG_T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'http-malformed', show(p))
      assert.equal(p.error?.code, 'ERR_READ_LIMIT')
    }
    assert.equal(mainDiagnosis(report), 'http-no-answer')
    assert.ok(ms < LONG_T / 4, `${Math.round(ms)} ms`)
  })

  test('an endless body → ok with a 2 KiB excerpt marked truncated, bytes bounded', async (t) => {
    const peer = await peerFor(t, (socket, stats) => flood(socket, stats, `${OK_HEAD}${CRLF}`, endless('b')))
    const {report, ms} = await probePeer(peer, LONG_T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'ok', show(p))
      assert.equal(p.status, 200)
      assert.equal(p.http?.bodyExcerpt, 'b'.repeat(BODY_EXCERPT_BYTES))
      assert.equal(p.http?.bodyTruncated, true)
      assert.ok((p.http?.bodyBytes ?? 0) > BODY_EXCERPT_BYTES)
    }
    assert.equal(mainDiagnosis(report), 'healthy')
    assert.ok(ms < LONG_T / 4, `${Math.round(ms)} ms`)
    assert.ok(peer.stats.bytesWritten < FLOOD_BOUND, `peer wrote ${peer.stats.bytesWritten} bytes`)
  })

  test('an endless chunk extension (a body that never yields data) → ok, empty excerpt marked truncated, at the byte cap', async (t) => {
    const peer = await peerFor(t, (socket, stats) => flood(socket, stats, `${OK_HEAD}Transfer-Encoding: chunked${CRLF}${CRLF}1;ext=`, endless('x')))
    const {report, ms} = await probePeer(peer, LONG_T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'ok', show(p))
      assert.equal(p.http?.bodyExcerpt, '')
      assert.equal(p.http?.bodyTruncated, true)
    }
    assert.equal(mainDiagnosis(report), 'healthy')
    assert.ok(ms < LONG_T / 4, `ended at the cap, not the deadline: ${Math.round(ms)} ms`)
    assert.ok(peer.stats.bytesWritten < FLOOD_BOUND, `peer wrote ${peer.stats.bytesWritten} bytes`)
  })
})

describe('a peer that hangs up or trickles during the response', {concurrency: true}, () => {
  test('closes (FIN) right after complete headers announcing 100 bytes → ok, empty excerpt marked truncated', async (t) => {
    const peer = await peerFor(t, respond(`${OK_HEAD}Content-Length: 100${CRLF}${CRLF}`))
    const {report} = await probePeer(peer, T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'ok', show(p))
      assert.equal(p.status, 200)
      assert.equal(p.http?.bodyBytes, 0)
      assert.equal(p.http?.bodyTruncated, true)
    }
    assert.equal(mainDiagnosis(report), 'healthy')
  })

  test('resets (RST) in the middle of the headers → http-closed ECONNRESET; http-no-answer', async (t) => {
    const peer = await peerFor(t, (socket, stats, tcp) => send(socket, stats, 'HTTP/1.1 200 OK\r\nContent-', () => setTimeout(() => tcp.resetAndDestroy(), 20)))
    const {report} = await probePeer(peer, T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'http-closed', show(p))
      assert.equal(p.error?.phase, 'http')
    }
    assert.equal(probe(report, 'http-to-tls-port').error?.code, 'ECONNRESET')
    assert.equal(mainDiagnosis(report), 'http-no-answer')
  })

  test('resets (RST) in the middle of the body → ok, the excerpt as far as it came, marked truncated', async (t) => {
    const peer = await peerFor(t, (socket, stats, tcp) => send(socket, stats, `${OK_HEAD}Content-Length: 100${CRLF}${CRLF}abc`, () => setTimeout(() => tcp.resetAndDestroy(), 20)))
    const {report} = await probePeer(peer, T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'ok', show(p))
      assert.equal(p.http?.bodyExcerpt, 'abc')
      assert.equal(p.http?.bodyTruncated, true)
    }
    assert.equal(mainDiagnosis(report), 'healthy')
  })

  test('after the handshake, raw bytes that are not a TLS record → http-closed with OpenSSL\'s reason (one line); http-no-answer', async (t) => {
    const peer = await peerFor(t, (_socket, stats, tcp) => send(tcp, stats, 'garbage under TLS\r\n', () => tcp.end()))
    const {report} = await probePeer(peer, T)
    const reference = probe(report, 'tls-sni')
    assert.equal(reference.outcome, 'http-closed', show(reference))
    assert.equal(reference.error?.code, 'ERR_SSL_WRONG_VERSION_NUMBER')
    assert.doesNotMatch(reference.error?.message ?? '', /\n/)
    // Without TLS the same bytes are simply not HTTP.
    assert.equal(probe(report, 'http-to-tls-port').outcome, 'http-malformed')
    assert.equal(mainDiagnosis(report), 'http-no-answer')
  })

  // One byte every 40 ms: an idle timer would never fire. The deadline is a total.
  test('status line and headers trickled one byte at a time → http-timeout at the deadline; http-no-answer', async (t) => {
    const peer = await peerFor(t, (socket, stats) => trickle(socket, stats, '', `HTTP/1.1 200 OK${CRLF}X-Slow: ${'z'.repeat(500)}`, 40))
    const {report} = await probePeer(peer, T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'http-timeout', show(p))
      const httpPhase = p.timings.total - (p.timings.connect ?? 0) - (p.timings.tls ?? 0)
      assert.ok(httpPhase >= T * 0.9 && httpPhase < T + 1000, `the HTTP phase took ${httpPhase} ms`)
    }
    assert.equal(mainDiagnosis(report), 'http-no-answer')
  })

  test('a body trickled one byte at a time → ok at the deadline, the excerpt as far as it came', async (t) => {
    const peer = await peerFor(t, (socket, stats) => trickle(socket, stats, `${OK_HEAD}Content-Length: 5000${CRLF}${CRLF}`, 'slow', 40))
    const {report} = await probePeer(peer, T)
    for (const p of both(report)) {
      assert.equal(p.outcome, 'ok', show(p))
      assert.equal(p.http?.bodyTruncated, true)
      assert.match(p.http?.bodyExcerpt ?? '', /^(slow)+s?l?o?$/)
      assert.ok(p.timings.total >= T * 0.9 && p.timings.total < T + 1000, `${p.timings.total} ms`)
    }
    assert.equal(mainDiagnosis(report), 'healthy')
  })
})

// The cap itself, measured where the probe reads: bytes passed on by the stream every reader sits on.
test('RecordingStream passes on at most its limit from a peer that never stops, then stops reading', async (t) => {
  const limit = 100_000
  const peer = await startHostilePeer(t, (socket, stats) => flood(socket, stats, '', endless('f')))
  const socket = net.connect(peer.port, peer.host)
  socket.on('error', () => {})
  await once(socket, 'connect')
  const recorder = new RecordingStream(socket, {limit})
  let passed = 0
  recorder.on('data', (chunk: Buffer) => (passed += chunk.length))
  const [error] = (await once(recorder, 'error').catch((e: unknown) => [e])) as [unknown]
  assert.ok(error instanceof ReadLimitError, String(error))
  assert.equal((error as ReadLimitError).code, 'ERR_READ_LIMIT')
  assert.ok(recorder.limitExceeded)
  assert.ok(passed <= limit, `passed on ${passed} bytes`)
  assert.equal(recorder.bytesReceived, passed)
  assert.ok(socket.destroyed, 'the socket under it is closed')
})
