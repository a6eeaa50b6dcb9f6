// Impostor chains: tell, on the wire, whether a store holds a given root without its private key.
import {webcrypto} from 'node:crypto'
import {once} from 'node:events'
import tls, {type SecureContext} from 'node:tls'
// @peculiar/x509 uses tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

import {genKeys as keys, keyPem} from './certs.js'

const SIGNING = {name: 'ECDSA', hash: 'SHA-256'} as const
const DAY = 86_400_000

const crypto = webcrypto

/**
 * A chain leaf + impostor CA, where the impostor has the subject and key identifier of a bundled
 * root but a key of its own. A store holding the real root builds the chain to it and fails on the
 * leaf's signature (CERT_SIGNATURE_FAILURE); a store without it stops at the impostor
 * (SELF_SIGNED_CERT_IN_CHAIN). (OpenSSL finds some roots by name only in the first case: those give
 * the second verdict in both stores.)
 */
export async function impostorChain(rootPem: string): Promise<{key: string; cert: string}> {
  const root = new x509.X509Certificate(rootPem)
  const [caKeys, leafKeys] = [await keys(), await keys()]
  const keyId = root.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId
  const validity = {notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY)}
  const impostor = await x509.X509CertificateGenerator.create(
    {
      serialNumber: '02',
      subject: root.subjectName,
      issuer: root.subjectName,
      ...validity,
      publicKey: caKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), ...(keyId ? [new x509.SubjectKeyIdentifierExtension(keyId)] : [])],
    },
    crypto,
  )
  const leaf = await x509.X509CertificateGenerator.create(
    {
      serialNumber: '03',
      subject: 'CN=api.test',
      issuer: root.subjectName,
      ...validity,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [new x509.SubjectAlternativeNameExtension([{type: 'dns', value: 'api.test'}]), ...(keyId ? [new x509.AuthorityKeyIdentifierExtension(keyId)] : [])],
    },
    crypto,
  )
  const key = await keyPem(leafKeys.privateKey)
  return {key, cert: `${leaf.toString('pem')}\n${impostor.toString('pem')}\n`}
}

/** OpenSSL's verdict on the chain a server presents, through each store. */
export async function verdicts(chain: {key: string; cert: string}, stores: SecureContext[]): Promise<Array<string | null>> {
  const server = tls.createServer(chain, (socket) => socket.end())
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const {port} = server.address() as {port: number}
  try {
    const results: Array<string | null> = []
    for (const secureContext of stores) {
      const socket = tls.connect({host: '127.0.0.1', port, servername: 'api.test', secureContext, rejectUnauthorized: false})
      await once(socket, 'secureConnect')
      results.push(socket.authorized ? null : String(socket.authorizationError))
      socket.destroy()
    }
    return results
  } finally {
    server.close()
  }
}

