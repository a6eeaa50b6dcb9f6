// The trust store is built on Node's default store when that holds nothing outside the trust set
// (~5 ms instead of ~20-40 ms): it must trust exactly what the explicit store trusts. Checked on
// the wire (loopback), with OpenSSL's own verdicts, and the decision when to use it, input by input.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {describe, test} from 'node:test'
import tls from 'node:tls'
import {promisify} from 'node:util'
// @peculiar/x509 uses tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

import {explicitStore, nodeDefaultStoreExtras, onNodeDefaultStore, type NodeDefaults} from '../../src/probes/trust-store.js'
import {makePki} from '../support/certs.js'
import {REPO_ROOT} from '../support/cli.js'
import {impostorChain, verdicts} from '../support/impostor.js'

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

const run = promisify(execFile)
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'

describe('the trust store built in a fresh process, against the explicit store', () => {
  // Adding --ca-file gives the context a copy of Node's store without NODE_EXTRA_CA_CERTS' certificates:
  // the system certificates that are not bundled roots must still be trusted. Without --ca-file the
  // context is Node's own store: checked too, with the variable (these machines) and without (most users).
  for (const [label, extra] of [
    ['NODE_EXTRA_CA_CERTS naming the system bundle', SYSTEM_BUNDLE],
    ['no NODE_EXTRA_CA_CERTS', undefined],
  ] as const) {
    test(`${label}: every system certificate outside the bundled roots is trusted as by the explicit store, with --ca-file and without`, async () => {
      assert.ok(existsSync(SYSTEM_BUNDLE), `${SYSTEM_BUNDLE}: the Debian bundle (ca-certificates) is expected on these machines`)
      const {stdout} = await run(process.execPath, ['--import', 'tsx', 'test/support/trust-store-child.ts'], {cwd: REPO_ROOT, env: {...process.env, NODE_EXTRA_CA_CERTS: extra}})
      const summary = JSON.parse(stdout) as {systemOnly: number; toldApart: number; mismatches: string[]; caFileTrusted: boolean}
      assert.deepEqual(summary.mismatches, [])
      assert.equal(summary.caFileTrusted, true)
      assert.ok(summary.systemOnly > 0 && summary.toldApart > 0, `only ${summary.toldApart} of ${summary.systemOnly} system certificates told apart: the test would prove nothing`)
    })
  }
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
