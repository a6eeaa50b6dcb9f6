import {hostPort} from '../target/authority.js'
import {connectHost, connectPort, DEBIAN_CA_BUNDLE, isIpTarget, ISSUING_CA_PLACEHOLDER, safeHost} from './context.js'
import type {FixContext, ProxyFixes} from './types.js'

/**
 * The backend URL. A name pinned to an address stays a name (SNI, Host and the certificate check
 * all come from it; /etc/hosts maps it), with the pinned port; an IP target is connected to as is.
 */
const url = (ctx: FixContext): string => {
  const where = ctx.address && !isIpTarget(ctx) ? safeHost(ctx) : connectHost(ctx)
  return `https://${hostPort(where, connectPort(ctx))}/`
}

/** mod_ssl sends no SNI for an IP, and SSLProxyCheckPeerName compares DNS names and the CN only (getIDs). */
function ipNotes(ctx: FixContext): string[] {
  if (!isIpTarget(ctx)) return []
  return [
    `# ${safeHost(ctx)} is an IP address: mod_ssl sends no SNI for it (RFC 6066), and SSLProxyCheckPeerName compares it with the`,
    '# certificate\'s DNS names and CN only, not IP SANs: a certificate issued for the IP alone fails the check; proxy to a',
    '# host name the certificate covers if it does.',
  ]
}

function pinnedNotes(ctx: FixContext): string[] {
  const notes: string[] = []
  if (ctx.address && !isIpTarget(ctx)) notes.push(`# ${safeHost(ctx)} must resolve to ${connectHost(ctx)} (for example in /etc/hosts) for SNI and Host to stay right`)
  if (connectPort(ctx) !== ctx.port) notes.push(`# port ${connectPort(ctx)} is the pinned one (--connect-to): Apache then names it in Host too; in production use port ${ctx.port}`)
  return notes
}

export const apacheFixes: ProxyFixes = {
  kind: 'apache',
  tls: (ctx) => ['SSLProxyEngine on', `ProxyPass "/" "${url(ctx)}"`].join('\n'),
  sni: (ctx) =>
    isIpTarget(ctx)
      ? ipNotes(ctx).join('\n')
      : '# mod_proxy sends the backend host as SNI unless ProxyPreserveHost is On (then the client\'s Host: AH00898)\nProxyPreserveHost Off',
  hostHeader: () => '# forward the backend\'s own name as Host\nProxyPreserveHost Off',
  sniHostMatch: () => 'ProxyPreserveHost Off',
  certificate: (ctx, problem) =>
    problem === 'untrusted'
      ? `SSLProxyVerify require\nSSLProxyCACertificateFile ${ctx.caFile ?? ISSUING_CA_PLACEHOLDER}`
      : problem === 'name-mismatch'
        ? ['SSLProxyCheckPeerName on', '# and proxy to the name the certificate covers', ...ipNotes(ctx)].join('\n')
        : '# the backend certificate must be renewed (or the clock fixed): nothing in Apache fixes this',
  stagePath: (ctx) => `ProxyPass "/" "${url(ctx)}prod/"   # replace prod with your stage`,
  recommended: (ctx) =>
    [
      '# inside the <VirtualHost>; needs mod_ssl, mod_proxy, mod_proxy_http',
      'SSLProxyEngine on',
      'SSLProxyVerify require',
      'SSLProxyCheckPeerName on',
      'SSLProxyCheckPeerExpire on',
      `SSLProxyCACertificateFile ${ctx.caFile ?? DEBIAN_CA_BUNDLE}`,
      'ProxyPreserveHost Off',
      ...ipNotes(ctx),
      ...pinnedNotes(ctx),
      `ProxyPass "/" "${url(ctx)}"`,
      `ProxyPassReverse "/" "${url(ctx)}"`,
      '',
    ].join('\n'),
}
