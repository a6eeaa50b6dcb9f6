// The fixes and checks the explainers recommend, with the host from the input filled in when
// there is one. Hosts reach here only through safeHostFrom(), so they cannot break a line.

import {haproxyHostRewrite, haproxyServerLine} from '../fixes/haproxy.js'
import {nginxHostLine, nginxProxyPass, nginxSniLines, nginxVerifyLines} from '../fixes/nginx.js'
import type {FixContext} from '../fixes/types.js'
import {HOST_PLACEHOLDER, isIpLiteral, probeCommand} from './text.js'

/** The fix generators' context for a host named in the input (or the placeholder). */
const context = (host: string | null | undefined): FixContext => ({host: nameFor(host), port: 443, address: null, path: '/', caFile: null, version: null})

/** A name for SNI and Host: an IP literal is no use there, the placeholder is clearer. */
export function nameFor(host: string | null | undefined): string {
  return host && !isIpLiteral(host) ? host : HOST_PLACEHOLDER
}

export const haproxy = {
  /** The one-line fix of the spec: TLS, verification and SNI on the server line. */
  serverLine: (host: string | null | undefined): string => `HAProxy: ${haproxyServerLine(context(host))}`,
  sni: (host: string | null | undefined): string => `HAProxy: add \`sni str(${nameFor(host)})\` to the server line (HAProxy ≥ 3.3 sends SNI from Host by itself unless \`no-sni-auto\`)`,
  hostHeader: (host: string | null | undefined): string => `HAProxy: ${haproxyHostRewrite(context(host))}`,
  caFile: (): string =>
    'HAProxy: verify against the system store with `ca-file @system-ca` (HAProxy ≥ 2.6; older: `ca-file /etc/ssl/certs/ca-certificates.crt`), never `verify none`',
  ssl: (): string => 'HAProxy: the server line needs `ssl` (plus `verify required ca-file @system-ca`) when the port speaks TLS',
  checkSni: (host: string | null | undefined): string =>
    `HAProxy: health checks send their own ClientHello: add \`check-ssl check-sni ${nameFor(host)}\` (a plain string, not a sample expression)`,
  resolvers: (): string =>
    'HAProxy: edge addresses rotate; add `resolvers <section>` and `init-addr last,libc,none` to the server line so HAProxy re-resolves',
}

export const nginx = {
  sni: (host: string | null | undefined): string => `nginx: ${nginxSniLines(context(host)).join(' ')}`,
  https: (host: string | null | undefined): string => `nginx: ${nginxProxyPass(context(host))}  (https://, not http://, for a TLS port)`,
  hostHeader: (host: string | null | undefined): string =>
    `nginx: ${nginxHostLine(context(host))}  (or drop \`proxy_set_header Host $host\`: the default $proxy_host is right)`,
  verify: (): string => `nginx: ${nginxVerifyLines(context(null)).join(' ')}`,
  resolver: (host: string | null | undefined): string =>
    `nginx: resolver <dns-ip> valid=30s; set $upstream https://${nameFor(host)}; proxy_pass $upstream;  (re-resolves rotating edge addresses)`,
}

export const check = {
  probe: (host: string | null | undefined, extra = ''): string => `Run \`${probeCommand(host, extra)}\` to see which of TLS, SNI and Host the endpoint demands`,
  opensslNoSni: (host: string | null | undefined): string =>
    `Compare by hand: \`openssl s_client -connect ${nameFor(host)}:443 -noservername\` versus \`openssl s_client -connect ${nameFor(host)}:443 -servername ${nameFor(host)}\``,
  opensslChain: (host: string | null | undefined): string =>
    `See the certificate: \`openssl s_client -connect ${nameFor(host)}:443 -servername ${nameFor(host)} -showcerts </dev/null\``,
  curlVerbose: (host: string | null | undefined): string => `\`curl -v https://${nameFor(host)}/\` shows the handshake and the answer`,
}
