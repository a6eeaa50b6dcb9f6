import type {ShownHeader} from '../target/headers.js'

// Plain, JSON-serialisable data: what the probes saw. Diagnosis reads only this, so a saved
// report can be diagnosed again offline. Field names here are the JSON contract of SPEC.md.

export const PROBE_IDS = [
  'http-plain',
  'http-to-tls-port',
  'tls-no-sni',
  'tls-sni',
  'tls-sni-wrong-host',
  'tls-wrong-sni',
] as const
export type ProbeId = (typeof PROBE_IDS)[number]
/** 'via' is the request sent through the user's own proxy (--via). */
export type ObservationId = ProbeId | 'via'

export const OUTCOMES = [
  'ok',
  'http-error',
  'dns-failed',
  'tcp-refused',
  'tcp-timeout',
  'tcp-reset',
  'tls-alert',
  'tls-closed',
  'tls-malformed',
  'tls-timeout',
  'http-timeout',
  'http-closed',
  'http-malformed',
] as const
export type Outcome = (typeof OUTCOMES)[number]

/** What the probe put on the wire. `sni: null` means no server_name extension at all. */
export interface SentRequest {
  scheme: 'http' | 'https'
  address: string | null
  port: number
  sni: string | null
  host: string
  method: string
  path: string
  /** Secret -H headers (names) not sent: plain HTTP, or a certificate that did not verify for the target. */
  withheldHeaders?: string[]
}

export interface TlsAlert {
  number: number
  name: string
}

export interface CertificateInfo {
  subject: string
  commonName: string | null
  sans: string[]
  issuer: string
  notBefore: string
  notAfter: string
  fingerprint256: string
  serialNumber: string
  selfSigned: boolean
}

export interface TlsObservation {
  /** Set once the handshake completed. */
  version?: string
  cipher?: string
  alpn?: string | null
  /** The alert the peer sent instead of completing the handshake. */
  alert?: TlsAlert
  /** First bytes the peer sent when the handshake failed (hex): an alert record, or bytes that are not TLS (tls-malformed). */
  firstBytesHex?: string
  /** Leaf first. Empty when no certificate was seen. */
  chain: CertificateInfo[]
  /** Chain verified against the system store plus --ca-file. */
  trusted?: boolean
  /** OpenSSL's verification error code when not trusted, e.g. CERT_HAS_EXPIRED. */
  trustError?: string
  /** Certificate covers the target host name (or IP). */
  nameMatch?: boolean
  nameError?: string
}

export interface HttpObservation {
  status: number
  statusText: string
  httpVersion: string
  /** Only the headers that tell who answered (server, via, x-cache, x-amzn-*…), lower-cased. */
  headers: Record<string, string>
  contentType: string | null
  bodyExcerpt: string
  bodyTruncated: boolean
  bodyBytes: number
}

export interface Timings {
  dns?: number
  connect?: number
  tls?: number
  ttfb?: number
  total: number
}

export interface HaproxyView {
  status: number
  /** Four characters of the httplog termination state, e.g. SC--. */
  termination: string
  note: string
}

export interface NginxView {
  status: number
  /** The phrase nginx would write to its error log, or null when it logs nothing. */
  errorLog: string | null
}

/** How a proxy configured like this probe would report what the probe saw. */
export interface AsProxy {
  haproxy: HaproxyView
  nginx: NginxView
}

export interface ProbeError {
  /** Stable code: a Node/OpenSSL/undici code such as ECONNRESET or ERR_SSL_WRONG_VERSION_NUMBER. */
  code: string
  message: string
  /** The phase that failed. */
  phase: 'dns' | 'connect' | 'tls' | 'http'
  /** First bytes of an unparseable HTTP response (hex). */
  firstBytesHex?: string
}

export interface ProbeObservation {
  id: ObservationId
  description: string
  outcome: Outcome
  status?: number
  sent: SentRequest
  tls?: TlsObservation
  http?: HttpObservation
  timings: Timings
  asProxy: AsProxy
  error?: ProbeError
}

export interface TargetInfo {
  host: string
  hostKind: 'name' | 'ipv4' | 'ipv6'
  port: number
  httpPort: number
  path: string
  method: string
  addresses: string[]
  /** Header names sent (values are never stored: they may be secrets). */
  extraHeaders: string[]
  /**
   * The -H headers as outputs show them: a secret's value (Authorization, Cookie, x-api-key…,
   * --redact NAME) is "[redacted]". Absent in reports written before it existed.
   */
  headers?: ShownHeader[]
  caFile: string | null
  /** Name used where a probe needs "a name that is not the target". */
  wrongName: string
  /** Address chosen by --resolve/--connect-to for the TLS port, null when DNS decided. */
  pinnedAddress: string | null
  /**
   * Port of the TLS endpoint when --resolve/--connect-to pinned it (--connect-to may move it),
   * null when DNS decided. Absent in reports written before it existed: read it as null.
   */
  pinnedPort: number | null
}
