import type {AsProxy, HaproxyView, NginxView, ProbeObservation} from './types.js'

type Seen = Pick<ProbeObservation, 'outcome' | 'status' | 'tls' | 'sent' | 'error'>

/** OpenSSL 3's error string for a received alert, as nginx writes it (reason code 1000 + alert; checked against nginx 1.22 / OpenSSL 3.0 in the e2e suite). */
const OPENSSL_REASON: Record<number, string> = {
  40: 'error:0A000410:SSL routines::sslv3 alert handshake failure',
  112: 'error:0A000458:SSL routines::tlsv1 unrecognized name',
  70: 'error:0A00042E:SSL routines::tlsv1 alert protocol version',
  80: 'error:0A000438:SSL routines::tlsv1 alert internal error',
  48: 'error:0A000418:SSL routines::tlsv1 alert unknown ca',
  42: 'error:0A000412:SSL routines::sslv3 alert bad certificate',
}

/**
 * How HAProxy (`server … ssl verify required ca-file … [sni …]`, or no ssl for plain probes)
 * and nginx (its defaults: no upstream verification) would report a proxy configured like the
 * probe. Pure: computed from what the probe saw.
 */
export function asProxy(seen: Seen): AsProxy {
  return {haproxy: haproxyView(seen), nginx: nginxView(seen)}
}

function haproxyView(seen: Seen): HaproxyView {
  const status = seen.status ?? 0
  switch (seen.outcome) {
    case 'ok':
    case 'http-error': {
      // With verify required, HAProxy fails the handshake itself on a certificate it cannot verify.
      if (seen.sent.scheme === 'https' && seen.tls && (seen.tls.trusted === false || (seen.sent.sni !== null && seen.tls.nameMatch === false))) {
        return {status: 503, termination: 'SC--', note: `certificate verification failed (${seen.tls.trustError ?? seen.tls.nameError ?? 'name mismatch'}); HAProxy retries, then answers its own 503`}
      }
      return {status, termination: '----', note: `HAProxy relays the server's ${status} and logs a normal session`}
    }
    case 'dns-failed': {
      return {status: 503, termination: 'SC--', note: 'the server name does not resolve: HAProxy refuses to start, or with init-addr none the server stays in maintenance and every request gets 503 <NOSRV>'}
    }
    case 'tcp-refused':
    case 'tcp-reset': {
      return {status: 503, termination: 'SC--', note: 'the connection was refused; HAProxy retries, then answers its own 503'}
    }
    case 'tcp-timeout':
    case 'tls-timeout': {
      return {status: 503, termination: 'sC--', note: '"timeout connect" expired (it covers the TLS handshake); HAProxy answers its own 503'}
    }
    case 'tls-alert':
    case 'tls-closed':
    case 'tls-malformed': {
      return {status: 503, termination: 'SC--', note: 'the TLS handshake to the server failed; HAProxy retries, then answers its own 503 (Tc = -1 in the log)'}
    }
    case 'http-timeout': {
      return {status: 504, termination: 'sH--', note: '"timeout server" expired before the response headers'}
    }
    case 'http-closed': {
      return {status: 502, termination: 'SH--', note: 'the server closed the connection before sending complete headers'}
    }
    case 'http-malformed': {
      return {status: 502, termination: 'PH--', note: 'HAProxy blocked an invalid or oversized response'}
    }
  }
}

function nginxView(seen: Seen): NginxView {
  const closedBy = seen.error?.code === 'ECONNRESET' ? ' (104: Connection reset by peer)' : ''
  switch (seen.outcome) {
    case 'ok':
    case 'http-error': {
      return {status: seen.status ?? 0, errorLog: null}
    }
    case 'dns-failed': {
      return {status: 502, errorLog: `host not found in upstream "${seen.sent.host}" (nginx -t fails; nginx does not start)`}
    }
    case 'tcp-refused': {
      return {status: 502, errorLog: 'connect() failed (111: Connection refused) while connecting to upstream'}
    }
    case 'tcp-reset': {
      return {status: 502, errorLog: 'connect() failed (104: Connection reset by peer) while connecting to upstream'}
    }
    case 'tcp-timeout': {
      return {status: 504, errorLog: 'upstream timed out (110: Connection timed out) while connecting to upstream'}
    }
    case 'tls-alert': {
      const alert = seen.tls?.alert
      const reason = alert ? OPENSSL_REASON[alert.number] ?? `alert ${alert.name.replaceAll('_', ' ')}` : 'alert'
      return {status: 502, errorLog: `SSL_do_handshake() failed (SSL: ${reason}:SSL alert number ${alert?.number ?? '?'}) while SSL handshaking to upstream`}
    }
    case 'tls-closed': {
      return {status: 502, errorLog: `peer closed connection in SSL handshake${closedBy} while SSL handshaking to upstream`}
    }
    case 'tls-malformed': {
      return {status: 502, errorLog: 'SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream'}
    }
    case 'tls-timeout': {
      return {status: 504, errorLog: 'upstream timed out (110: Connection timed out) while SSL handshaking to upstream'}
    }
    case 'http-timeout': {
      return {status: 504, errorLog: 'upstream timed out (110: Connection timed out) while reading response header from upstream'}
    }
    case 'http-closed': {
      return {status: 502, errorLog: `upstream prematurely closed connection${closedBy} while reading response header from upstream`}
    }
    case 'http-malformed': {
      return {status: 502, errorLog: seen.error?.code === 'UND_ERR_HEADERS_OVERFLOW' ? 'upstream sent too big header while reading response header from upstream' : 'upstream sent invalid header while reading response header from upstream'}
    }
  }
}
