import {createRequire} from 'node:module'

import {UsageError} from '../cli/errors.js'
import {inputLabel, readBoundedText} from '../cli/read-input.js'
import type {Report} from './report.js'
import {printable, printableLine} from '../text/controls.js'

/** A report is tens of KiB; this leaves room for an NDJSON batch of hundreds. */
export const MAX_REPORT_BYTES = 32 * 1024 * 1024

/** Loads the schema that ships with the package (schema/report.schema.json). */
export function reportSchema(): object {
  return createRequire(import.meta.url)('../../schema/report.schema.json') as object
}

type Validator = ((data: unknown) => boolean) & {errors?: Array<{instancePath: string; message?: string}> | null}
let validator: Validator | undefined

export async function reportValidator(): Promise<Validator> {
  if (!validator) {
    const [{default: Ajv}, {default: addFormats}] = await Promise.all([import('ajv'), import('ajv-formats')])
    const ajv = new (Ajv as unknown as typeof Ajv.default)({allErrors: false, strict: false})
    ;(addFormats as unknown as typeof addFormats.default)(ajv)
    validator = ajv.compile(reportSchema()) as Validator
  }
  return validator
}

/** What `probe --json` writes: one report, or (a batch) one report per line. */
export interface SavedReports {
  reports: Report[]
  /** The input was NDJSON (several documents, one per line). */
  ndjson: boolean
}

const EXPECTED = "expected the output of 'apigw-doctor probe --json'"

/**
 * Reads saved `probe --json` output from a file or stdin ('-'): one report, or NDJSON, one per line.
 * Anything else, and any line of it that is not a valid report, is a usage error with a one-line reason.
 */
export async function readReports(path: string): Promise<SavedReports> {
  const text = await readBoundedText(path, {what: 'report', maxBytes: MAX_REPORT_BYTES, code: 'bad-report', expected: 'a probe report'})
  return parseReports(text, inputLabel(path, 'report'))
}

/** Parses one JSON report or NDJSON reports; `label` names the input in messages. */
export async function parseReports(text: string, label: string): Promise<SavedReports> {
  if (text.trim() === '') throw new UsageError(`${label}: empty, ${EXPECTED}`, 'bad-report')
  const whole = tryParse(text)
  if (whole.ok && isBatchErrorLine(whole.value)) throw new UsageError(`${label}: no report in it, only the errors of a batch (${EXPECTED})`, 'bad-report')
  if (whole.ok) return {reports: [await checkReport(whole.value, label)], ndjson: false}
  const lines = text.split('\n').map((line, index) => ({line: line.trim(), number: index + 1})).filter(({line}) => line !== '')
  // NDJSON only when its first line is a document by itself: otherwise it is one broken document.
  if (lines.length < 2 || !tryParse(lines[0]!.line).ok) throw new UsageError(`${label}: not JSON (${EXPECTED})`, 'bad-report')
  const reports: Report[] = []
  for (const {line, number} of lines) {
    const where = `${label}, line ${number}`
    const parsed = tryParse(line)
    if (!parsed.ok) throw new UsageError(`${where}: not JSON (${EXPECTED}, one report per line)`, 'bad-report')
    // A batch names the bad lines of its target list among the reports (schema/batch-error.schema.json).
    if (isBatchErrorLine(parsed.value)) continue
    reports.push(await checkReport(parsed.value, where))
  }
  if (reports.length === 0) throw new UsageError(`${label}: no report in it, only the errors of a batch (${EXPECTED})`, 'bad-report')
  return {reports, ndjson: true}
}

async function checkReport(data: unknown, where: string): Promise<Report> {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || (data as {schemaVersion?: unknown}).schemaVersion === undefined) {
    throw new UsageError(`${where}: not an apigw-doctor report (no schemaVersion; ${EXPECTED})`, 'bad-report')
  }
  const version = (data as {schemaVersion: unknown}).schemaVersion
  if (version !== 1) {
    throw new UsageError(`${where}: schemaVersion ${String(JSON.stringify(version)).slice(0, 40)} is not supported (this version reads 1)`, 'bad-report')
  }
  const validate = await reportValidator()
  if (!validate(data)) {
    const first = validate.errors?.[0]
    throw new UsageError(`${where}: not a valid report: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`, 'bad-report')
  }
  return defuse(data) as Report
}

/**
 * A saved report is someone else's text: every string (and key) has its control characters
 * replaced by U+FFFD, as the probes do with what a peer sends. Body excerpts keep line breaks and tabs.
 */
function defuse(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return key === 'bodyExcerpt' ? printable(value) : printableLine(value)
  if (Array.isArray(value)) return value.map((item) => defuse(item))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [printableLine(name), defuse(item, name)]))
  }
  return value
}

function isBatchErrorLine(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Object.keys(data).length !== 1) return false
  const error = (data as {error?: unknown}).error
  if (typeof error !== 'object' || error === null) return false
  const {code, message, source, line} = error as Record<string, unknown>
  return typeof code === 'string' && typeof message === 'string' && typeof source === 'string' && Number.isInteger(line)
}

function tryParse(text: string): {ok: true; value: unknown} | {ok: false} {
  try {
    return {ok: true, value: JSON.parse(text) as unknown}
  } catch {
    return {ok: false}
  }
}
