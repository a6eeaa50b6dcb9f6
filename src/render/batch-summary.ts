import type {Paint} from '../cli/colour.js'
import {proxyProblem} from '../diagnosis/diagnose.js'
import type {Report, Verdict} from '../observations/report.js'
import {escapeForTerminal} from './terminal-text.js'

/** What a batch keeps of each report for its closing table: a few strings, not the report. */
export interface BatchRow {
  /** The target as given (URL, host:port…). */
  target: string
  verdict: Verdict
  /** The diagnosis that tells the story, e.g. "sni-required: …". */
  diagnosis: string
}

/**
 * The main diagnosis: the first error (problems come first in a report), else what the proxy got
 * wrong (--via), else "healthy" with the requirements a proxy must meet.
 */
export function mainDiagnosis(report: Report): string {
  const error = report.diagnoses.find((d) => d.severity === 'error')
  if (error) return `${error.id}: ${error.summary}`
  const proxy = proxyProblem(report.diagnoses)
  if (proxy) return `${proxy.id}: ${proxy.summary}`
  const requirements = report.diagnoses.filter((d) => d.severity === 'warning').map((d) => d.id)
  const head = report.diagnoses[0]
  if (report.verdict === 'healthy') return requirements.length > 0 ? `healthy; a proxy needs ${requirements.join(', ')}` : 'healthy'
  return head ? `${head.id}: ${head.summary}` : report.verdict
}

export function batchRow(input: string, report: Report): BatchRow {
  return {target: input, verdict: report.verdict, diagnosis: mainDiagnosis(report)}
}

export interface BatchTotals {
  /** Targets in the batch (valid lines and arguments). */
  targets: number
  badLines: number
  interrupted: boolean
}

function hardWrap(text: string, width: number): string {
  return text.match(new RegExp(`.{1,${width}}`, 'g'))?.join('\n') ?? ''
}

const VERDICT_COLOUR = {healthy: 'green', problems: 'yellow', unreachable: 'red'} as const

/** The closing table of a batch (target, verdict, main diagnosis), rows in the order given, and a tally. */
export function renderBatchSummary(rows: readonly BatchRow[], totals: BatchTotals, Table: typeof import('cli-table3'), options: {paint: Paint; width: number}): string {
  const {paint} = options
  const out: string[] = []
  if (rows.length > 0) {
    const targetWidth = Math.min(42, Math.max(8, ...rows.map((r) => r.target.length)) + 2)
    const diagnosisWidth = Math.max(30, options.width - targetWidth - 13 - 4)
    const table = new Table({
      head: ['target', 'verdict', 'main diagnosis'],
      style: {head: paint('bold', 'x') === 'x' ? [] : ['cyan'], border: []},
      // Words wrap; a target is one long word, so it is cut into lines here rather than truncated.
      wordWrap: true,
      colWidths: [targetWidth, 13, diagnosisWidth],
    })
    // A summary may quote a peer (as renderDiagnosis knows): escapes are shown, never acted on.
    for (const row of rows) table.push([hardWrap(row.target, targetWidth - 2), paint(VERDICT_COLOUR[row.verdict], row.verdict), escapeForTerminal(row.diagnosis)])
    out.push(table.toString())
  }
  const count = (verdict: Verdict) => rows.filter((r) => r.verdict === verdict).length
  const tally = [`${rows.length} of ${totals.targets} target${totals.targets === 1 ? '' : 's'} probed`, `${count('healthy')} healthy`, `${count('problems')} problems`, `${count('unreachable')} unreachable`]
  if (totals.badLines > 0) tally.push(`${totals.badLines} bad line${totals.badLines === 1 ? '' : 's'} skipped`)
  out.push(tally.join(', ') + (totals.interrupted ? paint('red', ' (interrupted)') : ''))
  return out.join('\n')
}
