// Static checks of an HAProxy configuration for the mistakes that break a proxy in front of
// API Gateway / CloudFront: no ssl to a TLS port (400), TLS without SNI (503 SC--), Host not
// rewritten (403), plus the ACL typo that stops HAProxy from starting.

import {haproxyCaFile, haproxyHasSniAuto, haproxyHostRewrite} from '../fixes/haproxy.js'
import type {FixContext} from '../fixes/types.js'
import {PROXY_SECTIONS, parseHaproxy, type HaproxyConfig, type HaproxyDirective, type HaproxySection, type HaproxyWord} from './haproxy-parser.js'
import {EMPTY_SETTINGS, applyOptions, parseServerOptions, readServerLine, rebuildServerLine, safeCaFile, type ServerLine, type ServerSettings} from './haproxy-server.js'
import {closest, edgeName, isApiGateway, isCloudEndpoint, isCloudFront, isSnippetSafe, isTemplated, splitHostPort} from './hosts.js'
import type {RawFinding} from './types.js'

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

type Mode = 'http' | 'tcp' | 'unknown'

/** Everything the rules need to know about one proxy section. */
interface ProxyInfo {
  section: HaproxySection
  defaults: HaproxySection | null
  mode: Mode
  /** A literal host name the section (or what applies to it) rewrites Host to; '' when rewritten to something dynamic. */
  hostRewrite: string | null
}

const HTTP_DIRECTIVE = /^(?:http-request|http-response|http-after-response|http-check|http-reuse|http-send-name-header|reqi?rep|reqi?add|rspi?add|reqi?del|redirect|cookie|stats|compression|capture|unique-id-header|filter)$/
const HTTP_OPTION = /^(?:httplog|forwardfor|httpchk|httpclose|http-server-close|http-keep-alive|http-buffer-request|http-use-proxy-header|http-pretend-keepalive|originalto|http_proxy|http-no-delay)$/
const HTTP_FETCH = /^(?:path|path_\w+|hdr|hdr_\w+|hdr\(.*|hdr_\w+\(.*|req\.hdr.*|req\.cook.*|cook.*|url|url_\w+|url\w*\(.*|base|base_\w+|method|query|capture\.req.*|http_auth.*|status|res\.hdr.*|req\.body.*)$/

export function lintHaproxy(text: string, options: HaproxyLintOptions): {findings: RawFinding[]; config: HaproxyConfig} {
  const config = parseHaproxy(text)
  const findings: RawFinding[] = []
  const version = options.version

  for (const continuation of config.continuations) {
    findings.push({
      line: continuation.line,
      severity: 'error',
      id: 'haproxy-line-continuation',
      message: `line ends with a backslash: HAProxy does not join it with line ${continuation.line + 1}; it rejects the backslash as an unknown keyword and reads the next line as a directive of its own (HAProxy 2.6 refuses to start). Write the directive on one line`,
      fix: continuation.text.trim(),
    })
  }

  const global = config.sections.find((section) => section.keyword === 'global') ?? null
  const globalBase = globalSettings(global, findings, version)
  const proxies = describeProxies(config)
  const resolversSection = config.sections.find((section) => section.keyword === 'resolvers')?.name ?? null

  const env: ServerCheckEnv = {globalBase, version, resolversSection, resolversExplained: false, verifyReported: new Set(), findings}
  for (const info of proxies.values()) {
    checkAcls(info.section, findings)
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

function explicitMode(section: HaproxySection | null): 'http' | 'tcp' | null {
  if (!section) return null
  let mode: 'http' | 'tcp' | null = null
  for (const directive of section.directives) {
    if (first(directive) !== 'mode') continue
    const value = directive.words[1]?.value
    if (value === 'http' || value === 'tcp') mode = value
  }
  return mode
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

/** The literal Host a section rewrites to; '' for a dynamic rewrite; null when it does not. */
function hostRewriteIn(section: HaproxySection | null): string | null {
  if (!section) return null
  let found: string | null = null
  for (const directive of section.directives) {
    const words = directive.words.map((word) => word.value)
    const keyword = words[0]
    if (keyword === 'http-request' && (words[1] === 'set-header' || words[1] === 'replace-header') && words[2]?.toLowerCase() === 'host') {
      const value = words[1] === 'set-header' ? (words[3] ?? '') : (words[4] ?? '')
      found = literalHost(value)
    } else if (keyword === 'http-send-name-header' && (words[1] ?? 'x-forwarded-server').toLowerCase() === 'host') {
      found = ''
    } else if ((keyword === 'reqirep' || keyword === 'reqrep') && /^\^?host:/i.test(words[1] ?? '')) {
      // HAProxy 1.x: reqirep ^Host: Host:\ name
      const match = /^host:\s*(\S+)/i.exec(words[2] ?? '')
      found = match ? literalHost(match[1] as string) : ''
    }
  }
  return found
}

function literalHost(value: string): string {
  if (isTemplated(value)) return ''
  const parsed = splitHostPort(value)
  return parsed.kind === 'name' && parsed.host ? parsed.host : ''
}

/** Sections, their defaults, modes and Host rewrites. */
function describeProxies(config: HaproxyConfig): Map<HaproxySection, ProxyInfo> {
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
    const mode = explicitMode(section) ?? explicitMode(defaults)
    infos.set(section, {
      section,
      defaults,
      mode: mode ?? (hasHttpSignals(section) ? 'http' : 'unknown'),
      hostRewrite: hostRewriteIn(section) ?? hostRewriteIn(defaults),
    })
    if (section.name && section.keyword !== 'frontend') byName.set(section.name, section)
  }

  // Who routes to whom: a backend with no mode of its own takes the frontends' reading, and a
  // Host rewrite done in every frontend that routes to it counts.
  const routedFrom = new Map<HaproxySection, ProxyInfo[]>()
  for (const info of infos.values()) {
    if (info.section.keyword !== 'frontend' && info.section.keyword !== 'listen') continue
    for (const directive of info.section.directives) {
      const keyword = first(directive)
      if (keyword !== 'use_backend' && keyword !== 'default_backend') continue
      const target = byName.get(directive.words[1]?.value ?? '')
      if (!target || target === info.section) continue
      const list = routedFrom.get(target)
      if (list) list.push(info)
      else routedFrom.set(target, [info])
    }
  }
  for (const [backend, frontends] of routedFrom) {
    const info = infos.get(backend)
    if (!info) continue
    if (info.mode === 'unknown') {
      if (frontends.some((frontend) => frontend.mode === 'http')) info.mode = 'http'
      else if (frontends.every((frontend) => frontend.mode === 'tcp')) info.mode = 'tcp'
    }
    if (info.hostRewrite === null && frontends.length > 0 && frontends.every((frontend) => frontend.hostRewrite !== null)) {
      const literal = frontends.map((frontend) => frontend.hostRewrite).find((value) => value)
      info.hostRewrite = literal ?? ''
    }
  }
  return infos
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

function checkServers(info: ProxyInfo, env: ServerCheckEnv): void {
  const {section, defaults} = info
  let base = env.globalBase
  for (const directive of defaults?.directives ?? []) {
    if (first(directive) === 'default-server') base = applyOptions(base, parseServerOptions(directive.words.slice(1)), directive.line)
  }
  let hostRewriteReported = false
  for (const directive of section.directives) {
    const keyword = first(directive)
    if (keyword === 'default-server') {
      base = applyOptions(base, parseServerOptions(directive.words.slice(1)), directive.line)
      continue
    }
    const server = readServerLine(directive)
    if (!server) continue
    const settings = applyOptions(base, server.options, directive.line)
    checkServer(info, server, settings, env)
    if (!hostRewriteReported && checkHostRewrite(info, server, settings, env)) hostRewriteReported = true
  }
}

/** Names and context for the snippets of one server line; null fields when nothing safe is known. */
function fixContext(info: ProxyInfo, server: ServerLine, settings: ServerSettings, version: string | null, portOverride?: number): FixContext | null {
  const sniMatch = settings.sni ? /^str\(([^()\s]+)\)$/.exec(settings.sni) : null
  const sniName = sniMatch && isSnippetSafe(sniMatch[1]) ? (sniMatch[1] as string).toLowerCase() : null
  const rewrite = info.hostRewrite && isSnippetSafe(info.hostRewrite) ? info.hostRewrite : null
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

  // Plain HTTP to a TLS port, or to an endpoint that only speaks TLS.
  const plainToTls = !settings.ssl && info.mode !== 'tcp' && (cloud || (info.mode === 'http' && tlsPort))
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
      fix: tlsCtx ? rebuildServerLine(server, tlsCtx, {check: settings.check, extra: checkSslExtra(settings)}) : null,
    })
  }

  if (settings.ssl) tlsCtx = fixContext(info, server, settings, version)
  const corrected = tlsCtx ? rebuildServerLine(server, tlsCtx, {check: settings.check, extra: checkSslExtra(settings)}) : null

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
    })
  }

  if (address.kind === 'name' && !settings.resolvers && host !== 'localhost') {
    const section = env.resolversSection ?? 'dns'
    const explainSection = !env.resolversSection && !env.resolversExplained
    env.resolversExplained = true
    const base = corrected ?? originalLine(server.directive)
    const withResolvers = `${stripOptions(base, ['resolvers', 'init-addr'])} resolvers ${section} init-addr last,libc,none`
    findings.push({
      line,
      severity: cloud ? 'warning' : 'info',
      id: 'haproxy-no-resolvers',
      message: `${label} names a host without resolvers: HAProxy resolves it once at start and keeps that address${cloud ? `; ${edge} addresses rotate, so the proxy ends up connecting to addresses that no longer serve the endpoint` : ''}`,
      fix: !explainSection
        ? withResolvers
        : ['# once, at the top level:', '# resolvers dns', '#     parse-resolv-conf', '#     hold valid 10s', withResolvers].join('\n'),
    })
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
  const ca = haproxyCaFile({...caContext(version), caFile: safeCaFile(settings.caFile)})
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
  const ctx = fixContext(info, server, settings, env.version, server.address.port === 80 && cloud ? 443 : undefined)
  const sniNote = settings.sni && !/^str\(/.test(settings.sni) ? ` (and sni ${settings.sni} then names the client's Host too)` : ''
  env.findings.push({
    line: server.directive.line,
    severity: 'error',
    id: 'haproxy-missing-host-rewrite',
    message: `${info.section.keyword} ${info.section.name ?? ''} sends the client's Host header to ${cloud ? edgeName(host) : 'an SNI-routed server'}${sniNote}: the edge routes on Host and answers 403 (ForbiddenException, or CloudFront's "The request could not be satisfied"). Add in the ${info.section.keyword}:`.replace(/\s+/g, ' '),
    fix: ctx ? haproxyHostRewrite(ctx) : null,
  })
  return true
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
      })
    }
  }
}

function replaceWord(directive: HaproxyDirective, word: HaproxyWord, replacement: string): string {
  const text = directive.text
  return (text.slice(0, word.start) + replacement + text.slice(word.start + word.raw.length)).trim()
}
