// Static checks of an HAProxy configuration for the mistakes that break a proxy in front of
// API Gateway / CloudFront: no ssl to a TLS port (400), TLS without SNI (503 SC--), Host not
// rewritten (403), plus the ACL typo that stops HAProxy from starting.

import {parseHaproxy, type HaproxyConfig} from '../haproxy-parser.js'
import type {RawFinding} from '../types.js'
import {acls} from './acl.js'
import {describeProxies} from './context.js'
import {lineContinuation} from './continuation.js'
import {healthChecks} from './health-check.js'
import {hostHeader} from './host-header.js'
import {modes} from './mode.js'
import {parseErrors} from './parse-errors.js'
import {resolvers} from './resolvers.js'
import type {HaproxyLintContext, HaproxyRule} from './rule.js'
import {serverTls} from './server-tls.js'
import {globalServerSettings, serverChecks} from './servers.js'

export interface HaproxyLintOptions {
  version: string | null
}

/**
 * The rules, in the order their findings are listed for each hook (see HaproxyVisitor): on a
 * server line the TLS findings come first, then its health check, resolvers, and Host.
 */
export const HAPROXY_RULES: readonly HaproxyRule[] = [parseErrors, lineContinuation, serverTls, acls, modes, healthChecks, resolvers, hostHeader]

export function lintHaproxy(text: string, options: HaproxyLintOptions): {findings: RawFinding[]; config: HaproxyConfig} {
  const config = parseHaproxy(text)
  const findings: RawFinding[] = []
  const version = options.version
  const global = config.sections.find((section) => section.keyword === 'global') ?? null
  const {infos: proxies, routes} = describeProxies(config)
  const ctx: HaproxyLintContext = {
    config,
    version,
    proxies,
    routes,
    resolversSection: config.sections.find((section) => section.keyword === 'resolvers')?.name ?? null,
    globalBase: globalServerSettings(global),
    findings,
  }
  const visitors = HAPROXY_RULES.map((rule) => rule.create(ctx))

  for (const visitor of visitors) visitor.start?.()
  for (const info of proxies.values()) {
    for (const visitor of visitors) visitor.proxy?.(info)
    if (info.section.keyword !== 'backend' && info.section.keyword !== 'listen') continue
    const servers = serverChecks(info, ctx.globalBase, version)
    for (const check of servers) {
      for (const visitor of visitors) visitor.server?.(check)
    }
    for (const visitor of visitors) visitor.servers?.(info, servers)
  }
  for (const section of config.sections) {
    if (section.keyword !== 'defaults') continue
    for (const visitor of visitors) visitor.defaults?.(section)
  }
  return {findings, config}
}
