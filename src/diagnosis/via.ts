import {DEBIAN_CA_BUNDLE, ISSUING_CA_PLACEHOLDER} from '../fixes/context.js'
import {haproxyCaFile} from '../fixes/haproxy.js'
import type {FixContext, ProxyFixes, ProxyKind} from '../fixes/types.js'
import type {ProbeObservation, TargetInfo} from '../observations/types.js'
import {assembleDiagnosis} from './assemble.js'
import {answered, errorType, handshakeCompleted, HANDSHAKE_REFUSALS, oneLine, saw, type ProbeMap} from './facts.js'
import type {Diagnosis, DiagnosisId, EvidenceItem, Severity} from './types.js'
import {curlPlainToTlsPort, curlWrongHost, opensslNoSni, opensslVerify} from './verify-commands.js'

// --via: match what the user's proxy answered against what the direct probes saw.

const sameAnswer = (a: ProbeObservation | undefined, b: ProbeObservation | undefined): boolean =>
  answered(a) && answered(b) && a.status === b.status && errorType(a) === errorType(b)

/** Which proxy wrote an error page itself, from its headers and body. */
function proxyOwnPage(via: ProbeObservation): 'haproxy' | 'nginx' | null {
  const body = via.http?.bodyExcerpt ?? ''
  if (/No server is available to handle this request|<h1>50[234] (Service Unavailable|Bad Gateway|Gateway Time-out)<\/h1>/i.test(body) && !/nginx/i.test(body)) return 'haproxy'
  if (/nginx/i.test(via.http?.headers.server ?? '') || /<center>nginx/i.test(body)) return 'nginx'
  return null
}

interface ViaFinding {
  id: DiagnosisId
  severity: Severity
  summary: string
  details: EvidenceItem[]
  fix?: (fixes: ProxyFixes, ctx: FixContext) => string
  verify?: string
}

/** The CA file a fix should verify against: --ca-file, else the system store when it trusts the edge. */
function caFileFor(fixes: ProxyFixes, ctx: FixContext, trusted: boolean): string {
  if (ctx.caFile) return ctx.caFile
  if (!trusted) return ISSUING_CA_PLACEHOLDER
  return fixes.kind === 'haproxy' ? haproxyCaFile(ctx) : DEBIAN_CA_BUNDLE
}

const configLines = (snippet: string): string[] => snippet.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))

/**
 * SNI and certificate trust, in one snippet per kind, the likelier cause first. Both generators get
 * the same CA file, so where one line carries both (HAProxy's server line) it is written once.
 */
function sniAndTrustFix(trusted: boolean): (fixes: ProxyFixes, ctx: FixContext) => string {
  return (fixes, ctx) => {
    const withCa: FixContext = {...ctx, caFile: caFileFor(fixes, ctx, trusted)}
    const sni = fixes.sni(withCa)
    const trust = fixes.certificate(withCa, 'untrusted')
    const [first, second] = trusted ? [sni, trust] : [trust, sni]
    const firstLines = new Set(configLines(first))
    return configLines(second).every((line) => firstLines.has(line)) ? first : `${first}\n${second}`
  }
}

function classify(via: ProbeObservation & {url: string}, probes: ProbeMap, target: TargetInfo): ViaFinding {
  const reference = probes['tls-sni']
  const wrongHost = probes['tls-sni-wrong-host']
  const plainToTls = probes['http-to-tls-port']
  const noSni = probes['tls-no-sni']
  const seen: EvidenceItem = {probe: 'via', saw: saw(via)}
  const evidence = (...ids: Array<keyof ProbeMap>): EvidenceItem[] => [seen, ...ids.map((id) => ({probe: id, saw: saw(probes[id])}))]

  if (!answered(via)) {
    return {id: 'proxy-unexplained', severity: 'error', summary: `The proxy at ${via.url} could not be asked: ${saw(via)}.`, details: [seen]}
  }
  if (sameAnswer(via, reference)) {
    return {id: 'proxy-ok', severity: 'info', summary: `The proxy answers like the reference request (${saw(via)}): TLS${reference?.sent.sni ? ', SNI' : ''} and Host are right.`, details: evidence('tls-sni')}
  }
  if (sameAnswer(via, wrongHost) && !sameAnswer(wrongHost, reference)) {
    return {
      id: 'proxy-missing-host-rewrite',
      severity: 'error',
      summary: `The proxy answers ${saw(via)}, exactly what ${target.host} answers to a wrong Host: it forwards its clients' Host instead of ${target.host}.`,
      details: evidence('tls-sni-wrong-host', 'tls-sni'),
      fix: (fixes, ctx) => fixes.hostHeader(ctx),
      verify: curlWrongHost(target),
    }
  }
  if (sameAnswer(via, plainToTls) && !sameAnswer(plainToTls, reference)) {
    return {
      id: 'proxy-missing-tls',
      severity: 'error',
      summary: `The proxy answers ${saw(via)}, what ${target.host} answers to plain HTTP on port ${target.port}: its server line does not speak TLS.`,
      details: evidence('http-to-tls-port', 'tls-sni'),
      fix: (fixes, ctx) => fixes.tls(ctx),
      verify: curlPlainToTlsPort(target),
    }
  }
  const ownPage = proxyOwnPage(via)
  const directStatuses = new Set(Object.values(probes).map((p) => p?.status))
  const proxyMadeIt = [502, 503, 504].includes(via.status) && (ownPage !== null || !directStatuses.has(via.status))
  const noSniRefused = noSni !== undefined && (HANDSHAKE_REFUSALS.has(noSni.outcome) || (handshakeCompleted(noSni) && noSni.tls?.nameMatch === false))
  const own = `its own ${via.status}${ownPage ? ` (${ownPage === 'haproxy' ? 'HAProxy: termination SC--' : 'nginx: SSL_do_handshake() failed'})` : ''}`
  if (proxyMadeIt && noSniRefused && reference !== undefined && handshakeCompleted(reference)) {
    // The proxy failed its own handshake. A missing SNI and a failed certificate verification look
    // the same from outside (HAProxy SC--/503 for both, DOMAIN.md): name both, and fix both.
    const trusted = reference.tls?.trusted !== false
    const issuer = oneLine(reference.tls?.chain.at(-1)?.issuer ?? 'unknown')
    const store = `the system store${target.caFile ? ' plus --ca-file' : ''}`
    const trust = trusted ? `trusted by ${store}` : `not trusted by ${store} (${oneLine(reference.tls?.trustError ?? 'unverified', 80)})`
    const summary = trusted
      ? `The proxy answers ${own} and ${target.host} refuses a handshake without SNI (${saw(noSni)}): either the proxy sends no SNI, or it sends SNI but fails to verify the certificate (issued by ${issuer}) against its ca-file; its log cannot tell these apart, so the fix sends SNI and verifies against ${store}, which trusts that certificate.`
      : `The proxy answers ${own}: the certificate of ${target.host} is ${trust}, so a proxy that verifies refuses the handshake; and since ${target.host} also refuses a handshake without SNI (${saw(noSni)}), a proxy that sends no SNI fails the same way, which its log cannot tell apart: give it the CA that issued the certificate (${issuer}) and send SNI.`
    return {
      id: 'proxy-missing-sni',
      severity: 'error',
      summary,
      details: [seen, {probe: 'tls-no-sni', saw: saw(noSni)}, {probe: 'tls-sni', saw: `${saw(reference)}; certificate issued by ${issuer}, ${trust}`}],
      fix: sniAndTrustFix(trusted),
      verify: trusted ? opensslNoSni(target) : opensslVerify(target),
    }
  }
  if (sameAnswer(via, noSni)) {
    // The proxy got through TLS and was answered like the no-SNI probe: SNI alone.
    return {
      id: 'proxy-missing-sni',
      severity: 'error',
      summary: `The proxy answers ${saw(via)}, exactly what ${target.host} answers to a request without SNI (${saw(noSni)}): the proxy sends no SNI.`,
      details: evidence('tls-no-sni', 'tls-sni'),
      fix: (fixes, ctx) => fixes.sni(ctx),
      verify: opensslNoSni(target),
    }
  }
  return {
    id: 'proxy-unexplained',
    severity: 'error',
    summary: `The proxy answers ${saw(via)}, which matches none of the direct probes (reference: ${saw(reference)}): look at the proxy's own log.`,
    details: evidence('tls-sni', 'tls-sni-wrong-host', 'http-to-tls-port', 'tls-no-sni'),
  }
}

/** Pure: the via observation and the direct probes in, one proxy-* diagnosis out. */
export function diagnoseVia(via: ProbeObservation & {url: string}, probes: ProbeMap, target: TargetInfo, contextFor: (kind: ProxyKind) => FixContext): Diagnosis {
  const finding = classify(via, probes, target)
  return assembleDiagnosis(finding, contextFor, finding.fix, finding.verify)
}
