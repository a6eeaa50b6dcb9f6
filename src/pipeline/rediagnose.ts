import {diagnose, type DiagnoseOptions} from '../diagnosis/diagnose.js'
import type {Report} from '../observations/report.js'

/** A saved report diagnosed again by this version's rules, judged at the time the probes ran. */
export function rediagnose(saved: Report, options: DiagnoseOptions): Report {
  const result = diagnose({target: saved.target, probes: saved.probes, observedAt: saved.generatedAt, ...(saved.via ? {via: saved.via} : {})}, options)
  return {...saved, diagnoses: result.diagnoses, recommended: result.recommended, verdict: result.verdict}
}
