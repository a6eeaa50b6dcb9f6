import type {Socket} from 'node:net'
import {connect, type SecureContext, type TLSSocket} from 'node:tls'

import {PhaseFailure, withDeadline} from './phase.js'
import {RecordingStream} from './recording-stream.js'
import {alertInRecord, classifyTlsError} from './tls-errors.js'

/**
 * Bytes a peer may send before the handshake completes. A real server's flight (ServerHello,
 * a certificate list OpenSSL caps at 100 KiB, the rest) fits well within it; a peer that floods
 * records OpenSSL skips (HelloRequest) is cut off here rather than read until the deadline.
 */
export const MAX_HANDSHAKE_BYTES = 256 * 1024

export interface HandshakeOptions {
  /** null sends no server_name extension at all: that is the tls-no-sni probe. */
  servername: string | null
  secureContext: SecureContext
  timeoutMs: number
}

/**
 * Runs the TLS handshake on an open TCP socket. Verification is observed, not enforced
 * (rejectUnauthorized: false): the probe must see the certificate a strict client would refuse.
 */
export function handshake(tcp: Socket, options: HandshakeOptions): Promise<TLSSocket> {
  const recorder = new RecordingStream(tcp, {limit: MAX_HANDSHAKE_BYTES})
  let tlsSocket: TLSSocket | undefined
  return withDeadline<TLSSocket>(
    options.timeoutMs,
    ({resolve, reject}) => {
      tlsSocket = connect({
        socket: recorder,
        secureContext: options.secureContext,
        rejectUnauthorized: false,
        // Keep `authorized` about the chain alone: Node would fold its own name check into it.
        // The name is checked separately against the target (certificate.ts).
        checkServerIdentity: () => undefined,
        ALPNProtocols: ['http/1.1'],
        // Only a non-empty string makes Node send SNI.
        ...(options.servername ? {servername: options.servername} : {}),
      })
      const onSecure = () => {
        // The HTTP phase bounds what it reads itself.
        recorder.limit = Number.POSITIVE_INFINITY
        resolve(tlsSocket!)
      }
      const onError = (err: NodeJS.ErrnoException) => {
        tlsSocket!.destroy()
        reject(failureFor(err, recorder))
      }
      tlsSocket.once('secureConnect', onSecure)
      tlsSocket.once('error', onError)
      return () => {
        tlsSocket!.off('secureConnect', onSecure)
        tlsSocket!.off('error', onError)
        // Later errors (after the handshake or after giving up) must never crash the process.
        tlsSocket!.on('error', () => {})
      }
    },
    () => {
      tlsSocket?.destroy()
      return new PhaseFailure(
        'tls-timeout',
        {code: 'ETIMEDOUT', message: `TCP connected but the TLS handshake did not complete within ${options.timeoutMs} ms`, phase: 'tls'},
        evidenceOf(recorder),
      )
    },
  )
}

/** The first bytes the peer sent, when it sent any: what it answered instead of a ServerHello. */
const evidenceOf = (recorder: RecordingStream) => (recorder.bytesReceived > 0 ? {firstBytesHex: recorder.firstBytesHex} : {})

/** The outcome of a failed handshake, from Node's error and from what the recorder saw on the wire. */
function failureFor(err: NodeJS.ErrnoException, recorder: RecordingStream): PhaseFailure {
  const evidence = evidenceOf(recorder)
  // The reader may report the cut-off as a bare disconnect: the recorder knows why it happened.
  if (recorder.limitExceeded) {
    return new PhaseFailure('tls-malformed', {code: 'ERR_READ_LIMIT', message: `the peer sent more than ${MAX_HANDSHAKE_BYTES / 1024} KiB without completing the TLS handshake`, phase: 'tls'}, evidence)
  }
  const classified = classifyTlsError(err)
  if (classified.outcome === 'tls-closed') {
    const how = recorder.peerReset ? 'reset (RST)' : recorder.peerEnded ? 'closed (FIN)' : 'failed'
    // Node calls a FIN during the handshake ECONNRESET too: the recorder saw which it was.
    const code = recorder.peerReset ? 'ECONNRESET' : recorder.peerEnded ? 'EOF' : err.code ?? 'ETLS'
    // An alert OpenSSL did not raise (warning level, unknown number) is still the peer's answer.
    const sent = alertInRecord(recorder.firstBytesReceived)
    // close_notify (alert 0) is an orderly close, not a refusal, however OpenSSL words it.
    if (sent?.number === 0) {
      return new PhaseFailure('tls-closed', {code: 'EOF', message: 'peer closed the connection (close_notify) during the TLS handshake, before any other alert', phase: 'tls'}, evidence)
    }
    if (sent) {
      const message = `peer sent a ${sent.level} alert ${sent.number} (${sent.name}) and ${how} the connection during the TLS handshake`
      return new PhaseFailure('tls-alert', {code, message, phase: 'tls'}, {alert: {number: sent.number, name: sent.name}, ...evidence})
    }
    return new PhaseFailure('tls-closed', {code, message: `peer ${how} the connection during the TLS handshake, before any alert`, phase: 'tls'}, evidence)
  }
  const message =
    err.code === 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE'
      ? 'the peer sent a handshake message larger than OpenSSL accepts (a certificate chain over 100 KiB?)'
      : err.message.split('\n')[0]!
  return new PhaseFailure(classified.outcome, {code: err.code ?? 'ETLS', message, phase: 'tls'}, {...(classified.alert ? {alert: classified.alert} : {}), ...evidence})
}
