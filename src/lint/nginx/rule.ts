import type {NginxConfig, NginxDirective} from '../nginx-parser.js'
import type {RawFinding} from '../types.js'
import type {ProxyPass, Upstream} from './proxy-pass.js'

/** What every nginx rule reads, and the list its findings go to. */
export interface NginxLintContext {
  config: NginxConfig
  /** The top-level directives. */
  root: NginxDirective[]
  /** upstream groups by lower-cased name. */
  upstreams: Map<string, Upstream>
  version: string | null
  findings: RawFinding[]
}

/**
 * The hooks of one rule for one configuration. lintNginx calls them in this order, and for each
 * hook the rules in table order: `start` once; for each directive in file order `directive`, then
 * (a proxy_pass it can follow) `proxyPass`; `end` once.
 */
export interface NginxVisitor {
  start?(): void
  directive?(directive: NginxDirective): void
  proxyPass?(pass: ProxyPass): void
  end?(): void
}

/** An nginx lint rule: one family of findings. `create` runs once per configuration (state such as "reported once" lives in its closure). */
export interface NginxRule {
  name: string
  create(ctx: NginxLintContext): NginxVisitor
}
