// haproxy-http-rules-in-tcp-mode: HTTP rules in a section HAProxy runs in TCP mode are ignored (a
// Host rewrite among them). haproxy-backend-mode-mismatch: an HTTP frontend cannot use a TCP
// backend (HAProxy refuses to start).

import type {HaproxyDirective, HaproxySection} from '../haproxy-parser.js'
import type {RawFinding} from '../types.js'
import {first, modeLine, sectionLabel, type ProxyInfo, type Route} from './context.js'
import type {HaproxyRule} from './rule.js'

/** Rules HAProxy ignores outside HTTP mode ("'http-request' rules ignored for backend ... as they require HTTP mode"). */
const HTTP_RULES = new Set(['http-request', 'http-response', 'http-after-response'])

export const modes: HaproxyRule = {
  name: 'mode',
  create: ({routes, proxies, findings}) => ({
    proxy: (info) => checkModes(info, routes, proxies, findings),
  }),
}

function checkModes(info: ProxyInfo, routes: Map<HaproxySection, Route[]>, infos: Map<HaproxySection, ProxyInfo>, findings: RawFinding[]): void {
  const {section} = info
  if (section.keyword === 'defaults') return
  if (info.effectiveMode === 'tcp') {
    const rules = section.directives.filter((directive) => HTTP_RULES.has(first(directive)) && !directive.words[0]?.quoted)
    if (rules.length > 0) {
      const keywords = [...new Set(rules.map(first))]
      const label = sectionLabel(section)
      const explicitTcp = info.modeDirective !== null
      const where = explicitTcp
        ? `mode tcp at line ${info.modeDirective?.line}`
        : modeLine(info.defaults)
          ? `mode tcp in its defaults (line ${modeLine(info.defaults)?.line})`
          : info.defaults
          ? "no mode in it or its defaults, and HAProxy's default is tcp"
          : "no mode in it nor any defaults section before it in this file, and HAProxy's default is tcp"
      const rewrites = rules.some((rule) => rule.words[1]?.value === 'set-header' && rule.words[2]?.value.toLowerCase() === 'host')
      // A frontend turned to HTTP mode cannot use TCP backends ("incompatible tcp backend"): they need it too.
      const tcpBackends = [...routes.entries()].filter(([backend, list]) => list.some((route) => route.from === info) && !hasHttpMode(backend, infos)).map(([backend]) => backend.name ?? '')
      findings.push({
        line: explicitTcp ? (info.modeDirective as HaproxyDirective).line : section.header.line,
        severity: 'warning',
        id: 'haproxy-http-rules-in-tcp-mode',
        message: `${label} runs in TCP mode (${where}), so HAProxy ignores its ${keywords.join('/')} rules (line ${rules.map((rule) => rule.line).join(', ')}): "'${keywords[0]}' rules ignored for ${section.keyword === 'listen' ? 'proxy' : section.keyword} '${section.name ?? ''}' as they require HTTP mode"${rewrites ? '. The Host rewrite is never done and the edge answers 403' : ''}. Add mode http (or drop the rules if the section is meant to pass TLS through untouched)${
          tcpBackends.length > 0 ? `; the backends it routes to (${tcpBackends.join(', ')}) need mode http too: an HTTP frontend cannot use a TCP backend` : ''
        }${
          info.defaults || explicitTcp ? '' : '. If a defaults section in a file loaded before this one sets mode http, this does not apply'
        }`,
        fix: 'mode http',
        fixAction: explicitTcp ? 'replace' : 'insert',
      })
    }
  }
  // An HTTP frontend routing to a TCP backend: "http frontend 'x' tries to use incompatible tcp backend 'y'".
  if (section.keyword !== 'backend') return
  const fromHttp = (routes.get(section) ?? []).filter((route) => route.from.effectiveMode === 'http')
  if (fromHttp.length === 0 || info.effectiveMode === 'http') return
  const explicitTcp = info.modeDirective !== null
  const route = fromHttp[0] as Route
  findings.push({
    line: explicitTcp ? (info.modeDirective as HaproxyDirective).line : section.header.line,
    severity: 'error',
    id: 'haproxy-backend-mode-mismatch',
    message: `${sectionLabel(section)} runs in TCP mode (${explicitTcp ? `mode tcp at line ${info.modeDirective?.line}` : "no mode in it or its defaults: HAProxy's default is tcp"}) but ${sectionLabel(route.from.section)} is in HTTP mode and routes to it at line ${route.directive.line}: HAProxy refuses to start ("http frontend '${route.from.section.name ?? ''}' tries to use incompatible tcp backend '${section.name ?? ''}'"). Add mode http to the backend`,
    fix: 'mode http',
    fixAction: explicitTcp ? 'replace' : 'insert',
  })
}

function hasHttpMode(section: HaproxySection, infos: Map<HaproxySection, ProxyInfo>): boolean {
  return infos.get(section)?.effectiveMode === 'http'
}
