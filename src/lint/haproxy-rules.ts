// Static checks of an HAProxy configuration for the mistakes that break a proxy in front of
// API Gateway / CloudFront: no ssl to a TLS port (400), TLS without SNI (503 SC--), Host not
// rewritten (403), plus the ACL typo that stops HAProxy from starting.

import {parseVersion, versionAtLeast} from '../fixes/context.js'
import {haproxyCaFile, haproxyHasSniAuto, haproxyHostRewrite} from '../fixes/haproxy.js'
import type {FixContext} from '../fixes/types.js'
import {PROXY_SECTIONS, parseHaproxy, type HaproxyConfig, type HaproxyDirective, type HaproxySection, type HaproxyWord} from './haproxy-parser.js'
import {EMPTY_SETTINGS, applyOptions, keepableCaFile, parseServerOptions, readServerLine, rebuildServerLine, safeCaFile, type ServerLine, type ServerSettings} from './haproxy-server.js'
import {closest, edgeName, isApiGateway, isCloudEndpoint, isCloudFront, isSnippetSafe, isTemplated, splitHostPort} from './hosts.js'
import type {FixAction, RawFinding} from './types.js'

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

export interface HaproxyLintOptions {
  version: string | null
}

type Mode = 'http' | 'tcp'

/** A Host rewrite: `host` is the literal name it sets, '' when the value is dynamic. */
interface HostRewrite {
  host: string
  directive: HaproxyDirective
  section: HaproxySection
}

/** Everything the rules need to know about one proxy section. */
interface ProxyInfo {
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

const HTTP_DIRECTIVE = /^(?:http-request|http-response|http-after-response|http-reuse|http-send-name-header|reqi?rep|reqi?add|rspi?add|reqi?del|redirect|cookie|stats|compression|capture|unique-id-header|filter)$/
// httpchk is not an HTTP signal: HTTP health checks are common in TCP backends.
const HTTP_OPTION = /^(?:httplog|forwardfor|httpclose|http-server-close|http-keep-alive|http-buffer-request|http-use-proxy-header|http-pretend-keepalive|originalto|http_proxy|http-no-delay)$/
const HTTP_FETCH = /^(?:path|path_\w+|hdr|hdr_\w+|hdr\(.*|hdr_\w+\(.*|req\.hdr.*|req\.cook.*|cook.*|url|url_\w+|url\w*\(.*|base|base_\w+|method|query|capture\.req.*|http_auth.*|status|res\.hdr.*|req\.body.*)$/
/** Rules HAProxy ignores outside HTTP mode ("'http-request' rules ignored for backend ... as they require HTTP mode"). */
const HTTP_RULES = new Set(['http-request', 'http-response', 'http-after-response'])
/** `%[req.hdr(host)]`, `%[hdr(Host),lower]`...: the client's own Host, i.e. no rewrite at all. */
const HOST_PASSTHROUGH = /^%\[\s*(?:req\.)?f?hdr\(\s*host\s*(?:,\s*-?\d+\s*)?\)\s*(?:,\s*(?:lower|upper)\s*)?\]$/i

export function lintHaproxy(text: string, options: HaproxyLintOptions): {findings: RawFinding[]; config: HaproxyConfig} {
  const config = parseHaproxy(text)
  const findings: RawFinding[] = []
  const version = options.version

  for (const problem of config.problems) {
    findings.push({
      line: problem.line,
      severity: 'error',
      id: 'config-parse-error',
      message: `${problem.message}; HAProxy refuses to start ("unmatched quote"). Close the quote on this line`,
      fix: null,
      fixAction: null,
    })
  }

  for (const continuation of config.continuations) {
    findings.push({
      line: continuation.line,
      severity: 'error',
      id: 'haproxy-line-continuation',
      message: `line ends with a backslash: HAProxy does not join it with line ${continuation.line + 1}; it rejects the backslash as an unknown keyword and reads the next line as a directive of its own (HAProxy 2.6 refuses to start). Write the directive on one line (the fix replaces lines ${continuation.line}-${continuation.endLine})`,
      fix: continuation.text.trim(),
      fixAction: 'replace',
    })
  }

  const global = config.sections.find((section) => section.keyword === 'global') ?? null
  const globalBase = globalSettings(global, findings, version)
  const {infos: proxies, routes} = describeProxies(config)
  const resolversSection = config.sections.find((section) => section.keyword === 'resolvers')?.name ?? null

  const env: ServerCheckEnv = {globalBase, version, resolversSection, resolversExplained: false, verifyReported: new Set(), findings}
  for (const info of proxies.values()) {
    checkAcls(info.section, findings)
    checkModes(info, routes, proxies, findings)
    if (info.section.keyword !== 'backend' && info.section.keyword !== 'listen') continue
    checkServers(info, env)
  }
  // defaults sections may hold rules with conditions (HAProxy >= 2.5): their ACLs are their own.
  for (const section of config.sections) {
    if (section.keyword !== 'defaults') continue
    checkAcls(section, findings)
  }
  return {findings: dedupe(findings), config}
}

function dedupe(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<string>()
  return findings.filter((finding) => {
    const key = `${finding.line}\u0000${finding.id}\u0000${finding.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** `ssl-server-verify none` and `httpclient.ssl.verify none` in the global section. */
function globalSettings(global: HaproxySection | null, findings: RawFinding[], version: string | null): ServerSettings {
  let base = {...EMPTY_SETTINGS}
  if (!global) return base
  const ctx = caContext(version)
  for (const directive of global.directives) {
    const [keyword, value] = [directive.words[0]?.value, directive.words[1]?.value]
    if (keyword === 'ssl-server-verify') {
      base = {...base, verify: value ?? null, verifyLine: directive.line}
      if (value === 'none') {
        findings.push({
          line: directive.line,
          severity: 'warning',
          id: 'haproxy-verify-none',
          message: 'ssl-server-verify none turns off certificate verification for every server: a wrong or intercepted certificate goes unnoticed (and a certificate problem then looks like an SNI one in the logs)',
          fix: `ssl-server-verify required\n# and on each ssl server line: ca-file ${haproxyCaFile(ctx)}`,
          fixAction: 'replace',
        })
      }
    }
    if (keyword === 'httpclient.ssl.verify' && value === 'none') {
      findings.push({
        line: directive.line,
        severity: 'warning',
        id: 'haproxy-verify-none',
        message: 'httpclient.ssl.verify none: the internal HTTP client (Lua httpclient, ACME, resolvers over HTTPS) accepts any certificate',
        fix: `httpclient.ssl.verify required\nhttpclient.ssl.ca-file ${haproxyCaFile(ctx)}`,
        fixAction: 'replace',
      })
    }
  }
  return base
}

/** A context for the generators' version-dependent parts only (no host goes into the snippet). */
function caContext(version: string | null): FixContext {
  return {host: 'localhost', port: 443, address: null, path: '/', caFile: null, version}
}

function first(directive: HaproxyDirective): string {
  return directive.words[0]?.value ?? ''
}

function sectionLabel(section: HaproxySection): string {
  return `${section.keyword}${section.name ? ` ${section.name}` : ''}`
}

/** The last `mode http|tcp` line of a section. */
function modeLine(section: HaproxySection | null): HaproxyDirective | null {
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
  if (isTemplated(value)) return ''
  const parsed = splitHostPort(value)
  return parsed.kind === 'name' && parsed.host ? parsed.host.replace(/\.$/, '') : ''
}

/** A `use_backend` / `default_backend` line of a frontend or listen section. */
interface Route {
  from: ProxyInfo
  directive: HaproxyDirective
}

/** Sections, their defaults, modes and Host rewrites, and who routes to whom. */
function describeProxies(config: HaproxyConfig): {infos: Map<HaproxySection, ProxyInfo>; routes: Map<HaproxySection, Route[]>} {
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
  // (HAProxy runs it in TCP mode all the same: checkModes says so), and a Host rewrite done in
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

/**
 * HTTP rules in a section HAProxy runs in TCP mode are ignored (our own Host rewrite among them),
 * and an HTTP frontend cannot use a TCP backend (HAProxy refuses to start).
 */
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

interface ServerCheckEnv {
  globalBase: ServerSettings
  version: string | null
  resolversSection: string | null
  /** default-server / global lines whose verify none was reported already. */
  verifyReported: Set<number>
  /** The `resolvers dns` section has been shown once in a fix already. */
  resolversExplained: boolean
  findings: RawFinding[]
}

interface CheckedServer {
  server: ServerLine
  settings: ServerSettings
}

function checkServers(info: ProxyInfo, env: ServerCheckEnv): void {
  const {section, defaults} = info
  let base = env.globalBase
  for (const directive of defaults?.directives ?? []) {
    if (first(directive) === 'default-server') base = applyOptions(base, parseServerOptions(directive.words.slice(1)), directive.line)
  }
  let hostRewriteReported = false
  let mismatchReported = false
  const servers: CheckedServer[] = []
  for (const directive of section.directives) {
    const keyword = first(directive)
    if (keyword === 'default-server') {
      base = applyOptions(base, parseServerOptions(directive.words.slice(1)), directive.line)
      continue
    }
    const server = readServerLine(directive)
    if (!server) continue
    const settings = applyOptions(base, server.options, directive.line)
    servers.push({server, settings})
    checkServer(info, server, settings, env)
    if (!hostRewriteReported && checkHostRewrite(info, server, settings, env)) hostRewriteReported = true
    if (!mismatchReported && checkHostSniMismatch(info, server, settings, env)) mismatchReported = true
  }
  checkHttpchk(info, servers, env)
}

/** TLS to port 80 of a cloud endpoint is a mistake for port 443: the fixes connect there. */
function tlsPortOverride(server: ServerLine, settings: ServerSettings): number | undefined {
  return settings.ssl && server.address.port === 80 && isCloudEndpoint(server.address.host) ? 443 : undefined
}

/** Names and context for the snippets of one server line; null fields when nothing safe is known. */
function fixContext(info: ProxyInfo, server: ServerLine, settings: ServerSettings, version: string | null, portOverride?: number): FixContext | null {
  const sniMatch = settings.sni ? /^str\(([^()\s]+)\)$/.exec(settings.sni) : null
  const sniName = sniMatch && isSnippetSafe(sniMatch[1]) ? (sniMatch[1] as string).toLowerCase() : null
  const rewriteHost = info.hostRewrite?.host
  const rewrite = rewriteHost && isSnippetSafe(rewriteHost) ? rewriteHost : null
  const serverHost = server.address.kind === 'name' || server.address.kind === 'ipv4' || server.address.kind === 'ipv6' ? server.address.host : null
  const serverName = server.address.kind === 'name' ? server.address.host : null
  const host = sniName ?? rewrite ?? serverName
  if (!host || !serverHost || !isSnippetSafe(host) || !isSnippetSafe(serverHost)) return null
  return {
    host,
    port: portOverride ?? server.address.port ?? 443,
    address: serverHost === host ? null : serverHost,
    path: '/',
    caFile: safeCaFile(settings.caFile),
    version,
  }
}

function describeServer(server: ServerLine): string {
  const where = server.addressWord?.value ?? '?'
  return `server ${server.name} (${where})`
}

function checkServer(info: ProxyInfo, server: ServerLine, settings: ServerSettings, env: ServerCheckEnv): void {
  const {findings, version} = env
  const line = server.directive.line
  const address = server.address
  // Templated or unreadable hosts still get findings, without a snippet (fixContext refuses them).
  if (address.kind === 'socket' || address.host === null) return
  const host = address.host
  const cloud = isCloudEndpoint(host)
  const tlsPort = address.port === 443 || (address.port === null && cloud)
  const label = describeServer(server)
  const edge = edgeName(host)
  const rebuild = (ctx: FixContext): string => rebuildServerLine(server, ctx, {check: settings.check, extra: checkSslExtra(settings), caFileRaw: settings.caFileRaw})

  // Plain HTTP to a TLS port, or to an endpoint that only speaks TLS.
  const plainToTls = !settings.ssl && info.mode === 'http' && (cloud || tlsPort)
  let tlsCtx: FixContext | null = null
  if (plainToTls) {
    const toPort80 = cloud && address.port === 80
    tlsCtx = fixContext(info, server, settings, version, toPort80 ? 443 : undefined)
    const reason = toPort80
      ? isApiGateway(host)
        ? 'API Gateway has no plain-HTTP listener (port 80 is refused or times out)'
        : isCloudFront(host)
          ? 'CloudFront answers port 80 with a redirect to https or 403, depending on the viewer policy'
          : `${edge} expects HTTPS`
      : `HAProxy sends plain HTTP to a TLS port and ${edge} answers 400 Bad Request`
    findings.push({
      line,
      severity: 'error',
      id: 'haproxy-server-missing-ssl',
      message: `${label} has no ssl: ${reason}. Add ssl with verification and SNI`,
      fix: tlsCtx ? rebuild(tlsCtx) : null,
      fixAction: tlsCtx ? 'replace' : null,
    })
  }

  const portOverride = tlsPortOverride(server, settings)
  if (settings.ssl) tlsCtx = fixContext(info, server, settings, version, portOverride)
  const corrected = tlsCtx ? rebuild(tlsCtx) : null

  // TLS to port 80: the server's plain-HTTP listener gets a ClientHello.
  let noSsl = false
  if (settings.ssl && address.port === 80) {
    const fromDefault = settings.sslLine !== line
    const safeOriginal = isSnippetSafe(host) && !/[$%{}]/.test(server.directive.text)
    noSsl = !cloud && fromDefault
    const fix = !noSsl ? corrected : safeOriginal ? `${originalLine(server.directive)} no-ssl` : null
    findings.push({
      line,
      severity: cloud ? 'error' : 'warning',
      id: 'haproxy-ssl-to-plain-port',
      message: `${label} speaks TLS (ssl${fromDefault && settings.sslLine !== null ? ` from default-server at line ${settings.sslLine}` : ''}) to port 80, a plain-HTTP port: the server reads the ClientHello as a broken HTTP request and answers 400 or closes, and HAProxy logs SC-- and answers 503. ${cloud ? `${edge} serves TLS on 443: connect there` : fromDefault ? 'Turn TLS off for this server (no-ssl), or connect to its TLS port' : 'Connect to the TLS port (443), or drop ssl if the server only speaks plain HTTP'}`,
      fix,
      fixAction: fix ? 'replace' : null,
    })
  }

  // The fix turns TLS off for this server (ssl came from default-server): nothing TLS to say about it.
  if (noSsl) {
    checkResolvers(info, server, settings, env, null)
    return
  }

  // verify required is the default: without ca-file HAProxy refuses to start.
  if (settings.ssl && settings.verify !== 'none' && !settings.caFile) {
    const ca = haproxyCaFile(caContext(version))
    const safeOriginal = isSnippetSafe(host) && !/[$%{}]/.test(server.directive.text)
    const fix = corrected ?? (safeOriginal ? `${originalLine(server.directive)} ca-file ${ca}` : null)
    findings.push({
      line,
      severity: 'error',
      id: 'haproxy-ssl-without-ca-file',
      message: `${label} has ssl with certificate verification on (${settings.verify === 'required' ? `verify required${settings.verifyLine !== null && settings.verifyLine !== line ? ` from line ${settings.verifyLine}` : ''}` : 'verify required is the default'}) but no ca-file: HAProxy refuses to start ("verify is enabled by default but no CA file specified"). Name the CA store with ca-file ${ca}${ca === '@system-ca' ? ' (HAProxy >= 2.6)' : ''}`,
      fix,
      fixAction: fix ? 'replace' : null,
    })
  }

  // A server line without ssl to a TLS endpoint lacks SNI too: adding ssl alone trades the 400 for a 503.
  if ((settings.ssl || plainToTls) && !settings.sni) {
    const autoCovers = haproxyHasSniAuto({...caContext(version)}) && info.hostRewrite !== null && !settings.noSniAuto
    const ipOnly = address.kind === 'ipv4' || address.kind === 'ipv6'
    const what = settings.ssl ? 'speaks TLS without sni' : 'has no sni either (once ssl is added)'
    const effect = 'a ClientHello without server_name is refused by a strict-SNI edge (CloudFront, API Gateway): HAProxy logs SC-- and answers 503'
    const unknownName = tlsCtx ? '' : '; the server name is not known here: add sni str(<host name>)'
    const message = autoCovers
      ? `${label} ${what}: HAProxy >= 3.3 takes SNI from the rewritten Host (sni-auto), so with --proxy-version ${version} this works; older versions, or no-sni-auto, send none and ${effect}. Naming sni keeps it explicit${unknownName}`
      : settings.noSniAuto
        ? `${label} ${what} and sets no-sni-auto: ${effect}${unknownName}`
        : `${label} ${what}: ${effect} (HAProxy >= 3.3 sends SNI from the Host header by itself, sni-auto; older versions send none)${unknownName}`
    findings.push({
      line,
      severity: autoCovers || (ipOnly && !tlsCtx) ? 'warning' : 'error',
      id: 'haproxy-ssl-without-sni',
      message,
      fix: corrected,
      fixAction: corrected ? 'replace' : null,
    })
  }

  if (settings.ssl && settings.verify === 'none') {
    const onThisLine = server.options.some((option) => option.key === 'verify')
    if (onThisLine) {
      findings.push({
        line,
        severity: 'warning',
        id: 'haproxy-verify-none',
        message: `${label}: verify none, the server certificate is not checked, so a wrong or intercepted certificate goes unnoticed; verify it against the system store`,
        fix: corrected,
        fixAction: corrected ? 'replace' : null,
      })
    } else if (settings.verifyLine !== null && !env.verifyReported.has(settings.verifyLine)) {
      // A default-server line (or the global ssl-server-verify, already reported): once per line.
      env.verifyReported.add(settings.verifyLine)
      const fix = verifyFixForLine(settings.verifyLine, info, version, settings)
      if (fix) {
        findings.push({
          line: settings.verifyLine,
          severity: 'warning',
          id: 'haproxy-verify-none',
          message: `default-server verify none: the certificates of the servers it applies to (${label} and those after it) are not checked, so a wrong or intercepted certificate goes unnoticed`,
          fix,
          fixAction: 'replace',
        })
      }
    }
  }

  if (settings.check && (settings.ssl || settings.checkSsl) && !settings.checkSni) {
    const separateCheck = (settings.port !== null || settings.addr !== null) && !settings.checkSsl
    findings.push({
      line,
      severity: 'warning',
      id: 'haproxy-check-without-sni',
      message: `${label} has check but no check-sni: health checks do their own TLS handshake without SNI, a strict-SNI edge refuses it and HAProxy marks the server DOWN (503 for every request)${separateCheck ? '; and with a separate check port/addr the check is plain TCP unless check-ssl is set' : ''}`,
      fix: corrected,
      fixAction: corrected ? 'replace' : null,
    })
  }

  checkResolvers(info, server, settings, env, corrected)
}

/** A host name without resolvers is resolved once, at start. */
function checkResolvers(info: ProxyInfo, server: ServerLine, settings: ServerSettings, env: ServerCheckEnv, corrected: string | null): void {
  const {findings} = env
  const {address} = server
  const host = address.host
  const line = server.directive.line
  const label = describeServer(server)
  const cloud = isCloudEndpoint(host)
  const edge = edgeName(host)
  if (address.kind === 'name' && !settings.resolvers && host !== 'localhost') {
    const section = env.resolversSection ?? 'dns'
    const explainSection = !env.resolversSection && !env.resolversExplained
    env.resolversExplained = true
    const base = corrected ?? originalLine(server.directive)
    const withResolvers = `${stripOptions(base, ['resolvers', 'init-addr'])} resolvers ${section} init-addr last,libc,none`
    const severity = cloud ? 'warning' : 'info'
    findings.push({
      line,
      severity,
      id: 'haproxy-no-resolvers',
      message: `${label} names a host without resolvers: HAProxy resolves it once at start and keeps that address${cloud ? `; ${edge} addresses rotate, so the proxy ends up connecting to addresses that no longer serve the endpoint` : ''}${
        explainSection ? `. The resolvers section ${section} does not exist yet: see the finding at line ${info.section.header.line}` : ''
      }`,
      fix: withResolvers,
      fixAction: 'replace',
    })
    if (explainSection) {
      // A top-level section: it goes before this proxy section, not inside it.
      findings.push({
        line: info.section.header.line,
        severity,
        id: 'haproxy-no-resolvers',
        message: `the server lines that name hosts need a resolvers section (${label} at line ${line} first): without one HAProxy never re-resolves them. Add it at the top level, before ${sectionLabel(info.section)} (parse-resolv-conf uses the nameservers of /etc/resolv.conf)`,
        fix: ['resolvers dns', '    parse-resolv-conf', '    hold valid 10s', '', originalLine(info.section.header)].join('\n'),
        fixAction: 'replace',
      })
    }
  }
}

/** `check-ssl` is needed when checks go to another port/addr of a TLS server. */
function checkSslExtra(settings: ServerSettings): string[] {
  return settings.check && (settings.port !== null || settings.addr !== null) && !settings.checkSsl ? ['check-ssl'] : []
}

function originalLine(directive: HaproxyDirective): string {
  return directive.words.map((word) => word.raw).join(' ')
}

/** Removes `key value` pairs from a server line written by rebuildServerLine or originalLine. */
function stripOptions(line: string, keys: string[]): string {
  const words = line.split(' ')
  const out: string[] = []
  for (let i = 0; i < words.length; i++) {
    if (i >= 3 && keys.includes(words[i] as string)) {
      i++
      continue
    }
    out.push(words[i] as string)
  }
  return out.join(' ')
}

/** For a default-server line with verify none: the same line verifying against the CA store. */
function verifyFixForLine(line: number, info: ProxyInfo, version: string | null, settings: ServerSettings): string | null {
  const directive = [...info.section.directives, ...(info.defaults?.directives ?? [])].find((candidate) => candidate.line === line)
  if (!directive || first(directive) !== 'default-server') return null
  const options = parseServerOptions(directive.words.slice(1))
  const ca = keepableCaFile(settings.caFileRaw) ?? haproxyCaFile({...caContext(version), caFile: safeCaFile(settings.caFile)})
  const kept = options.filter((option) => option.key !== 'verify' && option.key !== 'ca-file').flatMap((option) => option.words.map((word) => word.raw))
  return ['default-server', ...kept, 'verify', 'required', 'ca-file', ca].join(' ')
}

/** One finding per backend: a cloud endpoint (or an sni server) whose Host is not rewritten. */
function checkHostRewrite(info: ProxyInfo, server: ServerLine, settings: ServerSettings, env: ServerCheckEnv): boolean {
  if (info.mode !== 'http') return false
  if (info.hostRewrite !== null) return false
  const host = server.address.host
  const cloud = isCloudEndpoint(host)
  if (!cloud && !settings.sni) return false
  if (server.address.kind === 'socket' || server.address.host === null) return false
  const ctx = fixContext(info, server, settings, env.version, server.address.port === 80 && cloud ? 443 : tlsPortOverride(server, settings))
  const sniNote = settings.sni && !/^str\(/.test(settings.sni) ? ` (and sni ${settings.sni} then names the client's Host too)` : ''
  // Our own rewrite would be ignored in a section HAProxy runs in TCP mode: the fix turns HTTP mode on with it.
  const tcp = info.effectiveMode === 'tcp'
  const label = sectionLabel(info.section)
  // `set-header Host %[req.hdr(host)]` only passes the client's Host on: that line is the one to change.
  const passthrough = tcp ? null : (info.section.directives.filter((directive) => isHostPassthrough(directive)).at(-1) ?? null)
  const fix = ctx ? [...(tcp ? ['mode http'] : []), haproxyHostRewrite(ctx)].join('\n') : null
  env.findings.push({
    line: passthrough ? passthrough.line : server.directive.line,
    severity: 'error',
    id: 'haproxy-missing-host-rewrite',
    message: `${label} sends the client's Host header to ${cloud ? edgeName(host) : 'an SNI-routed server'}${sniNote}${
      passthrough ? ` (${passthrough.text.trim().replace(/\s+/g, ' ')} at line ${passthrough.line} sets Host to the client's own)` : ''
    }: the edge routes on Host and answers 403 (ForbiddenException, or CloudFront's "The request could not be satisfied"). Rewrite Host in the ${info.section.keyword}${
      tcp ? `, and add mode http with it: ${label} has no mode in it or its defaults, so HAProxy runs it in TCP mode and would ignore the rewrite` : ''
    }`,
    fix,
    fixAction: fix ? (passthrough ? 'replace' : 'insert') : null,
  })
  return true
}

/** `http-request set-header Host %[req.hdr(host)]` and the like: no rewrite at all. */
function isHostPassthrough(directive: HaproxyDirective): boolean {
  const words = directive.words.map((word) => word.value)
  return words[0] === 'http-request' && words[1] === 'set-header' && words[2]?.toLowerCase() === 'host' && HOST_PASSTHROUGH.test((words[3] ?? '').trim())
}

/** sni str(a) with Host rewritten to b: the edge matches the certificate by one and routes by the other. */
function checkHostSniMismatch(info: ProxyInfo, server: ServerLine, settings: ServerSettings, env: ServerCheckEnv): boolean {
  if (info.mode !== 'http' || !settings.ssl) return false
  const rewrite = info.hostRewrite
  if (!rewrite?.host) return false
  const sniMatch = settings.sni ? /^str\(([^()\s]+)\)$/.exec(settings.sni) : null
  if (!sniMatch) return false
  const sni = (sniMatch[1] as string).toLowerCase().replace(/\.$/, '')
  if (sni === rewrite.host.toLowerCase()) return false
  const safe = isSnippetSafe(sni)
  const inSection = rewrite.section === info.section && first(rewrite.directive) === 'http-request' && rewrite.directive.words[1]?.value === 'set-header'
  const valueWord = rewrite.directive.words[3]
  const fix = !safe ? null : inSection && valueWord ? replaceWord(rewrite.directive, valueWord, sni) : `http-request set-header Host ${sni}`
  env.findings.push({
    line: inSection ? rewrite.directive.line : server.directive.line,
    severity: 'warning',
    id: 'haproxy-host-sni-mismatch',
    message: `${describeServer(server)} sends SNI ${sni} but Host is rewritten to ${rewrite.host} (line ${rewrite.directive.line}): the edge picks the certificate by SNI and routes by Host, and answers 421 Misdirected Request (CloudFront) or 403 when they name different hosts. Keep both equal: the fix sets Host to the SNI name (or change sni str() to the Host name if that is the endpoint)`,
    fix,
    fixAction: fix ? (inSection ? 'replace' : 'insert') : null,
  })
  return true
}

/** `option httpchk` (the section's, else its defaults'), unless `no option httpchk` turned it off. */
function httpchkOption(info: ProxyInfo): HaproxyDirective | null {
  const find = (section: HaproxySection | null): HaproxyDirective | null | undefined => {
    let found: HaproxyDirective | null | undefined
    for (const directive of section?.directives ?? []) {
      const words = directive.words.map((word) => word.value)
      if (words[0] === 'option' && words[1] === 'httpchk') found = directive
      else if (words[0] === 'no' && words[1] === 'option' && words[2] === 'httpchk') found = null
      else if (words[0] === 'option' && /^(?:ssl-hello-chk|tcp-check|smtpchk|pgsql-check|mysql-check|redis-check|ldap-check|spop-check)$/.test(words[1] ?? '')) found = null
    }
    return found
  }
  const own = find(info.section)
  if (own !== undefined) return own
  return find(info.defaults) ?? null
}

function sendsHost(directive: HaproxyDirective): boolean {
  const words = directive.words.map((word) => word.value)
  return words.some((word, i) => word === 'hdr' && words[i + 1]?.toLowerCase() === 'host')
}

/** HTTP health checks to a TLS / cloud server that carry no Host: the edge answers 403/400 and the server goes DOWN. */
function checkHttpchk(info: ProxyInfo, servers: CheckedServer[], env: ServerCheckEnv): void {
  if (info.mode !== 'http') return
  const option = httpchkOption(info)
  if (!option) return
  const target = servers.find(({server, settings}) => settings.check && (settings.ssl || settings.checkSsl || isCloudEndpoint(server.address.host)))
  if (!target) return
  const ownSends = info.section.directives.filter((directive) => first(directive) === 'http-check' && directive.words[1]?.value === 'send')
  const sends = ownSends.length > 0 ? ownSends : (info.defaults?.directives ?? []).filter((directive) => first(directive) === 'http-check' && directive.words[1]?.value === 'send')
  // option httpchk <method> <uri> <version>: the old way hides headers after the version.
  const optionArgs = option.words.slice(2)
  if (optionArgs.length >= 3 && /\bhost:/i.test(optionArgs[2]?.value ?? '')) return
  if (sends.some(sendsHost)) return

  const ctx = fixContext(info, target.server, target.settings, env.version, tlsPortOverride(target.server, target.settings))
  const rewriteHost = info.hostRewrite?.host && isSnippetSafe(info.hostRewrite.host) ? info.hostRewrite.host : null
  const host = rewriteHost ?? ctx?.host ?? null
  const [method, uri] = optionArgs.length >= 2 ? [optionArgs[0]?.raw, optionArgs[1]?.raw] : [undefined, optionArgs[0]?.raw]
  const modern = !env.version || versionAtLeast(parseVersion(env.version), 2, 2)
  let line = option.line
  let fix: string | null = null
  let fixAction: FixAction | null = null
  const ownOption = info.section.directives.includes(option)
  if (host) {
    const send = ownSends.at(-1)
    if (modern && send) {
      // Keep the user's send rule, with HTTP/1.1 and the Host header added.
      const words = send.words.map((word) => word.raw)
      const ver = words.indexOf('ver')
      if (ver >= 0 && ver + 1 < words.length) words[ver + 1] = 'HTTP/1.1'
      else words.push('ver', 'HTTP/1.1')
      words.push('hdr', 'Host', host)
      line = send.line
      fix = words.join(' ')
      fixAction = 'replace'
    } else if (modern) {
      const rule = `http-check send meth ${method ?? 'GET'} uri ${uri ?? '/'} ver HTTP/1.1 hdr Host ${host}`
      fix = ownOption ? `option httpchk\n${rule}` : rule
      line = ownOption ? option.line : info.section.header.line
      fixAction = ownOption ? 'replace' : 'insert'
    } else {
      fix = `option httpchk ${method ?? 'GET'} ${uri ?? '/'} HTTP/1.1\\r\\nHost:\\ ${host}`
      line = ownOption ? option.line : info.section.header.line
      fixAction = ownOption ? 'replace' : 'insert'
    }
  }
  env.findings.push({
    line,
    severity: 'warning',
    id: 'haproxy-httpchk-without-host',
    message: `${sectionLabel(info.section)}: option httpchk (line ${option.line}) sends health checks to ${describeServer(target.server)} without a Host header: ${
      isCloudEndpoint(target.server.address.host) ? edgeName(target.server.address.host) : 'an HTTPS origin that routes on Host'
    } answers 403 or 400, the check fails and HAProxy marks the server DOWN (503 for every request). Send Host with the check${modern ? ' (http-check send, HAProxy >= 2.2)' : ''}${host ? '' : '; the host name is not known here'}`,
    fix,
    fixAction,
  })
}

// ---------------------------------------------------------------------------------------------
// ACLs

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

function replaceWord(directive: HaproxyDirective, word: HaproxyWord, replacement: string): string {
  const text = directive.text
  return (text.slice(0, word.start) + replacement + text.slice(word.start + word.raw.length)).trim()
}
