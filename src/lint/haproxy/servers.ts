// The server lines of a backend or listen section as the server rules see them: their settings
// after global and default-server lines, and the corrected line most TLS fixes propose.

import type {FixContext} from '../../fixes/types.js'
import type {HaproxySection} from '../haproxy-parser.js'
import {EMPTY_SETTINGS, applyOptions, parseServerOptions, readServerLine, rebuildServerLine, safeCaFile, type ServerLine, type ServerSettings} from '../haproxy-server.js'
import {isCloudEndpoint, isSnippetSafe} from '../hosts.js'
import {first, type ProxyInfo} from './context.js'

/** One server line with the settings in effect for it. */
export interface ServerCheck {
  info: ProxyInfo
  server: ServerLine
  settings: ServerSettings
  /** What the TLS, health-check and resolvers rules share; null for a socket or an unreadable host (they skip it). */
  tls: ServerTls | null
}

export interface ServerTls {
  host: string
  cloud: boolean
  /** Plain HTTP to a TLS port, or to an endpoint that only speaks TLS. */
  plainToTls: boolean
  /** The names and context of the corrected line; null when nothing safe is known. */
  ctx: FixContext | null
  /** The server line with ssl, verification and SNI done right (the fix of most TLS findings). */
  corrected: string | null
  /** ssl from a default-server line to port 80 of a server that is no cloud endpoint: the fix turns TLS off, nothing TLS to say about it. */
  tlsOff: boolean
}

/** What the global section's `ssl-server-verify` sets for every server. */
export function globalServerSettings(global: HaproxySection | null): ServerSettings {
  let base = {...EMPTY_SETTINGS}
  if (!global) return base
  for (const directive of global.directives) {
    const [keyword, value] = [directive.words[0]?.value, directive.words[1]?.value]
    if (keyword === 'ssl-server-verify') base = {...base, verify: value ?? null, verifyLine: directive.line}
  }
  return base
}

/** The server lines of a section, in order, each with the default-server lines before it applied. */
export function serverChecks(info: ProxyInfo, globalBase: ServerSettings, version: string | null): ServerCheck[] {
  const {section, defaults} = info
  let base = globalBase
  for (const directive of defaults?.directives ?? []) {
    if (first(directive) === 'default-server') base = applyOptions(base, parseServerOptions(directive.words.slice(1)), directive.line)
  }
  const checks: ServerCheck[] = []
  for (const directive of section.directives) {
    const keyword = first(directive)
    if (keyword === 'default-server') {
      base = applyOptions(base, parseServerOptions(directive.words.slice(1)), directive.line)
      continue
    }
    const server = readServerLine(directive)
    if (!server) continue
    const settings = applyOptions(base, server.options, directive.line)
    checks.push({info, server, settings, tls: serverTls(info, server, settings, version)})
  }
  return checks
}

function serverTls(info: ProxyInfo, server: ServerLine, settings: ServerSettings, version: string | null): ServerTls | null {
  const address = server.address
  // Templated or unreadable hosts still get findings, without a snippet (fixContext refuses them).
  if (address.kind === 'socket' || address.host === null) return null
  const host = address.host
  const cloud = isCloudEndpoint(host)
  const tlsPort = address.port === 443 || (address.port === null && cloud)
  const plainToTls = !settings.ssl && info.mode === 'http' && (cloud || tlsPort)
  // Plain HTTP to port 80 of a cloud endpoint: the fix connects to 443.
  const ctx = plainToTls
    ? fixContext(info, server, settings, version, cloud && address.port === 80 ? 443 : undefined)
    : settings.ssl
      ? fixContext(info, server, settings, version, tlsPortOverride(server, settings))
      : null
  return {
    host,
    cloud,
    plainToTls,
    ctx,
    corrected: ctx ? rebuildServerLine(server, ctx, {check: settings.check, extra: checkSslExtra(settings), caFileRaw: settings.caFileRaw}) : null,
    tlsOff: settings.ssl && address.port === 80 && !cloud && settings.sslLine !== server.directive.line,
  }
}

/** TLS to port 80 of a cloud endpoint is a mistake for port 443: the fixes connect there. */
export function tlsPortOverride(server: ServerLine, settings: ServerSettings): number | undefined {
  return settings.ssl && server.address.port === 80 && isCloudEndpoint(server.address.host) ? 443 : undefined
}

/** Names and context for the snippets of one server line; null fields when nothing safe is known. */
export function fixContext(info: ProxyInfo, server: ServerLine, settings: ServerSettings, version: string | null, portOverride?: number): FixContext | null {
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

export function describeServer(server: ServerLine): string {
  const where = server.addressWord?.value ?? '?'
  return `server ${server.name} (${where})`
}

/** `check-ssl` is needed when checks go to another port/addr of a TLS server. */
function checkSslExtra(settings: ServerSettings): string[] {
  return settings.check && (settings.port !== null || settings.addr !== null) && !settings.checkSsl ? ['check-ssl'] : []
}
