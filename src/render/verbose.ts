// `probe --verbose`: each probe's exchange as it went on the wire, rebuilt from the observations:
// what was sent (connection, ClientHello, request line and headers), what came back (alert, first
// bytes, TLS session and certificate, status line, telling headers, body excerpt), and the outcome.
// Secret header values are never shown; everything the peer sent is made printable first (a hostile
// server must not be able to drive the terminal with escape sequences).
import type {Paint} from '../cli/colour.js'
import type {Report} from '../observations/report.js'
import type {ProbeObservation} from '../observations/types.js'
import {REDACTED} from '../target/headers.js'
import {sentHeaders} from './sent-headers.js'
import {escapeForTerminal as printable} from './terminal-text.js'

export interface VerboseOptions {
  paint: Paint
  /** Terminal width: long lines (body, first bytes) are cut to it. */
  width: number
}

function cut(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}…`
}

/** `16 03 01 …  |....|`: the hex of the first bytes and what they read as. */
function firstBytes(hex: string, room: number): string {
  const bytes = Buffer.from(hex, 'hex')
  const pairs = [...bytes].map((b) => b.toString(16).padStart(2, '0'))
  const ascii = [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
  // Each byte costs 3 columns of hex and 1 of text.
  const fit = Math.max(4, Math.min(bytes.length, Math.floor((room - 4) / 4)))
  const more = fit < bytes.length ? ' …' : ''
  return `${pairs.slice(0, fit).join(' ')}${more}  |${ascii.slice(0, fit)}|`
}

function ms(value: number | undefined): string {
  return value === undefined ? '' : String(Math.round(value))
}

function timingText(p: ProbeObservation): string {
  const phases = (['connect', 'tls', 'ttfb'] as const).filter((phase) => p.timings[phase] !== undefined).map((phase) => `${phase} ${ms(p.timings[phase])}`)
  return `${ms(p.timings.total)} ms${phases.length > 0 ? ` (${phases.join(', ')})` : ''}`
}

function headerLines(p: ProbeObservation, report: Report): string[] {
  const withheld = new Set((p.sent.withheldHeaders ?? []).map((name) => name.toLowerCase()))
  return sentHeaders(report.target).map(({name, value}) => {
    if (withheld.has(name.toLowerCase())) return `${name}: [not sent: a secret goes only over TLS that verifies for the target]`
    return `${name}: ${printable(value)}`
  })
}

function handshakeSent(p: ProbeObservation): string {
  const where = `${p.sent.address ?? '?'}:${p.sent.port}`
  if (p.sent.scheme === 'http') return `TCP ${where}, plain HTTP`
  return `TCP ${where}, TLS ClientHello ${p.sent.sni === null ? 'without SNI' : `SNI ${p.sent.sni}`}`
}

function certificateLine(p: ProbeObservation): string | undefined {
  const leaf = p.tls?.chain[0]
  if (!leaf) return undefined
  const names = leaf.sans.length > 0 ? ` (${leaf.sans.slice(0, 3).join(', ')}${leaf.sans.length > 3 ? ', …' : ''})` : ''
  const trust = p.tls?.trusted ? 'trusted' : `not trusted${p.tls?.trustError ? `: ${p.tls.trustError}` : ''}`
  const match = p.tls?.nameMatch ? 'name ok' : 'name mismatch'
  return printable(`certificate ${leaf.subject}${names}, issuer ${leaf.issuer}, until ${leaf.notAfter.slice(0, 10)}: ${trust}, ${match}`)
}

/** The lines for one probe, without the heading. */
export function exchangeLines(p: ProbeObservation, report: Report, options: VerboseOptions): string[] {
  const room = Math.max(40, options.width - 6)
  const sent = (text: string) => `  ${options.paint('cyan', '>')} ${text}`
  const got = (text: string) => `  ${options.paint('yellow', '<')} ${cut(text, room)}`
  const lines = [sent(handshakeSent(p))]

  const tls = p.tls
  if (tls?.alert) lines.push(got(`TLS alert ${tls.alert.number} ${tls.alert.name}`))
  // The probe keeps the first bytes of any failed handshake: an alert record is TLS, only tls-malformed is not.
  if (tls?.firstBytesHex) lines.push(got(`${firstBytes(tls.firstBytesHex, room - 30)}  (${p.outcome === 'tls-malformed' ? 'not a TLS record' : 'first bytes back'})`))
  if (tls?.version) {
    lines.push(got(`${tls.version} ${tls.cipher ?? ''}${tls.alpn ? `, ALPN ${tls.alpn}` : ''}`))
    const certificate = certificateLine(p)
    if (certificate) lines.push(got(certificate))
  }

  // The request went out when the connection was plain HTTP or the handshake completed.
  const requestSent = p.error?.phase !== 'dns' && p.error?.phase !== 'connect' && (p.sent.scheme === 'http' || tls?.version !== undefined)
  if (requestSent) {
    lines.push(sent(`${p.sent.method} ${printable(p.sent.path)} HTTP/1.1`), sent(`Host: ${p.sent.host}`))
    for (const header of headerLines(p, report)) lines.push(sent(header))
  }

  const http = p.http
  const redacted = new Set(sentHeaders(report.target).filter((h) => h.redacted).map((h) => h.name.toLowerCase()))
  if (http) {
    lines.push(got(printable(`HTTP/${http.httpVersion} ${http.status} ${http.statusText}`)))
    // These are the report's telling headers, already scrubbed of every secret we sent (and a header
    // named like one, redactSecrets): a name that merely looks secret (www-authenticate, a challenge)
    // is shown. A report saved by an older version may still hold the value of a --redact name: hidden.
    for (const [name, value] of Object.entries(http.headers)) lines.push(got(`${printable(name)}: ${redacted.has(name.toLowerCase()) ? REDACTED : printable(value)}`))
    if (http.bodyBytes > 0) {
      const what = `body ${http.bodyBytes} bytes${http.contentType ? ` (${printable(http.contentType)})` : ''}: `
      lines.push(got(what + printable(http.bodyExcerpt)))
    }
  }
  if (p.error?.firstBytesHex) lines.push(got(`${firstBytes(p.error.firstBytesHex, room - 30)}  (not an HTTP response)`))
  if (p.error) lines.push(got(printable(`${p.error.code} in ${p.error.phase}: ${p.error.message}`)))

  const colour = p.outcome === 'ok' ? 'green' : p.outcome === 'http-error' ? 'yellow' : 'red'
  lines.push(`  = ${options.paint(colour, p.outcome)}${p.status !== undefined ? ` ${p.status}` : ''}, ${timingText(p)}`)
  return lines
}

/** Every probe's exchange (and the --via request's), one block each. */
export function renderExchanges(report: Report, options: VerboseOptions): string {
  const blocks = (report.via ? [...report.probes, report.via] : report.probes).map((p) =>
    [`${options.paint('bold', p.id)}  ${options.paint('dim', p.description)}`, ...exchangeLines(p, report, options)].join('\n'),
  )
  return blocks.join('\n')
}
