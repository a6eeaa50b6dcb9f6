import type {Paint} from '../cli/colour.js'
import {proxyProblem} from '../diagnosis/diagnose.js'
import type {Diagnosis, Severity} from '../diagnosis/types.js'
import {PROXY_KINDS, type ProxyKind} from '../fixes/types.js'
import type {Report} from '../observations/report.js'
import type {ProbeObservation} from '../observations/types.js'
import {renderAddressResults} from './address-results.js'
import {renderSentHeaders} from './sent-headers.js'
import {escapeForTerminal} from './terminal-text.js'

export interface RenderOptions {
  paint: Paint
  proxyKind: ProxyKind | 'all'
  /** Terminal width for the table; the table wraps within it. */
  width: number
  /** --verbose: each probe's exchange, printed between the heading and the table. */
  exchanges?: (report: Report) => string
}

function sentText(p: ProbeObservation, target: Report['target']): string {
  const bare = (value: string) => value.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/:\d+$/, '')
  const name = (value: string | null) =>
    value === null ? 'none' : bare(value) === target.host ? 'target' : bare(value) === target.wrongName ? 'other' : value
  if (p.sent.scheme === 'http') return `HTTP :${p.sent.port}\nHost ${name(p.sent.host)}`
  return `TLS :${p.sent.port} SNI ${name(p.sent.sni)}\nHost ${name(p.sent.host)}`
}

function outcomeText(p: ProbeObservation, paint: Paint): string {
  const colour = p.outcome === 'ok' ? 'green' : p.outcome === 'http-error' ? 'yellow' : 'red'
  return paint(colour, p.outcome)
}

function detailText(p: ProbeObservation): string {
  if (p.status !== undefined) {
    const type = p.http?.headers['x-amzn-errortype']
    return `${p.status}${type ? ` ${type.split(':')[0]}` : ''}`
  }
  if (p.tls?.alert) return `alert ${p.tls.alert.number} ${p.tls.alert.name}`
  if (p.outcome === 'tls-closed') return p.error?.code === 'ECONNRESET' ? 'reset, no alert' : 'closed, no alert'
  if (p.tls?.firstBytesHex) return `bytes ${p.tls.firstBytesHex.slice(0, 14)}…`
  if (p.error) return p.error.code
  return ''
}

function certificateText(p: ProbeObservation, paint: Paint): string {
  const leaf = p.tls?.chain[0]
  if (!leaf) return '-'
  const name = leaf.commonName ?? leaf.sans[0] ?? leaf.subject
  const trust = p.tls?.trusted ? paint('green', 'trusted') : paint('red', p.tls?.trustError ?? 'untrusted')
  const match = p.tls?.nameMatch ? paint('green', 'name ok') : paint('red', 'name mismatch')
  return `${name}\n${trust}, ${match}`
}

interface Column {
  head: string
  /** Width including cli-table3's one-space padding on each side. */
  min: number
  max: number
  cell(p: ProbeObservation, report: Report, paint: Paint): string
}

const ID: Column = {head: 'probe', min: 20, max: 20, cell: (p) => p.id}
const SENT: Column = {head: 'sent', min: 18, max: 26, cell: (p, report) => sentText(p, report.target)}
const OUTCOME: Column = {head: 'outcome', min: 16, max: 16, cell: (p, _report, paint) => outcomeText(p, paint)}
const DETAIL: Column = {head: 'status / alert', min: 10, max: 32, cell: (p) => detailText(p)}
const CERTIFICATE: Column = {head: 'certificate', min: 18, max: 44, cell: (p, _report, paint) => certificateText(p, paint)}
const MS: Column = {head: 'ms', min: 7, max: 7, cell: (p) => String(Math.round(p.timings.total))}

/** What gets the room left over, in turn, up to which width: each column up to where it reads well, then the long names. */
const GROWTH: ReadonlyArray<[Column, number]> = [
  [DETAIL, 16],
  [SENT, 24],
  [DETAIL, 20],
  [CERTIFICATE, 30],
  [CERTIFICATE, 44],
  [DETAIL, 32],
  [SENT, 26],
]

/** Columns and their widths for a terminal this wide: all six when they fit, else those that tell the story. */
export function tableLayout(width: number): {columns: Column[]; widths: number[]} {
  const fits = (columns: Column[], slack = 0) => columns.reduce((sum, c) => sum + c.min, 0) + columns.length + 1 + slack <= width
  const wide = [ID, SENT, OUTCOME, DETAIL, CERTIFICATE, MS]
  const narrow = [ID, OUTCOME, DETAIL, MS]
  // Six columns only with room for an alert's name beside the certificate.
  const columns = fits(wide, 8) ? wide : fits(narrow) ? narrow : [ID, OUTCOME, MS]
  const widths = new Map(columns.map((c) => [c, c.min]))
  let room = width - (columns.reduce((sum, c) => sum + c.min, 0) + columns.length + 1)
  for (const [column, upTo] of GROWTH) {
    if (!widths.has(column) || room <= 0) continue
    const grow = Math.min(room, Math.max(0, upTo - widths.get(column)!))
    widths.set(column, widths.get(column)! + grow)
    room -= grow
  }
  return {columns, widths: columns.map((c) => widths.get(c)!)}
}

/**
 * Breaks words longer than a cell (a long certificate or host name) at dots and dashes, or anywhere
 * when a piece is still too long, so that cli-table3 wraps them instead of cutting them off with '…'.
 */
export function breakLongWords(text: string, width: number): string {
  if (width < 4) return text
  return text
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .map((word) => (visibleLength(word) <= width ? word : splitWord(word, width)))
        .join(' '),
    )
    .join('\n')
}

const ANSI = /\u001B\[[0-9;]*m/g
const visibleLength = (text: string) => text.replace(ANSI, '').length

function splitWord(word: string, width: number): string {
  if (ANSI.test(word)) return word // coloured words are short status words: never split inside a colour
  const pieces = word.match(/[^._-]*[._-]|[^._-]+$/g) ?? [word]
  const lines: string[] = []
  let current = ''
  for (const piece of pieces) {
    if (current.length + piece.length <= width) {
      current += piece
      continue
    }
    if (current) lines.push(current)
    current = piece
    while (current.length > width) {
      lines.push(current.slice(0, width))
      current = current.slice(width)
    }
  }
  if (current) lines.push(current)
  return lines.join('\n')
}

export function renderProbeTable(report: Report, Table: typeof import('cli-table3'), options: RenderOptions): string {
  const {columns, widths} = tableLayout(options.width)
  const table = new Table({
    head: columns.map((c) => c.head),
    style: {head: options.paint('bold', 'x') === 'x' ? [] : ['cyan'], border: []},
    wordWrap: true,
    colWidths: widths,
  })
  for (const p of report.via ? [...report.probes, report.via] : report.probes) {
    table.push(columns.map((column, i) => breakLongWords(column.cell(p, report, options.paint), widths[i]! - 2)))
  }
  return table.toString()
}

const SEVERITY_COLOUR: Record<Severity, 'red' | 'yellow' | 'cyan'> = {error: 'red', warning: 'yellow', info: 'cyan'}

function indent(text: string, prefix = '    '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => prefix + line)
    .join('\n')
}

function kindsToShow(kind: ProxyKind | 'all'): readonly ProxyKind[] {
  return kind === 'all' ? PROXY_KINDS : [kind]
}

export function renderDiagnosis(d: Diagnosis, options: RenderOptions): string {
  // Summaries and evidence quote peers (a body excerpt, a header): one line each, escapes visible.
  const lines = [`${options.paint(SEVERITY_COLOUR[d.severity], d.severity.toUpperCase().padEnd(7))} ${options.paint('bold', d.id)}: ${escapeForTerminal(d.summary)}`]
  for (const item of d.details) lines.push(options.paint('dim', `        ${item.probe}: ${escapeForTerminal(item.saw)}`))
  for (const kind of kindsToShow(options.proxyKind)) {
    const snippet = d.fix[kind]
    if (snippet) lines.push(`    fix (${kind}):`, indent(snippet, '        '))
  }
  if (d.fix.verify) lines.push(`    verify: ${d.fix.verify}`)
  return lines.join('\n')
}

export function renderReport(report: Report, Table: typeof import('cli-table3'), options: RenderOptions): string {
  const out: string[] = []
  const where = report.target.addresses.length > 0 ? ` (${report.target.addresses.slice(0, 3).join(', ')})` : ''
  out.push(options.paint('bold', `${report.target.host}:${report.target.port}${report.target.path}${where}`))
  const headers = renderSentHeaders(report.target)
  if (headers) out.push(headers)
  if (options.exchanges) out.push(options.exchanges(report), '')
  out.push(renderProbeTable(report, Table, options), '')
  for (const d of report.diagnoses) out.push(renderDiagnosis(d, options), '')
  for (const kind of kindsToShow(options.proxyKind)) {
    const config = report.recommended[kind]
    if (config) out.push(options.paint('bold', `Recommended ${kind} configuration:`), indent(config, '  '), '')
  }
  if (report.addressResults) out.push(renderAddressResults(report.addressResults, options.paint), '')
  out.push(renderVerdict(report, options))
  return out.join('\n')
}

/** The one line that says it all (`--quiet` prints only this); `withTarget` names the target first, for batches. */
export function renderVerdict(report: Report, options: Pick<RenderOptions, 'paint'>, withTarget = false): string {
  const verdictColour = report.verdict === 'healthy' ? 'green' : 'red'
  const target = withTarget ? `${report.target.host}:${report.target.port}${report.target.path}  ` : ''
  return target + options.paint(verdictColour, `verdict: ${report.verdict}`) + ` — ${verdictLine(report)}`
}

function verdictLine(report: Report): string {
  const proxy = proxyProblem(report.diagnoses)
  if (proxy) return `${report.verdict === 'healthy' ? 'the target works, but ' : ''}your proxy does not (${proxy.id})`
  if (report.addressResults && !report.addressResults.agree) return report.addressResults.note
  const reference = report.probes.find((p) => p.id === 'tls-sni')
  if (report.verdict === 'healthy') return `the reference request gets ${reference?.status}; ${report.diagnoses.filter((d) => d.severity === 'warning').length} requirement(s) your proxy must meet`
  const first = report.diagnoses.find((d) => d.severity === 'error')
  // A summary may quote a peer: one line, escapes visible, as in renderDiagnosis.
  return first ? escapeForTerminal(first.summary) : 'the reference request does not work'
}
