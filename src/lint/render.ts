import {painter} from '../cli/colour.js'
import {CONTROLS, escapeCodePoint} from '../text/controls.js'
import type {LintResult, Severity} from './types.js'

/** Config text quoted in messages may hold control characters: never send them to the terminal raw. */
function printable(text: string): string {
  return text.replaceAll(CONTROLS, (ch) => (ch === '\t' || ch === '\n' ? ch : escapeCodePoint(ch)))
}

const COLOUR: Record<Severity, 'red' | 'yellow' | 'cyan'> = {error: 'red', warning: 'yellow', info: 'cyan'}

/**
 * Human output: `file:line  severity  id  message`, then how the fix applies ("replace line N
 * with:" or "add:") and the fix indented under it, then a summary.
 */
export function renderLint(result: LintResult, opts: {colour: boolean}): string {
  const paint = painter(opts.colour)
  const lines: string[] = []
  for (const finding of result.findings) {
    const [first = '', ...more] = printable(finding.message).split('\n')
    lines.push(`${printable(finding.file)}:${finding.line}  ${paint(COLOUR[finding.severity], finding.severity)}  ${paint('bold', finding.id)}  ${first}`)
    for (const line of more) lines.push(`    ${line}`)
    if (finding.fix) {
      lines.push(`    ${paint('dim', finding.fixAction === 'insert' ? 'add:' : `replace line ${finding.line} with:`)}`)
      for (const line of printable(finding.fix).split('\n')) lines.push(`      ${paint('green', line)}`)
    }
  }
  const count = (severity: Severity): number => result.findings.filter((finding) => finding.severity === severity).length
  const [errors, warnings, infos] = [count('error'), count('warning'), count('info')]
  if (result.checked) {
    const incomplete = !result.checked.ok && result.findings.some((finding) => finding.id === 'config-check-unavailable')
    const verdict = result.checked.ok ? 'configuration is valid' : incomplete ? 'could not complete' : 'failed'
    lines.push(paint('dim', `${result.checked.tool} ${result.checked.tool === 'haproxy' ? '-c' : '-t'}: ${verdict}`))
  }
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
  const summary = `${printable(result.file)} (${result.kind}): ${result.findings.length === 0 ? 'no problems found' : [plural(errors, 'error'), plural(warnings, 'warning'), `${infos} info`].join(', ')}`
  lines.push(errors > 0 ? paint('red', summary) : summary)
  return lines.join('\n') + '\n'
}
