import {checkServerIdentity, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket} from 'node:tls'

import type {CertificateInfo, TlsObservation} from '../observations/types.js'
import {printableLine} from '../text/controls.js'

const MAX_CHAIN = 10

// Everything below comes from the peer: names are made printable (a CN may carry terminal escapes),
// and a field Node cannot read must not throw.

/** Node quotes (JSON-style) an entry holding a comma or a non-ASCII byte, so ', ' only separates entries. */
function sans(cert: PeerCertificate): string[] {
  return (cert.subjectaltname ?? '')
    .split(', ')
    .filter(Boolean)
    .map((entry) => printableLine(entry.replace(/^IP Address:/, 'IP:')))
}

/** ISO 8601, or '' when the certificate's time cannot be read (OpenSSL prints "Bad time value"). */
function isoTime(value: string | undefined): string {
  const time = new Date(value ?? '')
  return Number.isNaN(time.getTime()) ? '' : time.toISOString()
}

function dn(part: Record<string, string | string[]> | undefined): string {
  if (!part) return ''
  return Object.entries(part)
    .map(([key, value]) => `${printableLine(key)}=${printableLine(Array.isArray(value) ? value.join('+') : String(value))}`)
    .join(', ')
}

function describe(cert: PeerCertificate): CertificateInfo {
  const commonName = cert.subject?.CN
  const firstName = Array.isArray(commonName) ? commonName[0] : commonName
  return {
    subject: dn(cert.subject as unknown as Record<string, string>),
    commonName: firstName === undefined ? null : printableLine(firstName),
    sans: sans(cert),
    issuer: dn(cert.issuer as unknown as Record<string, string>),
    notBefore: isoTime(cert.valid_from),
    notAfter: isoTime(cert.valid_to),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    selfSigned: dn(cert.subject as unknown as Record<string, string>) === dn(cert.issuer as unknown as Record<string, string>),
  }
}

/** The chain as sent by the peer, leaf first (issuerCertificate links end at a self-reference). */
function describeChain(leaf: DetailedPeerCertificate): CertificateInfo[] {
  const chain: CertificateInfo[] = []
  let cert: DetailedPeerCertificate | undefined = leaf
  const seen = new Set<string>()
  while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256) && chain.length < MAX_CHAIN) {
    seen.add(cert.fingerprint256)
    chain.push(describe(cert))
    cert = cert.issuerCertificate
  }
  return chain
}

/** Everything a completed handshake tells: version, cipher, ALPN, chain, trust and name match. */
export function observeHandshake(socket: TLSSocket, expectedName: string): TlsObservation {
  // Node converts the whole chain to objects on each call (every SAN a string): once is enough.
  const leaf = socket.getPeerCertificate(true)
  const nameError = leaf && leaf.subject ? checkServerIdentity(expectedName, leaf) : new Error('no certificate')
  const observation: TlsObservation = {
    version: socket.getProtocol() ?? undefined,
    cipher: socket.getCipher()?.name,
    alpn: socket.alpnProtocol || null,
    chain: describeChain(leaf),
    trusted: socket.authorized,
    nameMatch: nameError === undefined,
  }
  if (!socket.authorized && socket.authorizationError) observation.trustError = String(socket.authorizationError)
  if (nameError) observation.nameError = (nameError as NodeJS.ErrnoException).code ?? nameError.message
  return observation
}
