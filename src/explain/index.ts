// `explain`: which explainer reads the text. Log lines first (they contain everything else),
// then curl's lines, then the short forms (termination state, alert, ids), then codes anywhere.

import {match as matchCurl, matchNumber as matchCurlNumber} from './curl.js'
import {match as matchErrorCode} from './error-codes.js'
import {match as matchHaproxyLog} from './haproxy-log.js'
import {match as matchNginx} from './nginx-error.js'
import {match as matchOutcome, matchStatus} from './outcomes.js'
import {match as matchTermination} from './termination-state.js'
import {alertNotes, match as matchAlert} from './tls-alerts.js'
import {capInput, deepClean, echo} from './text.js'
import {MAX_PROBLEMS, type Explanation, type Matcher} from './types.js'

export type {Explanation, ExplanationKind, Matcher} from './types.js'
export {MAX_PROBLEMS} from './types.js'
export {alertName, TLS_ALERTS} from './tls-alerts.js'

/** Tried in this order on the whole text, then on each line of a multi-line paste. */
export const MATCHERS: readonly {name: string; match: Matcher}[] = [
  {name: 'haproxy-log', match: matchHaproxyLog},
  {name: 'nginx-error', match: matchNginx},
  {name: 'curl', match: matchCurl},
  {name: 'haproxy-termination-state', match: matchTermination},
  {name: 'tls-alert', match: matchAlert},
  {name: 'curl-number', match: matchCurlNumber},
  {name: 'outcome', match: matchOutcome},
  {name: 'http-status', match: matchStatus},
  {name: 'error-code', match: matchErrorCode},
]

/** Lines of a multi-line paste that are tried one by one, at most (64 KiB of log is about this many). */
const MAX_LINES = 1000

/**
 * Numbers that are both a TLS alert and a curl exit code, read as curl first: the curl codes people
 * quote most (22 --fail, 51 and 60 certificate problems). An alert that only TLS ≤ 1.2 or SSLv3
 * defines (60 export_restriction) is read as curl too. Either way the other reading is named.
 */
const CURL_FIRST: ReadonlySet<number> = new Set([22, 51, 60])

/** A bare number: a TLS alert, a curl exit code, or both (then the likelier first, the other named). */
function explainNumber(input: string): Explanation | null {
  const n = Number(input)
  const alert = matchAlert(input)
  const curl = matchCurlNumber(input)
  if (!alert || !curl) return alert ?? curl
  const curlFirst = CURL_FIRST.has(n) || alertNotes(n).legacy
  const [primary, other] = curlFirst ? [curl, alert] : [alert, curl]
  const notes = alertNotes(n)
  const otherText = curlFirst
    ? `TLS alert ${n} ${notes.name}: ${notes.meaning}${notes.legacy && !notes.meaning.includes('obsolete') ? ' (obsolete: TLS ≤ 1.2 only)' : ''}`
    : `curl exit code ${n} (${String(curl.fields?.name ?? '')}): ${other.summary.replace(/^curl \d+ \([^)]*\): /, '').replace(/\.$/, '')}`
  const ask = curlFirst ? `alert ${n}` : `curl ${n}`
  return {
    ...primary,
    fields: {...primary.fields, alternatives: [{kind: other.kind, summary: other.summary, ask}]},
    meaning: [`Also ${otherText}; for that reading: \`apigw-doctor explain ${ask}\`.`, ...primary.meaning],
  }
}

function firstMatch(text: string): Explanation | null {
  if (/^\d{1,3}$/.test(text)) {
    const number = explainNumber(text)
    if (number) return number
  }
  for (const {match} of MATCHERS) {
    const found = match(text)
    if (found) return found
  }
  return null
}

const QUOTES: readonly [string, string][] = [
  ['`', '`'],
  ["'", "'"],
  ['"', '"'],
  ['\u201c', '\u201d'],
  ['\u2018', '\u2019'],
]

/** Strips what terminals and chat tools add around a pasted line: a `$ ` or `> ` prompt, backticks, quotes. */
function unwrap(text: string): string {
  let out = text.trim()
  for (const [open, close] of QUOTES) {
    if (out.length < 2 || !out.startsWith(open) || !out.endsWith(close)) continue
    const inner = out.slice(open.length, -close.length)
    // `"SC--"` is a quoted word; `"GET /" 200 "x"` is not one quoted string: leave it.
    if (open === '"' && inner.includes('"')) continue
    out = inner.trim()
    break
  }
  return out.replace(/^(?:\$|>|#) +/, '')
}

/** The non-empty lines of a paste, unwrapped, as the explainers see them. */
export function inputLines(text: string): string[] {
  if (typeof text !== 'string') return []
  const whole = unwrap(capInput(text))
  return whole.length === 0 ? [] : whole.split(/\r?\n/).map((line) => unwrap(line)).filter((line) => line.length > 0)
}

/**
 * How much a recognised line says something failed: 3 a failure (a termination state other than
 * `----`, a 5xx, an nginx [error] or worse, a health check that failed, any curl/TLS/Node error),
 * 2 a 4xx the edge answered (`---- 403`: the Host or stage mistakes), 1 a side issue (client aborts,
 * nginx [warn], a frontend connection error), 0 nothing wrong (a 200 `----`, a check that passed).
 */
export function problemLevel(e: Explanation): 0 | 1 | 2 | 3 {
  const f = (e.fields ?? {}) as Record<string, unknown>
  const status = typeof f.status === 'number' ? f.status : undefined
  const byStatus = (): 0 | 2 | 3 => (status === undefined ? 0 : status >= 500 || status < 0 ? 3 : status >= 400 ? 2 : 0)
  switch (e.kind) {
    case 'haproxy-log':
    case 'haproxy-termination-state': {
      if (f.format === 'server-state') return f.state === 'UP' ? 0 : 3
      if (f.format === 'connection-error') return 1
      const code = String((f.termination as {code?: unknown} | undefined)?.code ?? '')
      const first = code.charAt(0)
      if (code !== '' && code !== '----' && code !== '--') {
        // Client aborts and timeouts say nothing about the edge, unless the status does.
        return first === 'C' || first === 'c' ? (Math.max(1, byStatus()) as 1 | 2 | 3) : 3
      }
      return byStatus()
    }
    case 'nginx-error': {
      const level = typeof f.level === 'string' ? f.level : 'error'
      if (f.case === 'upstream-disabled') return 1
      return level === 'warn' ? 1 : ['debug', 'info', 'notice'].includes(level) ? 0 : 3
    }
    case 'outcome':
      if (status !== undefined) return byStatus()
      return ['ok', 'healthy', 'proxy-ok', 'http-plain', 'tls-sni'].includes(String(f.id)) ? 0 : 2
    case 'tls-alert':
    case 'curl':
    case 'error-code':
      return 3
  }
}

/**
 * Explains an HAProxy termination state or log line, an nginx upstream error, a TLS alert, a curl
 * error, a Node/OpenSSL error code or an apigw-doctor id. Pure and offline; null when nothing fits.
 * For a paste of several lines, the most telling recognised line (the first failure, else the first
 * line recognised), with `fields.lineNumber` and `fields.linesInInput`; see explainPaste() for all.
 */
export function explain(text: string): Explanation | null {
  if (typeof text !== 'string') return null
  const whole = unwrap(capInput(text))
  if (whole.length === 0) return null
  const lines = inputLines(text)
  let found: Explanation | null = null
  if (lines.length <= 1) {
    found = firstMatch(whole)
  } else {
    let level = -1
    for (const [index, line] of lines.slice(0, MAX_LINES).entries()) {
      const candidate = firstMatch(line)
      if (!candidate) continue
      const candidateLevel = problemLevel(candidate)
      if (candidateLevel > level) {
        level = candidateLevel
        found = {...candidate, input: echo(line), fields: {...candidate.fields, lineNumber: index + 1, linesInInput: lines.length}}
        if (level === 3) break
      }
    }
    found ??= matchErrorCode(whole)
  }
  return found ? deepClean(found) : null
}

/** What explainPaste() found in a paste of log lines. */
export interface PasteReport {
  /** Non-empty lines read (at most MAX_LINES are tried). */
  lines: number
  /** Lines some explainer recognised. */
  recognised: number
  /** Distinct problems found (by kind and summary), of which `explanations` holds the first MAX_PROBLEMS. */
  problems: number
  /**
   * Each distinct problem, in the order it first appears, with `fields.lineNumber` (its first line,
   * counting non-empty lines), `fields.linesInInput` and `fields.occurrences`. When no line shows
   * a problem: the first recognised line alone. Empty when nothing was recognised.
   */
  explanations: Explanation[]
}

/**
 * Explains each distinct problem of a log excerpt (`tail -n 50 haproxy.log | apigw-doctor explain -`):
 * a 200 `----` line is not one; repeats of the same problem are counted, not repeated.
 */
export function explainPaste(text: string, limit = MAX_PROBLEMS): PasteReport {
  const lines = inputLines(text)
  const distinct = new Map<string, Explanation>()
  let recognised = 0
  let firstRecognised: Explanation | null = null
  for (const [index, line] of lines.slice(0, MAX_LINES).entries()) {
    const found = firstMatch(line)
    if (!found) continue
    recognised++
    const here = {...found, input: echo(line), fields: {...found.fields, lineNumber: index + 1, linesInInput: lines.length}}
    firstRecognised ??= here
    if (problemLevel(found) === 0) continue
    const key = `${found.kind}\u0000${found.summary}`
    const seen = distinct.get(key)
    if (seen) seen.fields = {...seen.fields, occurrences: Number(seen.fields?.occurrences ?? 1) + 1}
    else distinct.set(key, {...here, fields: {...here.fields, occurrences: 1}})
  }
  let explanations = [...distinct.values()].slice(0, Math.max(1, limit))
  if (explanations.length === 0 && firstRecognised) explanations = [firstRecognised]
  if (recognised === 0 && lines.length > 0) {
    // No single line is recognised: a code or reason may still be in the paste (a stack trace).
    const whole = matchErrorCode(lines.join('\n'))
    if (whole) explanations = [whole]
  }
  return {lines: lines.length, recognised, problems: distinct.size, explanations: explanations.map((e) => deepClean(e))}
}

