// Certificates a hostile peer may present, made at test time with @peculiar/x509 (like certs.ts, but
// with a free hand over names, subjects, padding and chain length). ECDSA P-256 keys: fast to make.
import {webcrypto} from 'node:crypto'
// @peculiar/x509 uses tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

import type {KeyCert} from './certs.js'

const crypto = webcrypto
type CryptoKeyPair = webcrypto.CryptoKeyPair
const keyAlgorithm = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const
const signingAlgorithm = {name: 'ECDSA', hash: 'SHA-256'} as const
const DAY = 24 * 60 * 60 * 1000
/** An OID under the "example" private enterprise arc (RFC 5612), for padding extensions. */
const PADDING_OID = '1.3.6.1.4.1.32473.1'

interface Authority {
  cert: x509.X509Certificate
  keys: CryptoKeyPair
}

let serial = 1
const nextSerial = () => (serial++).toString(16).padStart(4, '0')
const newKeys = async () => (await crypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair
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

async function authority(name: string, issuer?: Authority, paddingBytes = 0): Promise<Authority> {
  const keys = await newKeys()
  const now = Date.now()
  const extensions = [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    ...padding(paddingBytes),
  ]
  const cert = issuer
    ? await x509.X509CertificateGenerator.create(
        {serialNumber: nextSerial(), subject: name, issuer: issuer.cert.subjectName, notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY), signingAlgorithm, publicKey: keys.publicKey, signingKey: issuer.keys.privateKey, extensions},
        crypto,
      )
    : await x509.X509CertificateGenerator.createSelfSigned({serialNumber: nextSerial(), name, notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY), signingAlgorithm, keys, extensions}, crypto)
  return {cert, keys}
}

export interface LeafSpec {
  /** Distinguished name, e.g. 'CN=api.test'; '' for an empty subject. */
  subject: string
  /** subjectAltName entries; none at all when empty. */
  sans: x509.JsonGeneralName[]
  paddingBytes?: number
}

async function leaf(issuer: Authority, spec: LeafSpec): Promise<{key: string; cert: x509.X509Certificate}> {
  const keys = await newKeys()
  const now = Date.now()
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: nextSerial(),
      subject: spec.subject,
      issuer: issuer.cert.subjectName,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 30 * DAY),
      signingAlgorithm,
      publicKey: keys.publicKey,
      signingKey: issuer.keys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        ...(spec.sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(spec.sans, false)] : []),
        ...padding(spec.paddingBytes ?? 0),
      ],
    },
    crypto,
  )
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey)
  return {key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), cert}
}

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
