// Hostile peers at the TCP layer: silent, deaf, late, talking first, hanging up at once. Each case
// runs the whole pipeline and asserts the exact outcome, the main diagnosis, and that nothing the
// peer does afterwards (late bytes on a socket the probe gave up) reaches the process.
import assert from 'node:assert/strict'
import {setTimeout as sleep} from 'node:timers/promises'
import {afterEach, describe, test} from 'node:test'

import {alertRecord, answerLate, deaf, discardInput, flood, mainDiagnosis, probePeer, speaksFirst, startHostilePeer, watchProcess, type Behaviour} from '../support/hostile-peers.js'
import {hex, probe, show} from '../support/probe-helpers.js'

const T = 500
const TLS_PROBES = ['tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni'] as const
const processWatch = watchProcess()
afterEach(() => processWatch.assertClean('after a hostile TCP peer'))

describe('a peer that accepts TCP and then misbehaves', {concurrency: true}, () => {
  test('accepts, never reads, never speaks → tls-timeout on TLS, http-timeout on plain HTTP; tls-timeout', async (t) => {
    const peer = await startHostilePeer(t, deaf)
    const {report, ms} = await probePeer(peer, T)
    for (const id of TLS_PROBES) {
      const p = probe(report, id)
      assert.equal(p.outcome, 'tls-timeout', show(p))
      assert.equal(p.error?.phase, 'tls')
      assert.equal(p.tls?.firstBytesHex, undefined, 'nothing was received')
    }
    const plain = probe(report, 'http-to-tls-port')
    assert.equal(plain.outcome, 'http-timeout', show(plain))
    assert.equal(plain.error?.phase, 'http')
    assert.equal(mainDiagnosis(report), 'tls-timeout')
    assert.equal(report.verdict, 'unreachable')
    assert.ok(ms >= T * 0.9 && ms < T + 1000, `one deadline for the whole matrix: ${Math.round(ms)} ms`)
  })

  test('answers only after the deadline (an alert at T + 150 ms) → tls-timeout; late bytes harm nothing', async (t) => {
    const peer = await startHostilePeer(t, answerLate(T + 150, alertRecord(40)))
    const {report} = await probePeer(peer, T)
    for (const id of TLS_PROBES) assert.equal(probe(report, id).outcome, 'tls-timeout', show(probe(report, id)))
    assert.equal(probe(report, 'http-to-tls-port').outcome, 'http-timeout')
    assert.equal(mainDiagnosis(report), 'tls-timeout')
    // Let the late answer arrive at sockets the probe already gave up (afterEach checks the process).
    await sleep(400)
  })

  test('answers a plain request only after the deadline (a 200 at T + 150 ms) → http-timeout', async (t) => {
    const peer = await startHostilePeer(t, answerLate(T + 150, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))
    const {report} = await probePeer(peer, T)
    const plain = probe(report, 'http-to-tls-port')
    assert.equal(plain.outcome, 'http-timeout', show(plain))
    assert.equal(plain.status, undefined, 'a late answer is no answer')
    assert.equal(mainDiagnosis(report), 'tls-timeout')
    await sleep(400)
  })

  test('talks first (an SSH banner on accept) → tls-malformed with the banner kept, http-malformed; unreachable', async (t) => {
    const banner = 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'
    const peer = await startHostilePeer(t, speaksFirst(banner))
    const {report} = await probePeer(peer, T)
    for (const id of TLS_PROBES) {
      const p = probe(report, id)
      assert.equal(p.outcome, 'tls-malformed', show(p))
      assert.ok(p.tls?.firstBytesHex?.startsWith(hex('SSH-2.0')), p.tls?.firstBytesHex)
    }
    const plain = probe(report, 'http-to-tls-port')
    assert.equal(plain.outcome, 'http-malformed', show(plain))
    assert.equal(plain.error?.firstBytesHex, hex(banner))
    assert.equal(mainDiagnosis(report), 'unreachable')
  })

  test('talks first and then never stops (an endless banner) → tls-malformed at once, nothing read to the deadline', async (t) => {
    const line = Buffer.from('220-welcome to the endless banner\r\n'.repeat(1000))
    const endless: Behaviour = (socket, stats) => {
      discardInput(socket)
      flood(socket, stats, line, () => line)
    }
    const peer = await startHostilePeer(t, endless)
    const timeoutMs = 8000
    const {report, ms} = await probePeer(peer, timeoutMs)
    for (const id of TLS_PROBES) assert.equal(probe(report, id).outcome, 'tls-malformed', show(probe(report, id)))
    assert.equal(probe(report, 'http-to-tls-port').outcome, 'http-malformed')
    assert.equal(mainDiagnosis(report), 'unreachable')
    assert.ok(ms < timeoutMs / 4, `${Math.round(ms)} ms`)
  })

  test('hangs up (FIN) as soon as it accepts → tls-closed EOF, http-closed; unreachable', async (t) => {
    const peer = await startHostilePeer(t, (socket) => {
      socket.on('data', () => {})
      socket.end()
    })
    const {report} = await probePeer(peer, T)
    for (const id of TLS_PROBES) {
      const p = probe(report, id)
      assert.equal(p.outcome, 'tls-closed', show(p))
      assert.equal(p.error?.code, 'EOF')
      assert.equal(p.tls?.firstBytesHex, undefined)
    }
    assert.equal(probe(report, 'http-to-tls-port').outcome, 'http-closed', show(probe(report, 'http-to-tls-port')))
    assert.equal(mainDiagnosis(report), 'unreachable')
  })
})
