// config-include-not-followed: lint reads one file; an include may hold what a finding says is
// missing. MIME types, CGI parameters and module loading get one line for all of them.

import type {NginxDirective} from '../nginx-parser.js'
import {harmlessInclude} from './context.js'
import type {NginxRule} from './rule.js'

export const includes: NginxRule = {
  name: 'includes',
  create: ({findings}) => {
    const harmless: NginxDirective[] = []
    return {
      directive(directive) {
        if (directive.name !== 'include') return
        if (harmlessInclude(directive)) {
          harmless.push(directive)
          return
        }
        findings.push({
          line: directive.line,
          severity: 'info',
          id: 'config-include-not-followed',
          message: `include ${directive.args.join(' ')} is not followed: lint reads this file only, so directives in the included file (proxy_ssl_server_name, proxy_set_header Host, upstream blocks...) are not seen; lint that file on its own`,
          fix: null,
          fixAction: null,
        })
      },
      // mime.types, fastcgi_params...: one line for all of them, they cannot change TLS or Host.
      end() {
        if (harmless.length === 0) return
        const names = harmless.map((directive) => `${directive.args[0] ?? ''} (line ${directive.line})`)
        findings.push({
          line: (harmless[0] as NginxDirective).line,
          severity: 'info',
          id: 'config-include-not-followed',
          message: `include ${names.slice(0, 6).join(', ')}${names.length > 6 ? ` and ${names.length - 6} more` : ''} ${names.length === 1 ? 'is' : 'are'} not followed: MIME types, CGI parameters and module loading, which cannot change TLS or Host settings`,
          fix: null,
          fixAction: null,
        })
      },
    }
  },
}
