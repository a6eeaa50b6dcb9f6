// --all-addresses: a host that resolves to several addresses (IPv4 and IPv6, several edges) may
// behave differently on each. The matrix runs once per address, all at once, and the report says
// whether they agree and, when they do not, which address differs and how.
import {combinedVerdict, compareAddresses, type AddressResults} from '../observations/address-results.js'
import type {Report} from '../observations/report.js'
import type {ResolveRule} from '../target/overrides.js'
import type {ParsedTarget} from '../target/parse-target.js'
import {EndpointResolver, systemLookup, withLookupDeadline, type Lookup} from '../target/resolve.js'
import type {ProbeOptions} from './probe-options.js'

/**
 * Asks DNS once per host, however many runs ask it. The answer kept is the one within the deadline
 * (`lookup` is deadline-bound): a lookup that never answers fails every run at once, not each after
 * waiting out the deadline again.
 */
function memoised(lookup: Lookup): Lookup {
  const answers = new Map<string, Promise<string[]>>()
  return (host) => {
    let answer = answers.get(host)
    if (!answer) {
      answer = lookup(host)
      answers.set(host, answer)
    }
    return answer
  }
}

/** The options with every answer that holds `address` narrowed to it: the run connects there and nowhere else. */
function pinnedTo(options: ProbeOptions, address: string, lookup: Lookup, first: boolean): ProbeOptions {
  const narrow = (addresses: string[]) => (addresses.includes(address) ? [address] : addresses)
  return {
    ...options,
    resolve: options.resolve.map((rule): ResolveRule => ({...rule, addresses: narrow(rule.addresses)})),
    lookup: async (host) => narrow(await lookup(host)),
    // The user's proxy is asked once, beside the first address's run.
    via: first ? options.via : null,
    allAddresses: false,
  }
}

/**
 * A name may resolve to dozens of addresses (or a --resolve rule list them): each costs six
 * connections, times --concurrency in a batch. Beyond this many, the rest are named, not probed.
 */
export const MAX_ADDRESSES = 16

export async function probeEveryAddress(target: ParsedTarget, options: ProbeOptions, probeOnce: (options: ProbeOptions) => Promise<Report>): Promise<Report> {
  const lookup = memoised(withLookupDeadline(options.lookup ?? systemLookup, options.timeoutMs))
  const resolver = new EndpointResolver({resolve: options.resolve, connectTo: options.connectTo, timeoutMs: options.timeoutMs, lookup})
  const tlsPort = options.port ?? target.port ?? 443
  const {addresses: all} = await resolver.endpoint(target.host, tlsPort)
  const addresses = all.slice(0, MAX_ADDRESSES)
  const skipped = all.length - addresses.length
  const withSkipped = (results: AddressResults): AddressResults =>
    skipped > 0 ? {...results, note: `${results.note}; ${skipped} more address(es) not probed (at most ${MAX_ADDRESSES}): ${all.slice(MAX_ADDRESSES, MAX_ADDRESSES + 3).join(', ')}${skipped > 3 ? ', …' : ''}`} : results
  if (addresses.length <= 1) {
    const report = await probeOnce({...options, lookup, allAddresses: false})
    return {...report, addressResults: compareAddresses(addresses.map((address) => ({address, verdict: report.verdict, diagnoses: [], probes: report.probes})))}
  }
  const reports = await Promise.all(addresses.map((address, i) => probeOnce(pinnedTo(options, address, lookup, i === 0))))
  const addressResults = withSkipped(compareAddresses(reports.map((report, i) => ({address: addresses[i]!, verdict: report.verdict, diagnoses: report.diagnoses.map((d) => d.id), probes: report.probes}))))
  const first = reports[0]!
  return {
    ...first,
    // The first run saw one address; the host has them all.
    target: {...first.target, addresses: all},
    verdict: combinedVerdict(reports.map((report) => report.verdict)),
    addressResults,
  }
}
