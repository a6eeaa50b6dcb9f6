// Small pure readings of observations that several rules share.
import type {ProbeId, ProbeObservation} from '../observations/types.js'

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
      return `HTTP ${p.status}${type ? ` (${type})` : ''}`
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
    default: {
      return `${p.outcome}${p.error ? `: ${p.error.message}` : ''}`
    }
  }
}
