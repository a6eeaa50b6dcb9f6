import {alertName} from '../explain/tls-alerts.js'
import type {Outcome, TlsAlert} from '../observations/types.js'

/** OpenSSL reasons that mean "the peer's bytes are not a TLS record I can read". */
const MALFORMED = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNEXPECTED_RECORD',
  'ERR_SSL_UNEXPECTED_MESSAGE',
  'ERR_SSL_RECORD_LENGTH_MISMATCH',
  'ERR_SSL_BAD_PACKET_LENGTH',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_HTTPS_PROXY_REQUEST',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_BAD_RECORD_TYPE',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  // A handshake message longer than OpenSSL accepts (a certificate list over 100 KiB).
  'ERR_SSL_EXCESSIVE_MESSAGE_SIZE',
])

/** Node's code for a received alert, e.g. ERR_SSL_TLSV1_UNRECOGNIZED_NAME, by alert number. */
const ALERT_BY_REASON: Record<string, number> = {
  SSLV3_ALERT_UNEXPECTED_MESSAGE: 10,
  SSLV3_ALERT_BAD_RECORD_MAC: 20,
  TLSV1_ALERT_DECRYPTION_FAILED: 21,
  TLSV1_ALERT_RECORD_OVERFLOW: 22,
  SSLV3_ALERT_DECOMPRESSION_FAILURE: 30,
  SSLV3_ALERT_HANDSHAKE_FAILURE: 40,
  SSLV3_ALERT_NO_CERTIFICATE: 41,
  SSLV3_ALERT_BAD_CERTIFICATE: 42,
  SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 43,
  SSLV3_ALERT_CERTIFICATE_REVOKED: 44,
  SSLV3_ALERT_CERTIFICATE_EXPIRED: 45,
  SSLV3_ALERT_CERTIFICATE_UNKNOWN: 46,
  SSLV3_ALERT_ILLEGAL_PARAMETER: 47,
  TLSV1_ALERT_UNKNOWN_CA: 48,
  TLSV1_ALERT_ACCESS_DENIED: 49,
  TLSV1_ALERT_DECODE_ERROR: 50,
  TLSV1_ALERT_DECRYPT_ERROR: 51,
  TLSV1_ALERT_PROTOCOL_VERSION: 70,
  TLSV1_ALERT_INSUFFICIENT_SECURITY: 71,
  TLSV1_ALERT_INTERNAL_ERROR: 80,
  TLSV1_ALERT_INAPPROPRIATE_FALLBACK: 86,
  TLSV1_ALERT_USER_CANCELLED: 90,
  TLSV1_ALERT_NO_RENEGOTIATION: 100,
  TLSV13_ALERT_MISSING_EXTENSION: 109,
  TLSV1_UNSUPPORTED_EXTENSION: 110,
  TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE: 113,
  TLSV1_UNRECOGNIZED_NAME: 112,
  TLSV13_ALERT_CERTIFICATE_REQUIRED: 116,
  TLSV1_ALERT_NO_APPLICATION_PROTOCOL: 120,
}

export interface ClassifiedTlsError {
  outcome: Outcome
  alert?: TlsAlert
}

/**
 * Maps the error of a failed handshake to an outcome. Callers branch on Node's stable codes,
 * falling back to OpenSSL's "SSL alert number N" in the message.
 */
export function classifyTlsError(err: NodeJS.ErrnoException): ClassifiedTlsError {
  const code = err.code ?? ''
  const reason = code.replace(/^ERR_SSL_/, '')
  const fromMessage = /SSL alert number (\d+)/.exec(err.message)
  const alertNumber = ALERT_BY_REASON[reason] ?? (fromMessage ? Number(fromMessage[1]) : undefined)
  if (alertNumber !== undefined) return {outcome: 'tls-alert', alert: {number: alertNumber, name: alertName(alertNumber)}}
  if (MALFORMED.has(code)) return {outcome: 'tls-malformed'}
  return {outcome: 'tls-closed'}
}

/**
 * The alert in a record that starts `bytes` (`15 03 0x 00 02 <level> <description>`), or null.
 * OpenSSL reports a warning-level alert, or an alert number it does not know, followed by a close
 * as a bare disconnect; the record itself still says which alert the peer sent.
 */
export function alertInRecord(bytes: Buffer): TlsAlert & {level: 'warning' | 'fatal'} | null {
  if (bytes.length < 7 || bytes[0] !== 0x15 || bytes[1] !== 0x03 || bytes[2]! > 0x04 || bytes.readUInt16BE(3) !== 2) return null
  const level = bytes[5] === 1 ? 'warning' : bytes[5] === 2 ? 'fatal' : null
  if (!level) return null
  return {number: bytes[6]!, name: alertName(bytes[6]!), level}
}
