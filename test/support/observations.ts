// Recorded-observation builders: diagnosis is pure, so most of its tests feed it data like this.
import {asProxy} from '../../src/observations/as-proxy.js'
import type {CertificateInfo, Outcome, ProbeId, ProbeObservation, TargetInfo, TlsObservation} from '../../src/observations/types.js'
import {MATRIX} from '../../src/probes/matrix.js'

export const OBSERVED_AT = '2026-11-26T05:00:00.000Z'

export function target(overrides: Partial<TargetInfo> = {}): TargetInfo {
  return {
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    hostKind: 'name',
    port: 443,
    httpPort: 80,
    path: '/prod/health',
    method: 'GET',
    addresses: ['192.0.2.10'],
    extraHeaders: [],
    caFile: null,
    wrongName: 'apigw-doctor-probe.invalid',
    pinnedAddress: null,
    pinnedPort: null,
    ...overrides,
  }
}

export function certificate(overrides: Partial<CertificateInfo> = {}): CertificateInfo {
  return {
    subject: 'CN=*.execute-api.eu-west-1.amazonaws.com',
    commonName: '*.execute-api.eu-west-1.amazonaws.com',
    sans: ['DNS:*.execute-api.eu-west-1.amazonaws.com'],
    issuer: 'C=US, O=Amazon, CN=Amazon RSA 2048 M02',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    fingerprint256: Array.from({length: 32}, () => 'AB').join(':'),
    serialNumber: '01',
    selfSigned: false,
    ...overrides,
  }
}

export function goodTls(overrides: Partial<TlsObservation> = {}): TlsObservation {
  return {version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', alpn: 'http/1.1', chain: [certificate()], trusted: true, nameMatch: true, ...overrides}
}

export interface ProbeShape {
  outcome: Outcome
  status?: number
  tls?: TlsObservation
  errorType?: string
  body?: string
  headers?: Record<string, string>
  error?: {code: string; message?: string}
}

/** One probe as the engine would have recorded it. */
export function probe(id: ProbeId, shape: ProbeShape, t: TargetInfo = target()): ProbeObservation {
  const plan = MATRIX.find((p) => p.id === id)!
  const sni = plan.sni === 'target' ? t.host : plan.sni === 'wrong' ? t.wrongName : null
  const observation: ProbeObservation = {
    id,
    description: plan.description,
    outcome: shape.outcome,
    sent: {
      scheme: plan.scheme,
      address: t.addresses[0] ?? null,
      port: plan.port === 'tls' ? t.port : t.httpPort,
      sni: plan.scheme === 'https' ? sni : null,
      host: plan.host === 'target' ? t.host : t.wrongName,
      method: 'GET',
      path: t.path,
    },
    timings: {total: 10},
    asProxy: {haproxy: {status: 0, termination: '----', note: ''}, nginx: {status: 0, errorLog: null}},
  }
  if (shape.status !== undefined) {
    observation.status = shape.status
    observation.http = {
      status: shape.status,
      statusText: '',
      httpVersion: '1.1',
      headers: {...(shape.errorType ? {'x-amzn-errortype': shape.errorType} : {}), ...shape.headers},
      contentType: 'application/json',
      bodyExcerpt: shape.body ?? '',
      bodyTruncated: false,
      bodyBytes: (shape.body ?? '').length,
    }
  }
  if (shape.tls) observation.tls = shape.tls
  else if (plan.scheme === 'https' && (shape.outcome === 'ok' || shape.outcome === 'http-error')) observation.tls = goodTls()
  if (shape.error) observation.error = {code: shape.error.code, message: shape.error.message ?? shape.error.code, phase: 'tls'}
  else if (shape.outcome !== 'ok' && shape.outcome !== 'http-error') observation.error = {code: 'E', message: shape.outcome, phase: 'tls'}
  observation.asProxy = asProxy(observation)
  return observation
}

export const alert = (number: number, name: string): ProbeShape => ({outcome: 'tls-alert', tls: {chain: [], alert: {number, name}}})

/** The classic API Gateway edge: TLS only, strict SNI, routes on Host; the reference works. */
export function classicEdge(overrides: Partial<Record<ProbeId, ProbeShape>> = {}, t: TargetInfo = target()): ProbeObservation[] {
  const shapes: Record<ProbeId, ProbeShape> = {
    'http-plain': {outcome: 'tcp-timeout'},
    'http-to-tls-port': {outcome: 'http-error', status: 400},
    'tls-no-sni': alert(112, 'unrecognized_name'),
    'tls-sni': {outcome: 'ok', status: 200},
    'tls-sni-wrong-host': {outcome: 'http-error', status: 403, errorType: 'ForbiddenException', body: '{"message":"Forbidden"}'},
    'tls-wrong-sni': alert(112, 'unrecognized_name'),
    ...overrides,
  }
  return MATRIX.map((plan) => probe(plan.id, shapes[plan.id], t))
}
