import {perKind} from '../fixes/index.js'
import type {FixContext, ProxyFixes, ProxyKind} from '../fixes/types.js'
import type {ProbeObservation, TargetInfo} from '../observations/types.js'
import {answered, errorType, handshakeCompleted, HANDSHAKE_REFUSALS, saw, type ProbeMap} from './facts.js'
import type {Diagnosis, DiagnosisId, EvidenceItem, Fix, Severity} from './types.js'
import {curlPlainToTlsPort, curlWrongHost, opensslNoSni} from './verify-commands.js'

// --via: match what the user's proxy answered against what the direct probes saw.

const sameAnswer = (a: ProbeObservation | undefined, b: ProbeObservation | undefined): boolean =>
  answered(a) && answered(b) && a.status === b.status && errorType(a) === errorType(b)

/** Which proxy wrote an error page itself, from its headers and body. */
export function proxyOwnPage(via: ProbeObservation): 'haproxy' | 'nginx' | null {
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
    return {id: 'proxy-ok', severity: 'info', summary: `The proxy answers like the reference request (${saw(via)}): TLS, SNI and Host are right.`, details: evidence('tls-sni')}
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
  if ((proxyMadeIt && noSniRefused && handshakeCompleted(reference)) || sameAnswer(via, noSni)) {
    const untrusted = reference?.tls?.trusted === false
    return {
      id: 'proxy-missing-sni',
      severity: 'error',
      summary: `The proxy answers its own ${via.status}${ownPage ? ` (${ownPage === 'haproxy' ? 'HAProxy: termination SC--' : 'nginx: SSL_do_handshake() failed'})` : ''} and ${target.host} refuses a handshake without SNI (${saw(noSni)}): the proxy sends no SNI.${untrusted ? ' The certificate is not trusted by the system store either: check ca-file too.' : ''}`,
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
  const fix: Fix = finding.fix ? perKind(contextFor, finding.fix) : {}
  if (finding.verify) fix.verify = finding.verify
  return {
    id: finding.id,
    severity: finding.severity,
    summary: finding.summary,
    evidence: [...new Set(finding.details.map((d) => d.probe))],
    details: finding.details,
    fix,
  }
}
