import type {TargetInfo} from '../observations/types.js'

/** Controls (C0, DEL, C1: HTTP's obs-text allows 0x80-0x9F) written as \xNN: a header value cannot drive the terminal. */
const escapeControls = (text: string): string =>
  text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`)

/**
 * The -H headers of a report, one line: `headers: Authorization: [redacted], X-Trace: abc`.
 * Reports written before values were kept name the headers only. null when none was sent.
 */
export function renderSentHeaders(target: TargetInfo): string | null {
  const headers = target.headers ?? target.extraHeaders.map((name) => ({name, value: '(value not recorded)'}))
  if (headers.length === 0) return null
  return `headers: ${headers.map((h) => escapeControls(`${h.name}: ${h.value}`)).join(', ')}`
}
