import {apacheFixes} from './apache.js'
import {caddyFixes} from './caddy.js'
import {envoyFixes} from './envoy.js'
import {haproxyFixes} from './haproxy.js'
import {nginxFixes} from './nginx.js'
import {traefikFixes} from './traefik.js'
import {isSnippetSafePath} from '../target/snippet-path.js'
import {assertSnippetPort, connectHost, safeHost} from './context.js'
import {PROXY_KINDS, type FixContext, type ProxyFixes, type ProxyKind, type Requirements} from './types.js'

export const FIXES: Record<ProxyKind, ProxyFixes> = {
  haproxy: haproxyFixes,
  nginx: nginxFixes,
  envoy: envoyFixes,
  apache: apacheFixes,
  caddy: caddyFixes,
  traefik: traefikFixes,
}

/**
 * Every value of a context that a generator may write into a snippet, checked once before any
 * generator sees it: a generator that forgets its own check still cannot write a hostile value.
 */
function assertSnippetSafeContext(ctx: FixContext): FixContext {
  safeHost(ctx)
  connectHost(ctx)
  assertSnippetPort(ctx.port)
  if (ctx.addressPort !== undefined && ctx.addressPort !== null) assertSnippetPort(ctx.addressPort)
  if (ctx.caFile !== null && !isSnippetSafePath(ctx.caFile)) throw new Error(`refusing to put ${JSON.stringify(ctx.caFile.slice(0, 80))} in a config snippet: not a plain absolute path`)
  return ctx
}

/** One snippet per proxy kind, built by the same method of each kind's module with that kind's context. */
export function perKind(contextFor: (kind: ProxyKind) => FixContext, build: (fixes: ProxyFixes, ctx: FixContext) => string): Record<ProxyKind, string> {
  return Object.fromEntries(PROXY_KINDS.map((kind) => [kind, build(FIXES[kind], assertSnippetSafeContext(contextFor(kind)))])) as Record<ProxyKind, string>
}

export function recommendedConfigs(contextFor: (kind: ProxyKind) => FixContext, requirements: Requirements): Record<ProxyKind, string> {
  return perKind(contextFor, (fixes, ctx) => fixes.recommended(ctx, requirements))
}
