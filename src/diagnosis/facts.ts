// Small pure readings of observations that several rules share.
import type {CertificateInfo, ProbeId, ProbeObservation} from '../observations/types.js'
import {classifyHost} from '../target/hostname.js'

export type ProbeMap = Partial<Record<ProbeId, ProbeObservation>>

export function byId(probes: ProbeObservation[]): ProbeMap {
  return Object.fromEntries(probes.map((p) => [p.id, p]))
}

/** An HTTP response came back (any status). */
export const answered = (p: ProbeObservation | undefined): p is ProbeObservation & {status: number} =>
  p !== undefined && (p.outcome === 'ok' || p.outcome === 'http-error') && typeof p.status === 'number'

/** The TLS handshake completed (whatever happened after). */
export const handshakeCompleted = (p: ProbeObservation | undefined): boolean => p?.tls?.version !== undefined

export const HANDSHAKE_REFUSALS = new Set(['tls-alert', 'tls-closed', 'tls-malformed', 'tcp-reset'])

export function errorType(p: ProbeObservation | undefined): string | undefined {
  const value = p?.http?.headers['x-amzn-errortype']
  return value?.split(':')[0]
}

/** Two answers differ in a way that shows the edge treated the requests differently. */
export function answersDiffer(a: ProbeObservation & {status: number}, b: ProbeObservation & {status: number}): boolean {
  return a.status !== b.status || errorType(a) !== errorType(b) || (a.outcome === 'ok') !== (b.outcome === 'ok')
}

export function isMissingAuthenticationToken(p: ProbeObservation | undefined): boolean {
  if (!answered(p)) return false
  const body = p.http?.bodyExcerpt ?? ''
  if (p.status === 403 && (errorType(p) === 'MissingAuthenticationTokenException' || body.includes('Missing Authentication Token'))) return true
  // HTTP APIs answer an unknown route with 404 {"message":"Not Found"} and an apigw-requestid header.
  return p.status === 404 && p.http?.headers['apigw-requestid'] !== undefined && /"message"\s*:\s*"Not Found"/.test(body)
}

/** Who answered, from the telling headers. */
export function edgeKind(p: ProbeObservation | undefined): 'cloudfront' | 'apigw-rest' | 'apigw-http' | 'unknown' {
  const headers = p?.http?.headers ?? {}
  if (headers['x-amz-cf-id'] || /cloudfront/i.test(headers.via ?? '') || /cloudfront/i.test(headers.server ?? '') || /cloudfront/i.test(headers['x-cache'] ?? '')) return 'cloudfront'
  if (headers['x-amzn-requestid'] || headers['x-amz-apigw-id'] || headers['x-amzn-errortype']) return 'apigw-rest'
  if (headers['apigw-requestid']) return 'apigw-http'
  return 'unknown'
}

/** One line saying what a probe saw, for evidence. */
export function saw(p: ProbeObservation | undefined): string {
  if (!p) return 'not run'
  switch (p.outcome) {
    case 'ok':
    case 'http-error': {
      const type = errorType(p)
      const cloudfrontError = !type && /error from cloudfront/i.test(p.http?.headers['x-cache'] ?? '')
      return `HTTP ${p.status}${type ? ` (${type})` : cloudfrontError ? ' (CloudFront error page)' : ''}`
    }
    case 'tls-alert': {
      return `TLS alert ${p.tls?.alert?.number} ${p.tls?.alert?.name}`
    }
    case 'tls-malformed': {
      return `a reply that is not TLS${p.tls?.firstBytesHex ? ` (first bytes ${p.tls.firstBytesHex.slice(0, 16)})` : ''}`
    }
    case 'tls-closed': {
      return `connection ${p.error?.code === 'ECONNRESET' ? 'reset' : 'closed'} during the TLS handshake`
    }
    case 'tcp-refused': {
      return `connection refused (${p.error?.code ?? 'ECONNREFUSED'})`
    }
    case 'dns-failed': {
      return `the name does not resolve (${p.error?.code ?? 'ENOTFOUND'})`
    }
    default: {
      return `${p.outcome}${p.error ? `: ${p.error.message}` : ''}`
    }
  }
}

/** Peer-supplied text (certificate names, issuers) made safe for a one-sentence summary. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replaceAll(/[\u0000-\u001F\u007F]+/g, ' ')
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/** What a probe sent on TLS, in words: "SNI api.example.com" or "no SNI". */
export function sentSni(p: ProbeObservation): string {
  return p.sent.sni === null ? 'no SNI' : `SNI ${p.sent.sni}`
}

/** Why a probe that would send the target's name sent none: an IP literal gets no server_name (RFC 6066). */
export function whyNoSni(host: string): string {
  return classifyHost(host) === 'name' ? '' : ` (${host} is an IP address: no SNI is sent to one)`
}

/** Handshake failures that are the peer's answer to the ClientHello (not TCP, not a timeout). */
export const TLS_REFUSALS = new Set(['tls-alert', 'tls-closed', 'tls-malformed'])

/**
 * The reference handshake, sent with SNI = the target, was refused while a handshake with another
 * SNI (or none) completed: the edge refuses that name. Null when the reference sent no SNI (an IP
 * target) or nothing else completed.
 */
export function sniRejection(probes: ProbeMap): {reference: ProbeObservation; served: ProbeObservation[]} | null {
  const reference = probes['tls-sni']
  if (!reference || reference.sent.sni === null || !TLS_REFUSALS.has(reference.outcome)) return null
  const served = (['tls-no-sni', 'tls-wrong-sni'] as const)
    .map((id) => probes[id])
    .filter((p): p is ProbeObservation => p !== undefined && p.sent.sni !== reference.sent.sni && handshakeCompleted(p))
  return served.length > 0 ? {reference, served} : null
}

/** The DNS names a certificate covers, kept only when they are plain names (peer data). */
export function certificateNames(cert: CertificateInfo | undefined): string[] {
  const names = [...(cert?.sans ?? []).map((san) => san.replace(/^DNS:/, '')), ...(cert?.commonName ? [cert.commonName] : [])]
  return [...new Set(names.filter((name) => classifyHost(name.replace(/^\*\./, '')) === 'name'))]
}
