import type {Socket} from 'node:net'
import {connect, type SecureContext, type TLSSocket} from 'node:tls'

import {PhaseFailure, withDeadline} from './phase.js'
import {RecordingStream} from './recording-stream.js'
import {classifyTlsError} from './tls-errors.js'

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
  const recorder = new RecordingStream(tcp)
  let tlsSocket: TLSSocket | undefined
  const evidence = () => (recorder.bytesReceived > 0 ? {firstBytesHex: recorder.firstBytesHex} : {})
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
      const onSecure = () => resolve(tlsSocket!)
      const onError = (err: NodeJS.ErrnoException) => {
        const {outcome, alert} = classifyTlsError(err)
        const how = recorder.peerReset ? 'reset (RST)' : recorder.peerEnded ? 'closed (FIN)' : 'failed'
        const code = outcome === 'tls-closed' ? (recorder.peerReset ? 'ECONNRESET' : recorder.peerEnded ? 'EOF' : err.code ?? 'ETLS') : err.code ?? 'ETLS'
        const message = outcome === 'tls-closed' ? `peer ${how} the connection during the TLS handshake, before any alert` : err.message.split('\n')[0]!
        tlsSocket!.destroy()
        reject(new PhaseFailure(outcome, {code, message, phase: 'tls'}, {...(alert ? {alert} : {}), ...evidence()}))
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
        evidence(),
      )
    },
  )
}
