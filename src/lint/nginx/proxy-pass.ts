// What a proxy_pass connects to (through `set` variables and upstream groups), and what the
// proxy_pass rules share about it: the names SNI and Host should carry, the block, the includes.

import {DEFAULT_PORT} from '../../target/authority.js'
import type {FixContext} from '../../fixes/types.js'
import {edgeName, isApiGateway, isCloudEndpoint, literalHostName, splitHostPort, type ParsedAddress} from '../hosts.js'
import {walkNginx, type NginxDirective} from '../nginx-parser.js'
import {blockOf, ctxFor, effective, effectiveHeaders, includesInScope, variableValue} from './context.js'

interface UpstreamServer {
  address: ParsedAddress
  resolve: boolean
  line: number
}

export interface Upstream {
  name: string
  line: number
  servers: UpstreamServer[]
}

export interface ProxyTarget {
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

/** One proxy_pass the linter can follow, with what its rules share. */
export interface ProxyPass {
  directive: NginxDirective
  target: ProxyTarget
  line: number
  address: ParsedAddress | null
  host: string | null
  cloud: boolean
  /** The edge's name, for messages. */
  edge: string
  /** `proxy_pass <url>` as written, for messages. */
  shown: string
  /** The block the proxy_pass sits in. */
  block: NginxDirective[]
  /** The literal host of the proxy_ssl_name in effect. */
  sslName: string | null
  /** The proxy_set_header lines in effect. */
  headers: NginxDirective[]
  /** The proxy_set_header Host in effect. */
  hostHeader: NginxDirective | null
  hostHeaderLiteral: string | null
  /** The host name connected to (a name, not an IP). */
  connectName: string | null
  /** A direct proxy_pass to an IP address. */
  ipConnect: boolean
  /** The host name or IP connected to. */
  connectHost: string | null
  /** Plain HTTP to port 443. */
  tlsPort: boolean
  /** Plain HTTP to API Gateway on port 80. */
  apiGatewayPlain: boolean
  /** TLS is needed: https already, or plain HTTP to 443 / to API Gateway (nginx-http-to-tls-port says so). */
  needsTls: boolean
  /** The port the fixed proxy_pass connects to. */
  fixedPort: number
  /** The name SNI should carry: an explicit proxy_ssl_name, else the Host the config sends, else the host connected to. */
  sniName: string | null
  /** The context of the generator's SNI lines; null when nothing safe is known. */
  sniCtx: FixContext | null
  /** Includes in scope (not followed): they may set what a finding says is missing. */
  includes: NginxDirective[]
  /** The note that says so, for messages ('' without includes). */
  includeNote: string
}

export function collectUpstreams(root: NginxDirective[]): Map<string, Upstream> {
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
        port: port ? Number(port[1]) : DEFAULT_PORT[scheme],
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
  return {scheme, address, port: address.port ?? DEFAULT_PORT[scheme], rest, hasVariables, upstream: null}
}

/** A proxy_pass and what its rules share; null when the linter cannot tell where it connects. */
export function describeProxyPass(directive: NginxDirective, root: NginxDirective[], upstreams: Map<string, Upstream>, version: string | null): ProxyPass | null {
  const target = parseProxyPass(directive, root, upstreams)
  if (!target) return null
  const address = target.address
  const host = address?.host ?? null

  const sslName = literalHostName(effective(directive, 'proxy_ssl_name', root)?.args[0])
  const headers = effectiveHeaders(directive, root)
  const hostHeader = headers.filter((header) => header.args[0]?.toLowerCase() === 'host').at(-1) ?? null
  const hostHeaderLiteral = literalHostName(hostHeader?.args[1])
  const connectName = address?.kind === 'name' ? address.host : null
  const connectHost = address && (address.kind === 'name' || address.kind === 'ipv4' || address.kind === 'ipv6') ? address.host : null

  const tlsPort = target.scheme === 'http' && target.port === 443
  const apiGatewayPlain = target.scheme === 'http' && isApiGateway(host) && target.port === 80
  const sniName = sslName ?? hostHeaderLiteral ?? connectName
  const includes = includesInScope(directive, root)
  return {
    directive,
    target,
    line: directive.line,
    address,
    host,
    cloud: isCloudEndpoint(host),
    edge: edgeName(host),
    shown: `proxy_pass ${directive.args[0] ?? ''}`,
    block: blockOf(directive, root),
    sslName,
    headers,
    hostHeader,
    hostHeaderLiteral,
    connectName,
    ipConnect: !target.upstream && (address?.kind === 'ipv4' || address?.kind === 'ipv6'),
    connectHost,
    tlsPort,
    apiGatewayPlain,
    needsTls: target.scheme === 'https' || tlsPort || apiGatewayPlain,
    fixedPort: apiGatewayPlain ? 443 : target.port,
    sniName,
    // For a direct proxy_pass, the generator's line connects to the address written in the config.
    sniCtx: ctxFor(sniName, target.port, target.upstream ? null : connectHost, version),
    includes,
    includeNote: includes.length > 0 ? ` (unless a file included at line ${includes.map((include) => include.line).sort((a, b) => a - b).join(', ')} sets it: includes are not followed)` : '',
  }
}
