import {hostHeaderValue, safeHost} from './context.js'
import type {FixContext, ProxyFixes} from './types.js'

function tlsContext(ctx: FixContext, indent: string): string[] {
  return [
    'transport_socket:',
    '  name: envoy.transport_sockets.tls',
    '  typed_config:',
    '    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
    `    sni: ${safeHost(ctx)}`,
    '    common_tls_context:',
    '      validation_context:',
    `        trusted_ca: {filename: ${ctx.caFile ?? '/etc/ssl/certs/ca-certificates.crt'}}`,
    `        match_typed_subject_alt_names: [{san_type: DNS, matcher: {exact: ${safeHost(ctx)}}}]`,
  ].map((line) => indent + line)
}

const hostRewrite = (ctx: FixContext): string => `# in the route (auto_sni would take the Host before this rewrite, envoy #35330: name sni explicitly)\nhost_rewrite_literal: ${hostHeaderValue(ctx)}`

export const envoyFixes: ProxyFixes = {
  kind: 'envoy',
  tls: (ctx) => ['# in the cluster', ...tlsContext(ctx, '')].join('\n'),
  sni: (ctx) => ['# in the cluster\'s UpstreamTlsContext', `sni: ${safeHost(ctx)}`].join('\n'),
  hostHeader: hostRewrite,
  sniHostMatch: (ctx) => [`# sni in the cluster and host_rewrite_literal in the route must both be ${safeHost(ctx)}`, hostRewrite(ctx)].join('\n'),
  certificate: (ctx, problem) =>
    problem === 'untrusted'
      ? `# trust the issuing CA\ntrusted_ca: {filename: ${ctx.caFile ?? '/path/to/issuing-ca.pem'}}`
      : problem === 'name-mismatch'
        ? `# sni must be a name the certificate covers\nsni: ${safeHost(ctx)}`
        : '# the upstream certificate must be renewed (or the clock fixed): nothing in Envoy fixes this',
  stagePath: () => '# in the route\nprefix_rewrite: /prod/   # replace prod with your stage',
  recommended: (ctx) =>
    [
      '# route (inside a virtual host)',
      'routes:',
      '- match: {prefix: /}',
      '  route:',
      '    cluster: apigw',
      `    host_rewrite_literal: ${hostHeaderValue(ctx)}`,
      '# cluster',
      'clusters:',
      '- name: apigw',
      '  type: LOGICAL_DNS',
      '  dns_lookup_family: V4_ONLY',
      '  load_assignment:',
      '    cluster_name: apigw',
      '    endpoints:',
      '    - lb_endpoints:',
      `      - endpoint: {address: {socket_address: {address: ${ctx.address ?? safeHost(ctx)}, port_value: ${ctx.port}}}}`,
      ...tlsContext(ctx, '  '),
      '',
    ].join('\n'),
}
