// The trust store is built on Node's default store when that holds nothing outside the trust set
// (~5 ms instead of ~20-40 ms): it must trust exactly what the explicit store trusts. Checked on
// the wire (loopback), with OpenSSL's own verdicts, and the decision when to use it, input by input.
import assert from 'node:assert/strict'
import {webcrypto} from 'node:crypto'
import {once} from 'node:events'
import {describe, test} from 'node:test'
import tls, {type SecureContext} from 'node:tls'
// @peculiar/x509 uses tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

import {explicitStore, nodeDefaultStoreExtras, onNodeDefaultStore, type NodeDefaults} from '../../src/probes/trust-store.js'
import {makePki} from '../support/certs.js'

const EC = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const
const SIGNING = {name: 'ECDSA', hash: 'SHA-256'} as const
const DAY = 86_400_000

const crypto = webcrypto

/** A key pair of our own, for certificates that must not verify. */
const keys = async () => (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair

/**
 * A chain leaf + impostor CA, where the impostor has the subject and key identifier of a bundled
 * root but a key of its own. A store holding the real root builds the chain to it and fails on the
 * leaf's signature (CERT_SIGNATURE_FAILURE); a store without it stops at the impostor
 * (SELF_SIGNED_CERT_IN_CHAIN). (OpenSSL finds some roots by name only in the first case: those give
 * the second verdict in both stores.)
 */
async function impostorChain(rootPem: string): Promise<{key: string; cert: string}> {
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
  const key = x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey), 'PRIVATE KEY')
  return {key, cert: `${leaf.toString('pem')}\n${impostor.toString('pem')}\n`}
}

/** OpenSSL's verdict on the chain a server presents, through each store. */
async function verdicts(chain: {key: string; cert: string}, stores: SecureContext[]): Promise<Array<string | null>> {
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

describe('trust store on Node\'s default store', () => {
  test('trusts every bundled root the explicit store trusts, and --ca-file', async () => {
    const pki = await makePki()
    const quick = onNodeDefaultStore([pki.caCert])
    assert.ok(quick, "this Node's SecureContext has addCACert")
    const explicit = explicitStore([pki.caCert])
    const caOnly = tls.createSecureContext({ca: [pki.caCert]})

    let rootsSeen = 0
    for (const root of tls.rootCertificates) {
      const [withoutRoots, viaExplicit, viaQuick] = await verdicts(await impostorChain(root), [caOnly, explicit, quick])
      assert.equal(withoutRoots, 'SELF_SIGNED_CERT_IN_CHAIN')
      assert.equal(viaQuick, viaExplicit, `root ${new x509.X509Certificate(root).subject}`)
      if (viaQuick === 'CERT_SIGNATURE_FAILURE') rootsSeen++
    }
    // 43 of 144 on Node 20 (OpenSSL 3.0): enough to tell a store with the roots from one without.
    assert.ok(rootsSeen >= 20, `only ${rootsSeen} roots told apart`)

    const leaf = await pki.valid(['api.test'])
    assert.deepEqual(await verdicts(leaf, [explicit, quick]), [null, null], 'the --ca-file CA is trusted')
    const rogue = await pki.untrusted(['api.test'])
    const [explicitVerdict, quickVerdict] = await verdicts(rogue, [explicit, quick])
    assert.ok(explicitVerdict, 'a certificate from another CA is not trusted')
    assert.equal(quickVerdict, explicitVerdict)
  })
})

describe('when Node\'s default store may be used', () => {
  const trusted = new Set(['AAAA', 'BBBB'])
  const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`
  const node = (overrides: Partial<NodeDefaults> = {}): NodeDefaults => ({
    env: {},
    execArgv: [],
    build: {},
    readFile: () => {
      throw Object.assign(new Error('no such file'), {code: 'ENOENT'})
    },
    ...overrides,
  })

  test('nothing in the environment: it holds the bundled roots only', () => {
    assert.deepEqual(nodeDefaultStoreExtras(trusted, node()), new Set())
  })

  test('NODE_EXTRA_CA_CERTS whose certificates are all trusted anyway (the system bundle): usable, and they need not be added again', () => {
    const file = pem('AAAA') + pem('BB\r\nBB')
    assert.deepEqual(nodeDefaultStoreExtras(trusted, node({env: {NODE_EXTRA_CA_CERTS: '/ca.pem'}, readFile: () => file})), new Set(['AAAA', 'BBBB']))
  })

  test('NODE_EXTRA_CA_CERTS adding anything else, or unreadable, or not only certificates: not usable', () => {
    const cases: Array<[string, Partial<NodeDefaults>]> = [
      ['an untrusted certificate', {env: {NODE_EXTRA_CA_CERTS: '/ca.pem'}, readFile: () => pem('AAAA') + pem('CCCC')}],
      ['an unreadable file', {env: {NODE_EXTRA_CA_CERTS: '/missing.pem'}}],
      ['a block that is not a certificate', {env: {NODE_EXTRA_CA_CERTS: '/ca.pem'}, readFile: () => pem('AAAA') + '-----BEGIN TRUSTED CERTIFICATE-----\nCCCC\n-----END TRUSTED CERTIFICATE-----\n'}],
    ]
    for (const [what, overrides] of cases) assert.equal(nodeDefaultStoreExtras(trusted, node(overrides)), undefined, what)
  })

  test('flags or a build that replace or extend the default store: not usable', () => {
    const cases: Array<[string, Partial<NodeDefaults>]> = [
      ['--use-openssl-ca', {execArgv: ['--use-openssl-ca']}],
      ['--use-system-ca in NODE_OPTIONS', {env: {NODE_OPTIONS: '--max-old-space-size=512 --use-system-ca'}}],
      ['a Node built to use OpenSSL\'s store', {build: {openssl_use_def_ca_store: true}}],
    ]
    for (const [what, overrides] of cases) assert.equal(nodeDefaultStoreExtras(trusted, node(overrides)), undefined, what)
  })
})
