import {isIPv4, isIPv6} from 'node:net'

import {UsageError} from '../cli/errors.js'

export type HostKind = 'name' | 'ipv4' | 'ipv6'

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i

/**
 * A DNS host name as it may appear in a config snippet: letters, digits, hyphens, underscores
 * (seen in real CNAMEs), dots between non-empty labels, at most 253 characters. Nothing here
 * can break out of a config line (no spaces, quotes, semicolons, braces, parentheses, #).
 */
export function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name
  if (trimmed.length === 0) return false
  const labels = trimmed.split('.')
  if (!labels.every((label) => LABEL.test(label))) return false
  // A name whose last label is all digits would be read as an IPv4 address by resolvers.
  return !/^\d+$/.test(labels.at(-1) ?? '')
}

/** Classifies a host (without brackets); null when it is neither a valid name nor an IP literal. */
export function classifyHost(host: string): HostKind | null {
  if (isIPv4(host)) return 'ipv4'
  if (isIPv6(host)) return host.includes('%') ? null : 'ipv6'
  return isValidHostname(host) ? 'name' : null
}

/** The host as written in a URL or host:port (IPv6 in brackets). */
export function hostForUrl(host: string): string {
  return isIPv6(host) ? `[${host}]` : host
}

/** Stands for "your host" in advice given without a known host (explain); never a real name. */
export const HOST_PLACEHOLDER = '<host>'

/** Asserts the host is safe to embed in a snippet; every fix generator calls this first. */
export function assertSnippetSafeHost(host: string): string {
  if (host === HOST_PLACEHOLDER) return host
  if (classifyHost(host) === null) throw new UsageError(`refusing to put ${JSON.stringify(host)} in a config snippet: not a host name or IP literal`)
  return host
}
