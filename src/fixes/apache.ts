import {hostForUrl} from '../target/hostname.js'
import {safeHost, upstreamAuthority} from './context.js'
import type {FixContext, ProxyFixes} from './types.js'

const url = (ctx: FixContext): string => `https://${ctx.address ? `${hostForUrl(safeHost(ctx))}:${ctx.port}` : upstreamAuthority(ctx)}/`

export const apacheFixes: ProxyFixes = {
  kind: 'apache',
  tls: (ctx) => ['SSLProxyEngine on', `ProxyPass "/" "${url(ctx)}"`].join('\n'),
  sni: () => '# mod_proxy sends the backend host as SNI unless ProxyPreserveHost is On (then the client\'s Host: AH00898)\nProxyPreserveHost Off',
  hostHeader: () => '# forward the backend\'s own name as Host\nProxyPreserveHost Off',
  sniHostMatch: () => 'ProxyPreserveHost Off',
  certificate: (ctx, problem) =>
    problem === 'untrusted'
      ? `SSLProxyVerify require\nSSLProxyCACertificateFile ${ctx.caFile ?? '/path/to/issuing-ca.pem'}`
      : problem === 'name-mismatch'
        ? 'SSLProxyCheckPeerName on\n# and proxy to the name the certificate covers'
        : '# the backend certificate must be renewed (or the clock fixed): nothing in Apache fixes this',
  stagePath: (ctx) => `ProxyPass "/" "${url(ctx)}prod/"   # replace prod with your stage`,
  recommended: (ctx) =>
    [
      '# inside the <VirtualHost>; needs mod_ssl, mod_proxy, mod_proxy_http',
      'SSLProxyEngine on',
      'SSLProxyVerify require',
      'SSLProxyCheckPeerName on',
      'SSLProxyCheckPeerExpire on',
      `SSLProxyCACertificateFile ${ctx.caFile ?? '/etc/ssl/certs/ca-certificates.crt'}`,
      'ProxyPreserveHost Off',
      ...(ctx.address ? [`# ${safeHost(ctx)} must resolve to ${ctx.address} (for example in /etc/hosts) for SNI and Host to stay right`] : []),
      `ProxyPass "/" "${url(ctx)}"`,
      `ProxyPassReverse "/" "${url(ctx)}"`,
      '',
    ].join('\n'),
}
