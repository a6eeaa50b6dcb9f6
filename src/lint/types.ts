// The shape `apigw-doctor lint --json` prints; ids and keys are part of the product contract.

export const CONFIG_KINDS = ['haproxy', 'nginx'] as const
export type ConfigKind = (typeof CONFIG_KINDS)[number]

export type Severity = 'error' | 'warning' | 'info'

export const FINDING_IDS = [
  'haproxy-server-missing-ssl',
  'haproxy-ssl-without-sni',
  'haproxy-verify-none',
  'haproxy-missing-host-rewrite',
  'haproxy-check-without-sni',
  'haproxy-no-resolvers',
  'haproxy-undefined-acl',
  'haproxy-line-continuation',
  'nginx-missing-proxy-ssl-server-name',
  'nginx-host-passthrough',
  'nginx-ssl-verify-off',
  'nginx-http-to-tls-port',
  'nginx-static-resolution',
  'config-include-not-followed',
  'config-check-failed',
  'config-check-unavailable',
  'haproxy-ssl-without-ca-file',
  'haproxy-httpchk-without-host',
  'haproxy-http-rules-in-tcp-mode',
  'haproxy-backend-mode-mismatch',
  'haproxy-host-sni-mismatch',
  'haproxy-ssl-to-plain-port',
  'config-parse-error',
  'config-check-warning',
] as const
export type FindingId = (typeof FINDING_IDS)[number]

/**
 * How `fix` is applied: `replace` the directive at `line` (all of its physical lines) with it, or
 * `insert` it into the same section / block as the directive at `line` (right after that line).
 */
export const FIX_ACTIONS = ['replace', 'insert'] as const
export type FixAction = (typeof FIX_ACTIONS)[number]

export interface Finding {
  file: string
  /** 1-based line of the directive the finding is about. */
  line: number
  severity: Severity
  id: FindingId
  /** One or two sentences: what is wrong and what the edge or proxy does about it. */
  message: string
  /**
   * The corrected line(s), ready to paste (several lines joined with \n): in place of the
   * directive at `line`, or next to it, as `fixAction` says. null when no safe snippet can be written (templated or hostile host name) or when
   * the finding has nothing to paste (info).
   */
  fix: string | null
  /** How `fix` applies to `line`; null exactly when `fix` is null. */
  fixAction: FixAction | null
}

export interface ConfigCheck {
  tool: ConfigKind
  ok: boolean
  output: string
}

export interface LintResult {
  file: string
  kind: ConfigKind
  findings: Finding[]
  checked?: ConfigCheck
}

export interface LintOptions {
  /** Shown in findings; also what `--check` reads. */
  file: string
  kind?: ConfigKind
  /** --proxy-version, e.g. "2.4" or "3.3"; null/undefined means a current LTS. */
  proxyVersion?: string | null
}

/** What a rule module returns before `file` is attached. */
export type RawFinding = Omit<Finding, 'file'>
