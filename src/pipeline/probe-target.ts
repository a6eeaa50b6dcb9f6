import type {SecureContext} from 'node:tls'

import {diagnose} from '../diagnosis/diagnose.js'
import type {Report} from '../observations/report.js'
import {loadHttpClient} from '../probes/http-exchange.js'
import {runMatrix} from '../probes/run-matrix.js'
import {runVia} from '../probes/via.js'
import {shownHeader} from '../target/headers.js'
import type {ParsedTarget} from '../target/parse-target.js'
import {EndpointResolver} from '../target/resolve.js'
import type {ProbeOptions} from './probe-options.js'

export interface Tool {
  name: string
  version: string
}

/** target → probes → observations → diagnosis → fixes: one report (--all-addresses: one per address, compared). */
export async function probeTarget(target: ParsedTarget, options: ProbeOptions, secureContext: SecureContext, tool: Tool): Promise<Report> {
  if (!options.allAddresses) return probeOnce(target, options, secureContext, tool)
  const {probeEveryAddress} = await import('./all-addresses.js')
  return probeEveryAddress(target, options, (pinned) => probeOnce(target, pinned, secureContext, tool))
}

/** One run of the matrix (and --via) against the target. */
export async function probeOnce(target: ParsedTarget, options: ProbeOptions, secureContext: SecureContext, tool: Tool): Promise<Report> {
  await loadHttpClient()
  const observedAt = new Date().toISOString()
  const path = options.path ?? target.path ?? '/'
  // via.js and resolve.js add no module the matrix has not loaded already: static imports.
  const viaRun = options.via
    ? runVia({
        via: options.via,
        path,
        method: options.method,
        headers: options.headers,
        timeoutMs: options.timeoutMs,
        secureContext,
        userAgent: `${tool.name}/${tool.version}`,
        resolver: new EndpointResolver({resolve: options.resolve, connectTo: [], timeoutMs: options.timeoutMs, ...(options.lookup ? {lookup: options.lookup} : {})}),
      })
    : Promise.resolve(undefined)
  const matrixRun = runMatrix({
    host: target.host,
    hostKind: target.hostKind,
    port: options.port ?? target.port ?? 443,
    httpPort: options.httpPort ?? target.httpPort ?? 80,
    path,
    method: options.method,
    headers: options.headers,
    resolve: options.resolve,
    connectTo: options.connectTo,
    timeoutMs: options.timeoutMs,
    secureContext,
    caFile: options.caFile,
    userAgent: `${tool.name}/${tool.version}`,
    ...(options.lookup ? {lookup: options.lookup} : {}),
  })
  // The proxy is asked at the same time as the matrix runs: one round of handshakes, not two.
  const [matrix, via] = await Promise.all([matrixRun, viaRun])
  // Values shown only as the outputs may show them: secrets as [redacted].
  const targetInfo = {...matrix.target, headers: options.headers.map(shownHeader)}
  const result = diagnose({target: targetInfo, probes: matrix.probes, observedAt, ...(via ? {via} : {})}, {proxyKind: options.proxyKind, proxyVersion: options.proxyVersion})
  return {
    schemaVersion: 1,
    tool,
    generatedAt: observedAt,
    target: targetInfo,
    probes: matrix.probes,
    diagnoses: result.diagnoses,
    recommended: result.recommended,
    verdict: result.verdict,
    ...(via ? {via} : {}),
  }
}
