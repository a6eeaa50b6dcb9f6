// `explain`: which explainer reads the text. Log lines first (they contain everything else),
// then curl's lines, then the short forms (termination state, alert, ids), then codes anywhere.

import {match as matchCurl, matchNumber as matchCurlNumber} from './curl.js'
import {match as matchErrorCode} from './error-codes.js'
import {match as matchHaproxyLog} from './haproxy-log.js'
import {match as matchNginx} from './nginx-error.js'
import {match as matchOutcome, matchStatus} from './outcomes.js'
import {match as matchTermination} from './termination-state.js'
import {match as matchAlert} from './tls-alerts.js'
import {capInput, deepClean, echo} from './text.js'
import type {Explanation, Matcher} from './types.js'

export type {Explanation, ExplanationKind, Matcher} from './types.js'
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

/** Lines of a multi-line paste that are tried one by one, at most. */
const MAX_LINES = 200

function firstMatch(text: string): Explanation | null {
  for (const {match} of MATCHERS) {
    const found = match(text)
    if (found) return found
  }
  return null
}

/** Strips what terminals and chat tools add around a pasted line: a `$ ` or `> ` prompt, backticks, quotes. */
function unwrap(text: string): string {
  let out = text.trim()
  if (out.length >= 2 && ((out.startsWith('`') && out.endsWith('`')) || (out.startsWith("'") && out.endsWith("'")))) out = out.slice(1, -1).trim()
  return out.replace(/^(?:\$|>|#) +/, '')
}

/**
 * Explains an HAProxy termination state or log line, an nginx upstream error, a TLS alert, a curl
 * error, a Node/OpenSSL error code or an apigw-doctor id. Pure and offline; null when nothing fits.
 */
export function explain(text: string): Explanation | null {
  if (typeof text !== 'string') return null
  const capped = capInput(text)
  const whole = unwrap(capped)
  if (whole.length === 0) return null
  const lines = whole.split(/\r?\n/).map((line) => unwrap(line)).filter((line) => line.length > 0)
  let found: Explanation | null = null
  if (lines.length <= 1) {
    found = firstMatch(whole)
  } else {
    // A paste of several lines: the first line any explainer recognises, and how many others there were.
    for (const [index, line] of lines.slice(0, MAX_LINES).entries()) {
      found = firstMatch(line)
      if (found) {
        found = {...found, input: echo(line)}
        if (lines.length > 1) found.fields = {...found.fields, lineNumber: index + 1, linesInInput: lines.length}
        break
      }
    }
    found ??= matchErrorCode(whole)
  }
  return found ? deepClean(found) : null
}

/** Explains every recognised line of a paste (a log excerpt); unrecognised lines are skipped. */
export function explainLines(text: string, limit = MAX_LINES): Explanation[] {
  const out: Explanation[] = []
  if (typeof text !== 'string') return []
  for (const line of capInput(text).split(/\r?\n/)) {
    if (out.length >= limit) break
    const trimmed = unwrap(line)
    if (trimmed.length === 0) continue
    const found = firstMatch(trimmed)
    if (found) out.push(deepClean(found))
  }
  return out
}
