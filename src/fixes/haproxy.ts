import {DEBIAN_CA_BUNDLE, hostHeaderValue, parseVersion, pinnedNote, safeHost, safePath, upstreamAuthority, versionAtLeast} from './context.js'
import type {CertificateProblem, FixContext, ProxyFixes, Requirements} from './types.js'

/** `ca-file @system-ca` exists from HAProxy 2.6; older versions need a bundle path. */
export function haproxyCaFile(ctx: FixContext): string {
  if (ctx.caFile) return ctx.caFile
  const version = parseVersion(ctx.version)
  return version && !versionAtLeast(version, 2, 6) ? DEBIAN_CA_BUNDLE : '@system-ca'
}

/** HAProxy 3.3 sends SNI from the Host header by itself (sni-auto). */
export function haproxyHasSniAuto(ctx: FixContext): boolean {
  return versionAtLeast(parseVersion(ctx.version), 3, 3)
}

/** The one server line that gets TLS, verification and SNI right. */
export function haproxyServerLine(ctx: FixContext, opts: {name?: string; check?: boolean} = {}): string {
  const host = safeHost(ctx)
  const parts = [`server ${opts.name ?? 'gw'} ${upstreamAuthority(ctx)} ssl verify required ca-file ${haproxyCaFile(ctx)} sni str(${host})`]
  // Health checks do their own handshake: without check-sni a strict edge fails them and marks the server down.
  if (opts.check) parts.push(`check check-sni ${host}`)
  return parts.join(' ')
}

export function haproxyHostRewrite(ctx: FixContext): string {
  return `http-request set-header Host ${hostHeaderValue(ctx)}`
}

function versionCaveats(ctx: FixContext): string[] {
  const version = parseVersion(ctx.version)
  if (!version) {
    return [
      '# written for HAProxy 2.6 or later: before 2.6 replace @system-ca with ' + DEBIAN_CA_BUNDLE + ';',
      '# from 3.3 HAProxy also sends SNI from the Host header by itself (sni-auto); the explicit sni still wins.',
    ]
  }
  if (haproxyHasSniAuto(ctx)) {
    return ['# HAProxy >= 3.3 sends SNI from Host (sni-auto) unless no-sni-auto is set; the Host rewrite is what makes both right.']
  }
  return []
}

export const haproxyFixes: ProxyFixes = {
  kind: 'haproxy',
  tls: (ctx) => ['# the server line must speak TLS to port ' + ctx.port + ': add ssl (and verify it)', haproxyServerLine(ctx)].join('\n'),
  sni: (ctx) =>
    [
      haproxyHasSniAuto(ctx)
        ? '# HAProxy >= 3.3 takes SNI from Host: make sure Host is rewritten and no-sni-auto is not set, or name it explicitly:'
        : '# send SNI: the edge refuses a ClientHello without server_name',
      haproxyServerLine(ctx),
    ].join('\n'),
  hostHeader: (ctx) => ['# in the backend: the edge routes on Host, so send its own name, not the client\'s', haproxyHostRewrite(ctx)].join('\n'),
  sniHostMatch: (ctx) => ['# SNI and Host must name the same host', haproxyHostRewrite(ctx), haproxyServerLine(ctx)].join('\n'),
  certificate: (ctx, problem) => certificateFix(ctx, problem),
  stagePath: (ctx) =>
    [
      '# API Gateway needs the stage and resource in the path, e.g. /prod/...',
      `http-request set-path /prod%[path]   # replace prod with your stage; the probe used ${safePath(ctx.path)}`,
    ].join('\n'),
  recommended: (ctx, requirements) => recommendedBackend(ctx, requirements),
}

function certificateFix(ctx: FixContext, problem: CertificateProblem): string {
  switch (problem) {
    case 'untrusted': {
      return ['# trust the CA that issued the certificate (turning verification off only hides the problem)', haproxyServerLine({...ctx, caFile: ctx.caFile ?? '/path/to/issuing-ca.pem'})].join('\n')
    }
    case 'name-mismatch': {
      return ['# the certificate must cover the name sent as SNI: send the name it was issued for', haproxyServerLine(ctx)].join('\n')
    }
    case 'expired':
    case 'not-yet-valid': {
      return `# nothing in HAProxy fixes this: the server's certificate is ${problem === 'expired' ? 'expired' : 'not yet valid'}; renew it (or fix the clock)`
    }
  }
}

function recommendedBackend(ctx: FixContext, requirements: Requirements): string {
  const host = safeHost(ctx)
  const lines = [
    `backend be_${host.replaceAll(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '')}`,
    '    mode http',
    ...versionCaveats(ctx).map((line) => '    ' + line),
    '    # API Gateway and CloudFront route on Host: send their name, not the client\'s',
    `    ${haproxyHostRewrite(ctx)}`,
  ]
  if (requirements.stagePath) lines.push(`    # the reference request needed the stage in the path (${safePath(ctx.path)}): route clients to /<stage>/...`)
  lines.push(
    ...pinnedNote(ctx, '    #'),
    `    ${haproxyServerLine(ctx, {check: true})}`,
  )
  return lines.join('\n') + '\n'
}
