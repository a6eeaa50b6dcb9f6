import type {SecureContext} from 'node:tls'

import {diagnose} from '../diagnosis/diagnose.js'
import type {Report} from '../observations/report.js'
import {runMatrix} from '../probes/run-matrix.js'
import type {ParsedTarget} from '../target/parse-target.js'
import type {ProbeOptions} from './probe-options.js'

export interface Tool {
  name: string
  version: string
}

/** target → probes → observations → diagnosis → fixes: one report. */
export async function probeTarget(target: ParsedTarget, options: ProbeOptions, secureContext: SecureContext, tool: Tool): Promise<Report> {
  const observedAt = new Date().toISOString()
  const matrix = await runMatrix({
    host: target.host,
    hostKind: target.hostKind,
    port: options.port ?? target.port ?? 443,
    httpPort: options.httpPort ?? target.httpPort ?? 80,
    path: options.path ?? target.path ?? '/',
    method: options.method,
    headers: options.headers,
    resolve: options.resolve,
    connectTo: options.connectTo,
    timeoutMs: options.timeoutMs,
    secureContext,
    caFile: options.caFile,
    userAgent: `${tool.name}/${tool.version}`,
  })
  const result = diagnose({target: matrix.target, probes: matrix.probes, observedAt}, {proxyKind: options.proxyKind, proxyVersion: options.proxyVersion})
  return {
    schemaVersion: 1,
    tool,
    generatedAt: observedAt,
    target: matrix.target,
    probes: matrix.probes,
    diagnoses: result.diagnoses,
    recommended: result.recommended,
    verdict: result.verdict,
  }
}
