import type {ProbeId, ProbeObservation} from '../../observations/types.js'
import {handshakeCompleted, saw, sniRejection, TLS_REFUSALS, whyNoSni} from '../facts.js'
import type {Rule, RuleInput} from '../rule.js'
import {curlVerbose, opensslVerify} from '../verify-commands.js'

const TLS_PORT_PROBES: ProbeId[] = ['http-to-tls-port', 'tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni']
const TLS_PROBES: ProbeId[] = ['tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni']
const BEFORE_TCP = new Set(['dns-failed', 'tcp-refused', 'tcp-timeout', 'tcp-reset'])

const CAUSES: Record<string, string> = {
  'dns-failed': 'the name does not resolve (check the name, or pin an address with --resolve)',
  'tcp-refused': 'the port refuses connections (wrong port, or a firewall answering with RST)',
  'tcp-timeout': 'nothing answers on that port (firewall dropping packets, security group, wrong address)',
  'tcp-reset': 'the connection is reset as soon as it opens',
}

/** Why the reference handshake failed, when it did at the TLS layer and sni-rejected does not explain it. */
function tlsCause(probes: RuleInput['probes'], target: RuleInput['target']): string | null {
  const reference = probes['tls-sni']!
  if (sniRejection(probes)) return null
  const completed = TLS_PROBES.filter((id) => id !== 'tls-sni').map((id) => probes[id]).filter((p): p is ProbeObservation => handshakeCompleted(p))
  const sent = reference.sent.sni === null ? `without SNI${whyNoSni(target.host)}` : `with SNI = ${reference.sent.sni}`
  if (completed.length === 0) return `no TLS handshake succeeds, not even the reference one ${sent} (${saw(reference)})`
  const withSni = completed.find((p) => p.sent.sni !== null && p.sent.sni !== reference.sent.sni)
  if (reference.sent.sni === null && withSni) {
    return `the handshake ${sent} fails (${saw(reference)}) while one with SNI = ${withSni.sent.sni} completes: the edge needs a host name as SNI; probe it by name (--resolve NAME:${target.port}:${target.host})`
  }
  return `the handshake ${sent} fails (${saw(reference)}) although the same handshake completed on ${completed.map((p) => p.id).join(', ')}: intermittent (a failing node behind a load balancer, rate limiting, or a middlebox)`
}

/**
 * The reference request never reaches HTTP: DNS or TCP fails, or its TLS handshake is refused and no
 * other rule (sni-rejected, tls-timeout) explains why.
 */
export const unreachable: Rule = {
  id: 'unreachable',
  severity: 'error',
  reads: TLS_PORT_PROBES,
  applies({probes, target}) {
    const reference = probes['tls-sni']
    if (!reference) return null
    const cause = BEFORE_TCP.has(reference.outcome) ? CAUSES[reference.outcome]! : TLS_REFUSALS.has(reference.outcome) ? tlsCause(probes, target) : null
    if (!cause) return null
    return {
      summary: `${target.host}:${target.port} cannot be reached: ${cause}.`,
      details: TLS_PORT_PROBES.map((id) => ({probe: id, saw: saw(probes[id])})),
    }
  },
  verify: curlVerbose,
}

export const tlsTimeout: Rule = {
  id: 'tls-timeout',
  severity: 'error',
  reads: ['tls-sni', 'tls-no-sni'],
  applies({probes, target}) {
    const reference = probes['tls-sni']
    if (reference?.outcome !== 'tls-timeout') return null
    return {
      summary: `TCP to ${target.host}:${target.port} connects but the TLS handshake never completes: something that is not a TLS server (or a middlebox) holds the port; HAProxy logs sC--, nginx times out while SSL handshaking.`,
      details: [
        {probe: 'tls-sni', saw: saw(reference)},
        {probe: 'tls-no-sni', saw: saw(probes['tls-no-sni'])},
      ],
    }
  },
  verify: opensslVerify,
}
