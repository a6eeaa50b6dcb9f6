// Every outcome of the spec, driven through the real probe code (runMatrix / runProbe / connectTcp)
// against the loopback test edge. Loopback only: HOST is pinned to the edge's address.
import assert from 'node:assert/strict'
import {X509Certificate} from 'node:crypto'
import {test} from 'node:test'

import type {ProbeObservation} from '../../src/observations/types.js'
import {MATRIX, WRONG_NAME} from '../../src/probes/matrix.js'
import {PhaseFailure} from '../../src/probes/phase.js'
import {runProbe} from '../../src/probes/run-probe.js'
import {connectTcp} from '../../src/probes/tcp-connect.js'
import {
  HOST,
  busyWait,
  edgeFor,
  hex,
  inCheckPhase,
  matrixAgainst,
  probe,
  probeEnv,
  show,
  startResettingListener,
  nxdomain,
} from '../support/probe-helpers.js'
import {FALLBACK_CERT_NAME} from '../support/test-edge.js'

const plan = (id: string) => {
  const found = MATRIX.find((p) => p.id === id)
  assert.ok(found, id)
  return found
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/

function assertRefusedAsProxy(p: ProbeObservation, nginxPhrase: RegExp): void {
  assert.equal(p.asProxy.haproxy.status, 503, show(p))
  assert.equal(p.asProxy.haproxy.termination, 'SC--', show(p))
  assert.equal(p.asProxy.nginx.status, 502, show(p))
  assert.match(p.asProxy.nginx.errorLog ?? '', nginxPhrase)
  assert.match(p.asProxy.nginx.errorLog ?? '', /while SSL handshaking to upstream/)
}

// ----- ok, http-error, tcp-refused, tls-alert 112 ---------------------------------------------

test('default strict edge: ok, http-error with status, tcp-refused, tls-alert 112 with the right probe ids', async (t) => {
  const edge = await edgeFor(t) // noSni alert-112, requireHost, 421, no HTTP listener
  const result = await matrixAgainst(edge)
  assert.deepEqual(
    result.probes.map((p) => p.id),
    ['http-plain', 'http-to-tls-port', 'tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni'],
  )

  const reference = probe(result, 'tls-sni')
  assert.equal(reference.outcome, 'ok', show(reference))
  assert.equal(reference.status, 200)
  assert.equal(reference.http?.status, 200)
  assert.equal(reference.sent.sni, HOST)
  assert.match(reference.sent.host, /^api\.test:\d+$/)
  assert.match(reference.tls?.version ?? '', /^TLSv1\.[23]$/)
  assert.equal(typeof reference.tls?.cipher, 'string')
  assert.equal(reference.tls?.alpn, 'http/1.1')
  assert.equal(reference.tls?.trusted, true)
  assert.equal(reference.tls?.nameMatch, true)
  assert.equal(reference.error, undefined)
  assert.deepEqual({status: reference.asProxy.haproxy.status, termination: reference.asProxy.haproxy.termination}, {status: 200, termination: '----'})
  assert.deepEqual(reference.asProxy.nginx, {status: 200, errorLog: null})

  const wrongHost = probe(result, 'tls-sni-wrong-host')
  assert.equal(wrongHost.outcome, 'http-error', show(wrongHost))
  assert.equal(wrongHost.status, 403)
  assert.equal(wrongHost.http?.headers['x-amzn-errortype'], 'ForbiddenException')
  assert.equal(wrongHost.sent.sni, HOST)
  assert.ok(wrongHost.sent.host.startsWith(WRONG_NAME), wrongHost.sent.host)

  // Plain HTTP to the TLS port: the edge's 400 is relayed by HAProxy as a normal session.
  const plainOnTls = probe(result, 'http-to-tls-port')
  assert.equal(plainOnTls.outcome, 'http-error', show(plainOnTls))
  assert.equal(plainOnTls.status, 400)
  assert.equal(plainOnTls.tls, undefined)
  assert.equal(plainOnTls.asProxy.haproxy.status, 400)
  assert.equal(plainOnTls.asProxy.haproxy.termination, '----')
  assert.deepEqual(plainOnTls.asProxy.nginx, {status: 400, errorLog: null})
  assert.ok(edge.requests.some((r) => r.via === 'plain-on-tls-port'))

  const plain = probe(result, 'http-plain')
  assert.equal(plain.outcome, 'tcp-refused', show(plain))
  assert.equal(plain.error?.phase, 'connect')
  assert.equal(plain.error?.code, 'ECONNREFUSED')
  assert.equal(plain.status, undefined)
  assert.equal(plain.asProxy.haproxy.status, 503)
  assert.equal(plain.asProxy.haproxy.termination, 'SC--')
  assert.equal(plain.asProxy.nginx.status, 502)
  assert.match(plain.asProxy.nginx.errorLog ?? '', /Connection refused/)

  const noSni = probe(result, 'tls-no-sni')
  assert.equal(noSni.outcome, 'tls-alert', show(noSni))
  assert.equal(noSni.sent.sni, null)
  assert.deepEqual(noSni.tls?.alert, {number: 112, name: 'unrecognized_name'})
  assert.equal(noSni.error?.phase, 'tls')
  assert.equal(noSni.status, undefined)
  assertRefusedAsProxy(noSni, /SSL_do_handshake\(\) failed.*alert number 112/)
  // The ClientHello really carried no server_name (the edge parsed it).
  assert.ok(edge.handshakes.some((h) => h.sni === null && h.action === 'alert-112'), JSON.stringify(edge.handshakes))

  const wrongSni = probe(result, 'tls-wrong-sni')
  assert.equal(wrongSni.sent.sni, WRONG_NAME)
  assert.equal(wrongSni.outcome, 'tls-alert', show(wrongSni))
  assert.deepEqual(wrongSni.tls?.alert, {number: 112, name: 'unrecognized_name'})
  assert.ok(edge.handshakes.some((h) => h.sni === WRONG_NAME))
})

test('tls-alert 40 handshake_failure, with number and name', async (t) => {
  const edge = await edgeFor(t, {noSni: 'alert-40'})
  const result = await matrixAgainst(edge)
  const noSni = probe(result, 'tls-no-sni')
  assert.equal(noSni.outcome, 'tls-alert', show(noSni))
  assert.deepEqual(noSni.tls?.alert, {number: 40, name: 'handshake_failure'})
  assert.ok(noSni.tls?.firstBytesHex?.startsWith('15030300020228'), noSni.tls?.firstBytesHex)
  assertRefusedAsProxy(noSni, /SSL_do_handshake\(\) failed.*alert number 40/)
  assert.equal(probe(result, 'tls-sni').outcome, 'ok')
})

// ----- tls-closed -----------------------------------------------------------------------------

test('tls-closed: FIN without an alert (silent close)', async (t) => {
  const edge = await edgeFor(t, {noSni: 'close'})
  const result = await matrixAgainst(edge)
  const noSni = probe(result, 'tls-no-sni')
  assert.equal(noSni.outcome, 'tls-closed', show(noSni))
  assert.equal(noSni.tls?.alert, undefined)
  assert.equal(noSni.error?.phase, 'tls')
  assert.notEqual(noSni.error?.code, 'ECONNRESET', 'a FIN is not a reset')
  assertRefusedAsProxy(noSni, /peer closed connection in SSL handshake/)
  assert.doesNotMatch(noSni.asProxy.nginx.errorLog ?? '', /reset by peer/)
  assert.equal(probe(result, 'tls-sni').outcome, 'ok')
})

test('tls-closed: RST without an alert', async (t) => {
  const edge = await edgeFor(t, {noSni: 'reset'})
  const result = await matrixAgainst(edge)
  const noSni = probe(result, 'tls-no-sni')
  assert.equal(noSni.outcome, 'tls-closed', show(noSni))
  assert.equal(noSni.tls?.alert, undefined)
  assert.equal(noSni.error?.phase, 'tls')
  assert.equal(noSni.error?.code, 'ECONNRESET')
  assertRefusedAsProxy(noSni, /peer closed connection in SSL handshake \(104: Connection reset by peer\)/)
  assert.equal(probe(result, 'tls-sni').outcome, 'ok')
})

test('tls-closed: partial ServerHello then RST (reset-mid-handshake), first bytes kept', async (t) => {
  const edge = await edgeFor(t, {mode: 'reset-mid-handshake'})
  const result = await matrixAgainst(edge)
  for (const id of ['tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni'] as const) {
    const p = probe(result, id)
    assert.equal(p.outcome, 'tls-closed', show(p))
    assert.equal(p.tls?.alert, undefined)
    assert.equal(p.error?.phase, 'tls')
    // The 19 bytes the edge sent before the RST: a handshake record header and a ServerHello start.
    assert.ok(p.tls?.firstBytesHex?.startsWith('16030300400200003c0303'), p.tls?.firstBytesHex)
    // No assertion on FIN vs RST here: libuv reports an RST that follows unread data as EOF.
  }
})

// ----- tls-malformed --------------------------------------------------------------------------

test("tls-malformed: CloudFront's alert with record version 00 00, first bytes 150000…", async (t) => {
  const edge = await edgeFor(t, {noSni: 'malformed-alert'})
  const result = await matrixAgainst(edge)
  const noSni = probe(result, 'tls-no-sni')
  assert.equal(noSni.outcome, 'tls-malformed', show(noSni))
  assert.equal(noSni.tls?.alert, undefined, 'a malformed record is not a readable alert')
  assert.ok(noSni.tls?.firstBytesHex?.startsWith('150000'), noSni.tls?.firstBytesHex)
  assert.equal(noSni.tls?.firstBytesHex, '15000000020228')
  assertRefusedAsProxy(noSni, /wrong version number/)
})

test('tls-malformed: a plain HTTP reply to the ClientHello, first bytes are "HTTP/1.1"', async (t) => {
  const edge = await edgeFor(t, {noSni: 'http-reply'})
  const result = await matrixAgainst(edge)
  const noSni = probe(result, 'tls-no-sni')
  assert.equal(noSni.outcome, 'tls-malformed', show(noSni))
  assert.ok(noSni.tls?.firstBytesHex?.startsWith(hex('HTTP/1.1 400')), noSni.tls?.firstBytesHex)
  assert.ok((noSni.tls?.firstBytesHex?.length ?? 0) <= 2 * 64 * 2, 'first bytes are bounded')
  assertRefusedAsProxy(noSni, /wrong version number/)
})

// ----- timeouts -------------------------------------------------------------------------------

test('tls-timeout: TCP connects, the handshake never completes (black hole), within the deadline', async (t) => {
  const T = 300
  const edge = await edgeFor(t, {mode: 'black-hole'})
  const result = await matrixAgainst(edge, {timeoutMs: T})
  for (const id of ['tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni'] as const) {
    const p = probe(result, id)
    assert.equal(p.outcome, 'tls-timeout', show(p))
    assert.equal(p.error?.phase, 'tls')
    assert.equal(typeof p.timings.connect, 'number')
    assert.equal(p.timings.tls, undefined)
    assert.equal(p.timings.ttfb, undefined)
    assert.ok(p.timings.total >= T * 0.9, `waited the deadline: ${p.timings.total}`)
    assert.ok(p.timings.total < 3 * T, `did not wait much longer than the deadline: ${p.timings.total}`)
  }
  const reference = probe(result, 'tls-sni')
  assert.equal(reference.asProxy.haproxy.status, 503)
  assert.equal(reference.asProxy.haproxy.termination, 'sC--')
  assert.equal(reference.asProxy.nginx.status, 504)
  assert.match(reference.asProxy.nginx.errorLog ?? '', /timed out .* while SSL handshaking to upstream/)
})

test('http-timeout: a request that is never answered (plain HTTP into the black hole)', async (t) => {
  const T = 300
  const edge = await edgeFor(t, {mode: 'black-hole'})
  const result = await matrixAgainst(edge, {timeoutMs: T})
  const p = probe(result, 'http-to-tls-port')
  assert.equal(p.outcome, 'http-timeout', show(p))
  assert.equal(p.error?.phase, 'http')
  assert.equal(typeof p.timings.connect, 'number')
  assert.equal(p.timings.ttfb, undefined)
  assert.ok(p.timings.total >= T * 0.9 && p.timings.total < 3 * T, String(p.timings.total))
  assert.equal(p.asProxy.haproxy.status, 504)
  assert.equal(p.asProxy.nginx.status, 504)
  assert.match(p.asProxy.nginx.errorLog ?? '', /while reading response header from upstream/)
})

test('the six probes run concurrently: a black-hole matrix costs about one timeout, not six', async (t) => {
  const T = 400
  const edge = await edgeFor(t, {mode: 'black-hole'})
  const started = performance.now()
  const result = await matrixAgainst(edge, {timeoutMs: T})
  const elapsed = performance.now() - started
  const waited = result.probes.filter((p) => p.outcome === 'tls-timeout' || p.outcome === 'http-timeout')
  assert.equal(waited.length, 5, result.probes.map(show).join('\n'))
  const sum = waited.reduce((acc, p) => acc + p.timings.total, 0)
  assert.ok(sum >= 5 * T * 0.9, `each of the five probes waited its deadline (sum ${sum})`)
  // A ratio, not a time: run one after another, the wall time would be the sum of the waits.
  assert.ok(elapsed < sum / 2, `whole matrix took ${Math.round(elapsed)} ms for ${Math.round(sum)} ms of waiting`)
})

// tcp-timeout. Connecting to a non-routable address is forbidden here (loopback only), and a
// listener with a full backlog is unreliable on loopback. So the connect deadline is proven
// deterministically on the event loop: connectTcp arms its 1 ms deadline and issues connect();
// the test then blocks the loop for 30 ms (from the check phase), so when the loop resumes the
// timers phase (deadline expired) runs before the poll phase that would report the connection.
// The real probe code (runProbe → connectTcp → asProxy) produces the outcome.
test('tcp-timeout: the connect deadline fires before the connection is seen (1 ms deadline, blocked loop)', async (t) => {
  const listener = await edgeFor(t, {noSni: 'serve'})
  // Control: the same listener accepts within an ordinary deadline.
  const control = await connectTcp('127.0.0.1', listener.port, 2000)
  control.destroy()

  // 1) connectTcp directly.
  await inCheckPhase()
  const pending = connectTcp('127.0.0.1', listener.port, 1)
  busyWait(30)
  const failure = await pending.then(
    (socket) => {
      socket.destroy()
      return null
    },
    (error: unknown) => error,
  )
  assert.ok(failure instanceof PhaseFailure, `expected a PhaseFailure, got ${String(failure)}`)
  assert.equal(failure.outcome, 'tcp-timeout')
  assert.equal(failure.error.phase, 'connect')
  assert.equal(failure.error.code, 'ETIMEDOUT')

  // 2) Through runProbe, for the reference probe: the loop is blocked right after connect() is issued.
  let armed = false
  const env = await probeEnv('127.0.0.1', listener.port)
  const blockingEnv = {
    ...env,
    get timeoutMs() {
      if (!armed) {
        armed = true
        // Read just before connectTcp(): the second tick runs after net's connect tick.
        process.nextTick(() => process.nextTick(() => busyWait(30)))
        return 1
      }
      return 1
    },
  }
  await inCheckPhase()
  const observation = await runProbe(plan('tls-sni'), blockingEnv)
  assert.equal(observation.id, 'tls-sni')
  assert.equal(observation.outcome, 'tcp-timeout', show(observation))
  assert.equal(observation.error?.phase, 'connect')
  assert.equal(observation.timings.connect, undefined)
  assert.equal(observation.tls, undefined)
  assert.equal(observation.asProxy.haproxy.status, 503)
  assert.equal(observation.asProxy.haproxy.termination, 'sC--')
  assert.equal(observation.asProxy.nginx.status, 504)
  assert.match(observation.asProxy.nginx.errorLog ?? '', /while connecting to upstream/)
})

// tcp-reset: the peer resets the connection as soon as it opens, before the client has even
// seen it established. The resetting listener runs in a worker thread; the main thread blocks
// right after issuing connect() until the worker has sent the RST, so the first thing the probe
// learns about the connection is the reset (SO_ERROR = ECONNRESET), deterministically.
test('tcp-reset: the connection is reset as soon as it opens', async (t) => {
  const listener = await startResettingListener()
  t.after(() => listener.close())
  const env = await probeEnv('127.0.0.1', listener.port)
  let armed = false
  const blockingEnv = {
    ...env,
    get timeoutMs() {
      if (!armed) {
        armed = true
        const seen = listener.resets()
        process.nextTick(() => process.nextTick(() => listener.waitForResetAfter(seen, 2000)))
      }
      return 2000
    },
  }
  const observation = await runProbe(plan('http-plain'), blockingEnv)
  assert.equal(observation.id, 'http-plain')
  assert.equal(observation.outcome, 'tcp-reset', show(observation))
  assert.equal(observation.error?.phase, 'connect')
  assert.equal(observation.error?.code, 'ECONNRESET')
  assert.equal(observation.asProxy.haproxy.status, 503)
  assert.equal(observation.asProxy.haproxy.termination, 'SC--')
  assert.equal(observation.asProxy.nginx.status, 502)
  assert.match(observation.asProxy.nginx.errorLog ?? '', /104: Connection reset by peer/)
})

// ----- dns-failed -----------------------------------------------------------------------------

test('dns-failed: a name under .invalid does not resolve, on every probe', async () => {
  // A resolver that answers NXDOMAIN, as the system's does for .invalid: no query leaves loopback.
  const result = await matrixAgainst(
    {host: '127.0.0.1', port: 443, httpPort: 80},
    {host: 'no-such-host.apigw-doctor.invalid', resolve: [], lookup: nxdomain, timeoutMs: 3000},
  )
  assert.equal(result.probes.length, 6)
  for (const p of result.probes) {
    assert.equal(p.outcome, 'dns-failed', show(p))
    assert.equal(p.error?.phase, 'dns')
    assert.equal(p.sent.address, null)
    assert.equal(typeof p.timings.dns, 'number')
    assert.equal(p.timings.connect, undefined)
    assert.equal(p.asProxy.haproxy.status, 503)
    assert.equal(p.asProxy.nginx.status, 502)
  }
  assert.deepEqual(result.target.addresses, [])
})

// ----- HTTP-level failures --------------------------------------------------------------------

test('http-closed: the edge closes in the middle of the response headers', async (t) => {
  const edge = await edgeFor(t, {mode: 'close-after-headers-start'})
  const result = await matrixAgainst(edge)
  const p = probe(result, 'tls-sni')
  assert.equal(p.outcome, 'http-closed', show(p))
  assert.equal(p.error?.phase, 'http')
  assert.ok(p.tls?.version, 'the handshake completed')
  assert.equal(typeof p.timings.tls, 'number')
  assert.equal(p.status, undefined)
  assert.equal(p.asProxy.haproxy.status, 502)
  assert.equal(p.asProxy.haproxy.termination, 'SH--')
  assert.match(p.asProxy.nginx.errorLog ?? '', /upstream prematurely closed connection/)
})

test('http-malformed: a response that is not HTTP (garbage), first bytes kept', async (t) => {
  const edge = await edgeFor(t, {mode: 'garbage-response'})
  const result = await matrixAgainst(edge)
  const p = probe(result, 'tls-sni')
  assert.ok(p.tls?.version, 'the handshake completed')
  assert.equal(p.error?.phase, 'http', show(p))
  assert.ok(p.error?.firstBytesHex?.startsWith('0001' + hex('garbage')), p.error?.firstBytesHex)
  assert.equal(p.outcome, 'http-malformed', show(p))
  assert.equal(p.asProxy.haproxy.status, 502)
  assert.equal(p.asProxy.haproxy.termination, 'PH--')
})

test('http-malformed: endless response headers end quickly at the header cap, not at the timeout', async (t) => {
  const T = 10_000
  const edge = await edgeFor(t, {mode: 'endless-headers'})
  const started = performance.now()
  const result = await matrixAgainst(edge, {timeoutMs: T})
  const elapsed = performance.now() - started
  for (const id of ['tls-sni', 'tls-sni-wrong-host'] as const) {
    const p = probe(result, id)
    assert.equal(p.outcome, 'http-malformed', show(p))
    assert.equal(p.error?.phase, 'http')
    assert.equal(p.error?.code, 'UND_ERR_HEADERS_OVERFLOW')
    assert.ok(p.timings.total < T / 4, `ended at the cap: ${p.timings.total} ms`)
    assert.equal(p.asProxy.haproxy.termination, 'PH--')
    assert.match(p.asProxy.nginx.errorLog ?? '', /upstream sent too big header/)
  }
  assert.ok(elapsed < T / 4, `matrix took ${Math.round(elapsed)} ms`)
})

// ----- certificates ---------------------------------------------------------------------------

test('default certificate without SNI: handshake completes, nameMatch false; with SNI it matches', async (t) => {
  const edge = await edgeFor(t, {noSni: 'default-cert'})
  const result = await matrixAgainst(edge)
  const noSni = probe(result, 'tls-no-sni')
  assert.equal(noSni.outcome, 'ok', show(noSni))
  assert.equal(noSni.tls?.nameMatch, false)
  assert.equal(noSni.tls?.trusted, true)
  assert.ok(noSni.tls?.nameError, 'name error recorded')
  assert.deepEqual(noSni.tls?.chain[0]?.sans, [`DNS:${FALLBACK_CERT_NAME}`])
  const reference = probe(result, 'tls-sni')
  assert.equal(reference.tls?.nameMatch, true)
  assert.deepEqual(reference.tls?.chain[0]?.sans, [`DNS:${HOST}`])
})

test('certificate chain fields: subject, SANs, issuer, ISO validity, SHA-256 fingerprint', async (t) => {
  const edge = await edgeFor(t)
  const result = await matrixAgainst(edge)
  const reference = probe(result, 'tls-sni')
  const leaf = reference.tls?.chain[0]
  assert.ok(leaf, 'a leaf certificate')
  const expected = new X509Certificate(edge.certs.served.cert)
  assert.equal(leaf.subject, 'CN=api.test')
  assert.equal(leaf.commonName, 'api.test')
  assert.deepEqual(leaf.sans, ['DNS:api.test'])
  assert.equal(leaf.issuer, 'CN=apigw-doctor test CA')
  assert.match(leaf.notBefore, ISO)
  assert.match(leaf.notAfter, ISO)
  assert.equal(leaf.notBefore, new Date(expected.validFrom).toISOString())
  assert.equal(leaf.notAfter, new Date(expected.validTo).toISOString())
  assert.match(leaf.fingerprint256, FINGERPRINT)
  assert.equal(leaf.fingerprint256, expected.fingerprint256)
  assert.equal(leaf.selfSigned, false)
})

const CERT_CASES = [
  {certificate: 'expired', trusted: false, trustError: /^CERT_HAS_EXPIRED$/, nameMatch: true},
  {certificate: 'not-yet-valid', trusted: false, trustError: /^CERT_NOT_YET_VALID$/, nameMatch: true},
  {certificate: 'untrusted', trusted: false, trustError: /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN)$/, nameMatch: true},
  {certificate: 'wrong-name', trusted: true, trustError: null, nameMatch: false},
] as const

for (const c of CERT_CASES) {
  test(`certificate '${c.certificate}': trusted ${c.trusted}, nameMatch ${c.nameMatch}`, async (t) => {
    const edge = await edgeFor(t, {certificate: c.certificate})
    const result = await matrixAgainst(edge)
    const reference = probe(result, 'tls-sni')
    // Verification is observed, not enforced: the request still goes through.
    assert.equal(reference.outcome, 'ok', show(reference))
    assert.equal(reference.tls?.trusted, c.trusted)
    if (c.trustError) assert.match(reference.tls?.trustError ?? '', c.trustError)
    else assert.equal(reference.tls?.trustError, undefined)
    assert.equal(reference.tls?.nameMatch, c.nameMatch)
    if (!c.nameMatch) assert.equal(reference.tls?.nameError, 'ERR_TLS_CERT_ALTNAME_INVALID')
    assert.ok(reference.tls?.chain[0], 'chain recorded')
    // HAProxy with verify required refuses such a certificate: SC-- and its own 503.
    assert.equal(reference.asProxy.haproxy.status, 503)
    assert.equal(reference.asProxy.haproxy.termination, 'SC--')
  })
}

// ----- timings --------------------------------------------------------------------------------

test('timings: connect/tls/ttfb/total where reached, absent where not', async (t) => {
  const edge = await edgeFor(t)
  const result = await matrixAgainst(edge)
  const isMs = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0

  const reference = probe(result, 'tls-sni')
  for (const key of ['connect', 'tls', 'ttfb', 'total'] as const) assert.ok(isMs(reference.timings[key]), `tls-sni ${key}: ${reference.timings[key]}`)
  assert.equal(reference.timings.dns, undefined, 'pinned address: no DNS phase')

  const plainOnTls = probe(result, 'http-to-tls-port')
  assert.ok(isMs(plainOnTls.timings.connect) && isMs(plainOnTls.timings.ttfb) && isMs(plainOnTls.timings.total))
  assert.equal(plainOnTls.timings.tls, undefined)

  const noSni = probe(result, 'tls-no-sni')
  assert.ok(isMs(noSni.timings.connect) && isMs(noSni.timings.total))
  assert.equal(noSni.timings.tls, undefined)
  assert.equal(noSni.timings.ttfb, undefined)

  const plain = probe(result, 'http-plain')
  assert.ok(isMs(plain.timings.total))
  assert.equal(plain.timings.connect, undefined)
})

// ----- IPv6 -----------------------------------------------------------------------------------

test('IPv6: a name pinned to [::1], and the IP literal ::1 itself (no SNI for an IP)', async (t) => {
  const edge = await edgeFor(t, {host: '::1', hostnames: [HOST, '::1'], noSni: 'serve'})
  const byName = await matrixAgainst(edge, {resolve: [{host: HOST, port: '*', addresses: ['::1']}]})
  const reference = probe(byName, 'tls-sni')
  assert.equal(reference.outcome, 'ok', show(reference))
  assert.equal(reference.sent.address, '::1')
  assert.equal(reference.sent.sni, HOST)
  assert.deepEqual(byName.target.addresses, ['::1'])

  const byIp = await matrixAgainst(edge, {host: '::1', hostKind: 'ipv6', resolve: []})
  const ipReference = probe(byIp, 'tls-sni')
  assert.equal(ipReference.outcome, 'ok', show(ipReference))
  assert.equal(ipReference.sent.sni, null, 'SNI never carries an IP literal')
  assert.equal(ipReference.sent.host, `[::1]:${edge.port}`)
  assert.equal(ipReference.tls?.nameMatch, true, 'the IP SAN covers ::1')
  assert.equal(probe(byIp, 'http-to-tls-port').status, 400)
})
