// nginx-ssl-verify-off: an https proxy_pass with proxy_ssl_verify off (or unset, off by default).
// One finding per proxy_ssl_verify line, whatever it covers.

import {nginxVerifyLines} from '../../fixes/nginx.js'
import {hostlessContext, isTemplated} from '../hosts.js'
import {blockOf, effective, withoutDuplicates} from './context.js'
import type {NginxRule} from './rule.js'

export const verify: NginxRule = {
  name: 'verify',
  create: ({root, version, findings}) => {
    /** `proxy_ssl_verify off` lines already reported. */
    const verifyReported = new Set<number>()
    return {
      proxyPass({directive, target, shown, includeNote}) {
        if (target.scheme !== 'https') return
        const verify = effective(directive, 'proxy_ssl_verify', root)
        const verifyValue = verify?.args[0]?.toLowerCase()
        if (verifyValue === 'on' || (verifyValue && isTemplated(verifyValue))) return
        if (verify && verifyReported.has(verify.line)) return
        if (verify) verifyReported.add(verify.line)
        // Keep the CA the config already trusts (a second proxy_ssl_trusted_certificate in one block is refused).
        const trusted = effective(directive, 'proxy_ssl_trusted_certificate', root)
        const depth = effective(directive, 'proxy_ssl_verify_depth', root)
        const generated = nginxVerifyLines(hostlessContext(version)).filter(
          (text) => !(trusted && text.startsWith('proxy_ssl_trusted_certificate ')) && !(depth && text.startsWith('proxy_ssl_verify_depth ')),
        )
        const fixBlock = verify ? blockOf(verify, root) : blockOf(directive, root)
        const lines = withoutDuplicates(generated, fixBlock, verify)
        const kept = trusted ? `; the fix keeps proxy_ssl_trusted_certificate ${trusted.args[0] ?? ''} (line ${trusted.line})` : ''
        findings.push({
          line: verify ? verify.line : directive.line,
          severity: 'warning',
          id: 'nginx-ssl-verify-off',
          message: `${verify ? `proxy_ssl_verify ${verify.args[0]} at line ${verify.line} (in effect for ${shown} at line ${directive.line})` : `${shown}: proxy_ssl_verify is off by default`}: nginx accepts any upstream certificate, so a wrong or intercepted one goes unnoticed${kept}${includeNote}`,
          fix: lines.join('\n'),
          fixAction: verify ? 'replace' : 'insert',
        })
      },
    }
  },
}
