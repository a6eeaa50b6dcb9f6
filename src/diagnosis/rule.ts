import type {FixContext, ProxyFixes} from '../fixes/types.js'
import type {ProbeId, TargetInfo} from '../observations/types.js'
import type {ProbeMap} from './facts.js'
import type {DiagnosisId, EvidenceItem, Severity} from './types.js'

/** What a rule reads: the probes by id, the target, and the time the probes ran (not "now"). */
export interface RuleInput {
  probes: ProbeMap
  target: TargetInfo
  observedAt: Date
}

export interface Finding {
  summary: string
  /** What each probe the finding rests on saw; every probe named here must be in the rule's `reads`. */
  details: EvidenceItem[]
  /** Overrides the rule's severity when the same finding is worse in this case. */
  severity?: Severity
}

/** A diagnosis rule: data plus one pure predicate. Adding a diagnosis is adding one of these. */
export interface Rule {
  id: DiagnosisId
  severity: Severity
  /** The probes it may read and cite: its evidence is always a subset (diagnose() checks it). */
  reads: ProbeId[]
  applies(input: RuleInput): Finding | null
  /** The fix snippet for one proxy kind; undefined when the rule has none. */
  fix?: (fixes: ProxyFixes, ctx: FixContext, input: RuleInput) => string
  verify?: (target: TargetInfo) => string
}
