// What OpenSSL (and Node, which passes OpenSSL's words through) says when a handshake fails:
// reason strings, packed error codes (error:0A000458), alert numbers and certificate
// verification errors. nginx, curl and the error-code explainer all read their input with this.

import {check, haproxy, nginx} from './advice.js'
import {alertName, alertNumber, alertNotes} from './tls-alerts.js'

/** OpenSSL reports an alert received from the peer as reason 1000 + the alert number. */
export const SSL_AD_REASON_OFFSET = 1000

export interface SslReason {
  /** OpenSSL's reason text, lower case (OpenSSL 3.0 spelling). */
  reason: string
  /** OpenSSL reason code (the low bits of error:0A0001XX), when it is a fixed one. */
  code?: number
  /** The alert number when this reason is "alert received". */
  alert?: number
  /** Product outcome a probe would report for it (none when the handshake itself completes). */
  outcome?: string
  meaning: string
  causes: string[]
  steps: (host: string | null) => string[]
}

const NOT_TLS_STEPS = (host: string | null): string[] => [
  'Check the port speaks TLS: 443 for API Gateway and CloudFront, never 80 with `ssl` / `https://`',
  haproxy.sni(host),
  nginx.sni(host),
  check.opensslNoSni(host),
  check.probe(host),
]

/** The non-alert reasons that matter here. */
export const SSL_REASONS: SslReason[] = [
  {
    reason: 'wrong version number',
    code: 267,
    outcome: 'tls-malformed',
    meaning: 'the peer answered the ClientHello with bytes that are not a TLS record of a known version',
    causes: [
      'CloudFront answers a ClientHello without SNI with a malformed alert (record version 00 00) that OpenSSL reports exactly like this: the usual cause is no SNI',
      'The port is a plain-HTTP one (TLS sent to port 80, `ssl` on a server line pointing at an HTTP port, `https://` to an HTTP upstream): its HTTP error page is read as a bad TLS record',
      'A forward proxy or captive portal in the path answering in clear text',
    ],
    steps: NOT_TLS_STEPS,
  },
  {
    reason: 'packet length too long',
    code: 198,
    outcome: 'tls-malformed',
    meaning: 'the first bytes from the peer, read as a TLS record header, give an impossible length: the peer is not speaking TLS',
    causes: ['A plain-HTTP server answered the ClientHello (its "HTTP/1.1 400" read as a record header)', 'A proxy or middlebox in clear text'],
    steps: NOT_TLS_STEPS,
  },
  {
    reason: 'unexpected eof while reading',
    code: 294,
    outcome: 'tls-closed',
    meaning: 'the peer closed the connection without a TLS close_notify',
    causes: [
      'During the handshake: the edge dropped a ClientHello it would not serve, typically one without SNI (HAProxy logs this as SC--)',
      'After the handshake: the server or something in between closed the connection mid-response (idle timeout, a reset by a load balancer)',
    ],
    steps: (host) => [haproxy.sni(host), nginx.sni(host), check.opensslNoSni(host), check.probe(host)],
  },
  {
    reason: 'http request',
    code: 156,
    outcome: 'http-malformed',
    meaning: 'a TLS listener received a plain HTTP request instead of a ClientHello',
    causes: ['A client used http:// against a TLS port of this proxy (the proxy\'s own `bind … ssl`): this is the client side, not the upstream'],
    steps: () => ['Have the client use https://, or add a plain-HTTP `bind :80` that redirects (`http-request redirect scheme https`)'],
  },
  {
    reason: 'certificate verify failed',
    code: 134,
    meaning: 'the peer\'s certificate chain failed verification (the detailed reason is a separate verify error)',
    causes: [
      'The CA is not in the trust store given to the proxy (`ca-file`, `proxy_ssl_trusted_certificate`)',
      'The certificate is expired or not yet valid, or does not name the host',
      'No SNI was sent, so the edge served a default certificate (`*.cloudfront.net`) that does not cover the host',
    ],
    steps: (host) => [haproxy.caFile(), nginx.verify(), haproxy.sni(host), check.opensslChain(host), check.probe(host)],
  },
  {
    reason: 'unsupported protocol',
    code: 258,
    outcome: 'tls-alert',
    meaning: 'the peer offered only a TLS version this side has disabled',
    causes: ['An old endpoint (TLS 1.0/1.1) against OpenSSL 3 defaults, or a proxy pinned to a version the edge no longer accepts'],
    steps: (host) => [
      'HAProxy: set `ssl-min-ver TLSv1.2` (API Gateway and CloudFront accept 1.2 and 1.3)',
      'nginx: proxy_ssl_protocols TLSv1.2 TLSv1.3;',
      check.probe(host),
    ],
  },
  {
    reason: 'no protocols available',
    code: 191,
    outcome: 'tls-alert',
    meaning: 'every TLS version is disabled in this side\'s own configuration',
    causes: ['Contradictory `ssl-min-ver`/`ssl-max-ver` or `no-tlsv12`/`no-tlsv13` options, or a system crypto policy that disables what the config asks for'],
    steps: () => ['HAProxy: `ssl-min-ver TLSv1.2` and no `ssl-max-ver` below it', 'nginx: proxy_ssl_protocols TLSv1.2 TLSv1.3;'],
  },
  {
    reason: 'no shared cipher',
    code: 193,
    outcome: 'tls-alert',
    meaning: 'the server found no cipher suite in common with the client',
    causes: ['A cipher list restricted too far on one side'],
    steps: () => ['Remove custom `ciphers`/`ciphersuites` (HAProxy) or `proxy_ssl_ciphers` (nginx) and retry'],
  },
  {
    reason: 'unsafe legacy renegotiation disabled',
    outcome: 'tls-alert',
    meaning: 'the peer does not support secure renegotiation (RFC 5746) and OpenSSL 3 refuses it by default',
    causes: ['A very old server or TLS-inspecting middlebox; not API Gateway or CloudFront'],
    steps: () => ['Upgrade the peer; OpenSSL\'s `Options = UnsafeLegacyRenegotiation` is a last resort'],
  },
  {
    reason: 'ssl_error_syscall',
    outcome: 'tls-closed',
    meaning: 'the handshake stopped because the socket was closed or reset without any TLS message',
    causes: [
      'The edge closed or reset a ClientHello it would not serve: most often no SNI (a bare IP address in the URL sends no SNI)',
      'A firewall or middlebox cutting TLS',
    ],
    steps: (host) => [haproxy.sni(host), nginx.sni(host), check.opensslNoSni(host), check.probe(host)],
  },
]

/** OpenSSL's own text for "alert N received" (reason 1000 + N), OpenSSL 3.0 spellings. */
const ALERT_REASON_TEXT: Record<number, string> = {
  10: 'sslv3 alert unexpected message',
  20: 'sslv3 alert bad record mac',
  21: 'tlsv1 alert decryption failed',
  22: 'tlsv1 alert record overflow',
  30: 'sslv3 alert decompression failure',
  40: 'sslv3 alert handshake failure',
  41: 'sslv3 alert no certificate',
  42: 'sslv3 alert bad certificate',
  43: 'sslv3 alert unsupported certificate',
  44: 'sslv3 alert certificate revoked',
  45: 'sslv3 alert certificate expired',
  46: 'sslv3 alert certificate unknown',
  47: 'sslv3 alert illegal parameter',
  48: 'tlsv1 alert unknown ca',
  49: 'tlsv1 alert access denied',
  50: 'tlsv1 alert decode error',
  51: 'tlsv1 alert decrypt error',
  60: 'tlsv1 alert export restriction',
  70: 'tlsv1 alert protocol version',
  71: 'tlsv1 alert insufficient security',
  80: 'tlsv1 alert internal error',
  86: 'tlsv1 alert inappropriate fallback',
  90: 'tlsv1 alert user cancelled',
  100: 'tlsv1 alert no renegotiation',
  109: 'tlsv13 alert missing extension',
  110: 'tlsv1 unsupported extension',
  111: 'tlsv1 certificate unobtainable',
  112: 'tlsv1 unrecognized name',
  113: 'tlsv1 bad certificate status response',
  114: 'tlsv1 bad certificate hash value',
  115: 'tlsv1 alert unknown psk identity',
  116: 'tlsv13 alert certificate required',
  120: 'tlsv1 alert no application protocol',
}

/** OpenSSL's reason text for an alert received (e.g. 112 → "tlsv1 unrecognized name"). */
export function alertReasonText(n: number): string | undefined {
  return ALERT_REASON_TEXT[n]
}

/** Normalises OpenSSL 3.2+ "ssl/tls alert" spellings to the 3.0 "sslv3 alert" ones, lower case. */
function normaliseReason(text: string): string {
  return text.toLowerCase().replace(/ssl\/tls alert/g, 'sslv3 alert').replace(/self signed/g, 'self-signed')
}

/** Node's error code for an OpenSSL reason: ERR_SSL_ + the text upper-cased, spaces as underscores. */
export function nodeCodeForReason(reason: string): string {
  return 'ERR_SSL_' + reason.toUpperCase().replace(/ /g, '_')
}

/** X.509 verification errors: OpenSSL number, its text, the code Node uses for it. */
export interface VerifyError {
  number: number
  text: string
  node: string
  meaning: string
  causes: string[]
}

export const VERIFY_ERRORS: VerifyError[] = [
  {
    number: 2,
    text: 'unable to get issuer certificate',
    node: 'UNABLE_TO_GET_ISSUER_CERT',
    meaning: 'the issuer of a certificate in the chain could not be found',
    causes: ['The trust store lacks an intermediate or root CA'],
  },
  {number: 7, text: 'certificate signature failure', node: 'CERT_SIGNATURE_FAILURE', meaning: 'a signature in the chain does not verify', causes: ['A corrupt or forged chain, or a TLS-inspecting middlebox']},
  {
    number: 9,
    text: 'certificate is not yet valid',
    node: 'CERT_NOT_YET_VALID',
    meaning: 'the certificate\'s notBefore date is in the future',
    causes: ['The proxy host\'s clock is wrong (check NTP)', 'A certificate deployed minutes after issue to a host whose clock lags'],
  },
  {
    number: 10,
    text: 'certificate has expired',
    node: 'CERT_HAS_EXPIRED',
    meaning: 'the certificate\'s notAfter date has passed',
    causes: [
      'The endpoint\'s certificate really expired (a custom domain whose ACM certificate was not renewed)',
      'Without SNI the edge served a different, default certificate: check with SNI before blaming the certificate',
      'The proxy host\'s clock is wrong',
    ],
  },
  {
    number: 18,
    text: 'self-signed certificate',
    node: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    meaning: 'the server presented a single self-signed certificate',
    causes: ['Not the real endpoint: a test server, a TLS-inspecting proxy, or the wrong address'],
  },
  {
    number: 19,
    text: 'self-signed certificate in certificate chain',
    node: 'SELF_SIGNED_CERT_IN_CHAIN',
    meaning: 'the chain ends in a self-signed root that is not trusted',
    causes: ['A corporate TLS-inspection proxy re-signing traffic (add its CA to the trust store)', 'A private CA missing from `ca-file`'],
  },
  {
    number: 20,
    text: 'unable to get local issuer certificate',
    node: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    meaning: 'the issuer of the certificate is not in the local trust store',
    causes: ['No or the wrong CA bundle configured (`ca-file`, `proxy_ssl_trusted_certificate`, `--cacert`)', 'A TLS-inspecting proxy whose CA is not installed'],
  },
  {
    number: 21,
    text: 'unable to verify the first certificate',
    node: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    meaning: 'the leaf certificate could not be verified: its issuer is neither sent nor trusted',
    causes: ['The server does not send its intermediate certificate', 'The trust store lacks the issuing CA'],
  },
  {number: 23, text: 'certificate revoked', node: 'CERT_REVOKED', meaning: 'a certificate in the chain is revoked', causes: ['The endpoint must get a new certificate']},
  {number: 24, text: 'invalid ca certificate', node: 'INVALID_CA', meaning: 'a CA certificate in the chain is not a valid CA', causes: ['A broken chain on the server']},
  {number: 26, text: 'unsupported certificate purpose', node: 'INVALID_PURPOSE', meaning: 'the certificate is not meant for TLS server authentication', causes: ['A wrong certificate on the server']},
  {
    number: 62,
    text: 'hostname mismatch',
    node: 'HOSTNAME_MISMATCH',
    meaning: 'the certificate does not name the host that was checked',
    causes: [
      'No SNI: the edge served its default certificate (`*.cloudfront.net`, `*.execute-api.<region>.amazonaws.com`) instead of the custom domain\'s',
      'The verified name (`verifyhost`, `proxy_ssl_name`) is not the name the certificate covers',
    ],
  },
  {number: 64, text: 'ip address mismatch', node: 'IP_ADDRESS_MISMATCH', meaning: 'the certificate does not name the IP address that was checked', causes: ['Connecting by address: check against the host name instead']},
]

export function verifyErrorByNumber(n: number): VerifyError | undefined {
  return VERIFY_ERRORS.find((error) => error.number === n)
}

export function verifyErrorByNode(code: string): VerifyError | undefined {
  return VERIFY_ERRORS.find((error) => error.node === code)
}

/** Next steps for a certificate verification error. */
export function verifySteps(error: VerifyError, host: string | null): string[] {
  const steps = [check.opensslChain(host)]
  if (error.number === 62 || error.number === 10) steps.push(haproxy.sni(host), nginx.sni(host))
  if ([2, 19, 20, 21].includes(error.number)) steps.push(haproxy.caFile(), nginx.verify())
  if (error.number === 9 || error.number === 10) steps.push('Check the proxy host\'s clock: `timedatectl` / `chronyc tracking`')
  steps.push(check.probe(host))
  return steps
}

/** Everything OpenSSL-ish found in a piece of text. */
export interface SslFacts {
  /** Packed error codes as written, e.g. "0A000458". */
  codes: string[]
  /** Reason strings recognised (lower case). */
  reasons: string[]
  /** Alert received from the peer, from "alert number N", a reason text or a code. */
  alert?: {number: number; name: string}
  /** Known non-alert reason found. */
  reason?: SslReason
  verify?: VerifyError
}

/** Decodes a packed OpenSSL error code (1.1: 14094458, 3.x: 0A000458) into its SSL reason number. */
export function decodeErrorCode(hex: string): {library: number; reason: number} | null {
  if (!/^[0-9a-f]{8}$/i.test(hex)) return null
  const value = Number.parseInt(hex, 16)
  if (value >>> 24 === 0x14) return {library: 20, reason: value & 0xfff}
  return {library: (value >>> 23) & 0xff, reason: value & 0x7fffff}
}

function scanAlertFromReason(reason: number): number | undefined {
  const n = reason - SSL_AD_REASON_OFFSET
  return n >= 0 && n < 256 ? n : undefined
}

/** Finds OpenSSL error codes, reasons, alert numbers and verify errors in free text. */
export function sslFacts(text: string): SslFacts {
  const lower = normaliseReason(text)
  const facts: SslFacts = {codes: [], reasons: []}
  let alert: number | undefined

  for (const m of lower.matchAll(/error:([0-9a-f]{8})/g)) {
    const code = (m[1] ?? '').toUpperCase()
    if (facts.codes.length < 8 && !facts.codes.includes(code)) facts.codes.push(code)
    const decoded = decodeErrorCode(code)
    if (decoded?.library !== 20) continue
    alert ??= scanAlertFromReason(decoded.reason)
    facts.reason ??= SSL_REASONS.find((r) => r.code === decoded.reason)
  }
  const numbered = /alert number (\d{1,3})/.exec(lower) ?? /reason\((1\d{3})\)/.exec(lower)
  if (numbered?.[1]) {
    const n = Number(numbered[1])
    alert ??= n >= SSL_AD_REASON_OFFSET ? scanAlertFromReason(n) : n
  }
  for (const [n, reasonText] of Object.entries(ALERT_REASON_TEXT)) {
    if (lower.includes(reasonText)) {
      facts.reasons.push(reasonText)
      alert ??= Number(n)
    }
  }
  // Node and Go spell received alerts differently: "alert unrecognized name", "remote error: tls: unrecognized name".
  const spelled = /(?:alert|remote error: tls:) ([a-z]+(?:[ _][a-z]+){0,4})/.exec(lower)
  if (alert === undefined && spelled?.[1]) {
    for (let words = spelled[1].split(/[ _]/); words.length > 0; words = words.slice(0, -1)) {
      const n = alertNumber(words.join('_'))
      if (n !== null) {
        alert = n
        break
      }
    }
  }
  for (const reason of SSL_REASONS) {
    if (lower.includes(reason.reason)) {
      facts.reasons.push(reason.reason)
      facts.reason ??= reason
    }
  }
  for (const error of VERIFY_ERRORS) {
    if (lower.includes(error.text)) {
      facts.verify = error
      break
    }
  }
  const verifyNumber = /verify error:? ?\((\d{1,3}):/.exec(lower)
  if (verifyNumber?.[1]) facts.verify = verifyErrorByNumber(Number(verifyNumber[1])) ?? facts.verify
  if (alert !== undefined) facts.alert = {number: alert, name: alertName(alert)}
  return facts
}

/** Turns facts into causes and steps; the alert wins over a generic reason. */
export function sslAdvice(facts: SslFacts, host: string | null): {summary: string; meaning: string[]; causes: string[]; steps: string[]; outcome?: string} | null {
  if (facts.alert) {
    const notes = alertNotes(facts.alert.number, host)
    return {
      summary: `the peer sent TLS alert ${facts.alert.number} ${notes.name}`,
      meaning: [`Alert ${facts.alert.number} ${notes.name} received from the peer: ${notes.meaning}.`],
      causes: notes.here,
      steps: notes.steps,
      outcome: 'tls-alert',
    }
  }
  if (facts.verify) {
    return {
      summary: `certificate verification failed: ${facts.verify.text}`,
      meaning: [`X.509 verify error ${facts.verify.number} (${facts.verify.node}): ${facts.verify.meaning}.`],
      causes: facts.verify.causes,
      steps: verifySteps(facts.verify, host),
    }
  }
  if (facts.reason) {
    return {
      summary: `OpenSSL: ${facts.reason.reason} (${facts.reason.meaning})`,
      meaning: [`"${facts.reason.reason}": ${facts.reason.meaning}.`],
      causes: facts.reason.causes,
      steps: facts.reason.steps(host),
      outcome: facts.reason.outcome,
    }
  }
  return null
}
