// --all-addresses: the matrix run once per address a host resolves to, compared. Pure data in and
// out, so that `diagnose` can compare a saved report's addresses again.
import type {Verdict} from './report.js'
import type {ProbeId, ProbeObservation} from './types.js'

/** What one address answered, in the report. Probes and diagnosis ids are kept only when addresses differ. */
export interface AddressResult {
  address: string
  verdict: Verdict
  diagnoses?: string[]
  probes?: ProbeObservation[]
}

/** A probe whose outcome depends on the address: what each address saw, in words. */
export interface AddressDifference {
  probe: ProbeId
  seen: Record<string, string>
}

export interface AddressResults {
  /** Every address saw the same thing on every probe (outcome, status, alert, certificate trust and name). */
  agree: boolean
  /** One sentence for people. */
  note: string
  results: AddressResult[]
  /** Present when the addresses do not agree. */
  differences?: AddressDifference[]
}

/** What a probe saw, as compared across addresses: timings, request ids and certificate serials vary by nature. */
function sawText(p: ProbeObservation): string {
  const parts: string[] = [p.outcome]
  if (p.status !== undefined) parts.push(String(p.status))
  if (p.tls?.alert) parts.push(`alert ${p.tls.alert.number}`)
  if (p.tls?.trusted === false) parts.push('untrusted')
  if (p.tls?.nameMatch === false) parts.push('name mismatch')
  return parts.join(' ')
}

export interface AddressRun {
  address: string
  verdict: Verdict
  diagnoses: string[]
  probes: ProbeObservation[]
}

/** Compares the runs, first (the address a single run would use) first. */
export function compareAddresses(runs: AddressRun[]): AddressResults {
  const differences: AddressDifference[] = []
  for (const probe of runs[0]?.probes ?? []) {
    const seen = Object.fromEntries(runs.map((run) => [run.address, run.probes.find((p) => p.id === probe.id)] as const).map(([address, p]) => [address, p ? sawText(p) : 'not run']))
    if (new Set(Object.values(seen)).size > 1) differences.push({probe: probe.id as ProbeId, seen})
  }
  const verdictsDiffer = new Set(runs.map((run) => run.verdict)).size > 1
  const agree = differences.length === 0 && !verdictsDiffer
  const addresses = runs.map((run) => run.address)
  if (agree) {
    const note =
      runs.length > 1 ? `all ${runs.length} addresses (${addresses.join(', ')}) answered alike` : runs.length === 1 ? `only one address (${addresses[0]}): nothing to compare` : 'no address resolved: nothing to compare'
    return {agree, note, results: runs.map(({address, verdict}) => ({address, verdict}))}
  }
  const odd = runs.filter((run) => run.verdict !== runs[0]!.verdict).map((run) => run.address)
  const verdicts = odd.length > 0 ? `; the verdict on ${odd.join(', ')} is ${runs.find((run) => run.address === odd[0])!.verdict}, on ${addresses[0]} ${runs[0]!.verdict}` : ''
  const note = `the ${runs.length} addresses answer differently on ${differences.map((d) => d.probe).join(', ') || 'the verdict'}${verdicts}`
  return {agree, note, results: runs.map(({address, verdict, diagnoses, probes}) => ({address, verdict, diagnoses, probes})), differences}
}

/** One verdict for the host: healthy only when every address is; unreachable only when every address is. */
export function combinedVerdict(verdicts: Verdict[]): Verdict {
  if (verdicts.every((v) => v === 'healthy')) return 'healthy'
  if (verdicts.every((v) => v === 'unreachable')) return 'unreachable'
  return 'problems'
}
