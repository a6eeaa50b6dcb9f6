import type {ProxyKind} from '../../fixes/types.js'
import {assertSnippetSafeHost} from '../../target/hostname.js'
import {certificateNames, saw, sentSni, sniRejection} from '../facts.js'
import type {Rule} from '../rule.js'
import {opensslNoSni} from '../verify-commands.js'

// The edge refuses a handshake with SNI = the target while it completes one with no SNI (or another
// name): it does not serve that name. No line of the proxy makes it accept the name, so the fix is a
// comment naming where the SNI is set in each proxy and what to check.

/** Where each proxy kind sets (or derives) the SNI it sends. Comment text only. */
const SNI_KNOB: Record<ProxyKind, string> = {
  haproxy: 'the server line\'s "sni" (and sni-auto, on by default from HAProxy 3.3: "no-sni-auto" turns it off)',
  nginx: 'proxy_ssl_name (proxy_ssl_server_name off sends none)',
  envoy: 'UpstreamTlsContext.sni (and auto_sni)',
  apache: 'the host of the ProxyPass URL, which mod_proxy sends as SNI',
  caddy: 'transport http { tls_server_name }',
  traefik: 'the serversTransport\'s serverName',
}

export const sniRejected: Rule = {
  id: 'sni-rejected',
  severity: 'error',
  reads: ['tls-sni', 'tls-no-sni', 'tls-wrong-sni'],
  applies({probes, target}) {
    const rejection = sniRejection(probes)
    if (!rejection) return null
    const {reference, served} = rejection
    const noSni = probes['tls-no-sni']
    const shown = served[0]!
    const names = certificateNames(shown.tls?.chain[0])
    const covers = shown.tls?.nameMatch === true
    const certificate =
      names.length > 0
        ? `; ${sentSni(shown) === 'no SNI' ? 'without SNI' : `with ${sentSni(shown)}`} it serves a certificate for ${names.slice(0, 3).join(', ')}${covers ? ` that covers ${target.host}, so only the name is refused` : ''}`
        : ''
    return {
      summary: `${target.host} refuses a TLS handshake with SNI = ${reference.sent.sni} (${saw(reference)}) but completes one with ${served.map(sentSni).join(' and with ')}: the edge does not serve that name (no certificate or host name configured for it on this endpoint, or ${target.host} resolves to the wrong endpoint)${certificate}.`,
      details: [
        {probe: 'tls-sni', saw: saw(reference)},
        {probe: 'tls-no-sni', saw: saw(noSni)},
        ...served.filter((p) => p.id === 'tls-wrong-sni').map((p) => ({probe: 'tls-wrong-sni' as const, saw: saw(p)})),
      ],
    }
  },
  fix: (fixes, ctx) => {
    const host = assertSnippetSafeHost(ctx.host)
    return [
      `# the edge refuses SNI ${host}: no ${fixes.kind} setting makes it accept a name it does not serve`,
      `# point the upstream at the endpoint that serves ${host} (DNS, the custom domain mapping, a pinned address),`,
      `# or, if this is the right edge, send as SNI a name it serves (or none): ${SNI_KNOB[fixes.kind]}`,
    ].join('\n')
  },
  verify: opensslNoSni,
}
