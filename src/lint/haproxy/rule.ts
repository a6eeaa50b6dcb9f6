import type {HaproxyConfig, HaproxySection} from '../haproxy-parser.js'
import type {ServerSettings} from '../haproxy-server.js'
import type {RawFinding} from '../types.js'
import type {ProxyInfo, Route} from './context.js'
import type {ServerCheck} from './servers.js'

/** What every HAProxy rule reads, and the list its findings go to. */
export interface HaproxyLintContext {
  config: HaproxyConfig
  version: string | null
  /** The frontend, backend and listen sections, in file order. */
  proxies: Map<HaproxySection, ProxyInfo>
  /** Who routes to each backend. */
  routes: Map<HaproxySection, Route[]>
  /** The name of the first `resolvers` section, if any. */
  resolversSection: string | null
  /** The server settings the global section sets (ssl-server-verify). */
  globalBase: ServerSettings
  findings: RawFinding[]
}

/**
 * The hooks of one rule for one configuration. lintHaproxy calls them in this order, and for each
 * hook the rules in table order: `start` once; for each proxy section `proxy`, then (backend and
 * listen only) `server` for each server line and `servers` after the last one; then `defaults` for
 * each defaults section.
 */
export interface HaproxyVisitor {
  start?(): void
  proxy?(info: ProxyInfo): void
  server?(check: ServerCheck): void
  servers?(info: ProxyInfo, servers: ServerCheck[]): void
  defaults?(section: HaproxySection): void
}

/** An HAProxy lint rule: one family of findings. `create` runs once per configuration (state such as "reported once" lives in its closure). */
export interface HaproxyRule {
  name: string
  create(ctx: HaproxyLintContext): HaproxyVisitor
}
