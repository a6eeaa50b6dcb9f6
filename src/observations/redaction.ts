// Secret header values never reach an output: not a report (a peer may echo them back in a body or
// a header), not an error message, not a debug stack. Whatever is kept of text that might hold one
// goes through a scrubber that knows every form in which the value may come back.
import {isSecret, REDACTED, type ExtraHeader} from '../target/headers.js'

/** Shorter values cannot be told apart from ordinary text: scrubbing them would garble everything. */
const MIN_SECRET = 4
/** Parts of a value (the token after "Bearer", a cookie's value) are scrubbed on their own from this length. */
const MIN_PART = 8

export type Scrubber = (text: string) => string

/** The forms in which a value may be echoed back: as sent, JSON-escaped, percent-encoded, mis-decoded, in parts. */
function echoForms(value: string): string[] {
  const forms = new Set<string>()
  const add = (form: string, min = MIN_SECRET) => {
    if (form.length >= min) forms.add(form)
  }
  add(value)
  add(JSON.stringify(value).slice(1, -1))
  add(encodeURIComponent(value))
  // A Latin-1 value read back as UTF-8 (what a body excerpt does): the non-ASCII bytes become U+FFFD.
  add(Buffer.from(value, 'latin1').toString('utf8'))
  for (const piece of value.split(/[\s;,]+/)) {
    add(piece, MIN_PART)
    add(piece.slice(piece.indexOf('=') + 1), MIN_PART)
  }
  // Basic credentials: a peer may echo them decoded (user:password) or the password alone.
  const basic = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(value)
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('latin1')
    add(decoded)
    add(decoded.slice(decoded.indexOf(':') + 1))
  }
  return [...forms]
}

/** A scrubber for these values; identity when there are none. */
export function scrubberFor(values: readonly string[]): Scrubber {
  // Longest first: a part must not be replaced inside a longer form before that form is.
  const forms = [...new Set(values.flatMap(echoForms))].sort((a, b) => b.length - a.length)
  if (forms.length === 0) return (text) => text
  return (text) => {
    let out = text
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED)
    // What is kept of a body or header is cut at a bound: the cut may fall inside a secret.
    for (const form of forms) out = redactCutTail(out, form)
    return out
  }
}

/** Redacts the end of text when it is the start of `form` (at least MIN_SECRET characters of it). */
function redactCutTail(text: string, form: string): string {
  const head = form.slice(0, MIN_SECRET)
  let at = text.indexOf(head, Math.max(0, text.length - form.length + 1))
  while (at !== -1) {
    if (form.startsWith(text.slice(at))) return text.slice(0, at) + REDACTED
    at = text.indexOf(head, at + 1)
  }
  return text
}

/** The scrubber for the secret headers of a request. */
export function secretScrubber(headers: readonly ExtraHeader[]): Scrubber {
  return scrubberFor(headers.filter(isSecret).map((h) => h.value))
}

let remembered: string[] = []
let rememberedScrubber: Scrubber = (text) => text

/**
 * The secret values given to this process: error messages and debug stacks printed at the very
 * end (base-command) are scrubbed of them, whatever code path put them there.
 */
export function rememberSecrets(headers: readonly ExtraHeader[]): void {
  const values = headers.filter(isSecret).map((h) => h.value)
  if (values.length === 0) return
  remembered = [...new Set([...remembered, ...values])]
  rememberedScrubber = scrubberFor(remembered)
}

/** Text with every remembered secret value replaced by [redacted]. */
export function redactRemembered(text: string): string {
  return rememberedScrubber(text)
}

/**
 * Cuts scrubbed text to `max` characters ("[redacted]" may be longer than what it replaced) without
 * leaving half a "[redacted]" at the end: one cut through it is moved before it.
 */
export function fitRedacted(text: string, max: number): string {
  if (text.length <= max) return text
  const start = text.lastIndexOf(REDACTED, max - 1)
  if (start === -1 || start + REDACTED.length <= max) return text.slice(0, max)
  // The cut falls inside a [redacted]: keep it whole when there is room for it, else drop it.
  return max >= REDACTED.length ? fitRedacted(text.slice(0, start), max - REDACTED.length) + REDACTED : fitRedacted(text.slice(0, start), max)
}
