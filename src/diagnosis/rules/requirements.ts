import {answered, answersDiffer, handshakeCompleted, HANDSHAKE_REFUSALS, saw} from '../facts.js'
import type {Rule} from '../rule.js'
import {curlPlainToTlsPort, curlWrongHost, opensslNoSni, opensslWrongSni} from '../verify-commands.js'

// What a proxy in front of the target must do: speak TLS, send SNI, send the target's Host.

const PLAIN_HTTP_NOT_SERVED = new Set(['tcp-refused', 'tcp-timeout', 'tcp-reset', 'http-closed', 'http-malformed', 'http-timeout'])

export const tlsRequired: Rule = {
  id: 'tls-required',
  severity: 'warning',
  reads: ['http-to-tls-port', 'http-plain', 'tls-sni'],
  applies({probes, target}) {
    const plainOnTls = probes['http-to-tls-port']
    const plain = probes['http-plain']
    const reference = probes['tls-sni']
    if (!handshakeCompleted(reference)) return null
    const tlsPortRefusesPlain = plainOnTls !== undefined && ((answered(plainOnTls) && plainOnTls.status === 400) || PLAIN_HTTP_NOT_SERVED.has(plainOnTls.outcome))
    const plainPortDoesNotServe =
      plain !== undefined &&
      (PLAIN_HTTP_NOT_SERVED.has(plain.outcome) || (answered(plain) && answered(reference) && (plain.outcome !== 'ok' || plain.status >= 300) && answersDiffer(plain, reference)))
    if (!tlsPortRefusesPlain && !plainPortDoesNotServe) return null
    return {
      summary: `${target.host} only answers over TLS: plain HTTP to port ${target.port} gets ${saw(plainOnTls)}${plainPortDoesNotServe ? ` and port ${target.httpPort} gives ${saw(plain)}` : ''}, so the proxy's server line needs TLS.`,
      details: [
        {probe: 'http-to-tls-port', saw: saw(plainOnTls)},
        {probe: 'http-plain', saw: saw(plain)},
        {probe: 'tls-sni', saw: saw(reference)},
      ],
    }
  },
  fix: (fixes, ctx) => fixes.tls(ctx),
  verify: curlPlainToTlsPort,
}

export const sniRequired: Rule = {
  id: 'sni-required',
  severity: 'warning',
  reads: ['tls-no-sni', 'tls-sni'],
  applies({probes, target}) {
    const noSni = probes['tls-no-sni']
    const reference = probes['tls-sni']
    // An IP target sends no SNI on either probe: nothing to compare.
    if (!noSni || !reference || reference.sent.sni === null || !handshakeCompleted(reference)) return null
    const refused = HANDSHAKE_REFUSALS.has(noSni.outcome) || noSni.outcome === 'tls-timeout'
    const wrongCertificate =
      handshakeCompleted(noSni) && noSni.tls?.nameMatch === false && reference.tls?.nameMatch !== false
    const refusedAtHttp = answered(noSni) && answered(reference) && reference.outcome === 'ok' && noSni.outcome !== 'ok'
    if (!refused && !wrongCertificate && !refusedAtHttp) return null
    const how = refused
      ? `the edge refuses a ClientHello without SNI (${saw(noSni)})`
      : wrongCertificate
        ? `without SNI the edge serves a default certificate (${noSni.tls?.chain[0]?.sans.slice(0, 3).join(', ') || noSni.tls?.chain[0]?.subject || 'unknown'}) that does not cover ${target.host}`
        : `without SNI the request is refused (${saw(noSni)})`
    return {
      summary: `${target.host} requires SNI: ${how}, while with SNI it works; HAProxy logs this as SC-- and answers 503, nginx answers 502.`,
      details: [
        {probe: 'tls-no-sni', saw: saw(noSni)},
        {probe: 'tls-sni', saw: saw(reference)},
      ],
    }
  },
  fix: (fixes, ctx) => fixes.sni(ctx),
  verify: opensslNoSni,
}

export const hostHeaderRequired: Rule = {
  id: 'host-header-required',
  severity: 'warning',
  reads: ['tls-sni-wrong-host', 'tls-sni'],
  applies({probes, target}) {
    const wrongHost = probes['tls-sni-wrong-host']
    const reference = probes['tls-sni']
    if (!answered(wrongHost) || !answered(reference) || wrongHost.outcome === 'ok') return null
    if (!answersDiffer(wrongHost, reference)) return null
    return {
      summary: `${target.host} routes on the Host header: with another Host it answers ${saw(wrongHost)}, where its own name gets ${saw(reference)}, so the proxy must send Host: ${target.host}.`,
      details: [
        {probe: 'tls-sni-wrong-host', saw: saw(wrongHost)},
        {probe: 'tls-sni', saw: saw(reference)},
      ],
    }
  },
  fix: (fixes, ctx) => fixes.hostHeader(ctx),
  verify: curlWrongHost,
}

export const sniHostMismatchRejected: Rule = {
  id: 'sni-host-mismatch-rejected',
  severity: 'warning',
  reads: ['tls-wrong-sni', 'tls-sni-wrong-host', 'tls-sni'],
  applies({probes, target}) {
    const wrongSni = probes['tls-wrong-sni']
    const wrongHost = probes['tls-sni-wrong-host']
    const reference = probes['tls-sni']
    if (!answered(reference)) return null
    const misdirected = [wrongSni, wrongHost].find((p) => answered(p) && p.status === 421)
    const wrongSniRefusedAtHttp = answered(wrongSni) && answersDiffer(wrongSni, reference) && wrongSni.outcome !== 'ok'
    if (!misdirected && !wrongSniRefusedAtHttp) return null
    return {
      summary: `${target.host} checks that SNI and Host name the same host (${misdirected ? `421 Misdirected Request on ${misdirected.id}` : `another SNI with the right Host gets ${saw(wrongSni)}`}): set both to ${target.host}.`,
      details: [
        {probe: 'tls-wrong-sni', saw: saw(wrongSni)},
        {probe: 'tls-sni-wrong-host', saw: saw(wrongHost)},
        {probe: 'tls-sni', saw: saw(reference)},
      ],
    }
  },
  fix: (fixes, ctx) => fixes.sniHostMatch(ctx),
  verify: opensslWrongSni,
}
