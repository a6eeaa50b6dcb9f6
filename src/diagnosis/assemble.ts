import {perKind} from '../fixes/index.js'
import type {FixContext, ProxyFixes, ProxyKind} from '../fixes/types.js'
import type {Diagnosis, DiagnosisId, EvidenceItem, Fix, Severity} from './types.js'

/**
 * A diagnosis from what a rule (or --via's classification) found: its evidence is the probes its
 * details quote, its fix one snippet per proxy kind, plus the command that verifies it.
 */
export function assembleDiagnosis(
  found: {id: DiagnosisId; severity: Severity; summary: string; details: EvidenceItem[]},
  contextFor: (kind: ProxyKind) => FixContext,
  build?: (fixes: ProxyFixes, ctx: FixContext) => string,
  verify?: string,
): Diagnosis {
  const fix: Fix = build ? perKind(contextFor, build) : {}
  if (verify !== undefined) fix.verify = verify
  return {
    id: found.id,
    severity: found.severity,
    summary: found.summary,
    evidence: [...new Set(found.details.map((d) => d.probe))],
    details: found.details,
    fix,
  }
}
