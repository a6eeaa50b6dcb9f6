import {checkServerIdentity, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket} from 'node:tls'

import type {CertificateInfo, TlsObservation} from '../observations/types.js'

const MAX_CHAIN = 10

function sans(cert: PeerCertificate): string[] {
  return (cert.subjectaltname ?? '')
    .split(', ')
    .filter(Boolean)
    .map((entry) => entry.replace(/^IP Address:/, 'IP:'))
}

function dn(part: Record<string, string | string[]> | undefined): string {
  if (!part) return ''
  return Object.entries(part)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ')
}

function describe(cert: PeerCertificate): CertificateInfo {
  const commonName = cert.subject?.CN
  return {
    subject: dn(cert.subject as unknown as Record<string, string>),
    commonName: Array.isArray(commonName) ? commonName[0] ?? null : commonName ?? null,
    sans: sans(cert),
    issuer: dn(cert.issuer as unknown as Record<string, string>),
    notBefore: new Date(cert.valid_from).toISOString(),
    notAfter: new Date(cert.valid_to).toISOString(),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    selfSigned: dn(cert.subject as unknown as Record<string, string>) === dn(cert.issuer as unknown as Record<string, string>),
  }
}

/** The chain as sent by the peer, leaf first (issuerCertificate links end at a self-reference). */
export function peerChain(socket: TLSSocket): CertificateInfo[] {
  const chain: CertificateInfo[] = []
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true)
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
  const chain = peerChain(socket)
  const leaf = socket.getPeerCertificate(false)
  const nameError = leaf && leaf.subject ? checkServerIdentity(expectedName, leaf) : new Error('no certificate')
  const observation: TlsObservation = {
    version: socket.getProtocol() ?? undefined,
    cipher: socket.getCipher()?.name,
    alpn: socket.alpnProtocol || null,
    chain,
    trusted: socket.authorized,
    nameMatch: nameError === undefined,
  }
  if (!socket.authorized && socket.authorizationError) observation.trustError = String(socket.authorizationError)
  if (nameError) observation.nameError = (nameError as NodeJS.ErrnoException).code ?? nameError.message
  return observation
}
