// nginx-missing-proxy-ssl-server-name: an https proxy_pass without SNI (proxy_ssl_server_name is
// off by default, and nginx never sends an IP address as SNI): 502 from a strict-SNI edge.

import {nginxSniLines} from '../../fixes/nginx.js'
import {isTemplated} from '../hosts.js'
import {blockOf, effective, sniSwitchLine, withoutDuplicates} from './context.js'
import type {NginxRule} from './rule.js'

export const sni: NginxRule = {
  name: 'sni',
  create: ({root, version, findings}) => ({
    proxyPass({directive, target, line, cloud, edge, shown, block, sslName, ipConnect, connectHost, sniCtx, includes, includeNote}) {
      if (target.scheme !== 'https') return
      const sni = effective(directive, 'proxy_ssl_server_name', root)
      const sniValue = sni?.args[0]?.toLowerCase()
      const sniOff = sniValue !== 'on' && !(sniValue && isTemplated(sniValue))
      // nginx never sends an IP address as SNI: with proxy_pass https://<ip> only proxy_ssl_name names the host.
      const ipWithoutName = ipConnect && sslName === null
      if (!(sniOff || (ipWithoutName && sniValue === 'on'))) return
      const where = !sniOff
        ? `proxy_ssl_server_name is on${sni ? ` (line ${sni.line})` : ''} but no proxy_ssl_name names the host`
        : sni
          ? `proxy_ssl_server_name ${sni.args[0]} at line ${sni.line}`
          : 'proxy_ssl_server_name is off by default'
      const upstreamNote = target.upstream ? `; for upstream ${target.upstream.name} also name the host with proxy_ssl_name (the default is the group name)` : ''
      const ipNote = ipWithoutName
        ? `; ${connectHost} is an IP address, which nginx never sends as SNI: name the host the certificate is for with proxy_ssl_name${sniCtx ? '' : ' (not known here: fill it in)'}`
        : ''
      // An `off` in the proxy_pass's own block is replaced (a second one would be a duplicate); one further out is overridden here.
      const replaceOff = sni !== null && sniOff && blockOf(sni, root) === block
      // An IP with no name known: the name to send cannot be guessed, so the fix names the directive to fill in.
      const ipTemplate = ['proxy_ssl_server_name on;', '# proxy_ssl_name <host name the certificate is for>;   (nginx never sends an IP address as SNI)']
      const lines = sniCtx ? nginxSniLines(sniCtx) : ipWithoutName ? ipTemplate : target.upstream ? null : [sniSwitchLine(version)]
      const fix = lines ? withoutDuplicates(lines, replaceOff && sni ? blockOf(sni, root) : block, replaceOff ? sni : null) : null
      findings.push({
        line: replaceOff && sni ? sni.line : line,
        severity: includes.length > 0 || (ipWithoutName && !sniCtx) ? 'warning' : 'error',
        id: 'nginx-missing-proxy-ssl-server-name',
        message: `${shown}: ${where}, so nginx sends no SNI; ${cloud ? edge : 'a strict-SNI server'} refuses the handshake and nginx answers 502 with "SSL_do_handshake() failed" in the error log${upstreamNote}${ipNote}${includeNote}`,
        fix: fix && fix.length > 0 ? fix.join('\n') : null,
        fixAction: fix && fix.length > 0 ? (replaceOff ? 'replace' : 'insert') : null,
      })
    },
  }),
}
