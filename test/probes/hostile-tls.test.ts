// Hostile peers at the TLS layer: every common alert, alerts OpenSSL does not raise itself, garbage,
// oversized records, a flood of records OpenSSL skips, resets and a trickler. Each case runs the
// whole pipeline (six probes, diagnosis) and asserts the exact outcome and the main diagnosis.
import assert from 'node:assert/strict'
import {afterEach, describe, test} from 'node:test'

import {MAX_HANDSHAKE_BYTES} from '../../src/probes/tls-handshake.js'
import {alertInRecord} from '../../src/probes/tls-errors.js'
import {
  alertRecord,
  answer,
  flood,
  mainDiagnosis,
  onFirstMessage,
  probePeer,
  resetAfter,
  send,
  startHostilePeer,
  trickle,
  watchProcess,
} from '../support/hostile-peers.js'
import {hex, probe, show} from '../support/probe-helpers.js'

const T = 600
const TLS_PROBES = ['tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni'] as const
const processWatch = watchProcess()
afterEach(() => processWatch.assertClean('after a hostile TLS peer'))

const ALERTS: Array<[number, string]> = [
  [10, 'unexpected_message'],
  [40, 'handshake_failure'],
  [42, 'bad_certificate'],
  [45, 'certificate_expired'],
  [48, 'unknown_ca'],
  [70, 'protocol_version'],
  [80, 'internal_error'],
  [112, 'unrecognized_name'],
  [116, 'certificate_required'],
]

describe('a peer that answers the ClientHello with a TLS alert', {concurrency: true}, () => {
  for (const [number, name] of ALERTS) {
    test(`fatal alert ${number} (${name}) → tls-alert ${number} on every TLS probe; unreachable`, async (t) => {
      const peer = await startHostilePeer(t, answer(alertRecord(number)))
      const {report} = await probePeer(peer, T)
      for (const id of TLS_PROBES) {
        const p = probe(report, id)
        assert.equal(p.outcome, 'tls-alert', show(p))
        assert.deepEqual(p.tls?.alert, {number, name})
        assert.equal(p.error?.phase, 'tls')
        assert.equal(p.tls?.firstBytesHex, alertRecord(number).toString('hex'))
      }
      // The same bytes as the answer to a plain request are not HTTP.
      assert.equal(probe(report, 'http-to-tls-port').outcome, 'http-malformed', show(probe(report, 'http-to-tls-port')))
      assert.equal(mainDiagnosis(report), 'unreachable')
      assert.equal(report.verdict, 'unreachable')
      assert.match(report.diagnoses[0]!.summary, new RegExp(`TLS alert ${number} ${name}`))
    })
  }

  // OpenSSL reports these as a bare disconnect; the record the peer sent still names the alert.
  test('warning-level alert 112 then FIN → tls-alert 112 (not tls-closed); unreachable', async (t) => {
    const peer = await startHostilePeer(t, answer(alertRecord(112, 1)))
    const {report} = await probePeer(peer, T)
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'tls-alert', show(p))
    assert.deepEqual(p.tls?.alert, {number: 112, name: 'unrecognized_name'})
    assert.equal(p.error?.code, 'EOF', 'a FIN, not a reset')
    assert.match(p.error?.message ?? '', /warning alert 112/)
    assert.equal(mainDiagnosis(report), 'unreachable')
  })

  test('fatal alert with a number no RFC defines (200) → tls-alert 200 alert_200; unreachable', async (t) => {
    const peer = await startHostilePeer(t, answer(alertRecord(200)))
    const {report} = await probePeer(peer, T)
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'tls-alert', show(p))
    assert.deepEqual(p.tls?.alert, {number: 200, name: 'alert_200'})
    assert.equal(mainDiagnosis(report), 'unreachable')
  })

  test('close_notify before any ServerHello → tls-closed (an orderly close is no refusal); unreachable', async (t) => {
    const peer = await startHostilePeer(t, answer(alertRecord(0, 1)))
    const {report} = await probePeer(peer, T)
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'tls-closed', show(p))
    assert.equal(p.tls?.alert, undefined)
    assert.equal(p.error?.code, 'EOF')
    assert.equal(mainDiagnosis(report), 'unreachable')
  })
})

describe('a peer that answers the ClientHello with bytes that are not TLS', {concurrency: true}, () => {
  test('binary garbage → tls-malformed, first bytes kept; unreachable', async (t) => {
    const garbage = Buffer.from('\x00\x01\x02\x03 garbage, not a record\r\n', 'latin1')
    const peer = await startHostilePeer(t, answer(garbage))
    const {report} = await probePeer(peer, T)
    for (const id of TLS_PROBES) {
      const p = probe(report, id)
      assert.equal(p.outcome, 'tls-malformed', show(p))
      assert.equal(p.error?.code, 'ERR_SSL_WRONG_VERSION_NUMBER')
      assert.equal(p.tls?.firstBytesHex, garbage.toString('hex'))
    }
    assert.equal(mainDiagnosis(report), 'unreachable')
  })

  test('a handshake record announcing 65535 bytes (over the 16 KiB + 2 KiB a record may hold) → tls-malformed; unreachable', async (t) => {
    const peer = await startHostilePeer(t, answer(Buffer.from([0x16, 0x03, 0x03, 0xff, 0xff, 0x02, 0x00, 0x00])))
    const {report} = await probePeer(peer, T)
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'tls-malformed', show(p))
    assert.equal(p.error?.code, 'ERR_SSL_PACKET_LENGTH_TOO_LONG')
    assert.equal(mainDiagnosis(report), 'unreachable')
  })

  test('three bytes of a record header, then FIN → tls-closed (EOF), the bytes kept; unreachable', async (t) => {
    const peer = await startHostilePeer(t, answer(Buffer.from([0x16, 0x03, 0x03])))
    const {report} = await probePeer(peer, T)
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'tls-closed', show(p))
    assert.equal(p.error?.code, 'EOF')
    assert.equal(p.tls?.firstBytesHex, '160303')
    assert.equal(mainDiagnosis(report), 'unreachable')
  })

  // OpenSSL skips HelloRequest messages during a handshake: a peer that sends nothing else keeps the
  // handshake alive without end. The probe stops reading after MAX_HANDSHAKE_BYTES.
  test('an endless flood of HelloRequest records → tls-malformed at the handshake byte cap, long before the deadline', async (t) => {
    const helloRequests = Buffer.concat(Array.from({length: 4096}, () => Buffer.from([0x16, 0x03, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00])))
    const peer = await startHostilePeer(t, onFirstMessage((socket, _first, stats) => flood(socket, stats, '', () => helloRequests)))
    const timeoutMs = 8000
    const {report, ms} = await probePeer(peer, timeoutMs)
    for (const id of TLS_PROBES) {
      const p = probe(report, id)
      assert.equal(p.outcome, 'tls-malformed', show(p))
      assert.equal(p.error?.code, 'ERR_READ_LIMIT')
      assert.match(p.error?.message ?? '', /more than 256 KiB/)
      assert.ok(p.tls?.firstBytesHex?.startsWith('160303000400000000'), p.tls?.firstBytesHex)
    }
    assert.equal(mainDiagnosis(report), 'unreachable')
    assert.ok(ms < timeoutMs / 4, `ended at the cap, not at the deadline: ${Math.round(ms)} ms`)
    // Loopback socket buffers hold a few MB; a reader bound only by the deadline takes in gigabytes.
    assert.ok(peer.stats.bytesWritten < 4 * 16 * 1024 * 1024, `the peer got ${peer.stats.bytesWritten} bytes out for 4 probes capped at ${MAX_HANDSHAKE_BYTES}`)
  })
})

describe('a peer that resets or trickles during the handshake', {concurrency: true}, () => {
  test('RST right after the ClientHello → tls-closed ECONNRESET; plain request → http-closed; unreachable', async (t) => {
    const peer = await startHostilePeer(t, resetAfter())
    const {report} = await probePeer(peer, T)
    for (const id of TLS_PROBES) {
      const p = probe(report, id)
      assert.equal(p.outcome, 'tls-closed', show(p))
      assert.equal(p.error?.code, 'ECONNRESET')
    }
    const plain = probe(report, 'http-to-tls-port')
    assert.equal(plain.outcome, 'http-closed', show(plain))
    assert.equal(plain.error?.code, 'ECONNRESET')
    assert.equal(mainDiagnosis(report), 'unreachable')
  })

  // One byte every 40 ms: an idle timer of T would never fire. The deadline is a total.
  test('a ServerHello trickled one byte at a time → tls-timeout at the deadline, not later; tls-timeout', async (t) => {
    const serverHelloStart = Buffer.from([0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03])
    const peer = await startHostilePeer(
      t,
      onFirstMessage((socket, _first, stats) => trickle(socket, stats, '', serverHelloStart.toString('latin1') + 'r'.repeat(200), 40)),
    )
    const {report} = await probePeer(peer, T)
    for (const id of TLS_PROBES) {
      const p = probe(report, id)
      assert.equal(p.outcome, 'tls-timeout', show(p))
      assert.ok(p.timings.total >= T * 0.9 && p.timings.total < T + 1000, `one deadline: ${p.timings.total} ms`)
      assert.ok(p.tls?.firstBytesHex?.startsWith('1603'), 'the trickled bytes are kept')
    }
    assert.equal(mainDiagnosis(report), 'tls-timeout')
  })

  test('a peer that sends part of a ServerHello and then nothing → tls-timeout; tls-timeout', async (t) => {
    const peer = await startHostilePeer(t, onFirstMessage((socket, _first, stats) => send(socket, stats, Buffer.from([0x16, 0x03, 0x03, 0x00, 0x7a, 0x02]))))
    const {report} = await probePeer(peer, T)
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'tls-timeout', show(p))
    assert.equal(p.tls?.firstBytesHex, '160303007a02')
    assert.equal(mainDiagnosis(report), 'tls-timeout')
  })
})

test('alertInRecord reads only a well-formed alert record', () => {
  assert.deepEqual(alertInRecord(alertRecord(112, 1)), {number: 112, name: 'unrecognized_name', level: 'warning'})
  assert.deepEqual(alertInRecord(alertRecord(40)), {number: 40, name: 'handshake_failure', level: 'fatal'})
  assert.deepEqual(alertInRecord(alertRecord(0, 1)), {number: 0, name: 'close_notify', level: 'warning'})
  assert.equal(alertInRecord(Buffer.from([0x15, 0x00, 0x00, 0x00, 0x02, 0x02, 0x28])), null, "CloudFront's record version 00 00 stays malformed")
  assert.equal(alertInRecord(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x03, 0x28])), null, 'no level 3')
  assert.equal(alertInRecord(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x03, 0x02, 0x28, 0x00])), null, 'an alert is two bytes')
  assert.equal(alertInRecord(Buffer.from(hex('HTTP/1.1 400'), 'hex')), null)
  assert.equal(alertInRecord(Buffer.from([0x15, 0x03, 0x03])), null, 'truncated')
})
