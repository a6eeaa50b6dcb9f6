import type {TargetInfo} from '../observations/types.js'
import {isSecretHeader, REDACTED, type ShownHeader} from '../target/headers.js'
import {escapeForTerminal} from './terminal-text.js'

/**
 * The -H headers as the report shows them (a secret's value already [redacted]). Reports written
 * before target.headers kept the names only: a secret name still shows [redacted].
 */
export function sentHeaders(target: TargetInfo): ShownHeader[] {
  return (
    target.headers ??
    target.extraHeaders.map((name) => {
      const redacted = isSecretHeader(name)
      return {name, value: redacted ? REDACTED : '[value not kept in the report]', redacted}
    })
  )
}

/**
 * The -H headers of a report, one line: `headers: Authorization: [redacted], X-Trace: abc`.
 * null when none was sent. Controls (HTTP's obs-text allows 0x80-0x9F) are shown escaped: a header
 * value cannot drive the terminal.
 */
export function renderSentHeaders(target: TargetInfo): string | null {
  const headers = sentHeaders(target)
  if (headers.length === 0) return null
  return `headers: ${headers.map((h) => escapeForTerminal(`${h.name}: ${h.value}`)).join(', ')}`
}
