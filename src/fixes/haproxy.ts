import {DEBIAN_CA_BUNDLE, hostHeaderValue, isIpTarget, ISSUING_CA_PLACEHOLDER, parseVersion, pathForConfig, pinnedNote, resolvesAtRunTime, safeHost, upstreamAuthority, versionAtLeast} from './context.js'
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

/** The resolvers section the recommended backend refers to (it lives at the top level, not in a backend). */
const HAPROXY_RESOLVERS = 'dns'

/**
 * The one server line that gets TLS, verification and SNI right. For an IP target there is no
 * SNI to send (RFC 6066 allows host names only): no sni, no check-sni. With `resolvers`, HAProxy
 * re-resolves the name at run time instead of keeping the address it found at start.
 */
export function haproxyServerLine(ctx: FixContext, opts: {name?: string; check?: boolean; resolvers?: string} = {}): string {
  const host = safeHost(ctx)
  const ip = isIpTarget(ctx)
  const parts = [`server ${opts.name ?? 'gw'} ${upstreamAuthority(ctx)} ssl verify required ca-file ${haproxyCaFile(ctx)}`]
  if (!ip) parts.push(`sni str(${host})`)
  // Health checks do their own handshake: without check-sni a strict edge fails them and marks the server down.
  if (opts.check) parts.push(ip ? 'check' : `check check-sni ${host}`)
  if (opts.resolvers) parts.push(`resolvers ${opts.resolvers} init-addr last,libc,none`)
  return parts.join(' ')
}

/**
 * What HAProxy can check for an IP target (verified with HAProxy 2.6): it matches a certificate's
 * names only against the SNI or `verifyhost`, and only DNS names and the CN, never IP SANs, so
 * `verifyhost <ip>` fails the handshake against a certificate issued for the IP (SC--, 503).
 */
function haproxyIpNotes(ctx: FixContext, comment = '#'): string[] {
  if (!isIpTarget(ctx)) return []
  return [
    `${comment} ${safeHost(ctx)} is an IP address: no SNI can name it (RFC 6066), so no sni / check-sni.`,
    `${comment} HAProxy then verifies the chain (ca-file) but not the certificate's names: verifyhost matches DNS names and the CN only,`,
    `${comment} never an IP SAN. To have the name checked too, connect by a host name the certificate covers, with sni str(<name>).`,
  ]
}

/** The resolvers section, as comments: it is a top-level section, so it cannot be pasted inside a backend. */
function resolversSectionComment(ctx: FixContext, indent: string): string[] {
  return [
    `${indent}# HAProxy resolves ${safeHost(ctx)} once, at start, unless a resolvers section keeps re-resolving it.`,
    `${indent}# The server line below uses this one; add it once, at the top level (outside any backend):`,
    `${indent}# resolvers ${HAPROXY_RESOLVERS}`,
    `${indent}#     parse-resolv-conf`,
    `${indent}#     hold valid 10s`,
  ]
}

export function haproxyHostRewrite(ctx: FixContext): string {
  return `http-request set-header Host ${hostHeaderValue(ctx)}`
}

function versionCaveats(ctx: FixContext): string[] {
  const version = parseVersion(ctx.version)
  if (!version) {
    if (ctx.caFile) return ['# from 3.3 HAProxy also sends SNI from the Host header by itself (sni-auto); the explicit sni still wins.']
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
  tls: (ctx) => ['# the server line must speak TLS to port ' + ctx.port + ': add ssl (and verify it)', ...haproxyIpNotes(ctx), haproxyServerLine(ctx)].join('\n'),
  sni: (ctx) =>
    isIpTarget(ctx)
      ? [...haproxyIpNotes(ctx), haproxyServerLine(ctx)].join('\n')
      : [
          haproxyHasSniAuto(ctx)
            ? '# HAProxy >= 3.3 takes SNI from Host: make sure Host is rewritten and no-sni-auto is not set, or name it explicitly:'
            : '# send SNI: the edge refuses a ClientHello without server_name',
          haproxyServerLine(ctx),
        ].join('\n'),
  hostHeader: (ctx) => ['# in the backend: the edge routes on Host, so send its own name, not the client\'s', haproxyHostRewrite(ctx)].join('\n'),
  sniHostMatch: (ctx) => ['# SNI and Host must name the same host', ...haproxyIpNotes(ctx), haproxyHostRewrite(ctx), haproxyServerLine(ctx)].join('\n'),
  certificate: (ctx, problem) => certificateFix(ctx, problem),
  stagePath: (ctx) =>
    [
      '# API Gateway needs the stage and resource in the path, e.g. /prod/...',
      `http-request set-path /prod%[path]   # replace prod with your stage; the probe used ${pathForConfig(ctx.path)}`,
    ].join('\n'),
  recommended: (ctx, requirements) => recommendedBackend(ctx, requirements),
}

function certificateFix(ctx: FixContext, problem: CertificateProblem): string {
  switch (problem) {
    case 'untrusted': {
      return ['# trust the CA that issued the certificate (turning verification off only hides the problem)', haproxyServerLine({...ctx, caFile: ctx.caFile ?? ISSUING_CA_PLACEHOLDER})].join('\n')
    }
    case 'name-mismatch': {
      return ['# the certificate must cover the name sent as SNI: send the name it was issued for', ...haproxyIpNotes(ctx), haproxyServerLine(ctx)].join('\n')
    }
    case 'expired':
    case 'not-yet-valid': {
      return `# nothing in HAProxy fixes this: the server's certificate is ${problem === 'expired' ? 'expired' : 'not yet valid'}; renew it (or fix the clock)`
    }
  }
}

function recommendedBackend(ctx: FixContext, requirements: Requirements): string {
  const host = safeHost(ctx)
  const dynamic = resolvesAtRunTime(ctx)
  const lines = [
    `backend be_${host.replaceAll(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '')}`,
    '    mode http',
    ...(dynamic ? resolversSectionComment(ctx, '    ') : []),
    ...versionCaveats(ctx).map((line) => '    ' + line),
    '    # API Gateway and CloudFront route on Host: send their name, not the client\'s',
    `    ${haproxyHostRewrite(ctx)}`,
  ]
  if (requirements.stagePath) lines.push(`    # the reference request needed the stage in the path (${pathForConfig(ctx.path)}): route clients to /<stage>/...`)
  lines.push(
    ...pinnedNote(ctx, '    #'),
    ...haproxyIpNotes(ctx, '    #'),
    `    ${haproxyServerLine(ctx, {check: true, ...(dynamic ? {resolvers: HAPROXY_RESOLVERS} : {})})}`,
  )
  return lines.join('\n') + '\n'
}
