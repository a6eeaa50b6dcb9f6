import {isIP} from 'node:net'

import {UsageError} from '../cli/errors.js'
import {diagnose, type DiagnoseOptions} from '../diagnosis/diagnose.js'
import {combinedVerdict, compareAddresses, type AddressResults} from '../observations/address-results.js'
import type {Report} from '../observations/report.js'
import type {TargetInfo} from '../observations/types.js'
import {WRONG_NAME} from '../probes/matrix.js'
import {isSecretHeader, shownHeader} from '../target/headers.js'
import {classifyHost} from '../target/hostname.js'
import {isSnippetSafePath} from '../target/snippet-path.js'

/**
 * A saved report is a file from someone else: every target field that reaches a snippet or a
 * verify command is validated again, as strictly as the command line would have.
 */
function assertTrustworthyTarget(target: TargetInfo): void {
  const bad = (what: string): never => {
    throw new UsageError(`not a report this tool wrote: target.${what} is not valid`, 'bad-report')
  }
  if (classifyHost(target.host) !== target.hostKind) bad('host')
  if (target.wrongName !== WRONG_NAME) bad('wrongName')
  if (target.pinnedAddress !== null && isIP(target.pinnedAddress) === 0) bad('pinnedAddress')
  if (target.caFile !== null && !isSnippetSafePath(target.caFile)) bad('caFile')
  const port = target.pinnedPort
  if (port !== undefined && port !== null && !(Number.isInteger(port) && port >= 1 && port <= 65_535)) bad('pinnedPort')
}

/** A report edited by hand may hold a secret header's value (a secret name, or one marked redacted by --redact): it is redacted again before anything shows it. */
function redactHeaders(target: TargetInfo): TargetInfo {
  if (!target.headers) return target
  return {...target, headers: target.headers.map((h) => shownHeader({name: h.name, value: h.value, secret: h.redacted === true || isSecretHeader(h.name)}))}
}

/**
 * --all-addresses results whose addresses differed carry each address's probes: each is diagnosed
 * again (as pinned to that address) and compared again, so the verdict follows this version's rules.
 */
function rediagnoseAddresses(saved: Report, target: TargetInfo, options: DiagnoseOptions): AddressResults | undefined {
  const results = saved.addressResults
  if (!results) return undefined
  for (const result of results.results) if (isIP(result.address) === 0) throw new UsageError('not a report this tool wrote: addressResults holds an address that is not an IP literal', 'bad-report')
  if (results.agree || !results.results.every((r) => r.probes)) return results
  const runs = results.results.map(({address, probes}) => {
    const pinned = {...target, pinnedAddress: target.pinnedAddress === null ? null : address}
    const again = diagnose({target: pinned, probes: probes!, observedAt: saved.generatedAt}, options)
    return {address, verdict: again.verdict, diagnoses: again.diagnoses.map((d) => d.id), probes: probes!}
  })
  return compareAddresses(runs)
}

/** A saved report diagnosed again by this version's rules, judged at the time the probes ran. */
export function rediagnose(saved: Report, options: DiagnoseOptions): Report {
  assertTrustworthyTarget(saved.target)
  const target = redactHeaders(saved.target)
  const result = diagnose({target, probes: saved.probes, observedAt: saved.generatedAt, ...(saved.via ? {via: saved.via} : {})}, options)
  const addressResults = rediagnoseAddresses(saved, target, options)
  const verdict = addressResults && !addressResults.agree ? combinedVerdict([result.verdict, ...addressResults.results.map((r) => r.verdict)]) : result.verdict
  return {...saved, target, diagnoses: result.diagnoses, recommended: result.recommended, verdict, ...(addressResults ? {addressResults} : {})}
}
