export const PROXY_KINDS = ['haproxy', 'nginx', 'envoy', 'apache', 'caddy', 'traefik'] as const
export type ProxyKind = (typeof PROXY_KINDS)[number]

/** Everything a fix generator needs to know; host is validated before it gets here. */
export interface FixContext {
  host: string
  port: number
  /** Address pinned with --resolve/--connect-to: the server line uses it, SNI and Host keep the name. */
  address: string | null
  /**
   * Port pinned with --connect-to (the TLS endpoint's port when pinned): the proxy connects to
   * address:addressPort while Host keeps the target's port. null/absent: the target's port.
   */
  addressPort?: number | null
  path: string
  /** --ca-file given by the user, used instead of the system store in snippets. */
  caFile: string | null
  /** --proxy-version for the chosen kind, e.g. "2.4"; null means a current LTS. */
  version: string | null
}

/** What the diagnosis found the target demands; the recommended config satisfies all of it. */
export interface Requirements {
  tls: boolean
  sni: boolean
  hostHeader: boolean
  /** The path of the reference request needs a stage/resource (Missing Authentication Token). */
  stagePath: boolean
}

/** The certificate problems a fix can address. */
export type CertificateProblem = 'expired' | 'not-yet-valid' | 'untrusted' | 'name-mismatch'

/**
 * One module per proxy kind implements this. Each method returns a config snippet for one
 * requirement; `recommended` returns a complete block satisfying all requirements found.
 */
export interface ProxyFixes {
  kind: ProxyKind
  tls(ctx: FixContext): string
  sni(ctx: FixContext): string
  hostHeader(ctx: FixContext): string
  sniHostMatch(ctx: FixContext): string
  certificate(ctx: FixContext, problem: CertificateProblem): string
  stagePath(ctx: FixContext): string
  recommended(ctx: FixContext, requirements: Requirements): string
}
