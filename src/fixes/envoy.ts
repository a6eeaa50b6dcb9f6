import {classifyHost} from '../target/hostname.js'
import {connectHost, connectPort, DEBIAN_CA_BUNDLE, hostHeaderValue, isIpTarget, ISSUING_CA_PLACEHOLDER, pinnedNote, safeHost} from './context.js'
import type {FixContext, ProxyFixes} from './types.js'
import {yamlScalar} from './yaml.js'

/** No SNI for an IP target (RFC 6066); the certificate must then name the IP as an IP SAN. */
function sniLines(ctx: FixContext): string[] {
  return isIpTarget(ctx)
    ? [`# ${safeHost(ctx)} is an IP address: no sni (RFC 6066 allows host names only); the SAN matcher checks the IP`]
    : [`sni: ${yamlScalar(safeHost(ctx))}`]
}

function tlsContext(ctx: FixContext, indent: string): string[] {
  const sanType = isIpTarget(ctx) ? 'IP_ADDRESS' : 'DNS'
  return [
    'transport_socket:',
    '  name: envoy.transport_sockets.tls',
    '  typed_config:',
    '    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
    ...sniLines(ctx).map((line) => '    ' + line),
    '    common_tls_context:',
    '      validation_context:',
    `        trusted_ca: {filename: ${yamlScalar(ctx.caFile ?? DEBIAN_CA_BUNDLE)}}`,
    `        match_typed_subject_alt_names: [{san_type: ${sanType}, matcher: {exact: ${yamlScalar(safeHost(ctx))}}}]`,
  ].map((line) => indent + line)
}

const hostRewrite = (ctx: FixContext): string => `# in the route (auto_sni would take the Host before this rewrite, envoy #35330: name sni explicitly)\nhost_rewrite_literal: ${yamlScalar(hostHeaderValue(ctx))}`

/** An IP endpoint is STATIC (Envoy requires an IP there); a name Envoy keeps resolving is LOGICAL_DNS. */
function clusterType(ctx: FixContext): string[] {
  if (classifyHost(connectHost(ctx)) !== 'name') return ['  type: STATIC']
  return ['  type: LOGICAL_DNS', '  dns_lookup_family: V4_PREFERRED   # IPv4 first, IPv6 when there is none (older Envoy: AUTO)']
}

export const envoyFixes: ProxyFixes = {
  kind: 'envoy',
  tls: (ctx) => ['# in the cluster', ...tlsContext(ctx, '')].join('\n'),
  sni: (ctx) => ['# in the cluster\'s UpstreamTlsContext', ...sniLines(ctx)].join('\n'),
  hostHeader: hostRewrite,
  sniHostMatch: (ctx) =>
    [isIpTarget(ctx) ? `# no sni for an IP; host_rewrite_literal in the route names ${safeHost(ctx)}` : `# sni in the cluster and host_rewrite_literal in the route must both be ${safeHost(ctx)}`, hostRewrite(ctx)].join('\n'),
  certificate: (ctx, problem) =>
    problem === 'untrusted'
      ? `# trust the issuing CA\ntrusted_ca: {filename: ${yamlScalar(ctx.caFile ?? ISSUING_CA_PLACEHOLDER)}}`
      : problem === 'name-mismatch'
        ? isIpTarget(ctx)
          ? `# the certificate must name ${safeHost(ctx)} as an IP SAN\nmatch_typed_subject_alt_names: [{san_type: IP_ADDRESS, matcher: {exact: ${yamlScalar(safeHost(ctx))}}}]`
          : `# sni must be a name the certificate covers\nsni: ${yamlScalar(safeHost(ctx))}`
        : '# the upstream certificate must be renewed (or the clock fixed): nothing in Envoy fixes this',
  stagePath: () => '# in the route\nprefix_rewrite: /prod/   # replace prod with your stage',
  recommended: (ctx) =>
    [
      '# route (inside a virtual host)',
      'routes:',
      '- match: {prefix: /}',
      '  route:',
      '    cluster: apigw',
      `    host_rewrite_literal: ${yamlScalar(hostHeaderValue(ctx))}`,
      '# cluster',
      'clusters:',
      '- name: apigw',
      ...clusterType(ctx),
      ...pinnedNote(ctx, '  #'),
      '  load_assignment:',
      '    cluster_name: apigw',
      '    endpoints:',
      '    - lb_endpoints:',
      `      - endpoint: {address: {socket_address: {address: ${yamlScalar(connectHost(ctx))}, port_value: ${connectPort(ctx)}}}}`,
      ...tlsContext(ctx, '  '),
      '',
    ].join('\n'),
}
