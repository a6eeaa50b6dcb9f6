import {lookup} from 'node:dns/promises'
import {isIP} from 'node:net'
import {performance} from 'node:perf_hooks'

import {ms as round, withDeadline} from '../probes/phase.js'
import {applyConnectTo, findResolve, type ConnectToRule, type ResolveRule} from './overrides.js'

export interface Endpoint {
  /** Addresses to connect to, in order; empty when resolution failed. */
  addresses: string[]
  port: number
  /** Set when --resolve/--connect-to decided the address rather than DNS. */
  pinned: boolean
  dnsMs?: number
  error?: {code: string; message: string}
}

export type Lookup = (host: string) => Promise<string[]>

export interface ResolveOptions {
  resolve: ResolveRule[]
  connectTo: ConnectToRule[]
  timeoutMs: number
  /** DNS by default; tests pass their own so that no query ever leaves loopback. */
  lookup?: Lookup
}

export const systemLookup: Lookup = async (host) => (await lookup(host, {all: true, verbatim: true})).map((a) => a.address)

/**
 * Resolves where a probe to host:port connects. Lookups are memoised per host so that the six
 * probes of a matrix cost one DNS round, not six.
 */
export class EndpointResolver {
  private readonly lookups = new Map<string, Promise<{addresses: string[]; ms: number; error?: {code: string; message: string}}>>()

  constructor(private readonly options: ResolveOptions) {}

  async endpoint(host: string, port: number): Promise<Endpoint> {
    const moved = applyConnectTo(this.options.connectTo, host, port)
    const pinned = findResolve(this.options.resolve, moved.host, moved.port)
    if (pinned) return {addresses: pinned, port: moved.port, pinned: true}
    if (isIP(moved.host)) return {addresses: [moved.host], port: moved.port, pinned: moved.pinned}
    const result = await this.lookup(moved.host)
    return {addresses: result.addresses, port: moved.port, pinned: moved.pinned, dnsMs: result.ms, ...(result.error ? {error: result.error} : {})}
  }

  private lookup(host: string) {
    let pending = this.lookups.get(host)
    if (!pending) {
      pending = timedLookup(host, this.options.timeoutMs, this.options.lookup ?? systemLookup)
      this.lookups.set(host, pending)
    }
    return pending
  }
}

/** `lookup`, failing with ETIMEOUT after timeoutMs (the system lookup itself cannot be cancelled). */
export function withLookupDeadline(lookup: Lookup, timeoutMs: number): Lookup {
  return (host) =>
    withDeadline<string[]>(
      timeoutMs,
      ({resolve, reject}) => {
        lookup(host).then(resolve, reject)
        return () => {}
      },
      () => Object.assign(new Error(`DNS lookup of ${host} took longer than ${timeoutMs} ms`), {code: 'ETIMEOUT'}),
    )
}

async function timedLookup(host: string, timeoutMs: number, lookupFn: Lookup) {
  const started = performance.now()
  try {
    const addresses = await withLookupDeadline(lookupFn, timeoutMs)(host)
    return {addresses, ms: round(performance.now() - started)}
  } catch (error) {
    const err = error as NodeJS.ErrnoException
    return {addresses: [], ms: round(performance.now() - started), error: {code: err.code ?? 'EDNS', message: err.message}}
  }
}


