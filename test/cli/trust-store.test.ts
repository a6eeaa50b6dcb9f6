// Certificate trust is the system store plus --ca-file, nothing else: environment variables that
// make Node accept any certificate (NODE_TLS_REJECT_UNAUTHORIZED=0) or trust more CAs
// (NODE_EXTRA_CA_CERTS) must not turn an untrusted certificate into a trusted one in the report.
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {runCli, show} from '../support/cli.js'
import {edgeFor} from '../support/probe-helpers.js'
import type {TestEdge} from '../support/test-edge.js'

/** `probe api.test --json` at the edge, every name pinned to loopback. */
const probeArgs = (edge: TestEdge) => ['probe', 'api.test', '--port', String(edge.port), '--http-port', String(edge.httpPort), '--resolve', 'api.test:*:127.0.0.1', '--json']

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-doctor-trust-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

type Json = Record<string, any>

function referenceOf(stdout: string): {report: Json; reference: Json} {
  const report = JSON.parse(stdout) as Json
  return {report, reference: report.probes.find((p: Json) => p.id === 'tls-sni')}
}

describe('trust store: system store plus --ca-file only (built CLI)', {concurrency: 3}, () => {
  test('NODE_TLS_REJECT_UNAUTHORIZED=0 does not make a certificate from an unknown CA trusted', async (t) => {
    const edge = await edgeFor(t, {certificate: 'untrusted'})
    // --ca-file names the test CA; the edge's certificate comes from another (rogue) CA.
    const caFile = join(dir, `ca-${edge.port}.pem`)
    await writeFile(caFile, edge.caCert)
    const args = [...probeArgs(edge), '--ca-file', caFile]
    const [lenient, control] = await Promise.all([runCli(args, {env: {NODE_TLS_REJECT_UNAUTHORIZED: '0'}}), runCli(args)])
    for (const r of [lenient, control]) {
      assert.equal(r.code, 1, show(r))
      const {report, reference} = referenceOf(r.stdout)
      assert.equal(reference.tls.trusted, false, show(r))
      assert.ok(reference.tls.trustError, show(r))
      assert.ok(report.diagnoses.some((d: Json) => d.id === 'certificate-untrusted'), show(r))
      assert.notEqual(report.verdict, 'healthy')
    }
    // Node's warning about the variable is not the tool's output, but nothing else may change.
    assert.deepEqual(referenceOf(lenient.stdout).reference.tls.trustError, referenceOf(control.stdout).reference.tls.trustError)
  })

  test('NODE_TLS_REJECT_UNAUTHORIZED=0 without --ca-file: a private CA stays untrusted', async (t) => {
    const edge = await edgeFor(t)
    const args = probeArgs(edge)
    const r = await runCli(args, {env: {NODE_TLS_REJECT_UNAUTHORIZED: '0'}})
    assert.equal(r.code, 1, show(r))
    assert.equal(referenceOf(r.stdout).reference.tls.trusted, false, show(r))
  })

  test('NODE_EXTRA_CA_CERTS does not add to the trust store either', async (t) => {
    const edge = await edgeFor(t)
    const extra = join(dir, `extra-${edge.port}.pem`)
    await writeFile(extra, edge.caCert)
    const args = probeArgs(edge)
    const r = await runCli(args, {env: {NODE_EXTRA_CA_CERTS: extra}})
    assert.equal(referenceOf(r.stdout).reference.tls.trusted, false, show(r))
    assert.equal(r.code, 1, show(r))
  })

  test('NODE_EXTRA_CA_CERTS naming only trusted certificates (here the --ca-file itself) changes nothing', async (t) => {
    const edge = await edgeFor(t)
    const caFile = join(dir, `same-${edge.port}.pem`)
    await writeFile(caFile, edge.caCert)
    const args = probeArgs(edge)
    const [trusted, untrusted] = await Promise.all([runCli([...args, '--ca-file', caFile], {env: {NODE_EXTRA_CA_CERTS: caFile}}), runCli(args, {env: {NODE_EXTRA_CA_CERTS: caFile}})])
    assert.equal(referenceOf(trusted.stdout).reference.tls.trusted, true, show(trusted))
    assert.equal(trusted.code, 0, show(trusted))
    assert.equal(referenceOf(untrusted.stdout).reference.tls.trusted, false, show(untrusted))
  })

  test('NODE_OPTIONS=--use-openssl-ca (OpenSSL\'s store, here SSL_CERT_FILE) does not add to the trust store', async (t) => {
    const edge = await edgeFor(t)
    const certFile = join(dir, `openssl-${edge.port}.pem`)
    await writeFile(certFile, edge.caCert)
    const args = probeArgs(edge)
    const r = await runCli(args, {env: {NODE_OPTIONS: '--use-openssl-ca', SSL_CERT_FILE: certFile, SSL_CERT_DIR: dir, NODE_EXTRA_CA_CERTS: undefined}})
    assert.equal(referenceOf(r.stdout).reference.tls.trusted, false, show(r))
    assert.equal(r.code, 1, show(r))
  })
})
