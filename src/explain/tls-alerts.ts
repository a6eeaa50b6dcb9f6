// TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2, RFC 6066, RFC 7301, IANA registry), with
// what each means for a proxy talking to API Gateway / CloudFront. The probe engine reuses
// TLS_ALERTS and alertName() to name the alerts it receives.

import {check, haproxy, nginx} from './advice.js'
import {echo} from './text.js'
import type {Explanation} from './types.js'

export const TLS_ALERTS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  111: 'certificate_unobtainable',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  114: 'bad_certificate_hash_value',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
  121: 'ech_required',
}

/** The registered name of an alert, or `alert_<n>` for a number nobody registered. */
export function alertName(n: number): string {
  return TLS_ALERTS[n] ?? `alert_${n}`
}

/** Alert number from a name in any common spelling (`unrecognized_name`, `unrecognized name`, `user_cancelled`). */
export function alertNumber(name: string): number | null {
  const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_').replace('cancelled', 'canceled')
  for (const [number, alert] of Object.entries(TLS_ALERTS)) if (alert === key) return Number(number)
  return null
}

interface AlertNotes {
  meaning: string
  /** What it most likely says about this proxy and this edge. */
  here: string[]
  steps?: (host: string | null) => string[]
  /** Only defined by TLS ≤ 1.2 or SSLv3; TLS 1.3 never sends it. */
  legacy?: boolean
}

const SNI_STEPS = (host: string | null): string[] => [haproxy.sni(host), nginx.sni(host), check.opensslNoSni(host), check.probe(host)]
const CLIENT_CERT_STEPS = (): string[] => [
  'HAProxy: present a client certificate with `crt /etc/haproxy/client.pem` on the server line',
  'nginx: proxy_ssl_certificate /etc/nginx/client.pem; proxy_ssl_certificate_key /etc/nginx/client.key;',
  'Check the truststore of the API Gateway custom domain (mutual TLS) holds the CA that issued that certificate',
]
const VERSION_STEPS = (host: string | null): string[] => [
  'HAProxy: `ssl-min-ver TLSv1.2` on the server line (or `ssl-default-server-options ssl-min-ver TLSv1.2` in global)',
  'nginx: proxy_ssl_protocols TLSv1.2 TLSv1.3;',
  `See what the endpoint accepts: \`openssl s_client -connect ${host ?? '<host>'}:443 -servername ${host ?? '<host>'} -tls1_2\` (then -tls1_3)`,
]

const NOTES: Record<number, AlertNotes> = {
  0: {
    meaning: 'the sender is closing the connection in an orderly way; not an error by itself',
    here: ['Received during the handshake it means the server gave up on the ClientHello: treat it like a silent close (outcome `tls-closed`), most often no SNI sent to a strict-SNI edge'],
    steps: SNI_STEPS,
  },
  10: {
    meaning: 'a message arrived that is not valid at this point of the protocol',
    here: ['Usually protocol confusion: something between the proxy and the edge (a middlebox, a plain-HTTP port) is not speaking the TLS the peer expects'],
  },
  20: {
    meaning: 'a record failed its integrity check (MAC)',
    here: ['Data corrupted in transit or a broken middlebox (TLS inspection, MTU problems); it is not a configuration mistake of the proxy'],
  },
  21: {meaning: 'a record could not be decrypted (obsolete, must not be sent since TLS 1.2)', here: ['Points to a very old peer or a broken middlebox'], legacy: true},
  22: {meaning: 'a record was longer than allowed', here: ['Broken peer or middlebox; also seen when one side is not speaking TLS at all']},
  30: {meaning: 'decompression failed (TLS compression, obsolete)', here: ['Only very old software negotiates compression: upgrade it'], legacy: true},
  40: {
    meaning: 'the server could not agree on the handshake parameters (generic refusal)',
    here: [
      'CloudFront answers a ClientHello without SNI with handshake_failure (or closes): the usual cause here is a proxy that sends no SNI',
      'Otherwise no cipher suite, group or TLS version in common',
    ],
    steps: (host) => [...SNI_STEPS(host).slice(0, -1), ...VERSION_STEPS(host).slice(0, 2), check.probe(host)],
  },
  41: {meaning: 'no certificate (SSLv3 only, obsolete)', here: ['A client certificate was asked for and none was sent'], legacy: true, steps: CLIENT_CERT_STEPS},
  42: {
    meaning: 'a certificate was corrupt or failed verification',
    here: ['Sent by the side checking the other\'s certificate: if the edge sent it, it refused the proxy\'s client certificate (mutual TLS); if the proxy sent it, it refused the edge\'s certificate'],
    steps: CLIENT_CERT_STEPS,
  },
  43: {meaning: 'the certificate is of an unsupported type', here: ['Usually a client certificate with the wrong key type or key usage (mutual TLS)'], steps: CLIENT_CERT_STEPS},
  44: {meaning: 'the certificate was revoked by its issuer', here: ['The client certificate (mutual TLS) or, if the proxy sent it, the server certificate is revoked: replace it']},
  45: {
    meaning: 'the certificate has expired or is not yet valid',
    here: ['If the edge sent it, the proxy\'s client certificate (mutual TLS) is out of date; also check the proxy host\'s clock'],
    steps: CLIENT_CERT_STEPS,
  },
  46: {meaning: 'some unspecified problem with the certificate made it unacceptable', here: ['Often a client certificate the edge cannot use, or a server certificate the proxy rejects'], steps: CLIENT_CERT_STEPS},
  47: {
    meaning: 'a field in the handshake was out of range or inconsistent',
    here: ['A ClientHello with an IP literal or a malformed name in SNI can be answered with this: SNI must be a DNS name, e.g. `sni str(api.example.com)`, never an address'],
    steps: SNI_STEPS,
  },
  48: {
    meaning: 'a certificate chain was received but its CA is not trusted by the sender of the alert',
    here: [
      'If the edge sent it: the proxy\'s client certificate was issued by a CA that the custom domain\'s mutual-TLS truststore does not contain',
      'If the proxy sent it: the edge\'s chain does not lead to a CA in the proxy\'s `ca-file` / `proxy_ssl_trusted_certificate`',
    ],
    steps: (host) => [...CLIENT_CERT_STEPS(), haproxy.caFile(), nginx.verify(), check.opensslChain(host)],
  },
  49: {meaning: 'the certificate was valid but access control refused the handshake', here: ['Mutual TLS: the client certificate is trusted but not allowed'], steps: CLIENT_CERT_STEPS},
  50: {
    meaning: 'a message could not be decoded',
    here: ['The peer could not parse the ClientHello: a broken middlebox, a non-TLS speaker, or an invalid SNI value (an IP literal, a trailing dot, a name with a port)'],
    steps: SNI_STEPS,
  },
  51: {meaning: 'a handshake cryptographic operation failed (signature or Finished check)', here: ['A key that does not match the certificate, or a middlebox altering the handshake']},
  60: {meaning: 'export restriction (obsolete)', here: ['Only ancient software sends this'], legacy: true},
  70: {
    meaning: 'the TLS version offered is recognised but not supported',
    here: [
      'The proxy offers only versions the edge refuses: API Gateway accepts TLS 1.2 and 1.3 (only 1.3 with a `SecurityPolicy_TLS13_*` policy); CloudFront needs at least TLS 1.2 for most policies',
    ],
    steps: VERSION_STEPS,
  },
  71: {
    meaning: 'the peer requires ciphers more secure than those offered',
    here: ['The proxy\'s cipher list is too weak or too short for the edge\'s security policy'],
    steps: () => ['HAProxy: remove restrictive `ciphers`/`ciphersuites` from the server line', 'nginx: proxy_ssl_ciphers DEFAULT; (or remove the override)'],
  },
  80: {meaning: 'an internal error unrelated to the peer (memory, a bug) made the handshake impossible', here: ['The edge (or the proxy) failed on its side; retry later, and probe to see whether it is consistent'], steps: (host) => [check.probe(host)]},
  86: {meaning: 'a client retried with a lower version although the server supports a higher one (TLS_FALLBACK_SCSV)', here: ['A downgrade retry was caught: something interrupted the first handshake']},
  90: {meaning: 'the handshake was cancelled by the user (a warning, followed by close_notify)', here: ['Not a configuration problem']},
  100: {meaning: 'renegotiation refused (TLS ≤ 1.2)', here: ['The edge does not renegotiate; the proxy should not ask for it'], legacy: true},
  109: {
    meaning: 'a mandatory extension is missing from the handshake (TLS 1.3)',
    here: ['RFC 8446 §9.2 lets a server that requires SNI answer a ClientHello without server_name with missing_extension: treat it as "no SNI sent"'],
    steps: SNI_STEPS,
  },
  110: {meaning: 'an extension was sent that the receiver did not offer or cannot accept', here: ['A mismatch of TLS implementations; rarely a configuration problem']},
  111: {meaning: 'a certificate could not be obtained from a URL (RFC 6066 client_certificate_url)', here: ['Practically unused']},
  112: {
    meaning: 'the server does not recognise the name sent in SNI (or, for some servers, requires SNI and got none)',
    here: [
      'The proxy sent no SNI, or a name the edge does not serve (its own host name, an address, the name of another distribution)',
      'nginx with `ssl_reject_handshake on` answers this way; API Gateway and CloudFront refuse an unknown name the same way',
    ],
    steps: SNI_STEPS,
  },
  113: {meaning: 'the OCSP response stapled by the server was invalid', here: ['The edge\'s OCSP stapling is broken or the proxy\'s check is too strict']},
  114: {meaning: 'a certificate hash did not match (RFC 6066 client_certificate_url)', here: ['Practically unused']},
  115: {meaning: 'no PSK identity matched (session resumption or an external PSK)', here: ['A stale session ticket; a fresh handshake should succeed']},
  116: {
    meaning: 'the server requires a client certificate and none was sent (TLS 1.3)',
    here: ['The endpoint uses mutual TLS (an API Gateway custom domain with a truststore): the proxy must present a client certificate'],
    steps: CLIENT_CERT_STEPS,
  },
  120: {
    meaning: 'none of the ALPN protocols offered is supported by the server',
    here: ['The proxy offers only protocols the edge does not speak (e.g. `alpn h2` alone where HTTP/1.1 is required, or a non-HTTP protocol)'],
    steps: () => ['HAProxy: `alpn h2,http/1.1` on the server line, or no `alpn` at all', 'nginx speaks HTTP/1.x to upstreams and offers no ALPN: look at what else is in the path'],
  },
  121: {meaning: 'the server requires Encrypted Client Hello (ECH) and the client did not use it', here: ['Not used by API Gateway or CloudFront today']},
}

/** What an alert means and implies here; the nginx, curl and error-code explainers use it too. */
export function alertNotes(n: number, host: string | null = null): {name: string; meaning: string; here: string[]; steps: string[]; legacy: boolean} {
  const notes = NOTES[n]
  if (!notes) {
    return {name: alertName(n), meaning: 'an alert number that no RFC registers', here: ['A non-standard peer or a misread byte: check the input'], steps: [check.probe(host)], legacy: false}
  }
  return {name: alertName(n), meaning: notes.meaning, here: notes.here, steps: notes.steps ? notes.steps(host) : [check.probe(host)], legacy: notes.legacy ?? false}
}

/** Alerts that, received in answer to a ClientHello, point at missing or wrong SNI. */
export const SNI_ALERTS: ReadonlySet<number> = new Set([0, 40, 47, 50, 109, 112])

export function explainAlert(n: number, input: string, host: string | null = null): Explanation {
  const notes = alertNotes(n, host)
  const known = n in TLS_ALERTS
  return {
    kind: 'tls-alert',
    input: echo(input),
    summary: known ? `TLS alert ${n} ${notes.name}: ${notes.meaning}.` : `TLS alert ${n} is not a registered alert.`,
    fields: {alert: {number: n, name: notes.name, registered: known, fatal: n !== 0 && n !== 90, legacyOnly: notes.legacy}},
    meaning: [
      `${n} = ${notes.name}${known ? '' : ' (unregistered)'}: ${notes.meaning}.`,
      'A TLS alert is a two-byte record (level, description) sent instead of, or to end, a handshake; the side that sends it is the one that refused.',
      ...(notes.legacy ? ['Defined only before TLS 1.3; a TLS 1.3 peer never sends it.'] : []),
    ],
    likelyCauses: notes.here,
    nextSteps: notes.steps,
  }
}

const NUMBER_FORM = /^(?:(?:tls|ssl)[ \t]*)?(?:fatal[ \t]+)?(?:alert[ \t]*(?:number|no\.?|#|:)?[ \t]*)?\(?(\d{1,3})\)?$/i
const NAME_FORM = /^(?:(?:tls|ssl)[ \t]+)?(?:fatal[ \t]+)?(?:alert[ \t]*[:(]?[ \t]*)?([a-z][a-z_ -]{2,40}?)\)?$/i

/** `112`, `alert 40`, `SSL alert number 112`, `alert(112)`, `unrecognized_name`, `alert handshake failure`. */
export function match(text: string): Explanation | null {
  const input = text.trim()
  if (input.length === 0 || input.length > 80) return null
  const byNumber = NUMBER_FORM.exec(input)
  if (byNumber?.[1] !== undefined) {
    const n = Number(byNumber[1])
    const bare = /^\d+$/.test(input)
    // A bare number that is no alert is left to the other explainers (curl exit codes…).
    if (!(n in TLS_ALERTS) && (bare || n > 255)) return null
    return explainAlert(n, input)
  }
  const byName = NAME_FORM.exec(input)
  if (byName?.[1] !== undefined) {
    const n = alertNumber(byName[1])
    if (n !== null) return explainAlert(n, input)
  }
  return null
}
