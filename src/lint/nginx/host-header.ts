// nginx-host-passthrough: the edge routes on Host. $host / $http_host forward the client's, and
// an upstream group's default ($proxy_host) is the group name.

import {nginxHostLine} from '../../fixes/nginx.js'
import {ctxFor, named} from './context.js'
import type {NginxRule} from './rule.js'

const HOST_PASSTHROUGH = /\$(?:\{(?:host|http_host)\}|(?:host|http_host)\b)/i

export const hostHeader: NginxRule = {
  name: 'host-header',
  create: ({version, findings}) => ({
    proxyPass({target, line, address, cloud, edge, shown, block, sslName, headers, hostHeader, hostHeaderLiteral, connectName, needsTls, fixedPort}) {
      if (!(address && (cloud || target.scheme === 'https'))) return
      // The Host the fixed config sends: the port only when it is not the scheme's default (never :80 for TLS).
      const scheme = needsTls ? 'https' : 'http'
      const headerPort = fixedPort === (scheme === 'https' ? 443 : 80) ? 443 : fixedPort
      const hostCtx = ctxFor(sslName ?? connectName ?? hostHeaderLiteral, headerPort, null, version)
      if (hostHeader && HOST_PASSTHROUGH.test(hostHeader.args[1] ?? '')) {
        findings.push({
          line: hostHeader.line,
          severity: cloud ? 'error' : 'warning',
          id: 'nginx-host-passthrough',
          message: `proxy_set_header Host ${hostHeader.args[1]} (in effect for ${shown} at line ${line}) forwards the client's Host: ${
            cloud ? `${edge} routes on Host and answers 403 (ForbiddenException, or CloudFront's "The request could not be satisfied")` : 'an HTTPS origin that routes on Host (virtual hosting) answers 403/404 or the wrong site'
          }`,
          fix: hostCtx ? nginxHostLine(hostCtx) : null,
          fixAction: hostCtx ? 'replace' : null,
        })
      } else if (!hostHeader && target.upstream && cloud) {
        // A proxy_set_header in this block stops the enclosing block's ones from being inherited: repeat them.
        const inherited = headers.length > 0 && named(block, 'proxy_set_header').length === 0 ? headers : []
        const carried = inherited.map((header) => `proxy_set_header ${header.rawArgs.join(' ')};`)
        const carry = carried.every((text) => !/\$\{|\{\{|%\[|[\u0000-\u001F]/.test(text))
        const fix = hostCtx ? [...(carry ? carried : []), nginxHostLine(hostCtx)].join('\n') : null
        findings.push({
          line,
          severity: 'error',
          id: 'nginx-host-passthrough',
          message: `${shown}: no proxy_set_header Host is in effect, so nginx sends $proxy_host, which for upstream ${target.upstream.name} is the group name: ${edge} routes on Host and answers 403${
            inherited.length > 0 ? `. A proxy_set_header here stops the ones of the enclosing block (line ${inherited.map((header) => header.line).join(', ')}) from being inherited${carry ? ': the fix repeats them' : ': repeat them'}` : ''
          }`,
          fix,
          fixAction: fix ? 'insert' : null,
        })
      }
    },
  }),
}
