import type {Socket} from 'node:net'
import {performance} from 'node:perf_hooks'
import type {SecureContext, TLSSocket} from 'node:tls'

import {asProxy} from '../observations/as-proxy.js'
import type {ObservationId, Outcome, ProbeObservation, SentRequest, Timings, TlsObservation} from '../observations/types.js'
import {isSecret, type ExtraHeader} from '../target/headers.js'
import {hostHeaderFor} from '../target/authority.js'
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
    host: hostHeaderFor(name, targetPort, plan.port === 'tls' ? 'https' : 'http'),
    method: env.method,
    path: env.path,
  }
}

/** Everything one request needs on the wire, whoever asks for it (a matrix probe or --via). */
export interface Exchange {
  id: ObservationId
  description: string
  endpoint: Endpoint
  sent: SentRequest
  /** The name the certificate must cover. */
  expectedName: string
  headers: ExtraHeader[]
  timeoutMs: number
  secureContext: SecureContext
  userAgent: string
  /** The user's own proxy (--via) gets the headers its clients send; the edge only over verified TLS. */
  secretsTo: 'verified-tls' | 'this-peer'
  /** performance.now() when the probe began, before its DNS phase: `total` counts from there. */
  startedAt?: number
}

/** Runs one request through its phases (dns, connect, tls, http); every phase has a deadline. */
export async function observeExchange(spec: Exchange): Promise<ProbeObservation> {
  const started = spec.startedAt ?? performance.now()
  const {endpoint, sent} = spec
  const timings: Omit<Timings, 'total'> = {}
  if (endpoint.dnsMs !== undefined) timings.dns = endpoint.dnsMs
  const address = sent.address
  let tls: TlsObservation | undefined
  let exchanged: ExchangeResult | undefined
  let failure: PhaseFailure | undefined
  let socket: Socket | TLSSocket | undefined

  try {
    if (!address) {
      throw new PhaseFailure('dns-failed', {code: endpoint.error?.code ?? 'ENOTFOUND', message: endpoint.error?.message ?? `no address for ${spec.expectedName}`, phase: 'dns'})
    }
    let mark = performance.now()
    const tcp = await connectTcp(address, sent.port, spec.timeoutMs)
    tcp.on('error', () => {}) // errors after this point are reported by the phase that sees them
    socket = tcp
    timings.connect = ms(performance.now() - mark)
    if (sent.scheme === 'https') {
      mark = performance.now()
      try {
        socket = await handshake(tcp, {servername: sent.sni, secureContext: spec.secureContext, timeoutMs: spec.timeoutMs})
      } catch (error) {
        if (error instanceof PhaseFailure) tls = {chain: [], ...error.extra}
        throw error
      }
      timings.tls = ms(performance.now() - mark)
      tls = observeHandshake(socket as TLSSocket, spec.expectedName)
    }
    // Credentials go only where they would go in production: over TLS to a certificate that
    // verifies for the target. Never over plain HTTP, never to a default or foreign certificate.
    const verified = spec.secretsTo === 'this-peer' || (sent.scheme === 'https' && tls?.trusted === true && tls.nameMatch === true)
    const withheld = verified ? [] : spec.headers.filter(isSecret)
    if (withheld.length > 0) sent.withheldHeaders = withheld.map((h) => h.name)
    exchanged = await exchange(socket, {
      origin: `${sent.scheme}://${hostForUrl(address)}:${sent.port}`,
      host: sent.host,
      method: sent.method,
      path: sent.path,
      headers: spec.headers.filter((h) => !withheld.includes(h)),
      userAgent: spec.userAgent,
      timeoutMs: spec.timeoutMs,
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
    id: spec.id,
    description: spec.description,
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

/** Runs one probe of the matrix. */
export async function runProbe(plan: ProbePlan, env: ProbeEnvironment): Promise<ProbeObservation> {
  const startedAt = performance.now()
  const endpoint = await env.endpoint(plan)
  return observeExchange({
    id: plan.id,
    description: plan.description,
    endpoint,
    sent: sentRequest(plan, env, endpoint.addresses[0] ?? null, endpoint.port),
    expectedName: env.host,
    headers: env.headers,
    timeoutMs: env.timeoutMs,
    secureContext: env.secureContext,
    userAgent: env.userAgent,
    secretsTo: 'verified-tls',
    startedAt,
  })
}
