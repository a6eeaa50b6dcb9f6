// Static checks of an nginx configuration for proxy_pass to API Gateway / CloudFront and other
// strict-SNI, Host-routed HTTPS origins, following nginx's inheritance rules.

import {parseNginx, walkNginx, type NginxConfig} from '../nginx-parser.js'
import type {RawFinding} from '../types.js'
import {hostHeader} from './host-header.js'
import {includes} from './includes.js'
import {parseErrors} from './parse-errors.js'
import {collectUpstreams, describeProxyPass} from './proxy-pass.js'
import {staticResolution} from './resolver.js'
import type {NginxLintContext, NginxRule} from './rule.js'
import {sni} from './sni.js'
import {tlsPort} from './tls-port.js'
import {verify} from './verify.js'

export interface NginxLintOptions {
  version: string | null
}

/** The rules, in the order their findings are listed for each hook (see NginxVisitor). */
export const NGINX_RULES: readonly NginxRule[] = [parseErrors, includes, sni, verify, tlsPort, hostHeader, staticResolution]

export function lintNginx(text: string, options: NginxLintOptions): {findings: RawFinding[]; config: NginxConfig} {
  const config = parseNginx(text)
  const findings: RawFinding[] = []
  const root = config.directives
  const ctx: NginxLintContext = {config, root, upstreams: collectUpstreams(root), version: options.version, findings}
  const visitors = NGINX_RULES.map((rule) => rule.create(ctx))

  for (const visitor of visitors) visitor.start?.()
  for (const directive of walkNginx(root)) {
    for (const visitor of visitors) visitor.directive?.(directive)
    if (directive.name !== 'proxy_pass') continue
    const pass = describeProxyPass(directive, root, ctx.upstreams, ctx.version)
    if (!pass) continue
    for (const visitor of visitors) visitor.proxyPass?.(pass)
  }
  for (const visitor of visitors) visitor.end?.()
  return {findings, config}
}
