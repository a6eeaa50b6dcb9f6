import {apacheFixes} from './apache.js'
import {caddyFixes} from './caddy.js'
import {envoyFixes} from './envoy.js'
import {haproxyFixes} from './haproxy.js'
import {nginxFixes} from './nginx.js'
import {traefikFixes} from './traefik.js'
import {PROXY_KINDS, type FixContext, type ProxyFixes, type ProxyKind, type Requirements} from './types.js'

export const FIXES: Record<ProxyKind, ProxyFixes> = {
  haproxy: haproxyFixes,
  nginx: nginxFixes,
  envoy: envoyFixes,
  apache: apacheFixes,
  caddy: caddyFixes,
  traefik: traefikFixes,
}

/** One snippet per proxy kind, built by the same method of each kind's module with that kind's context. */
export function perKind(contextFor: (kind: ProxyKind) => FixContext, build: (fixes: ProxyFixes, ctx: FixContext) => string): Record<ProxyKind, string> {
  return Object.fromEntries(PROXY_KINDS.map((kind) => [kind, build(FIXES[kind], contextFor(kind))])) as Record<ProxyKind, string>
}

export function recommendedConfigs(contextFor: (kind: ProxyKind) => FixContext, requirements: Requirements): Record<ProxyKind, string> {
  return perKind(contextFor, (fixes, ctx) => fixes.recommended(ctx, requirements))
}
