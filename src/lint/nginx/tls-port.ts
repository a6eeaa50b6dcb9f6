// nginx-http-to-tls-port: plain HTTP to port 443 (400 Bad Request), or to API Gateway, which has
// no plain-HTTP listener.

import {nginxProxyPass, nginxSniLines} from '../../fixes/nginx.js'
import {ctxFor, sniSwitchLine, withoutDuplicates} from './context.js'
import type {NginxRule} from './rule.js'

export const tlsPort: NginxRule = {
  name: 'tls-port',
  create: ({version, findings}) => ({
    proxyPass({directive, target, line, edge, shown, block, connectHost, tlsPort, apiGatewayPlain, sniName}) {
      if (!(target.scheme === 'http' && (tlsPort || apiGatewayPlain))) return
      const ctx = ctxFor(sniName, 443, target.upstream ? null : connectHost, version)
      let fix: string[] | null = null
      if (target.upstream) {
        const raw = directive.rawArgs[0] ?? ''
        // The group's servers keep their ports: only a group already on 443 is fixed by the scheme.
        fix = tlsPort ? [`proxy_pass ${raw.replace(/^(["']?)http:/i, '$1https:')};`, ...(ctx ? nginxSniLines(ctx) : [sniSwitchLine(version)])] : null
      } else if (ctx) {
        fix = [withRest(nginxProxyPass(ctx), target.rest), ...nginxSniLines(ctx)]
      }
      const lines = fix ? withoutDuplicates(fix, block, directive) : null
      findings.push({
        line,
        severity: 'error',
        id: 'nginx-http-to-tls-port',
        message: tlsPort
          ? `${shown}: plain HTTP to port 443${target.upstream ? ` (upstream ${target.upstream.name})` : ''}: the request reaches a TLS port and ${edge} answers 400 Bad Request (nginx passes it on); use https://`
          : `${shown}: API Gateway has no plain-HTTP listener (port 80 is refused or times out); use https://`,
        fix: lines ? lines.join('\n') : null,
        fixAction: lines ? 'replace' : null,
      })
    },
  }),
}

/** The generator's proxy_pass (scheme and authority), keeping the URI part of the original line. */
function withRest(generated: string, rest: string): string {
  const match = /^(proxy_pass [a-z]+:\/\/[^/\s;]+)\/?;$/.exec(generated)
  if (!match) return generated
  return `${match[1]}${rest};`
}
