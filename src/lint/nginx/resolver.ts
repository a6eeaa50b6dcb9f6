// nginx-static-resolution: a literal cloud host is resolved once, when nginx starts, and its
// addresses rotate; a proxy_pass with variables and no resolver fails every request.

import {DEFAULT_PORT} from '../../target/authority.js'
import {hostForUrl} from '../../target/hostname.js'
import {isHostName} from '../hosts.js'
import {effective, hasHttpAncestor} from './context.js'
import type {ProxyTarget} from './proxy-pass.js'
import type {NginxRule} from './rule.js'

const RESOLVER_LINE = 'resolver 127.0.0.53 valid=30s;   # a DNS server nginx can reach'

export const staticResolution: NginxRule = {
  name: 'resolver',
  create: ({root, findings}) => ({
    proxyPass({directive, target, line, address, host, cloud, edge, shown, connectName, needsTls, fixedPort}) {
      if (!(cloud && address)) return
      const resolver = effective(directive, 'resolver', root)
      const upstreamResolves = target.upstream !== null && target.upstream.servers.length > 0 && target.upstream.servers.every((server) => server.resolve)
      const dynamic = target.upstream ? upstreamResolves && resolver !== null : target.hasVariables && resolver !== null
      if (dynamic) return
      const noResolver = !target.upstream && target.hasVariables && resolver === null
      // A fragment (no http {} around it) may get its resolver from the file that includes it.
      const fragment = !hasHttpAncestor(directive)
      const fix = noResolver ? RESOLVER_LINE : staticResolutionFix(target, connectName, needsTls ? 'https' : target.scheme, fixedPort, resolver !== null)
      findings.push({
        line,
        severity: noResolver && !fragment ? 'error' : 'warning',
        id: 'nginx-static-resolution',
        message: noResolver
          ? `${shown} holds variables but no resolver is in effect: nginx cannot resolve ${host} at run time and every request fails with 502 ("no resolver defined to resolve")${fragment ? ' (unless the http {} block that includes this file sets one)' : ''}`
          : `${shown}: ${host} is resolved once, when nginx starts; ${edge} addresses rotate, so nginx ends up connecting to addresses that no longer serve the endpoint. Resolve it at run time: a name held in a variable is re-resolved through resolver${
              target.upstream
                ? ` (upstream ${target.upstream.name} is then unused here: remove it if nothing else uses it, as nginx still resolves its servers at start; nginx >= 1.27.3 can instead keep the group with zone and server ... resolve)`
                : ''
            }`,
        fix,
        fixAction: fix ? (noResolver ? 'insert' : 'replace') : null,
      })
    },
  }),
}

/** resolver + a variable in proxy_pass (nginx re-resolves names held in variables), replacing the proxy_pass line. */
function staticResolutionFix(target: ProxyTarget, host: string | null, scheme: 'http' | 'https', port: number, hasResolver: boolean): string | null {
  if (!isHostName(host)) return null
  let connectPort = port
  if (target.upstream) {
    const server = target.upstream.servers.find((candidate) => candidate.address.host === host)
    connectPort = server?.address.port ?? port
    // A group on 80 that the https fix moves to TLS connects to 443.
    if (scheme === 'https' && target.scheme === 'http' && connectPort === 80) connectPort = 443
  }
  const authority = connectPort === DEFAULT_PORT[scheme] ? '$apigw_upstream' : `$apigw_upstream:${connectPort}`
  const lines = [...(hasResolver ? [] : [RESOLVER_LINE]), `set $apigw_upstream ${hostForUrl(host)};`]
  if (target.rest && !target.rest.startsWith('$')) lines.push('# with a variable, a URI part in proxy_pass replaces the whole request URI (not only the location prefix)')
  lines.push(`proxy_pass ${scheme}://${authority}${target.rest};`)
  return lines.join('\n')
}
