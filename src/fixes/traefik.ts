import {hostForUrl} from '../target/hostname.js'
import {safeHost} from './context.js'
import type {FixContext, ProxyFixes} from './types.js'

const url = (ctx: FixContext): string => `https://${hostForUrl(ctx.address ?? safeHost(ctx))}:${ctx.port}`

export const traefikFixes: ProxyFixes = {
  kind: 'traefik',
  tls: (ctx) => `# the server URL must be https\n- url: ${url(ctx)}`,
  sni: (ctx) => `# serversTransports.<name>\nserverName: ${safeHost(ctx)}`,
  hostHeader: () => '# services.<name>.loadBalancer (it defaults to true: the client\'s Host)\npassHostHeader: false',
  sniHostMatch: (ctx) => `passHostHeader: false\nserverName: ${safeHost(ctx)}`,
  certificate: (ctx, problem) =>
    problem === 'untrusted'
      ? `# serversTransports.<name>\nrootCAs:\n  - ${ctx.caFile ?? '/path/to/issuing-ca.pem'}`
      : problem === 'name-mismatch'
        ? `serverName: ${safeHost(ctx)}`
        : '# the server certificate must be renewed (or the clock fixed): nothing in Traefik fixes this',
  stagePath: () => '# a middleware\naddPrefix:\n  prefix: /prod   # replace prod with your stage',
  recommended: (ctx) =>
    [
      'http:',
      '  services:',
      '    apigw:',
      '      loadBalancer:',
      '        passHostHeader: false',
      '        serversTransport: apigw-tls',
      '        servers:',
      `          - url: ${url(ctx)}`,
      '  serversTransports:',
      '    apigw-tls:',
      `      serverName: ${safeHost(ctx)}`,
      ...(ctx.caFile ? ['      rootCAs:', `        - ${ctx.caFile}`] : []),
      '',
    ].join('\n'),
}
