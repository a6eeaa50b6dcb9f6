// This product's own vocabulary: probe outcomes, probe ids and diagnosis ids (SPEC.md), plus the
// HTTP statuses a proxy in front of API Gateway / CloudFront typically logs.

import {check, haproxy, nginx} from './advice.js'
import {echo} from './text.js'
import type {Explanation} from './types.js'

interface Entry {
  type: 'outcome' | 'probe' | 'diagnosis' | 'http-status'
  meaning: string
  proxies?: string
  causes: string[]
  steps: string[]
}

const SNI = [haproxy.sni(null), nginx.sni(null)]

const ENTRIES: Record<string, Entry> = {
  ok: {type: 'outcome', meaning: 'the probe got a 2xx or 3xx answer', causes: [], steps: []},
  'http-error': {type: 'outcome', meaning: 'the probe got a 4xx or 5xx answer (its status is recorded)', proxies: 'the proxy passes the status through (HAProxy ----)', causes: ['403: Host not rewritten, stage missing, or a policy', '400 on the TLS port: plain HTTP'], steps: [check.probe(null)]},
  'dns-failed': {type: 'outcome', meaning: 'the name did not resolve', proxies: 'HAProxy refuses to start (or marks the server down); nginx: "host not found in upstream"', causes: ['A typo, or a private API name outside its VPC'], steps: ['`dig +short <host>`']},
  'tcp-refused': {type: 'outcome', meaning: 'the TCP connection was refused (RST) or unreachable', proxies: 'HAProxy SC-- 503; nginx connect() failed (111)', causes: ['Wrong port, firewall, stale address'], steps: [haproxy.resolvers()]},
  'tcp-timeout': {type: 'outcome', meaning: 'the TCP connection got no answer in time', proxies: 'HAProxy sC-- 503; nginx "upstream timed out … while connecting"', causes: ['Firewall or security group dropping packets, stale address'], steps: [haproxy.resolvers()]},
  'tcp-reset': {type: 'outcome', meaning: 'the connection was reset outside the TLS handshake', proxies: 'HAProxy SH-- or SD--; nginx recv() failed (104)', causes: ['A middlebox or the server resetting'], steps: [check.probe(null)]},
  'tls-alert': {type: 'outcome', meaning: 'the peer answered the ClientHello with a TLS alert (its number and name are recorded, e.g. 112 unrecognized_name)', proxies: 'HAProxy SC-- 503; nginx SSL_do_handshake() failed … alert number N, 502', causes: ['No or wrong SNI (40, 112)', 'TLS version (70), client certificate (116)'], steps: SNI},
  'tls-closed': {type: 'outcome', meaning: 'the peer closed or reset the connection during the handshake without an alert', proxies: 'HAProxy SC-- 503 after its retries; nginx "peer closed connection in SSL handshake", 502', causes: ['A strict-SNI edge (CloudFront) dropping a ClientHello without SNI'], steps: SNI},
  'tls-malformed': {type: 'outcome', meaning: 'the peer answered the ClientHello with bytes that are not a valid TLS record (a plain-HTTP reply, or CloudFront\'s alert with record version 00 00); the first bytes are kept as hex', proxies: 'HAProxy SC-- 503; nginx "wrong version number", 502', causes: ['No SNI to CloudFront', 'TLS sent to a plain-HTTP port'], steps: SNI},
  'tls-timeout': {type: 'outcome', meaning: 'TCP connected but the handshake never completed in time', proxies: 'HAProxy sC-- 503/504; nginx "upstream timed out … while SSL handshaking"', causes: ['A middlebox swallowing the ClientHello, a non-TLS port'], steps: [check.probe(null)]},
  'http-timeout': {type: 'outcome', meaning: 'the request was sent but no response headers came in time', proxies: 'HAProxy sH-- 504; nginx "upstream timed out … while reading response header"', causes: ['A slow integration (API Gateway gives up after 29 s)'], steps: ['Raise the proxy\'s server/read timeout above the integration timeout']},
  'http-closed': {type: 'outcome', meaning: 'the server closed the connection without a complete response', proxies: 'HAProxy SH-- 502; nginx "upstream prematurely closed connection", 502', causes: ['Plain HTTP to a TLS port of a server that closes', 'A reused idle connection'], steps: [check.probe(null)]},
  'http-malformed': {type: 'outcome', meaning: 'the server answered with something that is not valid HTTP', proxies: 'HAProxy PH-- 502; nginx "upstream sent no valid HTTP/1.0 header", 502', causes: ['Plain HTTP sent to a TLS port (the answer is a TLS alert)'], steps: [haproxy.ssl(), nginx.https(null)]},

  'http-plain': {type: 'probe', meaning: 'plain HTTP to --http-port (80), Host = target', causes: [], steps: []},
  'http-to-tls-port': {type: 'probe', meaning: 'plain HTTP to the TLS port: the `server … :443` without `ssl` mistake', causes: [], steps: []},
  'tls-no-sni': {type: 'probe', meaning: 'a TLS handshake with no SNI extension, then the request with Host = target: what `ssl` without `sni` does', causes: [], steps: []},
  'tls-sni': {type: 'probe', meaning: 'TLS with SNI = target and Host = target: the reference request', causes: [], steps: []},
  'tls-sni-wrong-host': {type: 'probe', meaning: 'TLS with SNI = target but Host = another name: a proxy that does not rewrite Host', causes: [], steps: []},
  'tls-wrong-sni': {type: 'probe', meaning: 'TLS with SNI = another name and Host = target', causes: [], steps: []},

  healthy: {type: 'diagnosis', meaning: 'the reference request works; requirements found are listed', causes: [], steps: []},
  'tls-required': {type: 'diagnosis', meaning: 'plain HTTP to the TLS port is refused (400) or port 80 does not serve the API', causes: ['`server … :443` without `ssl`'], steps: [haproxy.ssl(), nginx.https(null)]},
  'sni-required': {type: 'diagnosis', meaning: 'without SNI the handshake fails (alert 40/112, close, reset, malformed reply) or yields a certificate that does not cover the target, while with SNI it works', causes: ['`ssl` without `sni` (HAProxy), `proxy_ssl_server_name` off (nginx)'], steps: SNI},
  'host-header-required': {type: 'diagnosis', meaning: 'a wrong Host is refused while the right one works', causes: ['Host not rewritten by the proxy'], steps: [haproxy.hostHeader(null), nginx.hostHeader(null)]},
  'sni-host-mismatch-rejected': {type: 'diagnosis', meaning: 'SNI and Host must name the same host', causes: [], steps: ['Keep SNI and Host equal']},
  'certificate-expired': {type: 'diagnosis', meaning: 'the certificate seen with SNI has expired', causes: [], steps: [check.opensslChain(null)]},
  'certificate-not-yet-valid': {type: 'diagnosis', meaning: 'the certificate seen with SNI is not yet valid (or the clock is wrong)', causes: [], steps: [check.opensslChain(null)]},
  'certificate-untrusted': {type: 'diagnosis', meaning: 'the certificate seen with SNI does not chain to a trusted CA', causes: [], steps: [haproxy.caFile(), nginx.verify()]},
  'certificate-name-mismatch': {type: 'diagnosis', meaning: 'the certificate seen with SNI does not name the target', causes: [], steps: [check.opensslChain(null)]},
  'missing-authentication-token': {type: 'diagnosis', meaning: '403 Missing Authentication Token (REST API) or 404 Not Found with apigw-requestid (HTTP API): the path lacks the stage or resource', causes: [], steps: [check.probe(null, '--path /<stage>/<resource>')]},
  forbidden: {type: 'diagnosis', meaning: 'the reference request gets 403 for another reason (resource policy, private API, WAF, API key)', causes: [], steps: []},
  unreachable: {type: 'diagnosis', meaning: 'DNS, TCP or TLS fails on every probe of the TLS port', causes: [], steps: []},
  'sni-rejected': {type: 'diagnosis', meaning: 'sending SNI = the target breaks the handshake while another SNI (or none) completes: the edge does not serve that name', causes: ['The custom domain is not configured on this endpoint, or the name resolves to the wrong endpoint'], steps: [check.opensslNoSni(null)]},
  'server-error': {type: 'diagnosis', meaning: 'the reference request reaches the edge and gets a 5xx: the integration or origin behind it fails', causes: [], steps: [check.curlVerbose(null)]},
  'request-rejected': {type: 'diagnosis', meaning: 'the reference request gets a 4xx other than 403 (throttling 429, bad method 405, …)', causes: [], steps: [check.curlVerbose(null)]},
  'http-no-answer': {type: 'diagnosis', meaning: 'the TLS handshake works but no valid HTTP answer comes back (timeout, connection cut, not HTTP/1.1)', causes: [], steps: [check.curlVerbose(null)]},
  'proxy-missing-tls': {type: 'diagnosis', meaning: 'with --via: the proxy\'s answer matched plain HTTP to the TLS port', causes: [], steps: [haproxy.ssl()]},
  'proxy-missing-sni': {type: 'diagnosis', meaning: 'with --via: the proxy\'s answer matched a handshake without SNI', causes: [], steps: SNI},
  'proxy-missing-host-rewrite': {type: 'diagnosis', meaning: 'with --via: the proxy\'s answer matched a request with the wrong Host', causes: [], steps: [haproxy.hostHeader(null), nginx.hostHeader(null)]},
  'proxy-ok': {type: 'diagnosis', meaning: 'with --via: the proxy answers like the reference request', causes: [], steps: []},
  'proxy-unexplained': {type: 'diagnosis', meaning: 'with --via: the proxy fails in a way no probe reproduces', causes: [], steps: []},
}

const STATUSES: Record<number, Entry> = {
  400: {type: 'http-status', meaning: 'Bad Request', proxies: 'HAProxy ---- 400 (from the edge) or PR-- 400 (HAProxy itself)', causes: ['Plain HTTP sent to port 443: API Gateway and CloudFront answer 400'], steps: [haproxy.ssl(), nginx.https(null), check.probe(null)]},
  403: {type: 'http-status', meaning: 'Forbidden', proxies: 'HAProxy ---- 403 from the edge (PR-- 403 is HAProxy\'s own deny rule)', causes: ['Host not rewritten: CloudFront "The request could not be satisfied", API Gateway {"message":"Forbidden"}', 'Path without the stage: {"message":"Missing Authentication Token"}', 'Resource policy, private API, WAF, missing x-api-key'], steps: [haproxy.hostHeader(null), nginx.hostHeader(null), check.probe(null)]},
  404: {type: 'http-status', meaning: 'Not Found', causes: ['HTTP API: unknown route or stage ({"message":"Not Found"} with apigw-requestid)'], steps: [check.probe(null, '--path /<stage>/<resource>')]},
  421: {type: 'http-status', meaning: 'Misdirected Request', causes: ['SNI and Host name different hosts (CloudFront)'], steps: ['Keep SNI and Host equal']},
  502: {type: 'http-status', meaning: 'Bad Gateway', proxies: 'nginx: an upstream error (look at the error log line and explain it); HAProxy: SH--/PH--; API Gateway itself: a malformed Lambda response', causes: ['nginx: a failed TLS handshake with the upstream (no SNI) is the classic'], steps: [nginx.sni(null), check.probe(null)]},
  503: {type: 'http-status', meaning: 'Service Unavailable', proxies: 'HAProxy answers 503 itself after SC-- (connection or TLS handshake failed) or with <NOSRV>', causes: ['HAProxy: `ssl` without `sni` against a strict-SNI edge, or a failed certificate check'], steps: [haproxy.serverLine(null), check.probe(null)]},
  504: {type: 'http-status', meaning: 'Gateway Timeout', proxies: 'HAProxy sH--/sC--; nginx "upstream timed out"; API Gateway: integration timeout (29 s)', causes: ['A slow integration, or packets dropped towards the edge'], steps: [check.probe(null)]},
}

function explainEntry(id: string, entry: Entry, input: string, extra: Record<string, unknown> = {}): Explanation {
  const label = entry.type === 'http-status' ? `HTTP ${id}` : `${entry.type} id \`${id}\``
  return {
    kind: 'outcome',
    input: echo(input),
    summary: `${label}: ${entry.meaning}.`,
    fields: {type: entry.type, id, ...extra},
    meaning: [`${label}: ${entry.meaning}.`, ...(entry.proxies ? [`How proxies report it: ${entry.proxies}.`] : [])],
    likelyCauses: entry.causes,
    nextSteps: entry.steps,
  }
}

/** An outcome, probe or diagnosis id of this product (`tls-closed`, `sni-required`…). */
export function match(text: string): Explanation | null {
  const input = text.trim().toLowerCase()
  if (input.length === 0 || input.length > 40) return null
  const entry = Object.hasOwn(ENTRIES, input) ? ENTRIES[input] : undefined
  return entry ? explainEntry(input, entry, text) : null
}

/** A bare HTTP status (`403`, `HTTP 503`) as a proxy in front of the edge sees it. */
export function matchStatus(text: string): Explanation | null {
  const m = /^(?:http(?:[ \t]+status)?[ \t]*)?(\d{3})$/i.exec(text.trim())
  const status = m?.[1] ? Number(m[1]) : NaN
  const entry = STATUSES[status]
  return entry ? explainEntry(String(status), entry, text, {status, outcome: status >= 400 ? 'http-error' : 'ok'}) : null
}
