import type {SecureContext} from 'node:tls'

import type {ProbeObservation, TargetInfo} from '../observations/types.js'
import type {ExtraHeader} from '../target/headers.js'
import {EndpointResolver, type Lookup} from '../target/resolve.js'
import type {ConnectToRule, ResolveRule} from '../target/overrides.js'
import {MATRIX, WRONG_NAME} from './matrix.js'
import {runProbe, type ProbeEnvironment} from './run-probe.js'

export interface MatrixOptions {
  host: string
  hostKind: TargetInfo['hostKind']
  port: number
  httpPort: number
  path: string
  method: string
  headers: ExtraHeader[]
  resolve: ResolveRule[]
  connectTo: ConnectToRule[]
  timeoutMs: number
  secureContext: SecureContext
  caFile: string | null
  userAgent: string
  /** Replaces DNS (tests). */
  lookup?: Lookup
}

export interface MatrixResult {
  target: TargetInfo
  probes: ProbeObservation[]
}

/** Runs the six probes concurrently: one probe costs about one round of handshakes. */
export async function runMatrix(options: MatrixOptions): Promise<MatrixResult> {
  const resolver = new EndpointResolver({resolve: options.resolve, connectTo: options.connectTo, timeoutMs: options.timeoutMs, ...(options.lookup ? {lookup: options.lookup} : {})})
  const env: ProbeEnvironment = {
    host: options.host,
    hostIsIp: options.hostKind !== 'name',
    tlsPort: options.port,
    httpPort: options.httpPort,
    path: options.path,
    method: options.method,
    headers: options.headers,
    wrongName: WRONG_NAME,
    timeoutMs: options.timeoutMs,
    secureContext: options.secureContext,
    userAgent: options.userAgent,
    endpoint: (plan) => resolver.endpoint(options.host, plan.port === 'tls' ? options.port : options.httpPort),
  }
  const [tlsEndpoint, probes] = await Promise.all([
    resolver.endpoint(options.host, options.port),
    Promise.all(MATRIX.map((plan) => runProbe(plan, env))),
  ])
  return {
    target: {
      host: options.host,
      hostKind: options.hostKind,
      port: options.port,
      httpPort: options.httpPort,
      path: options.path,
      method: options.method,
      addresses: tlsEndpoint.addresses,
      extraHeaders: options.headers.map((h) => h.name),
      caFile: options.caFile,
      wrongName: WRONG_NAME,
      pinnedAddress: tlsEndpoint.pinned ? tlsEndpoint.addresses[0] ?? null : null,
      // --connect-to may move the port as well as the address: snippets and verify commands need both
      pinnedPort: tlsEndpoint.pinned ? tlsEndpoint.port : null,
    },
    probes,
  }
}
