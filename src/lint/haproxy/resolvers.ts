// haproxy-no-resolvers: a server naming a host without resolvers is resolved once, at start.

import {edgeName, isCloudEndpoint} from '../hosts.js'
import {originalLine, sectionLabel} from './context.js'
import type {HaproxyRule} from './rule.js'
import {describeServer} from './servers.js'

export const resolvers: HaproxyRule = {
  name: 'resolvers',
  create: ({resolversSection, findings}) => {
    /** The `resolvers dns` section has been shown once in a fix already. */
    let resolversExplained = false
    return {
      server({info, server, settings, tls}) {
        // Nothing for a socket or unreadable host.
        if (!tls) return
        // A fix that turns TLS off builds on the line as written, not on the TLS-corrected one.
        const corrected = tls.tlsOff ? null : tls.corrected
        const {address} = server
        const host = address.host
        const line = server.directive.line
        const label = describeServer(server)
        const cloud = isCloudEndpoint(host)
        const edge = edgeName(host)
        if (address.kind === 'name' && !settings.resolvers && host !== 'localhost') {
          const section = resolversSection ?? 'dns'
          const explainSection = !resolversSection && !resolversExplained
          resolversExplained = true
          const base = corrected ?? originalLine(server.directive)
          const withResolvers = `${stripOptions(base, ['resolvers', 'init-addr'])} resolvers ${section} init-addr last,libc,none`
          const severity = cloud ? 'warning' : 'info'
          findings.push({
            line,
            severity,
            id: 'haproxy-no-resolvers',
            message: `${label} names a host without resolvers: HAProxy resolves it once at start and keeps that address${cloud ? `; ${edge} addresses rotate, so the proxy ends up connecting to addresses that no longer serve the endpoint` : ''}${
              explainSection ? `. The resolvers section ${section} does not exist yet: see the finding at line ${info.section.header.line}` : ''
            }`,
            fix: withResolvers,
            fixAction: 'replace',
          })
          if (explainSection) {
            // A top-level section: it goes before this proxy section, not inside it.
            findings.push({
              line: info.section.header.line,
              severity,
              id: 'haproxy-no-resolvers',
              message: `the server lines that name hosts need a resolvers section (${label} at line ${line} first): without one HAProxy never re-resolves them. Add it at the top level, before ${sectionLabel(info.section)} (parse-resolv-conf uses the nameservers of /etc/resolv.conf)`,
              fix: ['resolvers dns', '    parse-resolv-conf', '    hold valid 10s', '', originalLine(info.section.header)].join('\n'),
              fixAction: 'replace',
            })
          }
        }
      },
    }
  },
}

/** Removes `key value` pairs from a server line written by rebuildServerLine or originalLine. */
function stripOptions(line: string, keys: string[]): string {
  const words = line.split(' ')
  const out: string[] = []
  for (let i = 0; i < words.length; i++) {
    if (i >= 3 && keys.includes(words[i] as string)) {
      i++
      continue
    }
    out.push(words[i] as string)
  }
  return out.join(' ')
}
