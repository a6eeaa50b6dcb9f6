import type {ProxyKind} from '../fixes/types.js'
import type {ProbeId} from '../observations/types.js'

export const DIAGNOSIS_IDS = [
  'healthy',
  'tls-required',
  'sni-required',
  'host-header-required',
  'sni-host-mismatch-rejected',
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-untrusted',
  'certificate-name-mismatch',
  'missing-authentication-token',
  'forbidden',
  'unreachable',
  'tls-timeout',
  // Added beyond the spec's catalogue: the reference request reached the edge but failed otherwise.
  'server-error',
  'request-rejected',
  'http-no-answer',
  // SNI = target breaks the handshake while another SNI (or none) completes: the edge does not serve the name.
  'sni-rejected',
  'proxy-missing-tls',
  'proxy-missing-sni',
  'proxy-missing-host-rewrite',
  'proxy-ok',
  'proxy-unexplained',
] as const
export type DiagnosisId = (typeof DIAGNOSIS_IDS)[number]
export type Severity = 'error' | 'warning' | 'info'

export interface EvidenceItem {
  probe: ProbeId | 'via'
  saw: string
}

/** `fix` maps each proxy kind to a config snippet; `verify` is a command that shows the same by hand. */
export type Fix = Partial<Record<ProxyKind, string>> & {verify?: string}

export interface Diagnosis {
  id: DiagnosisId
  severity: Severity
  summary: string
  /** Probe ids the diagnosis rests on (SPEC: evidence). */
  evidence: Array<ProbeId | 'via'>
  /** What each of those probes saw, in words. */
  details: EvidenceItem[]
  fix: Fix
}
