import {connectsElsewhere, hostHeaderValue, isIpTarget, ISSUING_CA_PLACEHOLDER, safeHost, upstreamAuthority} from './context.js'
import type {FixContext, ProxyFixes} from './types.js'

const upstream = (ctx: FixContext): string => `https://${upstreamAuthority(ctx)}`

/**
 * tls_server_name is Go's tls.Config.ServerName: the name sent as SNI and checked against the
 * certificate (by default the upstream's host). An IP target needs none, except when it is reached
 * at another address: then it names the IP, which Go checks against the IP SANs and never sends as SNI.
 */
function serverNameLines(ctx: FixContext, indent: string): string[] {
  if (!isIpTarget(ctx)) return [`${indent}tls_server_name ${safeHost(ctx)}`]
  if (!connectsElsewhere(ctx)) return []
  return [`${indent}# an IP: Go sends no SNI for it (RFC 6066) and checks it against the certificate's IP SANs`, `${indent}tls_server_name ${safeHost(ctx)}`]
}

function transport(ctx: FixContext, extra: string[] = []): string[] {
  const inner = [...serverNameLines(ctx, '    '), ...extra.map((line) => '    ' + line)]
  return inner.length > 0 ? ['transport http {', ...inner, '}'] : []
}

const ipNote = (ctx: FixContext): string => `# ${safeHost(ctx)} is an IP address: no SNI can name it (RFC 6066); Caddy checks it against the certificate's IP SANs`

export const caddyFixes: ProxyFixes = {
  kind: 'caddy',
  tls: (ctx) => `reverse_proxy ${upstream(ctx)}`,
  sni: (ctx) => (isIpTarget(ctx) ? [ipNote(ctx), ...transport(ctx)] : transport(ctx)).join('\n'),
  hostHeader: () => '# automatic for https upstreams from Caddy 2.11; older versions:\nheader_up Host {upstream_hostport}',
  sniHostMatch: (ctx) => [`header_up Host ${hostHeaderValue(ctx)}`, ...transport(ctx)].join('\n'),
  certificate: (ctx, problem) =>
    problem === 'untrusted'
      ? `transport http {\n    tls_trust_pool file ${ctx.caFile ?? ISSUING_CA_PLACEHOLDER}\n}`
      : problem === 'name-mismatch'
        ? (isIpTarget(ctx) ? [ipNote(ctx), ...transport(ctx)] : transport(ctx)).join('\n')
        : '# the upstream certificate must be renewed (or the clock fixed): nothing in Caddy fixes this',
  stagePath: () => 'rewrite * /prod{uri}   # replace prod with your stage',
  recommended: (ctx) =>
    [
      `reverse_proxy ${upstream(ctx)} {`,
      `    header_up Host ${hostHeaderValue(ctx)}`,
      ...transport(ctx, ctx.caFile ? [`tls_trust_pool file ${ctx.caFile}`] : []).map((line) => '    ' + line),
      '}',
      '',
    ].join('\n'),
}
