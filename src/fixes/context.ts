import {hostHeaderFor, hostPort} from '../target/authority.js'
import {assertSnippetSafeHost, classifyHost} from '../target/hostname.js'
import type {FixContext} from './types.js'

/** A port that goes into a snippet: an integer 1..65535, or the generator refuses (like a bad host). */
export function assertSnippetPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`refusing to put port ${JSON.stringify(port)} in a config snippet`)
  return port
}

/** The host the proxy connects to: the pinned address when there is one, else the target. */
export function connectHost(ctx: FixContext): string {
  return assertSnippetSafeHost(ctx.address ?? ctx.host)
}

/** The port the proxy connects to: the one --connect-to chose when it moved it, else the target's. */
export function connectPort(ctx: FixContext): number {
  return assertSnippetPort(ctx.addressPort ?? ctx.port)
}

/** host:port the proxy should connect to (the pinned address and port when there are). */
export function upstreamAuthority(ctx: FixContext): string {
  return hostPort(connectHost(ctx), connectPort(ctx))
}

/** The validated host name for SNI and Host. */
export function safeHost(ctx: FixContext): string {
  return assertSnippetSafeHost(ctx.host)
}

/** Host header value: the target (never the pinned address), its port only when not 443. */
export function hostHeaderValue(ctx: FixContext): string {
  return hostHeaderFor(safeHost(ctx), assertSnippetPort(ctx.port), 'https')
}

/** The target is an IP literal: no SNI can name it (RFC 6066 allows host names only). */
export function isIpTarget(ctx: FixContext): boolean {
  const kind = classifyHost(ctx.host)
  return kind === 'ipv4' || kind === 'ipv6'
}

/** The pinned address is another host than the target (an IP target pinned to another IP, a name pinned to an IP). */
export function connectsElsewhere(ctx: FixContext): boolean {
  return ctx.address !== null && ctx.address !== ctx.host
}

/**
 * A host name the proxy must look up itself, and keep looking up: not pinned, not an IP, not
 * localhost (which DNS resolvers do not answer; the system resolver's answer never changes).
 */
export function resolvesAtRunTime(ctx: FixContext): boolean {
  if (ctx.address !== null || classifyHost(ctx.host) !== 'name') return false
  const host = ctx.host.toLowerCase().replace(/\.$/, '')
  return host !== 'localhost' && !host.endsWith('.localhost')
}

const HEX = /^[0-9A-Fa-f]{2}$/
/** RFC 3986 pchar: unreserved, sub-delims, ':' and '@' (and pct-encoded, handled apart). */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/

function percentEncode(text: string, allowed: (char: string) => boolean): string {
  let out = ''
  const chars = [...text]
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string
    if (char === '%' && HEX.test((chars[i + 1] ?? '') + (chars[i + 2] ?? ''))) {
      out += '%' + chars[i + 1] + chars[i + 2]
      i += 2
    } else if (char !== '%' && allowed(char)) {
      out += char
    } else {
      for (const byte of Buffer.from(char, 'utf8')) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
    }
  }
  return out
}

/**
 * The request path and query as they may appear in a URL: every character outside RFC 3986's
 * path (pchar and /) or query (pchar, / and ?) is percent-encoded, valid %XX escapes are kept.
 * The query is kept (it is part of what the probe sent); a fragment is not sent, so # is encoded.
 */
export function requestTarget(path: string): string {
  const absolute = path.startsWith('/') ? path : '/' + path
  const mark = absolute.indexOf('?')
  const pathPart = mark === -1 ? absolute : absolute.slice(0, mark)
  const encodedPath = percentEncode(pathPart, (char) => char === '/' || PCHAR.test(char))
  if (mark === -1) return encodedPath
  return encodedPath + '?' + percentEncode(absolute.slice(mark + 1), (char) => char === '/' || char === '?' || PCHAR.test(char))
}

/** What a config line (or a comment in one) may carry of a path: nothing any config syntax reads. */
const CONFIG_SAFE_PATH = /^\/[A-Za-z0-9._~/%-]{0,1024}$/

/**
 * The path (without its query) as it may appear in a config snippet, percent-encoded, or null when
 * it still holds a character some proxy's config would read as syntax (quote, ;, {, #, $, ( …).
 */
export function configPath(path: string): string | null {
  const encoded = requestTarget(path).split('?')[0] as string
  return CONFIG_SAFE_PATH.test(encoded) ? encoded : null
}

/** Stands for the path in a snippet when the real one cannot be shown. */
const PATH_PLACEHOLDER = '/<stage>/<resource>'

/** The path for a comment in a snippet: the real one when it is safe, else the placeholder. */
export function pathForConfig(path: string): string {
  return configPath(path) ?? PATH_PLACEHOLDER
}

export const DEBIAN_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'

/** Where a fix asks for the CA that issued an untrusted certificate, when --ca-file named none. */
export const ISSUING_CA_PLACEHOLDER = '/path/to/issuing-ca.pem'

/** A comment line that reminds the reader where a pinned address came from. */
export function pinnedNote(ctx: FixContext, comment: string): string[] {
  if (!ctx.address) return []
  const production = isIpTarget(ctx) ? `connect to ${hostPort(safeHost(ctx), assertSnippetPort(ctx.port))}` : `use ${safeHost(ctx)} with DNS re-resolution`
  return [`${comment} address pinned as with --resolve/--connect-to; in production ${production}`]
}

/** Parses "2.4", "3.3.1" into comparable numbers; null for a missing or unreadable version. */
export function parseVersion(version: string | null): [number, number] | null {
  const match = version === null ? null : /^(\d+)\.(\d+)/.exec(version)
  return match ? [Number(match[1]), Number(match[2])] : null
}

export function versionAtLeast(version: [number, number] | null, major: number, minor: number): boolean {
  if (!version) return false
  return version[0] > major || (version[0] === major && version[1] >= minor)
}
