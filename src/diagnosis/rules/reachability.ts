import type {ProbeId} from '../../observations/types.js'
import {handshakeCompleted, saw} from '../facts.js'
import type {Rule} from '../rule.js'
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

export const unreachable: Rule = {
  id: 'unreachable',
  severity: 'error',
  reads: TLS_PORT_PROBES,
  applies({probes, target}) {
    const reference = probes['tls-sni']
    if (!reference || reference.outcome === 'tls-timeout') return null
    const tcpFailed = BEFORE_TCP.has(reference.outcome)
    const noHandshake = TLS_PROBES.every((id) => probes[id] === undefined || !handshakeCompleted(probes[id]))
    if (!tcpFailed && !(noHandshake && ['tls-alert', 'tls-closed', 'tls-malformed'].includes(reference.outcome))) return null
    const cause = CAUSES[reference.outcome] ?? `no TLS handshake succeeds, not even with SNI = ${target.host} (${saw(reference)})`
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
