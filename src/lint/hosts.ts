import {isIPv6} from 'node:net'

import type {FixContext} from '../fixes/types.js'
import {classifyHost} from '../target/hostname.js'

/** What an address in a config names. `templated`: a placeholder or variable the linter cannot see through. */
export type AddressKind = 'name' | 'ipv4' | 'ipv6' | 'socket' | 'templated' | 'invalid'

export interface ParsedAddress {
  kind: AddressKind
  /** Lower-cased host name or IP literal (brackets removed); the text as written when templated. */
  host: string | null
  port: number | null
}

/** True when the text still holds a template placeholder or variable ($VAR, ${VAR}, %[...], {{ }}, <...>). */
export function isTemplated(text: string): boolean {
  return /[$%{}<>]/.test(text) || /\{\{|\}\}/.test(text)
}

/** A host name or IP literal safe to put in a snippet (the fix generators insist on it). */
export function isSnippetSafe(host: string | null | undefined): host is string {
  return typeof host === 'string' && classifyHost(host) !== null
}

export function isHostName(host: string | null | undefined): host is string {
  return typeof host === 'string' && classifyHost(host) === 'name'
}

const CLOUD_SUFFIX = /\.(?:amazonaws\.com(?:\.cn)?|cloudfront\.net|on\.aws)\.?$/i
const API_GATEWAY = /\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\.?$/i
const CLOUDFRONT = /\.cloudfront\.net\.?$/i

/** An AWS HTTPS endpoint (API Gateway, CloudFront, S3, Lambda URL...): TLS only or TLS first, strict SNI, routes on Host. */
export function isCloudEndpoint(host: string | null | undefined): boolean {
  return typeof host === 'string' && CLOUD_SUFFIX.test(host.trim())
}

export function isApiGateway(host: string | null | undefined): boolean {
  return typeof host === 'string' && API_GATEWAY.test(host.trim())
}

export function isCloudFront(host: string | null | undefined): boolean {
  return typeof host === 'string' && CLOUDFRONT.test(host.trim())
}

/** Short name of the edge, for messages. */
export function edgeName(host: string | null | undefined): string {
  if (isApiGateway(host)) return 'API Gateway'
  if (isCloudFront(host)) return 'CloudFront'
  if (isCloudEndpoint(host)) return 'the AWS endpoint'
  return 'the server'
}

function parsePortText(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null
  const port = Number(text)
  return port >= 1 && port <= 65_535 ? port : null
}

/**
 * Splits `host:port`, `[v6]:port`, a bare host or IP into its parts. The port is null when absent
 * or not a plain number (a range, an offset, a variable).
 */
export function splitHostPort(text: string): ParsedAddress {
  const trimmed = text.trim()
  if (trimmed.length === 0) return {kind: 'invalid', host: null, port: null}
  if (trimmed.startsWith('[')) {
    const close = trimmed.indexOf(']')
    if (close < 0) return {kind: 'invalid', host: null, port: null}
    const host = trimmed.slice(1, close)
    const rest = trimmed.slice(close + 1)
    const port = rest.startsWith(':') ? parsePortText(rest.slice(1)) : null
    return {kind: isIPv6(host) ? 'ipv6' : 'invalid', host, port}
  }
  if (isIPv6(trimmed)) return {kind: 'ipv6', host: trimmed, port: null}
  const colon = trimmed.lastIndexOf(':')
  let hostText = trimmed
  let port: number | null = null
  if (colon >= 0) {
    hostText = trimmed.slice(0, colon)
    port = parsePortText(trimmed.slice(colon + 1))
    if (isIPv6(hostText)) return {kind: 'ipv6', host: hostText, port}
  }
  if (isTemplated(hostText)) return {kind: 'templated', host: hostText, port}
  const host = hostText.toLowerCase()
  const kind = classifyHost(host)
  return {kind: kind ?? 'invalid', host, port}
}

/** Edit distance (Damerau: a swap of two neighbours costs 1), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({length: rows}, (_, i) => Array.from({length: cols}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      const row = d[i] as number[]
      const prev = d[i - 1] as number[]
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1)
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number
}

/** The closest candidate within a distance that still reads as a typo, or null. */
export function closest(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null
  let bestDistance = Number.POSITIVE_INFINITY
  const limit = Math.min(3, Math.floor(name.length / 3))
  for (const candidate of candidates) {
    if (candidate === name) continue
    // A case-only difference or a '-' / '_' swap is the classic typo: weigh it first.
    const folded = candidate.toLowerCase().replaceAll('-', '_') === name.toLowerCase().replaceAll('-', '_')
    if (!folded && (limit === 0 || Math.abs(candidate.length - name.length) > limit)) continue
    const distance = folded ? 0.5 : editDistance(name, candidate)
    if (distance < bestDistance && distance <= limit) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** A literal host name written in a config (no variable or placeholder), lower-cased; null otherwise. */
export function literalHostName(value: string | undefined): string | null {
  if (!value || isTemplated(value)) return null
  const parsed = splitHostPort(value)
  return parsed.kind === 'name' && parsed.host ? parsed.host : null
}

/** A context for the fix generators' version-dependent lines only: no host of the config goes into them. */
export function hostlessContext(version: string | null): FixContext {
  return {host: 'localhost', port: 443, address: null, path: '/', caFile: null, version}
}
