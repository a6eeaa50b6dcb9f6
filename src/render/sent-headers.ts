import type {TargetInfo} from '../observations/types.js'
import {escapeForTerminal} from './terminal-text.js'

/**
 * The -H headers of a report, one line: `headers: Authorization: [redacted], X-Trace: abc`.
 * Reports written before values were kept name the headers only. null when none was sent.
 * Controls (HTTP's obs-text allows 0x80-0x9F) are shown escaped: a header value cannot drive the terminal.
 */
export function renderSentHeaders(target: TargetInfo): string | null {
  const headers = target.headers ?? target.extraHeaders.map((name) => ({name, value: '(value not recorded)'}))
  if (headers.length === 0) return null
  return `headers: ${headers.map((h) => escapeForTerminal(`${h.name}: ${h.value}`)).join(', ')}`
}
