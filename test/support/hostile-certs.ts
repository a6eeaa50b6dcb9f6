// Certificates a hostile peer may present, made at test time with @peculiar/x509 (like certs.ts, but
// with a free hand over names, subjects, padding and chain length), on certs.ts' authorities and leaves.
// @peculiar/x509 uses tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

import {issueLeaf, makeAuthority, type Authority, type KeyCert, type LeafSpec as BaseLeafSpec} from './certs.js'

/** An OID under the "example" private enterprise arc (RFC 5612), for padding extensions. */
const PADDING_OID = '1.3.6.1.4.1.32473.1'

const pem = (cert: x509.X509Certificate) => cert.toString('pem') + '\n'

/** An opaque, non-critical extension of `bytes` bytes: makes a certificate as big as wanted. */
function padding(bytes: number): x509.Extension[] {
  if (bytes <= 0) return []
  // DER OCTET STRING with a two-byte length, holding filler.
  const der = new Uint8Array(4 + bytes)
  der.set([0x04, 0x82, (bytes >> 8) & 0xff, bytes & 0xff])
  der.fill(0x41, 4)
  return [new x509.Extension(PADDING_OID, false, der)]
}

const authority = (name: string, issuer?: Authority, paddingBytes = 0) => makeAuthority(name, {...(issuer ? {issuer} : {}), extensions: padding(paddingBytes)})

export interface LeafSpec extends Pick<BaseLeafSpec, 'subject' | 'sans'> {
  paddingBytes?: number
}

const leaf = (issuer: Authority, spec: LeafSpec) => issueLeaf(issuer, {subject: spec.subject, sans: spec.sans, extensions: padding(spec.paddingBytes ?? 0)})

export interface HostileCertificate {
  /** The root to trust (--ca-file) for the chain to verify. */
  caCert: string
  /** Key and the chain as served: leaf first, then each issuer up to (not including) the root. */
  served: KeyCert
}

/** A leaf for `spec` signed by a fresh root. */
export async function oddLeaf(spec: LeafSpec): Promise<HostileCertificate> {
  const root = await authority('CN=apigw-doctor hostile root')
  const made = await leaf(root, spec)
  return {caCert: pem(root.cert), served: {key: made.key, cert: pem(made.cert)}}
}

/** A leaf for `names` under `depth` intermediates, each padded with `paddingBytes`. */
export async function longChain(names: string[], depth: number, paddingBytes = 0): Promise<HostileCertificate> {
  const root = await authority('CN=apigw-doctor hostile root')
  const chain: Authority[] = []
  let issuer = root
  for (let i = 1; i <= depth; i++) {
    issuer = await authority(`CN=apigw-doctor intermediate ${i}`, issuer, paddingBytes)
    chain.push(issuer)
  }
  const made = await leaf(issuer, {subject: `CN=${names[0]}`, sans: names.map((value) => ({type: 'dns', value}))})
  return {caCert: pem(root.cert), served: {key: made.key, cert: [made.cert, ...chain.reverse().map((a) => a.cert)].map(pem).join('')}}
}
