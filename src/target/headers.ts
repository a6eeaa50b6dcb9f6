import {UsageError} from '../cli/errors.js'

export interface ExtraHeader {
  name: string
  value: string
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/i
/** Headers the probes set themselves: each probe's point is to choose these. */
const RESERVED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'upgrade', 'te', 'keep-alive'])
const SECRET_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-amz-security-token'])

/** Values of these are never printed nor stored in a report. */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase()
  return SECRET_NAMES.has(lower) || /token|secret|passw|key$|api-?key|session|credential|auth|signature/.test(lower)
}

/** Parses one `-H 'Name: value'`; refuses names that are not HTTP tokens and values with CR, LF or NUL. */
export function parseHeader(raw: string): ExtraHeader {
  const colon = raw.indexOf(':')
  const name = (colon === -1 ? raw : raw.slice(0, colon)).trim()
  // Never echo the value: it may be a secret.
  if (colon === -1) throw new UsageError(`invalid header ${JSON.stringify(name.slice(0, 40))}: expected 'Name: value'`, 'bad-header')
  if (!TOKEN.test(name) || name.length > 256) throw new UsageError(`invalid header name ${JSON.stringify(name.slice(0, 40))}`, 'bad-header')
  const value = raw.slice(colon + 1).trim()
  // What HTTP/1.1 allows in a field value (RFC 9110: VCHAR, SP, HTAB, obs-text), at most 8 KiB.
  if (!/^[\t\u0020-\u007E\u0080-\u00FF]*$/.test(value) || value.length > 8192) {
    throw new UsageError(`invalid value for header ${name}: control or non-Latin-1 characters, or longer than 8 KiB`, 'bad-header')
  }
  if (RESERVED.has(name.toLowerCase())) throw new UsageError(`header ${name} is set by each probe itself and cannot be given with -H`, 'bad-header')
  return {name, value}
}
