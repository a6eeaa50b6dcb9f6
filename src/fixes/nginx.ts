import {DEBIAN_CA_BUNDLE, hostHeaderValue, isIpTarget, ISSUING_CA_PLACEHOLDER, pathForConfig, pinnedNote, resolvesAtRunTime, safeHost, upstreamAuthority} from './context.js'
import type {CertificateProblem, FixContext, ProxyFixes, Requirements} from './types.js'

export function nginxProxyPass(ctx: FixContext): string {
  return `proxy_pass https://${upstreamAuthority(ctx)};`
}

/** The DNS server the recommended location names: systemd-resolved's stub; the user replaces it with theirs. */
const NGINX_RESOLVER = '127.0.0.53'

/**
 * nginx resolves a name written in proxy_pass once, at start, and keeps that address; a name held
 * in a variable is resolved at run time through `resolver` (and re-resolved when `valid` expires).
 * The variable holds no URI part, so the request URI is passed on unchanged, as with a plain
 * `proxy_pass https://host:port;`. proxy_ssl_name and Host are set explicitly next to it.
 */
function nginxDynamicUpstreamLines(ctx: FixContext): string[] {
  return [
    '# a name written in proxy_pass is resolved once, at start; held in a variable it is resolved at run time',
    `resolver ${NGINX_RESOLVER} valid=30s;   # a DNS server nginx can reach (${NGINX_RESOLVER}: systemd-resolved)`,
    `set $apigw_upstream https://${upstreamAuthority(ctx)};`,
    'proxy_pass $apigw_upstream;',
  ]
}

/** nginx sends no SNI to an https upstream until proxy_ssl_server_name is on; never for an IP (RFC 6066). */
export function nginxSniLines(ctx: FixContext): string[] {
  if (isIpTarget(ctx)) return [`# ${safeHost(ctx)} is an IP address: no SNI can name it (RFC 6066), so no proxy_ssl_server_name / proxy_ssl_name`]
  return ['proxy_ssl_server_name on;', `proxy_ssl_name ${safeHost(ctx)};`]
}

/**
 * What nginx checks for an IP target (verified with nginx 1.22): it matches the name with
 * X509_check_host(), DNS names and the CN only, so a certificate that names the IP in an IP SAN
 * fails ("upstream SSL certificate does not match", 502). Verification stays on regardless.
 */
function nginxIpVerifyNotes(ctx: FixContext): string[] {
  if (!isIpTarget(ctx)) return []
  return [
    `# nginx checks ${safeHost(ctx)} against the certificate with X509_check_host: DNS names and the CN only, never an IP SAN.`,
    '# A certificate issued for the IP alone fails ("upstream SSL certificate does not match", 502): keep verification on',
    '# and proxy to a host name the certificate covers (or set proxy_ssl_name to one) if it does.',
  ]
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
  sni: (ctx) => [...(isIpTarget(ctx) ? [] : ['# nginx sends no SNI to an https upstream by default']), ...nginxSniLines(ctx)].join('\n'),
  hostHeader: (ctx) => ['# not $host / $http_host: the edge routes on its own name', nginxHostLine(ctx)].join('\n'),
  sniHostMatch: (ctx) => ['# SNI and Host must name the same host', ...nginxSniLines(ctx), nginxHostLine(ctx)].join('\n'),
  certificate: (ctx, problem) => certificateFix(ctx, problem),
  stagePath: (ctx) =>
    [
      '# API Gateway needs the stage and resource in the path: proxy_pass with a URI replaces the location prefix',
      `proxy_pass https://${upstreamAuthority(ctx)}/prod/;   # replace prod with your stage; the probe used ${pathForConfig(ctx.path)}`,
    ].join('\n'),
  recommended: (ctx, requirements) => recommendedLocation(ctx, requirements),
}

function certificateFix(ctx: FixContext, problem: CertificateProblem): string {
  switch (problem) {
    case 'untrusted': {
      return ['# trust the CA that issued the certificate', 'proxy_ssl_verify on;', `proxy_ssl_trusted_certificate ${ctx.caFile ?? ISSUING_CA_PLACEHOLDER};`].join('\n')
    }
    case 'name-mismatch': {
      return ['# verify against the name the certificate was issued for, and send it as SNI', ...nginxSniLines(ctx), ...nginxIpVerifyNotes(ctx), 'proxy_ssl_verify on;'].join('\n')
    }
    case 'expired':
    case 'not-yet-valid': {
      return `# nothing in nginx fixes this: the upstream certificate is ${problem === 'expired' ? 'expired' : 'not yet valid'}; renew it (or fix the clock)`
    }
  }
}

function recommendedLocation(ctx: FixContext, requirements: Requirements): string {
  const indent = (lines: string[]) => lines.map((line) => '    ' + line)
  const lines = [
    'location / {',
    ...pinnedNote(ctx, '    #'),
    ...indent(resolvesAtRunTime(ctx) ? nginxDynamicUpstreamLines(ctx) : [nginxProxyPass(ctx)]),
    ...(isIpTarget(ctx) ? [] : ['    # SNI: off by default in nginx, and the edge refuses a handshake without it']),
    ...indent(nginxSniLines(ctx)),
    '    # the edge routes on Host: its own name, not $host',
    `    ${nginxHostLine(ctx)}`,
    ...indent(nginxIpVerifyNotes(ctx)),
    ...indent(nginxVerifyLines(ctx)),
    '    proxy_http_version 1.1;',
    '    proxy_set_header Connection "";',
  ]
  if (requirements.stagePath) lines.push(`    # the reference request needed the stage in the path (${pathForConfig(ctx.path)}): clients must call /<stage>/...`)
  lines.push('}')
  return lines.join('\n') + '\n'
}
