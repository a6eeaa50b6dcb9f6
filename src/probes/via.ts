import {performance} from 'node:perf_hooks'
import type {SecureContext} from 'node:tls'

import type {ProbeObservation} from '../observations/types.js'
import type {ExtraHeader} from '../target/headers.js'
import {hostHeaderFor} from '../target/authority.js'
import {classifyHost} from '../target/hostname.js'
import type {ViaTarget} from '../target/parse-via.js'
import type {EndpointResolver} from '../target/resolve.js'
import {observeExchange} from './run-probe.js'

export interface ViaOptions {
  via: ViaTarget
  path: string
  method: string
  headers: ExtraHeader[]
  timeoutMs: number
  secureContext: SecureContext
  userAgent: string
  resolver: EndpointResolver
}

/** The reference request sent through the user's proxy, as that proxy's own clients send it. */
export async function runVia(options: ViaOptions): Promise<ProbeObservation & {url: string}> {
  const {via} = options
  const startedAt = performance.now()
  const endpoint = await options.resolver.endpoint(via.host, via.port)
  const isName = classifyHost(via.host) === 'name'
  const observation = await observeExchange({
    id: 'via',
    description: `the reference request through the proxy at ${via.url}`,
    endpoint,
    sent: {
      scheme: via.scheme,
      address: endpoint.addresses[0] ?? null,
      port: endpoint.port,
      sni: via.scheme === 'https' && isName ? via.host : null,
      host: hostHeaderFor(via.host, via.port, via.scheme),
      method: options.method,
      path: via.path ?? options.path,
    },
    expectedName: via.host,
    headers: options.headers,
    timeoutMs: options.timeoutMs,
    secureContext: options.secureContext,
    userAgent: options.userAgent,
    secretsTo: 'this-peer',
    startedAt,
  })
  return {...observation, url: via.url}
}
