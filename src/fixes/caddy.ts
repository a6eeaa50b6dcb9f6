import {hostForUrl} from '../target/hostname.js'
import {hostHeaderValue, safeHost} from './context.js'
import type {FixContext, ProxyFixes} from './types.js'

const upstream = (ctx: FixContext): string => `https://${hostForUrl(ctx.address ?? safeHost(ctx))}:${ctx.port}`

export const caddyFixes: ProxyFixes = {
  kind: 'caddy',
  tls: (ctx) => `reverse_proxy ${upstream(ctx)}`,
  sni: (ctx) => `transport http {\n    tls_server_name ${safeHost(ctx)}\n}`,
  hostHeader: () => '# automatic for https upstreams from Caddy 2.11; older versions:\nheader_up Host {upstream_hostport}',
  sniHostMatch: (ctx) => `header_up Host ${hostHeaderValue(ctx)}\ntransport http {\n    tls_server_name ${safeHost(ctx)}\n}`,
  certificate: (ctx, problem) =>
    problem === 'untrusted'
      ? `transport http {\n    tls_trust_pool file ${ctx.caFile ?? '/path/to/issuing-ca.pem'}\n}`
      : problem === 'name-mismatch'
        ? `transport http {\n    tls_server_name ${safeHost(ctx)}\n}`
        : '# the upstream certificate must be renewed (or the clock fixed): nothing in Caddy fixes this',
  stagePath: () => 'rewrite * /prod{uri}   # replace prod with your stage',
  recommended: (ctx) =>
    [
      `reverse_proxy ${upstream(ctx)} {`,
      `    header_up Host ${hostHeaderValue(ctx)}`,
      '    transport http {',
      `        tls_server_name ${safeHost(ctx)}`,
      ...(ctx.caFile ? [`        tls_trust_pool file ${ctx.caFile}`] : []),
      '    }',
      '}',
      '',
    ].join('\n'),
}
