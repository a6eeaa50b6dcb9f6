import {DEBIAN_CA_BUNDLE, hostHeaderValue, pinnedNote, safeHost, safePath, upstreamAuthority} from './context.js'
import type {CertificateProblem, FixContext, ProxyFixes, Requirements} from './types.js'

export function nginxProxyPass(ctx: FixContext): string {
  return `proxy_pass https://${upstreamAuthority(ctx)};`
}

/** nginx sends no SNI to an https upstream until proxy_ssl_server_name is on. */
export function nginxSniLines(ctx: FixContext): string[] {
  return ['proxy_ssl_server_name on;', `proxy_ssl_name ${safeHost(ctx)};`]
}

export function nginxHostLine(ctx: FixContext): string {
  return `proxy_set_header Host ${hostHeaderValue(ctx)};`
}

export function nginxVerifyLines(ctx: FixContext): string[] {
  return ['proxy_ssl_verify on;', `proxy_ssl_trusted_certificate ${ctx.caFile ?? DEBIAN_CA_BUNDLE};`, 'proxy_ssl_verify_depth 4;']
}

export const nginxFixes: ProxyFixes = {
  kind: 'nginx',
  tls: (ctx) => ['# talk TLS to the upstream: https, not http', nginxProxyPass(ctx)].join('\n'),
  sni: (ctx) => ['# nginx sends no SNI to an https upstream by default', ...nginxSniLines(ctx)].join('\n'),
  hostHeader: (ctx) => ['# not $host / $http_host: the edge routes on its own name', nginxHostLine(ctx)].join('\n'),
  sniHostMatch: (ctx) => ['# SNI and Host must name the same host', ...nginxSniLines(ctx), nginxHostLine(ctx)].join('\n'),
  certificate: (ctx, problem) => certificateFix(ctx, problem),
  stagePath: (ctx) =>
    [
      '# API Gateway needs the stage and resource in the path: proxy_pass with a URI replaces the location prefix',
      `proxy_pass https://${upstreamAuthority(ctx)}/prod/;   # replace prod with your stage; the probe used ${safePath(ctx.path)}`,
    ].join('\n'),
  recommended: (ctx, requirements) => recommendedLocation(ctx, requirements),
}

function certificateFix(ctx: FixContext, problem: CertificateProblem): string {
  switch (problem) {
    case 'untrusted': {
      return ['# trust the CA that issued the certificate', 'proxy_ssl_verify on;', `proxy_ssl_trusted_certificate ${ctx.caFile ?? '/path/to/issuing-ca.pem'};`].join('\n')
    }
    case 'name-mismatch': {
      return ['# verify against the name the certificate was issued for, and send it as SNI', ...nginxSniLines(ctx), 'proxy_ssl_verify on;'].join('\n')
    }
    case 'expired':
    case 'not-yet-valid': {
      return `# nothing in nginx fixes this: the upstream certificate is ${problem === 'expired' ? 'expired' : 'not yet valid'}; renew it (or fix the clock)`
    }
  }
}

function recommendedLocation(ctx: FixContext, requirements: Requirements): string {
  const lines = [
    'location / {',
    ...pinnedNote(ctx, '    #'),
    `    ${nginxProxyPass(ctx)}`,
    '    # SNI: off by default in nginx, and the edge refuses a handshake without it',
    ...nginxSniLines(ctx).map((line) => '    ' + line),
    '    # the edge routes on Host: its own name, not $host',
    `    ${nginxHostLine(ctx)}`,
    ...nginxVerifyLines(ctx).map((line) => '    ' + line),
    '    proxy_http_version 1.1;',
    '    proxy_set_header Connection "";',
  ]
  if (requirements.stagePath) lines.push(`    # the reference request needed the stage in the path (${safePath(ctx.path)}): clients must call /<stage>/...`)
  lines.push('}')
  return lines.join('\n') + '\n'
}
