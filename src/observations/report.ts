import type {Diagnosis} from '../diagnosis/types.js'
import type {ProxyKind} from '../fixes/types.js'
import type {AddressResults} from './address-results.js'
import type {ProbeObservation, TargetInfo} from './types.js'

export type Verdict = 'healthy' | 'problems' | 'unreachable'

/** The `probe --json` document (schema/report.schema.json). */
export interface Report {
  schemaVersion: 1
  tool: {name: string; version: string}
  generatedAt: string
  target: TargetInfo
  probes: ProbeObservation[]
  diagnoses: Diagnosis[]
  recommended: Partial<Record<ProxyKind, string>>
  verdict: Verdict
  /** Present with --via: what the user's proxy answered. */
  via?: ProbeObservation & {url: string}
  /**
   * With --all-addresses: what each resolved address answered. The rest of the report is the first
   * address's (the one a single run uses); `verdict` is healthy only when every address is.
   */
  addressResults?: AddressResults
}
