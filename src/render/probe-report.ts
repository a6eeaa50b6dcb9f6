import type {Paint} from '../cli/colour.js'
import type {Diagnosis, Severity} from '../diagnosis/types.js'
import {PROXY_KINDS, type ProxyKind} from '../fixes/types.js'
import type {Report} from '../observations/report.js'
import type {ProbeObservation} from '../observations/types.js'
import {renderAddressResults} from './address-results.js'
import {renderSentHeaders} from './sent-headers.js'

export interface RenderOptions {
  paint: Paint
  proxyKind: ProxyKind | 'all'
  /** Terminal width for the table; the table wraps within it. */
  width: number
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

/** The table's columns, widest first to go: a narrow terminal keeps what tells the story. */
const WIDE = [21, 24, 13, 22, 26, 7]
const NARROW = [20, 14, 30, 7]

export function renderProbeTable(report: Report, Table: typeof import('cli-table3'), options: RenderOptions): string {
  const wide = options.width >= WIDE.reduce((a, b) => a + b, 0) + WIDE.length + 1
  const table = new Table({
    head: wide ? ['probe', 'sent', 'outcome', 'status / alert', 'certificate', 'ms'] : ['probe', 'outcome', 'status / alert', 'ms'],
    style: {head: options.paint('bold', 'x') === 'x' ? [] : ['cyan'], border: []},
    wordWrap: true,
    colWidths: wide ? WIDE : NARROW,
  })
  for (const p of report.via ? [...report.probes, report.via] : report.probes) {
    const ms = String(Math.round(p.timings.total))
    table.push(
      wide
        ? [p.id, sentText(p, report.target), outcomeText(p, options.paint), detailText(p), certificateText(p, options.paint), ms]
        : [p.id, outcomeText(p, options.paint), detailText(p), ms],
    )
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
  const lines = [`${options.paint(SEVERITY_COLOUR[d.severity], d.severity.toUpperCase().padEnd(7))} ${options.paint('bold', d.id)}: ${d.summary}`]
  for (const item of d.details) lines.push(options.paint('dim', `        ${item.probe}: ${item.saw}`))
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
  out.push(renderProbeTable(report, Table, options), '')
  for (const d of report.diagnoses) out.push(renderDiagnosis(d, options), '')
  for (const kind of kindsToShow(options.proxyKind)) {
    const config = report.recommended[kind]
    if (config) out.push(options.paint('bold', `Recommended ${kind} configuration:`), indent(config, '  '), '')
  }
  if (report.addressResults) out.push(renderAddressResults(report.addressResults, options.paint), '')
  const verdictColour = report.verdict === 'healthy' ? 'green' : 'red'
  out.push(options.paint(verdictColour, `verdict: ${report.verdict}`) + ` — ${verdictLine(report)}`)
  return out.join('\n')
}

function verdictLine(report: Report): string {
  const proxy = report.diagnoses.find((d) => d.id.startsWith('proxy-') && d.id !== 'proxy-ok')
  if (proxy) return `${report.verdict === 'healthy' ? 'the target works, but ' : ''}your proxy does not (${proxy.id}: see above)`
  if (report.addressResults && !report.addressResults.agree) return `${report.addressResults.note} (see above)`
  const reference = report.probes.find((p) => p.id === 'tls-sni')
  if (report.verdict === 'healthy') return `the reference request gets ${reference?.status}; ${report.diagnoses.filter((d) => d.severity === 'warning').length} requirement(s) your proxy must meet`
  const first = report.diagnoses.find((d) => d.severity === 'error')
  return first ? first.summary : 'the reference request does not work'
}
