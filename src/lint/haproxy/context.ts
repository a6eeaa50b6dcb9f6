// What the HAProxy rules know about the proxy sections: defaults, modes, Host rewrites, and who
// routes to whom. Read once per configuration, before any rule runs.

import {PROXY_SECTIONS, type HaproxyConfig, type HaproxyDirective, type HaproxySection, type HaproxyWord} from '../haproxy-parser.js'
import {isTemplated, literalHostName, splitHostPort} from '../hosts.js'

export type Mode = 'http' | 'tcp'

/** A Host rewrite: `host` is the literal name it sets, '' when the value is dynamic. */
export interface HostRewrite {
  host: string
  directive: HaproxyDirective
  section: HaproxySection
}

/** Everything the rules need to know about one proxy section. */
export interface ProxyInfo {
  section: HaproxySection
  defaults: HaproxySection | null
  /**
   * The mode the rules judge the section by: `mode` in it or its defaults, else read from its HTTP
   * directives or from the frontends that route to it, else tcp.
   */
  mode: Mode
  /** The mode HAProxy runs it in: `mode` in it or its defaults, else tcp (HAProxy's default). */
  effectiveMode: Mode
  /** The `mode` line of the section itself, if any. */
  modeDirective: HaproxyDirective | null
  /** The Host rewrite that applies (the section, its defaults, or every frontend routing to it). */
  hostRewrite: HostRewrite | null
}

/** A `use_backend` / `default_backend` line of a frontend or listen section. */
export interface Route {
  from: ProxyInfo
  directive: HaproxyDirective
}

const HTTP_DIRECTIVE = /^(?:http-request|http-response|http-after-response|http-reuse|http-send-name-header|reqi?rep|reqi?add|rspi?add|reqi?del|redirect|cookie|stats|compression|capture|unique-id-header|filter)$/
// httpchk is not an HTTP signal: HTTP health checks are common in TCP backends.
const HTTP_OPTION = /^(?:httplog|forwardfor|httpclose|http-server-close|http-keep-alive|http-buffer-request|http-use-proxy-header|http-pretend-keepalive|originalto|http_proxy|http-no-delay)$/
const HTTP_FETCH = /^(?:path|path_\w+|hdr|hdr_\w+|hdr\(.*|hdr_\w+\(.*|req\.hdr.*|req\.cook.*|cook.*|url|url_\w+|url\w*\(.*|base|base_\w+|method|query|capture\.req.*|http_auth.*|status|res\.hdr.*|req\.body.*)$/
/** `%[req.hdr(host)]`, `%[hdr(Host),lower]`...: the client's own Host, i.e. no rewrite at all. */
export const HOST_PASSTHROUGH = /^%\[\s*(?:req\.)?f?hdr\(\s*host\s*(?:,\s*-?\d+\s*)?\)\s*(?:,\s*(?:lower|upper)\s*)?\]$/i

export function first(directive: HaproxyDirective): string {
  return directive.words[0]?.value ?? ''
}

export function sectionLabel(section: HaproxySection): string {
  return `${section.keyword}${section.name ? ` ${section.name}` : ''}`
}

/** The directive as written, one space between words. */
export function originalLine(directive: HaproxyDirective): string {
  return directive.words.map((word) => word.raw).join(' ')
}

/** The directive with one of its words replaced, the rest of the line as written. */
export function replaceWord(directive: HaproxyDirective, word: HaproxyWord, replacement: string): string {
  const text = directive.text
  return (text.slice(0, word.start) + replacement + text.slice(word.start + word.raw.length)).trim()
}

/** The last `mode http|tcp` line of a section. */
export function modeLine(section: HaproxySection | null): HaproxyDirective | null {
  if (!section) return null
  let found: HaproxyDirective | null = null
  for (const directive of section.directives) {
    if (first(directive) !== 'mode') continue
    const value = directive.words[1]?.value
    if (value === 'http' || value === 'tcp') found = directive
  }
  return found
}

function modeOf(directive: HaproxyDirective | null): Mode | null {
  const value = directive?.words[1]?.value
  return value === 'http' || value === 'tcp' ? value : null
}

function hasHttpSignals(section: HaproxySection): boolean {
  return section.directives.some((directive) => {
    const keyword = first(directive)
    if (HTTP_DIRECTIVE.test(keyword)) return true
    if (keyword === 'option' && HTTP_OPTION.test(directive.words[1]?.value ?? '')) return true
    if (keyword === 'acl') return HTTP_FETCH.test(directive.words[2]?.value ?? '')
    if (keyword === 'use_backend' || keyword === 'use-server') {
      const open = directive.words.findIndex((word) => word.value === '{')
      return open >= 0 && HTTP_FETCH.test(directive.words[open + 1]?.value ?? '')
    }
    return false
  })
}

/** The Host rewrite a section does (the last one wins); null when it does none or passes the client's Host on. */
function hostRewriteIn(section: HaproxySection | null): HostRewrite | null {
  if (!section) return null
  let found: HostRewrite | null = null
  for (const directive of section.directives) {
    const words = directive.words.map((word) => word.value)
    const keyword = words[0]
    if (keyword === 'http-request' && (words[1] === 'set-header' || words[1] === 'replace-header') && words[2]?.toLowerCase() === 'host') {
      const value = words[1] === 'set-header' ? (words[3] ?? '') : (words[4] ?? '')
      found = HOST_PASSTHROUGH.test(value.trim()) ? null : {host: literalHost(value), directive, section}
    } else if (keyword === 'http-send-name-header' && (words[1] ?? 'x-forwarded-server').toLowerCase() === 'host') {
      found = {host: '', directive, section}
    } else if ((keyword === 'reqirep' || keyword === 'reqrep') && /^\^?host:/i.test(words[1] ?? '')) {
      // HAProxy 1.x: reqirep ^Host: Host:\ name
      const match = /^host:\s*(\S+)/i.exec(words[2] ?? '')
      found = {host: match ? literalHost(match[1] as string) : '', directive, section}
    }
  }
  return found
}

function literalHost(value: string): string {
  return literalHostName(value)?.replace(/\.$/, '') ?? ''
}

/** Sections, their defaults, modes and Host rewrites, and who routes to whom. */
export function describeProxies(config: HaproxyConfig): {infos: Map<HaproxySection, ProxyInfo>; routes: Map<HaproxySection, Route[]>} {
  const infos = new Map<HaproxySection, ProxyInfo>()
  let lastDefaults: HaproxySection | null = null
  const namedDefaults = new Map<string, HaproxySection>()
  const byName = new Map<string, HaproxySection>()
  for (const section of config.sections) {
    if (section.keyword === 'defaults') {
      lastDefaults = section
      if (section.name) namedDefaults.set(section.name, section)
      continue
    }
    if (!PROXY_SECTIONS.has(section.keyword)) continue
    const defaults = section.from ? (namedDefaults.get(section.from) ?? lastDefaults) : lastDefaults
    const own = modeLine(section)
    const explicit = modeOf(own) ?? modeOf(modeLine(defaults))
    infos.set(section, {
      section,
      defaults,
      mode: explicit ?? (hasHttpSignals(section) ? 'http' : 'tcp'),
      effectiveMode: explicit ?? 'tcp',
      modeDirective: own,
      hostRewrite: hostRewriteIn(section) ?? hostRewriteIn(defaults),
    })
    if (section.name && section.keyword !== 'frontend') byName.set(section.name, section)
  }

  // Who routes to whom: a backend with no mode anywhere is judged by the frontends that route to it
  // (HAProxy runs it in TCP mode all the same: the mode rule says so), and a Host rewrite done in
  // every frontend that routes to it counts.
  const routes = new Map<HaproxySection, Route[]>()
  for (const info of infos.values()) {
    if (info.section.keyword !== 'frontend' && info.section.keyword !== 'listen') continue
    for (const directive of info.section.directives) {
      const keyword = first(directive)
      if (keyword !== 'use_backend' && keyword !== 'default_backend') continue
      const target = byName.get(directive.words[1]?.value ?? '')
      if (!target || target === info.section) continue
      const list = routes.get(target)
      if (list) list.push({from: info, directive})
      else routes.set(target, [{from: info, directive}])
    }
  }
  for (const [backend, list] of routes) {
    const info = infos.get(backend)
    if (!info) continue
    const frontends = list.map((route) => route.from)
    const explicit = info.modeDirective !== null || modeLine(info.defaults) !== null
    if (!explicit && info.mode === 'tcp' && frontends.some((frontend) => frontend.mode === 'http')) info.mode = 'http'
    if (info.hostRewrite === null && frontends.length > 0 && frontends.every((frontend) => frontend.hostRewrite !== null)) {
      info.hostRewrite = frontends.map((frontend) => frontend.hostRewrite).find((rewrite) => rewrite?.host) ?? frontends[0]?.hostRewrite ?? null
    }
  }
  return {infos, routes}
}
