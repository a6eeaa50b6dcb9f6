import type {ProbeId} from '../observations/types.js'

/** What one probe of the matrix changes, relative to the reference request (tls-sni). */
export interface ProbePlan {
  id: ProbeId
  description: string
  scheme: 'http' | 'https'
  /** Which of the target's ports it connects to. */
  port: 'tls' | 'http'
  /** SNI: the target's name, another name, or none at all. */
  sni: 'target' | 'wrong' | null
  /** Host header: the target's name or another name. */
  host: 'target' | 'wrong'
}

export const MATRIX: readonly ProbePlan[] = [
  {id: 'http-plain', description: 'plain HTTP to the HTTP port', scheme: 'http', port: 'http', sni: null, host: 'target'},
  {id: 'http-to-tls-port', description: 'plain HTTP to the TLS port (server line without ssl)', scheme: 'http', port: 'tls', sni: null, host: 'target'},
  {id: 'tls-no-sni', description: 'TLS without SNI (ssl without sni)', scheme: 'https', port: 'tls', sni: null, host: 'target'},
  {id: 'tls-sni', description: 'TLS, SNI and Host = target (reference)', scheme: 'https', port: 'tls', sni: 'target', host: 'target'},
  {id: 'tls-sni-wrong-host', description: 'TLS with SNI, Host not rewritten', scheme: 'https', port: 'tls', sni: 'target', host: 'wrong'},
  {id: 'tls-wrong-sni', description: 'TLS with another SNI, Host = target', scheme: 'https', port: 'tls', sni: 'wrong', host: 'target'},
]

/** The name used where a probe needs "a name that is not the target": .invalid never resolves (RFC 6761). */
export const WRONG_NAME = 'apigw-doctor-probe.invalid'
