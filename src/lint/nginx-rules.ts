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

  for (const directive of walkNginx(root)) {
    if (directive.name === 'include') {
      findings.push({
        line: directive.line,
        severity: 'info',
        id: 'config-include-not-followed',
        message: `include ${directive.args.join(' ')} is not followed: lint reads this file only, so directives in the included file${
          harmlessInclude(directive) ? '' : ' (proxy_ssl_server_name, proxy_set_header Host, upstream blocks...)'
        } are not seen; lint that file on its own`,
        fix: null,
      })
    }
    if (directive.name === 'proxy_pass') checkProxyPass(directive, {root, upstreams, findings, version: options.version})
  }
  return {findings: dedupe(findings), config}
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
  return /(?:^|\/)(?:mime\.types|[\w.-]+\.types|fastcgi_params|fastcgi\.conf|uwsgi_params|scgi_params|koi-utf|koi-win|win-utf)$/.test(directive.args[0] ?? '')
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

  const sslName = literal(effective(directive, 'proxy_ssl_name', root)?.args[0])
  const headers = effectiveHeaders(directive, root)
  const hostHeader = headers.filter((header) => header.args[0]?.toLowerCase() === 'host').at(-1) ?? null
  const hostHeaderLiteral = literal(hostHeader?.args[1])
  const connectName = address?.kind === 'name' ? address.host : null
  const connectHost = address && (address.kind === 'name' || address.kind === 'ipv4' || address.kind === 'ipv6') ? address.host : null

  // The name SNI should carry: an explicit proxy_ssl_name, else the Host the config sends, else the host connected to.
  const sniName = sslName ?? hostHeaderLiteral ?? connectName
  // For a direct proxy_pass, the generator's line connects to the address written in the config.
  const sniCtx = ctxFor(sniName, target.port, target.upstream ? null : connectHost, version)
  const includes = includesInScope(directive, root)
  const includeNote = includes.length > 0 ? ` (unless a file included at line ${includes.map((include) => include.line).sort((a, b) => a - b).join(', ')} sets it: includes are not followed)` : ''

  if (target.scheme === 'https') {
    const sni = effective(directive, 'proxy_ssl_server_name', root)
    const sniValue = sni?.args[0]?.toLowerCase()
    if (sniValue !== 'on' && !(sniValue && isTemplated(sniValue))) {
      const where = sni ? `proxy_ssl_server_name ${sni.args[0]} at line ${sni.line}` : 'proxy_ssl_server_name is off by default'
      const upstreamNote = target.upstream ? `; for upstream ${target.upstream.name} also name the host with proxy_ssl_name (the default is the group name)` : ''
      findings.push({
        line,
        severity: includes.length > 0 ? 'warning' : 'error',
        id: 'nginx-missing-proxy-ssl-server-name',
        message: `${shown}: ${where}, so nginx sends no SNI; ${cloud ? edge : 'a strict-SNI server'} refuses the handshake and nginx answers 502 with "SSL_do_handshake() failed" in the error log${upstreamNote}${includeNote}`,
        fix: sniCtx ? nginxSniLines(sniCtx).join('\n') : target.upstream ? null : sniSwitchLine(version),
      })
    }

    const verify = effective(directive, 'proxy_ssl_verify', root)
    const verifyValue = verify?.args[0]?.toLowerCase()
    if (verifyValue !== 'on' && !(verifyValue && isTemplated(verifyValue))) {
      findings.push({
        line,
        severity: 'warning',
        id: 'nginx-ssl-verify-off',
        message: `${shown}: ${verify ? `proxy_ssl_verify ${verify.args[0]} at line ${verify.line}` : 'proxy_ssl_verify is off by default'}: nginx accepts any upstream certificate, so a wrong or intercepted one goes unnoticed${includeNote}`,
        fix: nginxVerifyLines(hostlessContext(version)).join('\n'),
      })
    }
  }

  if (target.scheme === 'http') {
    const tlsPort = target.port === 443
    const apiGatewayPlain = isApiGateway(host) && target.port === 80
    if (tlsPort || apiGatewayPlain) {
      const ctx = ctxFor(sniName, 443, target.upstream ? null : connectHost, version)
      let fix: string | null = null
      if (target.upstream) {
        const raw = directive.rawArgs[0] ?? ''
        // The group's servers keep their ports: only a group already on 443 is fixed by the scheme.
        fix = tlsPort ? [`proxy_pass ${raw.replace(/^(["']?)http:/i, '$1https:')};`, ...(ctx ? nginxSniLines(ctx) : [sniSwitchLine(version)])].join('\n') : null
      } else if (ctx) {
        fix = [withRest(nginxProxyPass(ctx), target.rest), ...nginxSniLines(ctx)].join('\n')
      }
      findings.push({
        line,
        severity: 'error',
        id: 'nginx-http-to-tls-port',
        message: tlsPort
          ? `${shown}: plain HTTP to port 443${target.upstream ? ` (upstream ${target.upstream.name})` : ''}: the request reaches a TLS port and ${edge} answers 400 Bad Request (nginx passes it on); use https://`
          : `${shown}: API Gateway has no plain-HTTP listener (port 80 is refused or times out); use https://`,
        fix,
      })
    }
  }

  // Host: the edge routes on it. $host/$http_host forwards the client's; an upstream group's
  // default ($proxy_host) is the group name.
  if (address && (cloud || target.scheme === 'https')) {
    const hostCtx = ctxFor(sslName ?? connectName ?? hostHeaderLiteral, target.port, null, version)
    if (hostHeader && HOST_PASSTHROUGH.test(hostHeader.args[1] ?? '')) {
      findings.push({
        line: hostHeader.line,
        severity: cloud ? 'error' : 'warning',
        id: 'nginx-host-passthrough',
        message: `proxy_set_header Host ${hostHeader.args[1]} (in effect for ${shown} at line ${line}) forwards the client's Host: ${
          cloud ? `${edge} routes on Host and answers 403 (ForbiddenException, or CloudFront's "The request could not be satisfied")` : 'an HTTPS origin that routes on Host (virtual hosting) answers 403/404 or the wrong site'
        }`,
        fix: hostCtx ? nginxHostLine(hostCtx) : null,
      })
    } else if (!hostHeader && target.upstream && cloud) {
      findings.push({
        line,
        severity: 'error',
        id: 'nginx-host-passthrough',
        message: `${shown}: no proxy_set_header Host is in effect, so nginx sends $proxy_host, which for upstream ${target.upstream.name} is the group name: ${edge} routes on Host and answers 403`,
        fix: hostCtx ? nginxHostLine(hostCtx) : null,
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
      findings.push({
        line,
        severity: noResolver && !fragment ? 'error' : 'warning',
        id: 'nginx-static-resolution',
        message: noResolver
          ? `${shown} holds variables but no resolver is in effect: nginx cannot resolve ${host} at run time and every request fails with 502 ("no resolver defined to resolve")${fragment ? ' (unless the http {} block that includes this file sets one)' : ''}`
          : `${shown}: ${host} is resolved once, when nginx starts; ${edge} addresses rotate, so nginx ends up connecting to addresses that no longer serve the endpoint. Resolve it at run time`,
        fix: staticResolutionFix(target, connectName, version),
      })
    }
  }
}

/** The generator's proxy_pass (scheme and authority), keeping the URI part of the original line. */
function withRest(generated: string, rest: string): string {
  const match = /^(proxy_pass [a-z]+:\/\/[^/\s;]+)\/?;$/.exec(generated)
  if (!match) return generated
  return `${match[1]}${rest};`
}

/** resolver + a variable in proxy_pass (nginx re-resolves names held in variables). */
function staticResolutionFix(target: ProxyTarget, host: string | null, version: string | null): string | null {
  if (!isHostName(host)) return null
  if (target.upstream) {
    const server = target.upstream.servers.find((candidate) => candidate.address.host === host)
    return [
      '# nginx >= 1.27.3 (or NGINX Plus): re-resolve upstream servers; needs a resolver in http {}',
      'resolver 127.0.0.53 valid=30s;',
      `# in upstream ${target.upstream.name}:`,
      'zone apigw 64k;',
      `server ${hostForUrl(host)}:${server?.address.port ?? target.port} resolve;`,
    ].join('\n')
  }
  // Plain HTTP to 443 is its own finding: the snippet here is already the https one.
  const scheme = target.scheme === 'http' && target.port === 443 ? 'https' : target.scheme
  const defaultPort = scheme === 'https' ? 443 : 80
  const authority = target.port === defaultPort ? '$apigw_upstream' : `$apigw_upstream:${target.port}`
  const lines = ['resolver 127.0.0.53 valid=30s;   # a DNS server nginx can reach', `set $apigw_upstream ${host};`]
  if (target.rest && !target.rest.startsWith('$')) lines.push('# with a variable, a URI part in proxy_pass replaces the whole request URI (not only the location prefix)')
  lines.push(`proxy_pass ${scheme}://${authority}${target.rest};`)
  void version
  return lines.join('\n')
}
