// Test PKI generated in memory at test time (never committed): a test CA and leaf
// certificates signed by it, with arbitrary validity windows. ECDSA P-256 keys.
import { webcrypto } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
// @peculiar/x509 uses tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

export interface KeyCert {
  key: string // PKCS#8 PEM
  cert: string // leaf certificate PEM (no chain)
}

export interface Pki {
  caCert: string
  valid(names: string[]): Promise<KeyCert>
  expired(names: string[]): Promise<KeyCert>
  notYetValid(names: string[]): Promise<KeyCert>
  untrusted(names: string[]): Promise<KeyCert>
  /** leaf signed by the test CA with an explicit validity window */
  issue(names: string[], notBefore: Date, notAfter: Date): Promise<KeyCert>
}

const DAY = 24 * 60 * 60 * 1000
// Node's WebCrypto, passed explicitly to @peculiar/x509 (its global provider is never set).
const crypto = webcrypto
type CryptoKey = webcrypto.CryptoKey
type CryptoKeyPair = webcrypto.CryptoKeyPair
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const

export interface Authority {
  cert: x509.X509Certificate
  keys: CryptoKeyPair
}

export async function genKeys(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair
}

/** A private key as PKCS#8 PEM, as node:tls takes it. */
export async function keyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key)
  return x509.PemConverter.encode(der, 'PRIVATE KEY')
}

function serial(): string {
  // positive, 16 bytes
  const b = new Uint8Array(16)
  crypto.getRandomValues(b)
  b[0] = (b[0]! & 0x7f) | 0x01
  return Buffer.from(b).toString('hex')
}

function escapeDn(v: string): string {
  return v.replace(/([,+"\\<>;=#])/g, '\\$1')
}

/** A CA `subject` (a distinguished name): self-signed, or issued by `issuer` (an intermediate). */
export async function makeAuthority(subject: string, opts: {issuer?: Authority; extensions?: x509.Extension[]} = {}): Promise<Authority> {
  const keys = await genKeys()
  const now = Date.now()
  const common = {
    serialNumber: serial(),
    notBefore: new Date(now - 2 * DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ...(opts.extensions ?? []),
    ],
  }
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({...common, subject, issuer: opts.issuer.cert.subjectName, publicKey: keys.publicKey, signingKey: opts.issuer.keys.privateKey}, crypto)
    : await x509.X509CertificateGenerator.createSelfSigned({...common, name: subject, keys}, crypto)
  return { cert, keys }
}

export interface LeafSpec {
  /** Distinguished name, e.g. 'CN=api.test'; '' for an empty subject. */
  subject: string
  /** subjectAltName entries; no extension at all when empty. */
  sans: x509.JsonGeneralName[]
  notBefore?: Date
  notAfter?: Date
  extensions?: x509.Extension[]
}

/** A server certificate for `spec`, signed by `ca` (valid from yesterday for 30 days unless told). */
export async function issueLeaf(ca: Authority, spec: LeafSpec): Promise<{ key: string; cert: x509.X509Certificate }> {
  const keys = await genKeys()
  const now = Date.now()
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: spec.subject,
      issuer: ca.cert.subjectName,
      notBefore: spec.notBefore ?? new Date(now - DAY),
      notAfter: spec.notAfter ?? new Date(now + 30 * DAY),
      signingAlgorithm,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        ...(spec.sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(spec.sans, false)] : []),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey, false, crypto),
        ...(spec.extensions ?? []),
      ],
    },
    crypto,
  )
  return { key: await keyPem(keys.privateKey), cert }
}

async function makeCa(cn: string): Promise<Authority> {
  return makeAuthority(`CN=${escapeDn(cn)}`)
}

async function makeLeaf(ca: Authority, names: string[], notBefore: Date, notAfter: Date): Promise<KeyCert> {
  if (names.length === 0) throw new Error('makeLeaf: at least one name is required')
  const sans = names.map((n) => ({ type: isIP(n) ? ('ip' as const) : ('dns' as const), value: n }))
  const { key, cert } = await issueLeaf(ca, { subject: `CN=${escapeDn(names[0]!)}`, sans, notBefore, notAfter })
  return { key, cert: cert.toString('pem') + '\n' }
}

/**
 * Create a test CA (CN "apigw-doctor test CA") and a factory for leaves.
 * `opts.names` is accepted for convenience: nothing is pre-issued, it only documents intent.
 */
export async function makePki(_opts?: { names?: string[] }): Promise<Pki> {
  const ca = await makeCa('apigw-doctor test CA')
  let rogue: Authority | undefined
  const now = (): number => Date.now()
  return {
    caCert: ca.cert.toString('pem') + '\n',
    valid: (names) => makeLeaf(ca, names, new Date(now() - DAY), new Date(now() + 30 * DAY)),
    expired: (names) => makeLeaf(ca, names, new Date(now() - 30 * DAY), new Date(now() - DAY)),
    notYetValid: (names) => makeLeaf(ca, names, new Date(now() + DAY), new Date(now() + 30 * DAY)),
    untrusted: async (names) => {
      rogue ??= await makeCa('apigw-doctor untrusted CA')
      return makeLeaf(rogue, names, new Date(now() - DAY), new Date(now() + 30 * DAY))
    },
    issue: (names, notBefore, notAfter) => makeLeaf(ca, names, notBefore, notAfter),
  }
}

export interface PkiFiles {
  caFile: string // CA certificate PEM (for --ca-file, nginx proxy_ssl_trusted_certificate, HAProxy ca-file)
  certFile: string // leaf certificate PEM (nginx ssl_certificate)
  keyFile: string // leaf key PEM (nginx ssl_certificate_key)
  pemFile: string // leaf certificate + key in one file (HAProxy `crt`)
}

/** Write the CA and one leaf to `dir` (created if needed) as `<prefix>ca.pem`, `<prefix>cert.pem`, `<prefix>key.pem`, `<prefix>combined.pem`. */
export async function writePkiFiles(dir: string, caCert: string, leaf: KeyCert, prefix = ''): Promise<PkiFiles> {
  await mkdir(dir, { recursive: true })
  const files: PkiFiles = {
    caFile: join(dir, `${prefix}ca.pem`),
    certFile: join(dir, `${prefix}cert.pem`),
    keyFile: join(dir, `${prefix}key.pem`),
    pemFile: join(dir, `${prefix}combined.pem`),
  }
  await writeFile(files.caFile, caCert)
  await writeFile(files.certFile, leaf.cert)
  await writeFile(files.keyFile, leaf.key, { mode: 0o600 })
  await writeFile(files.pemFile, leaf.cert + leaf.key, { mode: 0o600 })
  return files
}
