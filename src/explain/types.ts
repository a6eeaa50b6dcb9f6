// The shape every explainer returns; `apigw-doctor explain --json` prints it as is.

export const EXPLANATION_KINDS = [
  'haproxy-termination-state',
  'haproxy-log',
  'nginx-error',
  'tls-alert',
  'curl',
  'error-code',
  'outcome',
] as const
export type ExplanationKind = (typeof EXPLANATION_KINDS)[number]

export interface Explanation {
  kind: ExplanationKind
  /** The text explained (control characters escaped, long input shortened). */
  input: string
  /** One sentence. */
  summary: string
  /** Parsed fields, for --json (timers, status, termination state, alert number…). */
  fields?: Record<string, unknown>
  /** Lines of explanation: what each part means. */
  meaning: string[]
  likelyCauses: string[]
  /** Config lines and commands to run, host filled in when the input named one. */
  nextSteps: string[]
}

/** Every explainer module exports one of these: pure, never throws on any input. */
export type Matcher = (text: string) => Explanation | null

/** Distinct problems explained for a paste of several lines, at most (`explainPaste`, the CLI). */
export const MAX_PROBLEMS = 10
