import {UsageError} from '../cli/errors.js'

export interface ExtraHeader {
  name: string
  value: string
  /**
   * The value is a secret (a secret name, or named by --redact): never printed, never stored, sent
   * only over verified TLS. Absent: decided by the name alone (isSecretHeader).
   */
  secret?: boolean
}

/** What every output shows instead of a secret value. */
export const REDACTED = '[redacted]'

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/i
const TOKEN_CHARS = "letters, digits and !#$%&'*+-.^_`|~"
/** Headers the probes set themselves: each probe's point is to choose these. */
const RESERVED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'upgrade', 'te', 'keep-alive'])
const SECRET_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-amz-security-token'])

/** Values of these are never printed nor stored in a report; `extra` holds the names given with --redact (lower case). */
export function isSecretHeader(name: string, extra: ReadonlySet<string> = new Set()): boolean {
  const lower = name.toLowerCase()
  return SECRET_NAMES.has(lower) || extra.has(lower) || /token|secret|passw|key$|api-?key|session|credential|auth|signature/.test(lower)
}

/** Whether this header's value must be kept out of every output. */
export function isSecret(header: ExtraHeader): boolean {
  return header.secret ?? isSecretHeader(header.name)
}

/** A header as outputs show it: a secret's value replaced by [redacted]. */
export interface ShownHeader {
  name: string
  value: string
  redacted: boolean
}

export function shownHeader(header: ExtraHeader): ShownHeader {
  const redacted = isSecret(header)
  return {name: header.name, value: redacted ? REDACTED : header.value, redacted}
}

/** `--redact NAME`: a header name (an HTTP token), compared without case. */
export function parseRedactName(raw: string): string {
  const name = raw.trim()
  if (!TOKEN.test(name) || name.length > 256) throw new UsageError(`invalid --redact ${JSON.stringify(name.slice(0, 40))}: a header name (${TOKEN_CHARS})`, 'bad-redact')
  return name.toLowerCase()
}

/**
 * Parses one `-H 'Name: value'`; refuses names that are not HTTP tokens and values with CR, LF or NUL.
 * No message ever echoes the text: a mistyped header (no colon, a space in the name) may hold its secret there.
 */
export function parseHeader(raw: string, redact: ReadonlySet<string> = new Set()): ExtraHeader {
  const colon = raw.indexOf(':')
  if (colon === -1) throw new UsageError("invalid header: expected 'Name: value' (no colon in it; the text is not shown, it may hold a secret)", 'bad-header')
  const name = raw.slice(0, colon).trim()
  if (name.length === 0) throw new UsageError("invalid header: expected 'Name: value' (nothing before the colon)", 'bad-header')
  if (!TOKEN.test(name) || name.length > 256) {
    throw new UsageError(`invalid header name: at most 256 ${TOKEN_CHARS}, no spaces (the text is not shown, it may hold a secret)`, 'bad-header')
  }
  const value = raw.slice(colon + 1).trim()
  // What HTTP/1.1 allows in a field value (RFC 9110: VCHAR, SP, HTAB, obs-text), at most 8 KiB.
  if (!/^[\t\u0020-\u007E\u0080-\u00FF]*$/.test(value) || value.length > 8192) {
    throw new UsageError(`invalid value for header ${name}: control or non-Latin-1 characters, or longer than 8 KiB`, 'bad-header')
  }
  if (RESERVED.has(name.toLowerCase())) throw new UsageError(`header ${name} is set by each probe itself and cannot be given with -H`, 'bad-header')
  const secret = isSecretHeader(name, redact)
  // `-H Authorization: Bearer x` unquoted gives -H "Authorization:" and turns the secret into targets.
  if (secret && value === '') throw new UsageError(`header ${name} has an empty value: quote the whole header, e.g. -H '${name}: …'`, 'bad-header')
  return {name, value, secret}
}
