import {classifyHost} from '../../target/hostname.js'
import {answered, edgeKind, errorType, isMissingAuthenticationToken, saw, whyNoSni} from '../facts.js'
import type {Rule} from '../rule.js'
import {curlReference, curlVerbose} from '../verify-commands.js'

// What the reference request itself (TLS, SNI and Host right) got back.

export const missingAuthenticationToken: Rule = {
  id: 'missing-authentication-token',
  severity: 'error',
  reads: ['tls-sni'],
  applies({probes, target}) {
    const reference = probes['tls-sni']
    if (!isMissingAuthenticationToken(reference)) return null
    const httpApi = reference?.status === 404
    return {
      summary: httpApi
        ? `The HTTP API has no route for ${target.path} (404 {"message":"Not Found"}): check the stage and the route in the path.`
        : `API Gateway answers 403 Missing Authentication Token for ${target.path}: the path lacks the stage or names no resource (or the method needs IAM signing).`,
      details: [{probe: 'tls-sni', saw: saw(reference)}],
    }
  },
  fix: (fixes, ctx) => fixes.stagePath(ctx),
  verify: curlReference,
}

function forbiddenCause(type: string | undefined, body: string, edge: string): string {
  if (type === 'AccessDeniedException' || body.includes('not authorized to perform')) return 'a resource policy denies this caller (execute-api:Invoke)'
  if (/api key/i.test(body) || type === 'ForbiddenException' && /key/i.test(body)) return 'an API key is required (send x-api-key with -H)'
  if (type === 'ForbiddenException') return 'a private API reached from outside its VPC endpoint, a WAF rule, or a disabled default endpoint'
  if (edge === 'cloudfront') return 'CloudFront refused it (WAF, geo restriction, or a Host/alternate domain the distribution does not know)'
  return 'the origin refuses this request (authentication, WAF or policy)'
}

export const forbidden: Rule = {
  id: 'forbidden',
  severity: 'error',
  reads: ['tls-sni'],
  applies({probes, target}) {
    const reference = probes['tls-sni']
    if (!answered(reference) || reference.status !== 403 || isMissingAuthenticationToken(reference)) return null
    const cause = forbiddenCause(errorType(reference), reference.http?.bodyExcerpt ?? '', edgeKind(reference))
    // Say what was sent: an IP target gets no SNI and its Host is the address, which an edge that
    // routes on names refuses by itself.
    const sent =
      reference.sent.sni === null
        ? `with TLS, no SNI${whyNoSni(target.host)} and Host: ${reference.sent.host}`
        : `even with TLS, SNI ${reference.sent.sni} and Host: ${reference.sent.host} right`
    const byAddress = classifyHost(target.host) === 'name' ? '' : `; or the edge routes on names and refuses its address as Host (probe it by name: --resolve NAME:${target.port}:${target.host})`
    return {
      summary: `The reference request to ${target.host} gets 403 ${sent}: ${cause}${byAddress}.`,
      details: [{probe: 'tls-sni', saw: `${saw(reference)}${reference.http?.bodyExcerpt ? `: ${reference.http.bodyExcerpt.slice(0, 120)}` : ''}`}],
    }
  },
  verify: curlVerbose,
}

export const serverError: Rule = {
  id: 'server-error',
  severity: 'error',
  reads: ['tls-sni'],
  applies({probes, target}) {
    const reference = probes['tls-sni']
    if (!answered(reference) || reference.status < 500) return null
    return {
      summary: `${target.host} answers the reference request with ${reference.status}: the edge is reached correctly; the integration or origin behind it fails.`,
      details: [{probe: 'tls-sni', saw: saw(reference)}],
    }
  },
  verify: curlVerbose,
}

export const clientError: Rule = {
  id: 'request-rejected',
  severity: 'error',
  reads: ['tls-sni'],
  applies({probes, target}) {
    const reference = probes['tls-sni']
    if (!answered(reference) || reference.status < 400 || reference.status >= 500 || reference.status === 403 || isMissingAuthenticationToken(reference)) return null
    return {
      summary: `${target.host} rejects the reference request with ${saw(reference)}: check the path, method and headers.`,
      details: [{probe: 'tls-sni', saw: saw(reference)}],
    }
  },
  verify: curlVerbose,
}

export const httpNoAnswer: Rule = {
  id: 'http-no-answer',
  severity: 'error',
  reads: ['tls-sni'],
  applies({probes, target}) {
    const reference = probes['tls-sni']
    if (!reference || !['http-timeout', 'http-closed', 'http-malformed'].includes(reference.outcome)) return null
    return {
      summary: `The TLS handshake with ${target.host} works but the HTTP answer ${reference.outcome === 'http-timeout' ? 'never comes' : reference.outcome === 'http-closed' ? 'is cut off' : 'is not valid HTTP/1.1'} (${reference.error?.message ?? reference.outcome}).`,
      details: [{probe: 'tls-sni', saw: saw(reference)}],
    }
  },
  verify: curlVerbose,
}
