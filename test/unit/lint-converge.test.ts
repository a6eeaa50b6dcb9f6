// Applying every fix lint gives, the way a user would (replace the line at `line`, or add next to
// it), converges: after a few rounds nothing but info is left, for every fixture.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'

import {lintText} from '../../src/lint/index.js'
import {parseHaproxy} from '../../src/lint/haproxy-parser.js'
import type {ConfigKind, Finding, LintResult} from '../../src/lint/types.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'lint')
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, {proxyVersion?: string}>

const SEVERITY = {error: 0, warning: 1, info: 2}

/**
 * One round: per line, the first `replace` fix (errors first) and every `insert` fix. A replace
 * of a HAProxy line continued with backslashes takes the whole directive. Inserted lines take the
 * indentation of the line they follow (one level deeper after a section or block opener).
 */
function applyFixes(text: string, result: LintResult, kind: ConfigKind): string {
  const lines = text.split('\n')
  const spans = new Map<number, number>()
  if (kind === 'haproxy') for (const continuation of parseHaproxy(text).continuations) spans.set(continuation.line, continuation.endLine)
  const byLine = new Map<number, Finding[]>()
  for (const finding of [...result.findings].sort((a, b) => SEVERITY[a.severity] - SEVERITY[b.severity])) {
    if (!finding.fix || !finding.fixAction) continue
    const list = byLine.get(finding.line) ?? []
    list.push(finding)
    byLine.set(finding.line, list)
  }
  const out: string[] = []
  for (let index = 0; index < lines.length; index++) {
    const number = index + 1
    const original = lines[index] as string
    const indent = /^\s*/.exec(original)?.[0] ?? ''
    const findings = byLine.get(number) ?? []
    const replace = findings.find((finding) => finding.fixAction === 'replace')
    const opener = kind === 'haproxy' ? /^(?:defaults|frontend|backend|listen|global)\b/.test(original.trim()) : /\{\s*$/.test(original)
    const inner = opener ? indent + '    ' : indent
    if (replace) {
      // Lines the fix indents itself (a resolvers section's body) keep their indentation.
      for (const line of (replace.fix as string).split('\n')) out.push(line === '' || /^\s/.test(line) ? line : indent + line)
      index = (spans.get(number) ?? number) - 1
    } else {
      out.push(original)
    }
    const seen = new Set<string>()
    for (const finding of findings.filter((candidate) => candidate.fixAction === 'insert')) {
      for (const line of (finding.fix as string).split('\n')) {
        if (seen.has(line)) continue
        seen.add(line)
        out.push(inner + line)
      }
    }
  }
  return out.join('\n')
}

/** Applies fixes until nothing is left to apply; returns the last text and its result. */
function converge(text: string, file: string, proxyVersion: string | null = null, rounds = 6): {text: string; result: LintResult; history: string[]} {
  let current = text
  const history: string[] = []
  for (let round = 0; round < rounds; round++) {
    const result = lintText(current, {file, proxyVersion})
    const actionable = result.findings.filter((finding) => finding.fix && finding.severity !== 'info')
    history.push(result.findings.map((finding) => `${finding.line} ${finding.severity} ${finding.id}`).join(', '))
    if (actionable.length === 0) return {text: current, result, history}
    current = applyFixes(current, result, result.kind)
  }
  return {text: current, result: lintText(current, {file, proxyVersion}), history}
}

describe('applying the fixes converges', () => {
  for (const name of Object.keys(expected)) {
    test(name, () => {
      const {text, result, history} = converge(readFileSync(join(fixtures, name), 'utf8'), name, expected[name]?.proxyVersion ?? null)
      const left = result.findings.filter((finding) => finding.severity !== 'info')
      assert.deepEqual(left.map((finding) => `${finding.line} ${finding.id}: ${finding.message}`), [], `${text}\n--- rounds:\n${history.join('\n')}`)
    })
  }
})
