// Static checks of an nginx configuration for proxy_pass to API Gateway / CloudFront and other
// strict-SNI, Host-routed HTTPS origins, following nginx's inheritance rules.

import {nginxHostLine, nginxProxyPass, nginxSniLines, nginxVerifyLines} from '../fixes/nginx.js'
import type {FixContext} from '../fixes/types.js'
import {hostForUrl} from '../target/hostname.js'
import {edgeName, isApiGateway, isCloudEndpoint, isHostName, isSnippetSafe, isTemplated, splitHostPort, type ParsedAddress} from './hosts.js'
import {parseNginx, walkNginx, type NginxConfig, type NginxDirective} from './nginx-parser.js'
import type {RawFinding} from './types.js'

export interface NginxLintOptions {
  version: string | null
}

interface UpstreamServer {
  address: ParsedAddress
  resolve: boolean
  line: number
}

interface Upstream {
  name: string
  line: number
  servers: UpstreamServer[]
}

interface ProxyTarget {
  scheme: 'http' | 'https'
  /** The host as the linter could read it (null: a variable it cannot follow). */
  address: ParsedAddress | null
  /** The port nginx connects to (for an upstream group: its first server's). */
  port: number
  /** Everything after the authority as written (URI part, variables). */
  rest: string
  /** proxy_pass holds variables: nginx resolves the name at run time (with a resolver). */
  hasVariables: boolean
  upstream: Upstream | null
}

const HOST_PASSTHROUGH = /\$(?:\{(?:host|http_host)\}|(?:host|http_host)\b)/i

export function lintNginx(text: string, options: NginxLintOptions): {findings: RawFinding[]; config: NginxConfig} {
  const config = parseNginx(text)
  const findings: RawFinding[] = []
  const root = config.directives
  const upstreams = collectUpstreams(root)

  reportParseProblems(config, findings)
  const env: CheckEnv = {root, upstreams, findings, version: options.version, verifyReported: new Set()}
  const harmless: NginxDirective[] = []
  for (const directive of walkNginx(root)) {
    if (directive.name === 'include') {
      if (harmlessInclude(directive)) {
        harmless.push(directive)
      } else {
        findings.push({
          line: directive.line,
          severity: 'info',
          id: 'config-include-not-followed',
          message: `include ${directive.args.join(' ')} is not followed: lint reads this file only, so directives in the included file (proxy_ssl_server_name, proxy_set_header Host, upstream blocks...) are not seen; lint that file on its own`,
          fix: null,
          fixAction: null,
        })
      }
    }
    if (directive.name === 'proxy_pass') checkProxyPass(directive, env)
  }
  // mime.types, fastcgi_params...: one line for all of them, they cannot change TLS or Host.
  if (harmless.length > 0) {
    const names = harmless.map((directive) => `${directive.args[0] ?? ''} (line ${directive.line})`)
    findings.push({
      line: (harmless[0] as NginxDirective).line,
      severity: 'info',
      id: 'config-include-not-followed',
      message: `include ${names.slice(0, 6).join(', ')}${names.length > 6 ? ` and ${names.length - 6} more` : ''} ${names.length === 1 ? 'is' : 'are'} not followed: MIME types, CGI parameters and module loading, which cannot change TLS or Host settings`,
      fix: null,
      fixAction: null,
    })
  }
  return {findings: dedupe(findings), config}
}

const MAX_PARSE_FINDINGS = 10

/** What nginx -t would refuse before looking at anything else: unterminated strings and directives, braces. */
function reportParseProblems(config: NginxConfig, findings: RawFinding[]): void {
  const problems = config.problems
  for (const [index, problem] of problems.slice(0, MAX_PARSE_FINDINGS).entries()) {
    const more = index === MAX_PARSE_FINDINGS - 1 && problems.length > MAX_PARSE_FINDINGS ? ` (and ${problems.length - MAX_PARSE_FINDINGS} more parse problems)` : ''
    findings.push({
      line: problem.line,
      severity: 'error',
      id: 'config-parse-error',
      message: `${problem.message}: nginx refuses the configuration (nginx -t fails), and lint may misread what follows${more}`,
      fix: problem.fix ?? null,
      fixAction: problem.fix ? 'replace' : null,
    })
  }
}

function dedupe(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<string>()
  return findings.filter((finding) => {
    const key = `${finding.line}\u0000${finding.id}\u0000${finding.fix ?? ''}\u0000${finding.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function collectUpstreams(root: NginxDirective[]): Map<string, Upstream> {
  const upstreams = new Map<string, Upstream>()
  for (const directive of walkNginx(root)) {
    if (directive.name !== 'upstream' || !directive.block || !directive.args[0]) continue
    const servers: UpstreamServer[] = []
    for (const child of directive.block) {
      if (child.name !== 'server' || !child.args[0]) continue
      const text = child.args[0]
      const address: ParsedAddress = text.startsWith('unix:') ? {kind: 'socket', host: null, port: null} : splitHostPort(text)
      // An upstream server without a port uses 80, whatever the proxy_pass scheme.
      servers.push({address: {...address, port: address.port ?? 80}, resolve: child.args.includes('resolve'), line: child.line})
    }
    upstreams.set(directive.args[0].toLowerCase(), {name: directive.args[0], line: directive.line, servers})
  }
  return upstreams
}

/** The directive lists that apply to a directive, innermost first (nginx inheritance order). */
function scopes(directive: NginxDirective, root: NginxDirective[]): NginxDirective[][] {
  const out: NginxDirective[][] = []
  let parent = directive.parent
  while (parent) {
    if (parent.block) out.push(parent.block)
    parent = parent.parent
  }
  out.push(root)
  return out
}

function hasHttpAncestor(directive: NginxDirective): boolean {
  for (let parent = directive.parent; parent; parent = parent.parent) if (parent.name === 'http') return true
  return false
}

/** Directives of one block by name, built once per block (a big file must not go quadratic). */
const byNameCache = new WeakMap<NginxDirective[], Map<string, NginxDirective[]>>()
function named(list: NginxDirective[], name: string): NginxDirective[] {
  let index = byNameCache.get(list)
  if (!index) {
    index = new Map()
    for (const directive of list) {
      const same = index.get(directive.name)
      if (same) same.push(directive)
      else index.set(directive.name, [directive])
    }
    byNameCache.set(list, index)
  }
  return index.get(name) ?? []
}

/** The directive in effect: the innermost block that sets it wins. */
function effective(directive: NginxDirective, name: string, root: NginxDirective[]): NginxDirective | null {
  for (const list of scopes(directive, root)) {
    const found = named(list, name).at(-1)
    if (found) return found
  }
  return null
}

/** proxy_set_header in effect: a block with ANY proxy_set_header does not inherit the outer ones. */
function effectiveHeaders(directive: NginxDirective, root: NginxDirective[]): NginxDirective[] {
  for (const list of scopes(directive, root)) {
    const headers = named(list, 'proxy_set_header')
    if (headers.length > 0) return headers
  }
  return []
}

/** Files that hold MIME types or CGI parameters: they cannot change TLS or Host settings. */
function harmlessInclude(directive: NginxDirective): boolean {
  const path = directive.args[0] ?? ''
  // modules-enabled/*.conf holds load_module lines only.
  return /(?:^|\/)(?:mime\.types|[\w.-]+\.types|fastcgi_params|fastcgi\.conf|uwsgi_params|scgi_params|koi-utf|koi-win|win-utf)$/.test(path) || /(?:^|\/)modules-enabled\/\*(?:\.conf)?$/.test(path)
}

function includesInScope(directive: NginxDirective, root: NginxDirective[]): NginxDirective[] {
  return scopes(directive, root).flatMap((list) => named(list, 'include').filter((candidate) => !harmlessInclude(candidate)))
}

/** `set $name value` in an enclosing block. */
function variableValue(directive: NginxDirective, name: string, root: NginxDirective[]): string | null {
  for (const list of scopes(directive, root)) {
    const found = named(list, 'set').filter((candidate) => candidate.args[0] === `$${name}`).at(-1)
    if (found) return found.args[1] ?? null
  }
  return null
}

const LEADING_VARIABLE = /^\$(?:\{(\w+)\}|(\w+))/

function parseProxyPass(directive: NginxDirective, root: NginxDirective[], upstreams: Map<string, Upstream>): ProxyTarget | null {
  const original = directive.args[0]
  if (!original) return null
  let url = original
  const leading = LEADING_VARIABLE.exec(url)
  if (leading) {
    const value = variableValue(directive, (leading[1] ?? leading[2]) as string, root)
    if (value === null || value.startsWith('$')) return null
    url = value + url.slice(leading[0].length)
  }
  const schemeMatch = /^([a-z][\w+.-]*):\/\//i.exec(url)
  if (!schemeMatch) return null
  const scheme = (schemeMatch[1] as string).toLowerCase()
  if (scheme !== 'http' && scheme !== 'https') return null
  let after = url.slice(schemeMatch[0].length)

  const hostVariable = LEADING_VARIABLE.exec(after)
  if (hostVariable) {
    const value = variableValue(directive, (hostVariable[1] ?? hostVariable[2]) as string, root)
    if (value === null || value.includes('$')) {
      // A host built from variables: keep its text (a cloud suffix still shows), never a snippet.
      const slash = after.indexOf('/')
      const authority = slash < 0 ? after : after.slice(0, slash)
      const port = /:(\d{1,5})$/.exec(authority)
      return {
        scheme,
        address: {kind: 'templated', host: authority, port: port ? Number(port[1]) : null},
        port: port ? Number(port[1]) : scheme === 'https' ? 443 : 80,
        rest: slash < 0 ? '' : after.slice(slash),
        hasVariables: true,
        upstream: null,
      }
    }
    after = value + after.slice(hostVariable[0].length)
  }
  const end = after.search(/[/$?]/)
  const authority = end < 0 ? after : after.slice(0, end)
  const rest = end < 0 ? '' : after.slice(end)
  const hasVariables = original.includes('$')
  if (authority.toLowerCase().startsWith('unix:')) return null
  const upstream = upstreams.get(authority.toLowerCase()) ?? null
  if (upstream) {
    const server = upstream.servers.find((candidate) => isCloudEndpoint(candidate.address.host)) ?? upstream.servers[0]
    const tlsPort = upstream.servers.find((candidate) => candidate.address.port === 443)
    return {
      scheme,
      address: server?.address ?? null,
      port: tlsPort?.address.port ?? server?.address.port ?? 80,
      rest,
      hasVariables,
      upstream,
    }
  }
  const address = splitHostPort(authority)
  return {scheme, address, port: address.port ?? (scheme === 'https' ? 443 : 80), rest, hasVariables, upstream: null}
}

interface CheckEnv {
  root: NginxDirective[]
  upstreams: Map<string, Upstream>
  findings: RawFinding[]
  version: string | null
  /** `proxy_ssl_verify off` lines already reported (one finding per line, whatever it covers). */
  verifyReported: Set<number>
}

function literal(value: string | undefined): string | null {
  if (!value || isTemplated(value)) return null
  const parsed = splitHostPort(value)
  return parsed.kind === 'name' && parsed.host ? parsed.host : null
}

function ctxFor(host: string | null, port: number, address: string | null, version: string | null): FixContext | null {
  if (!isSnippetSafe(host)) return null
  if (address !== null && !isSnippetSafe(address)) return null
  return {host, port, address: address === host ? null : address, path: '/', caFile: null, version}
}

/** For the generators' host-independent lines: no host of the config goes into them. */
function hostlessContext(version: string | null): FixContext {
  return {host: 'localhost', port: 443, address: null, path: '/', caFile: null, version}
}

/** The host-independent first line of the generator's SNI lines (`proxy_ssl_server_name on;`). */
function sniSwitchLine(version: string | null): string {
  return nginxSniLines(hostlessContext(version))[0] as string
}

/** The block a directive sits in (the top level for none). */
function blockOf(directive: NginxDirective, root: NginxDirective[]): NginxDirective[] {
  return directive.parent?.block ?? root
}

/**
 * Generated lines minus those whose directive the block already has (nginx refuses a second
 * proxy_ssl_name, proxy_ssl_verify... in one block: "directive is duplicate"). `replacing` is the
 * directive the lines take the place of: its name does not count.
 */
function withoutDuplicates(lines: string[], block: NginxDirective[], replacing: NginxDirective | null = null): string[] {
  return lines.filter((line) => {
    const name = /^([a-z_][a-z0-9_]*)\s/i.exec(line)?.[1]
    if (!name || line.startsWith('#') || name === 'proxy_set_header' || name === 'set') return true
    return !named(block, name).some((existing) => existing !== replacing)
  })
}

function checkProxyPass(directive: NginxDirective, env: CheckEnv): void {
  const {root, findings, version} = env
  const target = parseProxyPass(directive, root, env.upstreams)
  if (!target) return
  const line = directive.line
  const address = target.address
  const host = address?.host ?? null
  const cloud = isCloudEndpoint(host)
  const edge = edgeName(host)
  const shown = `proxy_pass ${directive.args[0] ?? ''}`
  const block = blockOf(directive, root)

  const sslName = literal(effective(directive, 'proxy_ssl_name', root)?.args[0])
  const headers = effectiveHeaders(directive, root)
  const hostHeader = headers.filter((header) => header.args[0]?.toLowerCase() === 'host').at(-1) ?? null
  const hostHeaderLiteral = literal(hostHeader?.args[1])
  const connectName = address?.kind === 'name' ? address.host : null
  const ipConnect = !target.upstream && (address?.kind === 'ipv4' || address?.kind === 'ipv6')
  const connectHost = address && (address.kind === 'name' || address.kind === 'ipv4' || address.kind === 'ipv6') ? address.host : null

  // TLS is needed: https already, or plain HTTP to 443 / to API Gateway (nginx-http-to-tls-port says so).
  const tlsPort = target.scheme === 'http' && target.port === 443
  const apiGatewayPlain = target.scheme === 'http' && isApiGateway(host) && target.port === 80
  const needsTls = target.scheme === 'https' || tlsPort || apiGatewayPlain
  const fixedPort = apiGatewayPlain ? 443 : target.port

  // The name SNI should carry: an explicit proxy_ssl_name, else the Host the config sends, else the host connected to.
  const sniName = sslName ?? hostHeaderLiteral ?? connectName
  // For a direct proxy_pass, the generator's line connects to the address written in the config.
  const sniCtx = ctxFor(sniName, target.port, target.upstream ? null : connectHost, version)
  const includes = includesInScope(directive, root)
  const includeNote = includes.length > 0 ? ` (unless a file included at line ${includes.map((include) => include.line).sort((a, b) => a - b).join(', ')} sets it: includes are not followed)` : ''

  if (target.scheme === 'https') {
    const sni = effective(directive, 'proxy_ssl_server_name', root)
    const sniValue = sni?.args[0]?.toLowerCase()
    const sniOff = sniValue !== 'on' && !(sniValue && isTemplated(sniValue))
    // nginx never sends an IP address as SNI: with proxy_pass https://<ip> only proxy_ssl_name names the host.
    const ipWithoutName = ipConnect && sslName === null
    if (sniOff || (ipWithoutName && sniValue === 'on')) {
      const where = !sniOff
        ? `proxy_ssl_server_name is on${sni ? ` (line ${sni.line})` : ''} but no proxy_ssl_name names the host`
        : sni
          ? `proxy_ssl_server_name ${sni.args[0]} at line ${sni.line}`
          : 'proxy_ssl_server_name is off by default'
      const upstreamNote = target.upstream ? `; for upstream ${target.upstream.name} also name the host with proxy_ssl_name (the default is the group name)` : ''
      const ipNote = ipWithoutName
        ? `; ${connectHost} is an IP address, which nginx never sends as SNI: name the host the certificate is for with proxy_ssl_name${sniCtx ? '' : ' (not known here: fill it in)'}`
        : ''
      // An `off` in the proxy_pass's own block is replaced (a second one would be a duplicate); one further out is overridden here.
      const replaceOff = sni !== null && sniOff && blockOf(sni, root) === block
      // An IP with no name known: the name to send cannot be guessed, so the fix names the directive to fill in.
      const ipTemplate = ['proxy_ssl_server_name on;', '# proxy_ssl_name <host name the certificate is for>;   (nginx never sends an IP address as SNI)']
      const lines = sniCtx ? nginxSniLines(sniCtx) : ipWithoutName ? ipTemplate : target.upstream ? null : [sniSwitchLine(version)]
      const fix = lines ? withoutDuplicates(lines, replaceOff && sni ? blockOf(sni, root) : block, replaceOff ? sni : null) : null
      findings.push({
        line: replaceOff && sni ? sni.line : line,
        severity: includes.length > 0 || (ipWithoutName && !sniCtx) ? 'warning' : 'error',
        id: 'nginx-missing-proxy-ssl-server-name',
        message: `${shown}: ${where}, so nginx sends no SNI; ${cloud ? edge : 'a strict-SNI server'} refuses the handshake and nginx answers 502 with "SSL_do_handshake() failed" in the error log${upstreamNote}${ipNote}${includeNote}`,
        fix: fix && fix.length > 0 ? fix.join('\n') : null,
        fixAction: fix && fix.length > 0 ? (replaceOff ? 'replace' : 'insert') : null,
      })
    }

    checkVerify(directive, env, shown, includeNote)
  }

  if (target.scheme === 'http' && (tlsPort || apiGatewayPlain)) {
    const ctx = ctxFor(sniName, 443, target.upstream ? null : connectHost, version)
    let fix: string[] | null = null
    if (target.upstream) {
      const raw = directive.rawArgs[0] ?? ''
      // The group's servers keep their ports: only a group already on 443 is fixed by the scheme.
      fix = tlsPort ? [`proxy_pass ${raw.replace(/^(["']?)http:/i, '$1https:')};`, ...(ctx ? nginxSniLines(ctx) : [sniSwitchLine(version)])] : null
    } else if (ctx) {
      fix = [withRest(nginxProxyPass(ctx), target.rest), ...nginxSniLines(ctx)]
    }
    const lines = fix ? withoutDuplicates(fix, block, directive) : null
    findings.push({
      line,
      severity: 'error',
      id: 'nginx-http-to-tls-port',
      message: tlsPort
        ? `${shown}: plain HTTP to port 443${target.upstream ? ` (upstream ${target.upstream.name})` : ''}: the request reaches a TLS port and ${edge} answers 400 Bad Request (nginx passes it on); use https://`
        : `${shown}: API Gateway has no plain-HTTP listener (port 80 is refused or times out); use https://`,
      fix: lines ? lines.join('\n') : null,
      fixAction: lines ? 'replace' : null,
    })
  }

  // Host: the edge routes on it. $host/$http_host forwards the client's; an upstream group's
  // default ($proxy_host) is the group name.
  if (address && (cloud || target.scheme === 'https')) {
    // The Host the fixed config sends: the port only when it is not the scheme's default (never :80 for TLS).
    const scheme = needsTls ? 'https' : 'http'
    const headerPort = fixedPort === (scheme === 'https' ? 443 : 80) ? 443 : fixedPort
    const hostCtx = ctxFor(sslName ?? connectName ?? hostHeaderLiteral, headerPort, null, version)
    if (hostHeader && HOST_PASSTHROUGH.test(hostHeader.args[1] ?? '')) {
      findings.push({
        line: hostHeader.line,
        severity: cloud ? 'error' : 'warning',
        id: 'nginx-host-passthrough',
        message: `proxy_set_header Host ${hostHeader.args[1]} (in effect for ${shown} at line ${line}) forwards the client's Host: ${
          cloud ? `${edge} routes on Host and answers 403 (ForbiddenException, or CloudFront's "The request could not be satisfied")` : 'an HTTPS origin that routes on Host (virtual hosting) answers 403/404 or the wrong site'
        }`,
        fix: hostCtx ? nginxHostLine(hostCtx) : null,
        fixAction: hostCtx ? 'replace' : null,
      })
    } else if (!hostHeader && target.upstream && cloud) {
      // A proxy_set_header in this block stops the enclosing block's ones from being inherited: repeat them.
      const inherited = headers.length > 0 && named(block, 'proxy_set_header').length === 0 ? headers : []
      const carried = inherited.map((header) => `proxy_set_header ${header.rawArgs.join(' ')};`)
      const carry = carried.every((text) => !/\$\{|\{\{|%\[|[\u0000-\u001F]/.test(text))
      const fix = hostCtx ? [...(carry ? carried : []), nginxHostLine(hostCtx)].join('\n') : null
      findings.push({
        line,
        severity: 'error',
        id: 'nginx-host-passthrough',
        message: `${shown}: no proxy_set_header Host is in effect, so nginx sends $proxy_host, which for upstream ${target.upstream.name} is the group name: ${edge} routes on Host and answers 403${
          inherited.length > 0 ? `. A proxy_set_header here stops the ones of the enclosing block (line ${inherited.map((header) => header.line).join(', ')}) from being inherited${carry ? ': the fix repeats them' : ': repeat them'}` : ''
        }`,
        fix,
        fixAction: fix ? 'insert' : null,
      })
    }
  }

  // A literal cloud host is resolved once, at start.
  if (cloud && address) {
    const resolver = effective(directive, 'resolver', root)
    const upstreamResolves = target.upstream !== null && target.upstream.servers.length > 0 && target.upstream.servers.every((server) => server.resolve)
    const dynamic = target.upstream ? upstreamResolves && resolver !== null : target.hasVariables && resolver !== null
    if (!dynamic) {
      const noResolver = !target.upstream && target.hasVariables && resolver === null
      // A fragment (no http {} around it) may get its resolver from the file that includes it.
      const fragment = !hasHttpAncestor(directive)
      const fix = noResolver ? RESOLVER_LINE : staticResolutionFix(target, connectName, needsTls ? 'https' : target.scheme, fixedPort, resolver !== null)
      findings.push({
        line,
        severity: noResolver && !fragment ? 'error' : 'warning',
        id: 'nginx-static-resolution',
        message: noResolver
          ? `${shown} holds variables but no resolver is in effect: nginx cannot resolve ${host} at run time and every request fails with 502 ("no resolver defined to resolve")${fragment ? ' (unless the http {} block that includes this file sets one)' : ''}`
          : `${shown}: ${host} is resolved once, when nginx starts; ${edge} addresses rotate, so nginx ends up connecting to addresses that no longer serve the endpoint. Resolve it at run time: a name held in a variable is re-resolved through resolver${
              target.upstream
                ? ` (upstream ${target.upstream.name} is then unused here: remove it if nothing else uses it, as nginx still resolves its servers at start; nginx >= 1.27.3 can instead keep the group with zone and server ... resolve)`
                : ''
            }`,
        fix,
        fixAction: fix ? (noResolver ? 'insert' : 'replace') : null,
      })
    }
  }
}

const RESOLVER_LINE = 'resolver 127.0.0.53 valid=30s;   # a DNS server nginx can reach'

/** proxy_ssl_verify off (or unset) for an https proxy_pass. */
function checkVerify(directive: NginxDirective, env: CheckEnv, shown: string, includeNote: string): void {
  const {root, findings, version} = env
  const verify = effective(directive, 'proxy_ssl_verify', root)
  const verifyValue = verify?.args[0]?.toLowerCase()
  if (verifyValue === 'on' || (verifyValue && isTemplated(verifyValue))) return
  if (verify && env.verifyReported.has(verify.line)) return
  if (verify) env.verifyReported.add(verify.line)
  // Keep the CA the config already trusts (a second proxy_ssl_trusted_certificate in one block is refused).
  const trusted = effective(directive, 'proxy_ssl_trusted_certificate', root)
  const depth = effective(directive, 'proxy_ssl_verify_depth', root)
  const generated = nginxVerifyLines(hostlessContext(version)).filter(
    (text) => !(trusted && text.startsWith('proxy_ssl_trusted_certificate ')) && !(depth && text.startsWith('proxy_ssl_verify_depth ')),
  )
  const fixBlock = verify ? blockOf(verify, root) : blockOf(directive, root)
  const lines = withoutDuplicates(generated, fixBlock, verify)
  const kept = trusted ? `; the fix keeps proxy_ssl_trusted_certificate ${trusted.args[0] ?? ''} (line ${trusted.line})` : ''
  findings.push({
    line: verify ? verify.line : directive.line,
    severity: 'warning',
    id: 'nginx-ssl-verify-off',
    message: `${verify ? `proxy_ssl_verify ${verify.args[0]} at line ${verify.line} (in effect for ${shown} at line ${directive.line})` : `${shown}: proxy_ssl_verify is off by default`}: nginx accepts any upstream certificate, so a wrong or intercepted one goes unnoticed${kept}${includeNote}`,
    fix: lines.join('\n'),
    fixAction: verify ? 'replace' : 'insert',
  })
}

/** The generator's proxy_pass (scheme and authority), keeping the URI part of the original line. */
function withRest(generated: string, rest: string): string {
  const match = /^(proxy_pass [a-z]+:\/\/[^/\s;]+)\/?;$/.exec(generated)
  if (!match) return generated
  return `${match[1]}${rest};`
}

/** resolver + a variable in proxy_pass (nginx re-resolves names held in variables), replacing the proxy_pass line. */
function staticResolutionFix(target: ProxyTarget, host: string | null, scheme: 'http' | 'https', port: number, hasResolver: boolean): string | null {
  if (!isHostName(host)) return null
  let connectPort = port
  if (target.upstream) {
    const server = target.upstream.servers.find((candidate) => candidate.address.host === host)
    connectPort = server?.address.port ?? port
    // A group on 80 that the https fix moves to TLS connects to 443.
    if (scheme === 'https' && target.scheme === 'http' && connectPort === 80) connectPort = 443
  }
  const defaultPort = scheme === 'https' ? 443 : 80
  const authority = connectPort === defaultPort ? '$apigw_upstream' : `$apigw_upstream:${connectPort}`
  const lines = [...(hasResolver ? [] : [RESOLVER_LINE]), `set $apigw_upstream ${hostForUrl(host)};`]
  if (target.rest && !target.rest.startsWith('$')) lines.push('# with a variable, a URI part in proxy_pass replaces the whole request URI (not only the location prefix)')
  lines.push(`proxy_pass ${scheme}://${authority}${target.rest};`)
  return lines.join('\n')
}
