import {assertSnippetSafeHost, hostForUrl} from '../target/hostname.js'
import type {FixContext} from './types.js'

/** host:port the proxy should connect to (the pinned address when there is one). */
export function upstreamAuthority(ctx: FixContext): string {
  const where = assertSnippetSafeHost(ctx.address ?? ctx.host)
  return `${hostForUrl(where)}:${ctx.port}`
}

/** The validated host name for SNI and Host. */
export function safeHost(ctx: FixContext): string {
  return assertSnippetSafeHost(ctx.host)
}

/** Host header value: the port is only named when it is not the default. */
export function hostHeaderValue(ctx: FixContext): string {
  const host = hostForUrl(safeHost(ctx))
  return ctx.port === 443 ? host : `${host}:${ctx.port}`
}

/** Paths come from the user; keep only characters that cannot break a config line. */
export function safePath(path: string): string {
  return /^\/[\w\-./~%!$&'()*+,=:@]*$/.test(path) && !/[;{}#"\s]/.test(path) ? path : '/'
}

export const DEBIAN_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'

/** A comment line that reminds the reader where a pinned address came from. */
export function pinnedNote(ctx: FixContext, comment: string): string[] {
  return ctx.address ? [`${comment} address pinned as with --resolve/--connect-to; in production use ${safeHost(ctx)} with DNS re-resolution`] : []
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
