// haproxy-undefined-acl: a condition naming an ACL that is not defined, or defined only further
// down (HAProxy reads ACLs in order): either way HAProxy refuses to start.

import {PROXY_SECTIONS, type HaproxyDirective, type HaproxySection, type HaproxyWord} from '../haproxy-parser.js'
import {closest} from '../hosts.js'
import type {RawFinding} from '../types.js'
import {first, originalLine, replaceWord} from './context.js'
import type {HaproxyRule} from './rule.js'

export const PREDEFINED_ACLS = new Set([
  'TRUE',
  'FALSE',
  'HTTP',
  'HTTP_1.0',
  'HTTP_1.1',
  'HTTP_2.0',
  'HTTP_3.0',
  'HTTP_CONTENT',
  'HTTP_URL_ABS',
  'HTTP_URL_SLASH',
  'HTTP_URL_STAR',
  'LOCALHOST',
  'METH_CONNECT',
  'METH_DELETE',
  'METH_GET',
  'METH_HEAD',
  'METH_OPTIONS',
  'METH_POST',
  'METH_PUT',
  'METH_TRACE',
  'RDP_COOKIE',
  'REQ_CONTENT',
  'WAIT_END',
])

export const acls: HaproxyRule = {
  name: 'acl',
  create: ({findings}) => ({
    proxy: (info) => checkAcls(info.section, findings),
    // defaults sections may hold rules with conditions (HAProxy >= 2.5): their ACLs are their own.
    defaults: (section) => checkAcls(section, findings),
  }),
}

interface AclUse {
  name: string
  word: HaproxyWord
}

/** The ACL names a directive's condition uses (anonymous `{ ... }` ACLs skipped). */
export function conditionAcls(directive: HaproxyDirective): AclUse[] {
  const words = directive.words
  if (first(directive) === 'acl') return []
  const start = words.findIndex((word, i) => i > 0 && !word.quoted && (word.value === 'if' || word.value === 'unless'))
  if (start < 0) return []
  const uses: AclUse[] = []
  let depth = 0
  for (const word of words.slice(start + 1)) {
    // HAProxy strips the negations first: `!{ ssl_fc }` is an anonymous ACL too.
    const name = word.value.replace(/^!+/, '')
    if (name === '{' && !word.quoted) {
      depth++
      continue
    }
    if (name === '}' && !word.quoted) {
      depth = Math.max(0, depth - 1)
      continue
    }
    if (depth > 0) continue
    if (name === '' || name.toLowerCase() === 'or' || name === '||') continue
    uses.push({name, word})
  }
  return uses
}

function looksTemplated(directive: HaproxyDirective): boolean {
  const keyword = directive.words[0]?.raw ?? ''
  return /^(?:\{|\$|<|%)/.test(keyword)
}

function checkAcls(section: HaproxySection, findings: RawFinding[]): void {
  if (!PROXY_SECTIONS.has(section.keyword)) return
  const definitions = new Map<string, number>()
  for (const directive of section.directives) {
    if (first(directive) === 'acl' && directive.words[1] && !definitions.has(directive.words[1].value)) {
      definitions.set(directive.words[1].value, directive.line)
    }
  }
  const templated = section.directives.some(looksTemplated)
  for (const directive of section.directives) {
    const reportedHere = new Set<string>()
    for (const use of conditionAcls(directive)) {
      if (PREDEFINED_ACLS.has(use.name) || reportedHere.has(use.name)) continue
      const definedAt = definitions.get(use.name)
      if (definedAt !== undefined && definedAt < directive.line) continue
      reportedHere.add(use.name)
      const where = `${section.keyword} ${section.name ?? ''}`.trim()
      if (definedAt !== undefined) {
        const definition = section.directives.find((candidate) => candidate.line === definedAt)
        findings.push({
          line: directive.line,
          severity: 'error',
          id: 'haproxy-undefined-acl',
          message: `ACL '${use.name}' is used before its definition at line ${definedAt}: HAProxy reads ACLs in order and refuses to start ("no such ACL : '${use.name}'"). Move the acl line above`,
          fix: definition ? `${originalLine(definition)}\n${directive.text.trim()}` : null,
          fixAction: definition ? 'replace' : null,
        })
        continue
      }
      const suggestion = closest(use.name, [...definitions.keys(), ...PREDEFINED_ACLS])
      findings.push({
        line: directive.line,
        severity: templated ? 'warning' : 'error',
        id: 'haproxy-undefined-acl',
        message: `ACL '${use.name}' is not defined in ${where}: HAProxy refuses to start ("no such ACL : '${use.name}'")${suggestion ? `; did you mean '${suggestion}'?` : ''}${templated ? ' (the section holds template placeholders that may define it)' : ''}`,
        fix: suggestion ? replaceWord(directive, use.word, use.word.raw.replace(use.name, suggestion)) : null,
        fixAction: suggestion ? 'replace' : null,
      })
    }
  }
}
