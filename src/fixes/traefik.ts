import {connectHost, connectPort, connectsElsewhere, hostHeaderValue, isIpTarget, ISSUING_CA_PLACEHOLDER, safeHost, upstreamAuthority} from './context.js'
import type {FixContext, ProxyFixes} from './types.js'
import {yamlScalar} from './yaml.js'

const url = (ctx: FixContext): string => `https://${upstreamAuthority(ctx)}`

/**
 * serverName is Go's tls.Config.ServerName (SNI and the name checked). An IP target needs none,
 * except when reached at another address: then it names the IP, never sent as SNI by Go.
 */
function serverName(ctx: FixContext): string | null {
  if (!isIpTarget(ctx)) return safeHost(ctx)
  return connectsElsewhere(ctx) ? safeHost(ctx) : null
}

const ipNote = (ctx: FixContext): string => `# ${safeHost(ctx)} is an IP address: no SNI can name it (RFC 6066); Traefik checks it against the certificate's IP SANs`

/** With passHostHeader false Traefik sends the server URL's host: right unless the URL is a pinned address or port. */
function hostNotes(ctx: FixContext): string[] {
  if (connectHost(ctx) === ctx.host && connectPort(ctx) === ctx.port) return []
  return [`# pinned: Traefik sends the URL's host as Host; add a headers middleware with customRequestHeaders Host: ${hostHeaderValue(ctx)}`]
}

export const traefikFixes: ProxyFixes = {
  kind: 'traefik',
  tls: (ctx) => `# the server URL must be https\n- url: ${yamlScalar(url(ctx))}`,
  sni: (ctx) => (isIpTarget(ctx) && !serverName(ctx) ? ipNote(ctx) : `# serversTransports.<name>\nserverName: ${yamlScalar(serverName(ctx) as string)}`),
  hostHeader: () => '# services.<name>.loadBalancer (it defaults to true: the client\'s Host)\npassHostHeader: false',
  sniHostMatch: (ctx) => ['passHostHeader: false', ...(serverName(ctx) ? [`serverName: ${yamlScalar(serverName(ctx) as string)}`] : [ipNote(ctx)])].join('\n'),
  certificate: (ctx, problem) =>
    problem === 'untrusted'
      ? `# serversTransports.<name>\nrootCAs:\n  - ${yamlScalar(ctx.caFile ?? ISSUING_CA_PLACEHOLDER)}`
      : problem === 'name-mismatch'
        ? serverName(ctx)
          ? `serverName: ${yamlScalar(serverName(ctx) as string)}`
          : ipNote(ctx)
        : '# the server certificate must be renewed (or the clock fixed): nothing in Traefik fixes this',
  stagePath: () => '# a middleware\naddPrefix:\n  prefix: /prod   # replace prod with your stage',
  recommended: (ctx) => {
    const name = serverName(ctx)
    const transport = [...(name ? [`      serverName: ${yamlScalar(name)}`] : []), ...(ctx.caFile ? ['      rootCAs:', `        - ${yamlScalar(ctx.caFile)}`] : [])]
    return [
      ...(isIpTarget(ctx) ? [ipNote(ctx)] : []),
      ...hostNotes(ctx),
      'http:',
      '  services:',
      '    apigw:',
      '      loadBalancer:',
      '        passHostHeader: false',
      ...(transport.length > 0 ? ['        serversTransport: apigw-tls'] : []),
      '        servers:',
      `          - url: ${yamlScalar(url(ctx))}`,
      ...(transport.length > 0 ? ['  serversTransports:', '    apigw-tls:', ...transport] : []),
      '',
    ].join('\n')
  },
}
