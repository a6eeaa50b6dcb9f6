import {recommendedConfigs} from '../fixes/index.js'
import {type FixContext, type ProxyKind, type Requirements} from '../fixes/types.js'
import type {Verdict} from '../observations/report.js'
import type {ProbeObservation, TargetInfo} from '../observations/types.js'
import {assembleDiagnosis} from './assemble.js'
import {byId} from './facts.js'
import type {Rule, RuleInput} from './rule.js'
import {healthyRule} from './rules/healthy.js'
import {PROBLEM_RULES, REQUIREMENT_RULES} from './rules/index.js'
import type {Diagnosis, EvidenceItem} from './types.js'
import {diagnoseVia} from './via.js'

export interface DiagnoseInput {
  target: TargetInfo
  probes: ProbeObservation[]
  /** When the probes ran (ISO): certificate dates are judged against it, so a replay agrees. */
  observedAt: string
  /** With --via: the reference request through the user's proxy. */
  via?: ProbeObservation & {url: string}
}

export interface DiagnoseOptions {
  /** The kind --proxy-version applies to; 'all' applies it to every kind. */
  proxyKind: ProxyKind | 'all'
  proxyVersion: string | null
}

export interface DiagnoseResult {
  diagnoses: Diagnosis[]
  requirements: Requirements
  recommended: Record<ProxyKind, string>
  verdict: Verdict
}

function fixContextFor(target: TargetInfo, options: DiagnoseOptions): (kind: ProxyKind) => FixContext {
  return (kind) => ({
    host: target.host,
    port: target.port,
    address: target.pinnedAddress,
    addressPort: target.pinnedPort ?? null,
    path: target.path,
    caFile: target.caFile,
    version: options.proxyKind === 'all' || options.proxyKind === kind ? options.proxyVersion : null,
  })
}

/**
 * A rule's evidence must be among the probes it declares in `reads`: a rule that cites a probe it
 * does not declare is a programming error (the property tests drive every rule through it).
 */
export function checkEvidenceDeclared(rule: Rule, details: EvidenceItem[]): void {
  const undeclared = details.filter((d) => d.probe === 'via' || !rule.reads.includes(d.probe)).map((d) => d.probe)
  if (undeclared.length > 0) throw new Error(`rule ${rule.id} cites ${undeclared.join(', ')} but reads only ${rule.reads.join(', ')}`)
}

function toDiagnosis(rule: Rule, input: RuleInput, contextFor: (kind: ProxyKind) => FixContext): Diagnosis | null {
  const finding = rule.applies(input)
  if (!finding) return null
  checkEvidenceDeclared(rule, finding.details)
  const fix = rule.fix
  return assembleDiagnosis(
    {id: rule.id, severity: finding.severity ?? rule.severity, summary: finding.summary, details: finding.details},
    contextFor,
    fix ? (fixes, ctx) => fix(fixes, ctx, input) : undefined,
    rule.verify?.(input.target),
  )
}

/** Pure: observations in, diagnoses out. No I/O, no clock (the observation time is an input). */
export function diagnose(input: DiagnoseInput, options: DiagnoseOptions): DiagnoseResult {
  const ruleInput: RuleInput = {probes: byId(input.probes), target: input.target, observedAt: new Date(input.observedAt)}
  const contextFor = fixContextFor(input.target, options)
  const run = (rules: Rule[]) => rules.map((rule) => toDiagnosis(rule, ruleInput, contextFor)).filter((d): d is Diagnosis => d !== null)

  const problems = run(PROBLEM_RULES)
  const requirementsFound = run(REQUIREMENT_RULES)
  const has = (id: string, list: Diagnosis[]) => list.some((d) => d.id === id)
  const requirements: Requirements = {
    tls: has('tls-required', requirementsFound),
    sni: has('sni-required', requirementsFound),
    hostHeader: has('host-header-required', requirementsFound) || has('sni-host-mismatch-rejected', requirementsFound),
    stagePath: has('missing-authentication-token', problems),
  }
  // A certificate a verifying proxy refuses is not healthy, even if our observing client got a 200.
  const healthy = problems.some((d) => d.severity === 'error') ? [] : run([healthyRule(requirements)])
  const proxy = input.via ? [diagnoseVia(input.via, ruleInput.probes, input.target, contextFor)] : []
  const unreachable = has('unreachable', problems) || has('tls-timeout', problems)
  const verdict: Verdict = healthy.length > 0 ? 'healthy' : unreachable ? 'unreachable' : 'problems'
  return {
    diagnoses: [...proxy, ...problems, ...healthy, ...requirementsFound],
    requirements,
    recommended: recommendedConfigs(contextFor, requirements),
    verdict,
  }
}

/** What --via found wrong with the user's proxy (a proxy-* diagnosis other than proxy-ok), if anything. */
export function proxyProblem(diagnoses: readonly Diagnosis[]): Diagnosis | undefined {
  return diagnoses.find((d) => d.id.startsWith('proxy-') && d.id !== 'proxy-ok')
}

/** Exit status of the spec: 1 when the reference request fails or --via found the proxy misconfigured. */
export function exitCodeFor(result: {verdict: Verdict; diagnoses: Diagnosis[]}): 0 | 1 {
  return result.verdict === 'healthy' && !proxyProblem(result.diagnoses) ? 0 : 1
}
