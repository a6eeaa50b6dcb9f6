import type {Socket} from 'node:net'
import {performance} from 'node:perf_hooks'
import type {SecureContext, TLSSocket} from 'node:tls'

import {asProxy} from '../observations/as-proxy.js'
import type {Outcome, ProbeObservation, SentRequest, Timings, TlsObservation} from '../observations/types.js'
import type {ExtraHeader} from '../target/headers.js'
import {hostForUrl} from '../target/hostname.js'
import type {Endpoint} from '../target/resolve.js'
import {observeHandshake} from './certificate.js'
import {exchange, type ExchangeResult} from './http-exchange.js'
import type {ProbePlan} from './matrix.js'
import {PhaseFailure, ms} from './phase.js'
import {connectTcp} from './tcp-connect.js'
import {handshake} from './tls-handshake.js'

export interface ProbeEnvironment {
  host: string
  hostIsIp: boolean
  tlsPort: number
  httpPort: number
  path: string
  method: string
  headers: ExtraHeader[]
  wrongName: string
  timeoutMs: number
  secureContext: SecureContext
  userAgent: string
  endpoint(plan: ProbePlan): Promise<Endpoint>
}

function hostHeader(name: string, port: number, scheme: 'http' | 'https'): string {
  const defaultPort = scheme === 'https' ? 443 : 80
  return port === defaultPort ? hostForUrl(name) : `${hostForUrl(name)}:${port}`
}

/** What the plan puts on the wire for this target. */
export function sentRequest(plan: ProbePlan, env: ProbeEnvironment, address: string | null, port: number): SentRequest {
  const targetPort = plan.port === 'tls' ? env.tlsPort : env.httpPort
  const name = plan.host === 'target' ? env.host : env.wrongName
  // SNI never carries an IP literal (RFC 6066): for an IP target the "SNI" probes send none.
  const sni = plan.sni === 'target' ? (env.hostIsIp ? null : env.host) : plan.sni === 'wrong' ? env.wrongName : null
  return {
    scheme: plan.scheme,
    address,
    port,
    sni: plan.scheme === 'https' ? sni : null,
    // The Host names the target's own port, as a proxy with a Host rewrite would send it.
    host: hostHeader(name, targetPort, plan.port === 'tls' ? 'https' : 'http'),
    method: env.method,
    path: env.path,
  }
}

/** Runs one probe through its phases (dns, connect, tls, http); every phase has a deadline. */
export async function runProbe(plan: ProbePlan, env: ProbeEnvironment): Promise<ProbeObservation> {
  const started = performance.now()
  const timings: Omit<Timings, 'total'> = {}
  const endpoint = await env.endpoint(plan)
  if (endpoint.dnsMs !== undefined) timings.dns = endpoint.dnsMs
  const address = endpoint.addresses[0] ?? null
  const sent = sentRequest(plan, env, address, endpoint.port)
  let tls: TlsObservation | undefined
  let exchanged: ExchangeResult | undefined
  let failure: PhaseFailure | undefined
  let socket: Socket | TLSSocket | undefined

  try {
    if (!address) {
      throw new PhaseFailure('dns-failed', {code: endpoint.error?.code ?? 'ENOTFOUND', message: endpoint.error?.message ?? `no address for ${env.host}`, phase: 'dns'})
    }
    let mark = performance.now()
    const tcp = await connectTcp(address, endpoint.port, env.timeoutMs)
    tcp.on('error', () => {}) // errors after this point are reported by the phase that sees them
    socket = tcp
    timings.connect = ms(performance.now() - mark)
    if (plan.scheme === 'https') {
      mark = performance.now()
      try {
        socket = await handshake(tcp, {servername: sent.sni, secureContext: env.secureContext, timeoutMs: env.timeoutMs})
      } catch (error) {
        if (error instanceof PhaseFailure) tls = {chain: [], ...error.extra}
        throw error
      }
      timings.tls = ms(performance.now() - mark)
      tls = observeHandshake(socket as TLSSocket, env.host)
    }
    exchanged = await exchange(socket, {
      origin: `${plan.scheme}://${hostForUrl(address)}:${endpoint.port}`,
      host: sent.host,
      method: env.method,
      path: env.path,
      headers: env.headers,
      userAgent: env.userAgent,
      timeoutMs: env.timeoutMs,
    })
    timings.ttfb = exchanged.ttfb
  } catch (error) {
    if (!(error instanceof PhaseFailure)) throw error
    failure = error
  } finally {
    socket?.destroy()
  }

  const outcome: Outcome = failure ? failure.outcome : exchanged!.http.status < 400 ? 'ok' : 'http-error'
  const observation: ProbeObservation = {
    id: plan.id,
    description: plan.description,
    outcome,
    sent,
    timings: {...timings, total: ms(performance.now() - started)},
    asProxy: {haproxy: {status: 0, termination: '', note: ''}, nginx: {status: 0, errorLog: null}},
  }
  if (exchanged) {
    observation.status = exchanged.http.status
    observation.http = exchanged.http
  }
  if (tls) observation.tls = tls
  if (failure) {
    observation.error = {...failure.error}
    // For plain HTTP the bytes that were not HTTP are evidence too (often a TLS alert record).
    if (failure.error.phase === 'http' && failure.extra.firstBytesHex) observation.error.firstBytesHex = failure.extra.firstBytesHex
  }
  observation.asProxy = asProxy(observation)
  return observation
}
