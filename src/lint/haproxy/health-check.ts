// Health checks a strict-SNI, Host-routed edge fails: TLS checks without check-sni, and HTTP
// checks (option httpchk) without a Host header. Either way HAProxy marks the server DOWN.

import {parseVersion, versionAtLeast} from '../../fixes/context.js'
import type {HaproxyDirective, HaproxySection} from '../haproxy-parser.js'
import {edgeName, isCloudEndpoint, isSnippetSafe} from '../hosts.js'
import type {FixAction, RawFinding} from '../types.js'
import {first, sectionLabel, type ProxyInfo} from './context.js'
import type {HaproxyRule} from './rule.js'
import {describeServer, fixContext, tlsPortOverride, type ServerCheck} from './servers.js'

export const healthChecks: HaproxyRule = {
  name: 'health-check',
  create: ({version, findings}) => ({
    server: (check) => checkSni(check, findings),
    servers: (info, servers) => checkHttpchk(info, servers, findings, version),
  }),
}

/** A TLS health check does its own handshake: without check-sni it sends no SNI. */
function checkSni({server, settings, tls}: ServerCheck, findings: RawFinding[]): void {
  // No TLS finding for a server whose fix turns TLS off, nor for a socket or unreadable host.
  if (!tls || tls.tlsOff) return
  const corrected = tls.corrected
  if (settings.check && (settings.ssl || settings.checkSsl) && !settings.checkSni) {
    const separateCheck = (settings.port !== null || settings.addr !== null) && !settings.checkSsl
    findings.push({
      line: server.directive.line,
      severity: 'warning',
      id: 'haproxy-check-without-sni',
      message: `${describeServer(server)} has check but no check-sni: health checks do their own TLS handshake without SNI, a strict-SNI edge refuses it and HAProxy marks the server DOWN (503 for every request)${separateCheck ? '; and with a separate check port/addr the check is plain TCP unless check-ssl is set' : ''}`,
      fix: corrected,
      fixAction: corrected ? 'replace' : null,
    })
  }
}

/** `option httpchk` (the section's, else its defaults'), unless `no option httpchk` turned it off. */
function httpchkOption(info: ProxyInfo): HaproxyDirective | null {
  const find = (section: HaproxySection | null): HaproxyDirective | null | undefined => {
    let found: HaproxyDirective | null | undefined
    for (const directive of section?.directives ?? []) {
      const words = directive.words.map((word) => word.value)
      if (words[0] === 'option' && words[1] === 'httpchk') found = directive
      else if (words[0] === 'no' && words[1] === 'option' && words[2] === 'httpchk') found = null
      else if (words[0] === 'option' && /^(?:ssl-hello-chk|tcp-check|smtpchk|pgsql-check|mysql-check|redis-check|ldap-check|spop-check)$/.test(words[1] ?? '')) found = null
    }
    return found
  }
  const own = find(info.section)
  if (own !== undefined) return own
  return find(info.defaults) ?? null
}

function sendsHost(directive: HaproxyDirective): boolean {
  const words = directive.words.map((word) => word.value)
  return words.some((word, i) => word === 'hdr' && words[i + 1]?.toLowerCase() === 'host')
}

/** HTTP health checks to a TLS / cloud server that carry no Host: the edge answers 403/400 and the server goes DOWN. */
function checkHttpchk(info: ProxyInfo, servers: ServerCheck[], findings: RawFinding[], version: string | null): void {
  if (info.mode !== 'http') return
  const option = httpchkOption(info)
  if (!option) return
  const target = servers.find(({server, settings}) => settings.check && (settings.ssl || settings.checkSsl || isCloudEndpoint(server.address.host)))
  if (!target) return
  const ownSends = info.section.directives.filter((directive) => first(directive) === 'http-check' && directive.words[1]?.value === 'send')
  const sends = ownSends.length > 0 ? ownSends : (info.defaults?.directives ?? []).filter((directive) => first(directive) === 'http-check' && directive.words[1]?.value === 'send')
  // option httpchk <method> <uri> <version>: the old way hides headers after the version.
  const optionArgs = option.words.slice(2)
  if (optionArgs.length >= 3 && /\bhost:/i.test(optionArgs[2]?.value ?? '')) return
  if (sends.some(sendsHost)) return

  const ctx = fixContext(info, target.server, target.settings, version, tlsPortOverride(target.server, target.settings))
  const rewriteHost = info.hostRewrite?.host && isSnippetSafe(info.hostRewrite.host) ? info.hostRewrite.host : null
  const host = rewriteHost ?? ctx?.host ?? null
  const [method, uri] = optionArgs.length >= 2 ? [optionArgs[0]?.raw, optionArgs[1]?.raw] : [undefined, optionArgs[0]?.raw]
  const modern = !version || versionAtLeast(parseVersion(version), 2, 2)
  let line = option.line
  let fix: string | null = null
  let fixAction: FixAction | null = null
  const ownOption = info.section.directives.includes(option)
  if (host) {
    const send = ownSends.at(-1)
    if (modern && send) {
      // Keep the user's send rule, with HTTP/1.1 and the Host header added.
      const words = send.words.map((word) => word.raw)
      const ver = words.indexOf('ver')
      if (ver >= 0 && ver + 1 < words.length) words[ver + 1] = 'HTTP/1.1'
      else words.push('ver', 'HTTP/1.1')
      words.push('hdr', 'Host', host)
      line = send.line
      fix = words.join(' ')
      fixAction = 'replace'
    } else if (modern) {
      const rule = `http-check send meth ${method ?? 'GET'} uri ${uri ?? '/'} ver HTTP/1.1 hdr Host ${host}`
      fix = ownOption ? `option httpchk\n${rule}` : rule
      line = ownOption ? option.line : info.section.header.line
      fixAction = ownOption ? 'replace' : 'insert'
    } else {
      fix = `option httpchk ${method ?? 'GET'} ${uri ?? '/'} HTTP/1.1\\r\\nHost:\\ ${host}`
      line = ownOption ? option.line : info.section.header.line
      fixAction = ownOption ? 'replace' : 'insert'
    }
  }
  findings.push({
    line,
    severity: 'warning',
    id: 'haproxy-httpchk-without-host',
    message: `${sectionLabel(info.section)}: option httpchk (line ${option.line}) sends health checks to ${describeServer(target.server)} without a Host header: ${
      isCloudEndpoint(target.server.address.host) ? edgeName(target.server.address.host) : 'an HTTPS origin that routes on Host'
    } answers 403 or 400, the check fails and HAProxy marks the server DOWN (503 for every request). Send Host with the check${modern ? ' (http-check send, HAProxy >= 2.2)' : ''}${host ? '' : '; the host name is not known here'}`,
    fix,
    fixAction,
  })
}
