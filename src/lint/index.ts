// apigw-doctor lint: read an HAProxy or nginx configuration and find, with line numbers and the
// fix, the mistakes that break a proxy in front of API Gateway / CloudFront.

import {UsageError} from '../cli/errors.js'
import {runConfigCheck} from './check.js'
import {detectKind} from './detect.js'
import {lintHaproxy} from './haproxy/index.js'
import {lintNginx} from './nginx/index.js'
import {readConfigFile} from './read.js'
import type {ConfigKind, Finding, LintOptions, LintResult, RawFinding, Severity} from './types.js'

export type {ConfigKind, Finding, LintOptions, LintResult, Severity} from './types.js'
export {CONFIG_KINDS, FINDING_IDS} from './types.js'

const SEVERITY_ORDER: Record<Severity, number> = {error: 0, warning: 1, info: 2}

/** Lints configuration text (pure: no file system, no processes). */
export function lintText(text: string, options: LintOptions): LintResult & {lineCount: number} {
  const kind = options.kind ?? detectKind(text)
  if (!kind) {
    throw new UsageError(`cannot tell whether ${JSON.stringify(options.file)} is an HAProxy or an nginx configuration: pass --kind haproxy or --kind nginx`, 'unknown-kind')
  }
  const version = options.proxyVersion ?? null
  const {findings, config} = kind === 'haproxy' ? lintHaproxy(text, {version}) : lintNginx(text, {version})
  return {file: options.file, kind, findings: finish(options.file, findings, config.lineCount), lineCount: config.lineCount}
}

/**
 * Attaches the file, keeps line numbers in range, drops a finding two rules (or two visits of one
 * directive) made alike, sorts by line (then severity, then id).
 */
function finish(file: string, findings: RawFinding[], lineCount: number): Finding[] {
  const seen = new Set<string>()
  return findings
    .filter((finding) => {
      const key = `${finding.line}\u0000${finding.id}\u0000${finding.fix ?? ''}\u0000${finding.message}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .map((finding) => ({
      file,
      ...finding,
      line: Math.min(Math.max(1, finding.line), Math.max(1, lineCount)),
    }))
    .sort((a, b) => a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id.localeCompare(b.id))
}

export interface LintFileOptions {
  kind?: ConfigKind
  proxyVersion?: string | null
  /** Also run haproxy -c / nginx -t when installed. */
  check?: boolean
  checkTimeoutMs?: number
}

/**
 * Reads and lints a file (`-`: stdin); UsageError (exit 2) for a missing, unreadable, binary or
 * huge file, and for --check on stdin.
 */
export async function lintFile(file: string, options: LintFileOptions = {}): Promise<LintResult> {
  if (file === '-' && options.check) {
    throw new UsageError('--check needs a file: haproxy -c / nginx -t read the configuration from a path (and resolve its relative paths from there); save it to a file, or drop --check to lint stdin', 'bad-file')
  }
  const config = await readConfigFile(file)
  const shownAs = config.file
  const {lineCount, ...result} = lintText(config.text, {file: shownAs, kind: options.kind, proxyVersion: options.proxyVersion})
  if (!options.check || config.absolute === null) return result
  const outcome = await runConfigCheck(result.kind, config.absolute, lineCount, {timeoutMs: options.checkTimeoutMs, text: config.text, lintFindings: result.findings})
  const findings = finish(shownAs, [...result.findings, ...outcome.findings], lineCount)
  return outcome.available ? {...result, findings, checked: outcome.checked} : {...result, findings}
}

export function hasErrors(result: LintResult): boolean {
  return result.findings.some((finding) => finding.severity === 'error')
}
