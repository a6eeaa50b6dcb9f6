// Hostile certificates: a chain too big for OpenSSL, a very long one, 500 SANs, non-ASCII and
// injected names, terminal escapes in the subject, an empty subject, an unreadable validity date.
// Each case asserts the outcome, what the report keeps of the certificate, and the main diagnosis;
// names from the peer never reach a report or the rendered table with a control character in them.
import assert from 'node:assert/strict'
import {afterEach, describe, test} from 'node:test'

import Table from 'cli-table3'

import {painter} from '../../src/cli/colour.js'
import type {Report} from '../../src/observations/report.js'
import {renderReport} from '../../src/render/probe-report.js'
import {longChain, oddLeaf, type HostileCertificate} from '../support/hostile-certs.js'
import {mainDiagnosis, probePeer, respond, startHostilePeer, tlsThen, watchProcess, type HostileRun} from '../support/hostile-peers.js'
import {HOST, probe, sharedPki, show, type HasAfter} from '../support/probe-helpers.js'

const T = 1500
const TLS_PROBES = ['tls-no-sni', 'tls-sni', 'tls-sni-wrong-host', 'tls-wrong-sni'] as const
const processWatch = watchProcess()
afterEach(() => processWatch.assertClean('after a hostile certificate'))

const OK = respond('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok')

/** A peer serving `certificate` (trusted through its own root, given as --ca-file), answering 200. */
async function serve(t: HasAfter, certificate: HostileCertificate): Promise<HostileRun> {
  const peer = await startHostilePeer(t, tlsThen(certificate.served, OK))
  return probePeer(peer, T, {caPem: certificate.caCert})
}

const CONTROL = /[\u0000-\u001F\u007F-\u009F]/

/** No string anywhere in the report, nor in the rendered table, carries a control character. */
function assertPrintable(report: Report): void {
  const strings: string[] = []
  JSON.parse(JSON.stringify(report), (_key, value: unknown) => {
    if (typeof value === 'string') strings.push(value)
    return value
  })
  // Fixes and summaries are multi-line by design; certificate fields are not.
  for (const cert of probe(report, 'tls-sni').tls?.chain ?? []) {
    for (const text of [cert.subject, cert.commonName ?? '', cert.issuer, ...cert.sans]) assert.doesNotMatch(text, CONTROL, JSON.stringify(text))
  }
  for (const text of strings) assert.doesNotMatch(text.replaceAll(/[\n\t]/g, ''), CONTROL, JSON.stringify(text))
  const rendered = renderReport(report, Table, {paint: painter(false), proxyKind: 'haproxy', width: 160})
  assert.doesNotMatch(rendered.replaceAll(/[\n\t]/g, ''), CONTROL)
}

describe('certificates a hostile peer may present', {concurrency: true}, () => {
  test('a chain over 100 KiB (30 padded intermediates) → tls-malformed, OpenSSL refuses the message; unreachable', async (t) => {
    const {report} = await serve(t, await longChain([HOST], 30, 4000))
    for (const id of TLS_PROBES) {
      const p = probe(report, id)
      assert.equal(p.outcome, 'tls-malformed', show(p))
      assert.equal(p.error?.code, 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE')
      assert.match(p.error?.message ?? '', /larger than OpenSSL accepts/)
    }
    assert.equal(mainDiagnosis(report), 'unreachable')
  })

  test('a chain of 25 intermediates → ok, trusted, the report keeps the first 10 certificates; healthy', async (t) => {
    const {report} = await serve(t, await longChain([HOST], 25))
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'ok', show(p))
    assert.equal(p.tls?.trusted, true)
    assert.equal(p.tls?.chain.length, 10)
    assert.equal(p.tls?.chain[0]?.commonName, HOST)
    assert.equal(p.tls?.chain[1]?.subject, 'CN=apigw-doctor intermediate 25')
    assert.equal(mainDiagnosis(report), 'healthy')
  })

  test('500 SANs, the target last → ok, all 500 kept, name matches; healthy', async (t) => {
    const names = [...Array.from({length: 499}, (_, i) => `n${i}.other.test`), HOST]
    const {pki} = await sharedPki()
    const peer = await startHostilePeer(t, tlsThen(await pki.valid(names), OK))
    const {report} = await probePeer(peer, T)
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'ok', show(p))
    assert.equal(p.tls?.chain[0]?.sans.length, 500)
    assert.equal(p.tls?.chain[0]?.sans[499], `DNS:${HOST}`)
    assert.equal(p.tls?.nameMatch, true)
    assert.equal(mainDiagnosis(report), 'healthy')
  })

  test('500 SANs, none the target → ok, name mismatch, the summary names only four of them; certificate-name-mismatch', async (t) => {
    const {report} = await serve(t, await oddLeaf({subject: 'CN=n0.other.test', sans: Array.from({length: 500}, (_, i) => ({type: 'dns' as const, value: `n${i}.other.test`}))}))
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'ok', show(p))
    assert.equal(p.tls?.nameMatch, false)
    assert.equal(mainDiagnosis(report), 'certificate-name-mismatch')
    const summary = report.diagnoses[0]!.summary
    assert.match(summary, /n3\.other\.test/)
    assert.doesNotMatch(summary, /n4\.other\.test/)
    assert.ok(summary.length < 400, `a bounded summary: ${summary.length} characters`)
  })

  test('non-ASCII, NUL-, comma- and escape-laden SANs → ok, none taken for the target, all printable; certificate-name-mismatch', async (t) => {
    const utf8AsBytes = Buffer.from('bücher.test', 'utf8').toString('latin1')
    const {report} = await serve(
      t,
      await oddLeaf({
        subject: 'CN=bücher.test',
        sans: [
          {type: 'dns', value: 'bücher.test'}, // one latin-1 byte
          {type: 'dns', value: utf8AsBytes}, // UTF-8 bytes in an IA5String
          {type: 'dns', value: `evil.test, DNS:${HOST}`}, // a second entry smuggled into one name
          {type: 'dns', value: `${HOST}\u0000.evil.test`}, // the NUL trick
          {type: 'dns', value: '\u001b[31mred.test'},
        ],
      }),
    )
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'ok', show(p))
    const leaf = p.tls?.chain[0]
    assert.ok(leaf)
    assert.equal(leaf.commonName, 'bücher.test')
    assert.equal(leaf.sans.length, 5, JSON.stringify(leaf.sans))
    assert.ok(!leaf.sans.includes(`DNS:${HOST}`), JSON.stringify(leaf.sans))
    assert.equal(p.tls?.nameMatch, false)
    assertPrintable(report)
    assert.equal(mainDiagnosis(report), 'certificate-name-mismatch')
  })

  test('terminal escapes and a bell in the subject → control characters replaced in report and table; certificate-name-mismatch', async (t) => {
    const {report} = await serve(t, await oddLeaf({subject: 'CN=\u001b[2Jevil.test, O=Evil\u0007 Corp', sans: [{type: 'dns', value: 'evil.test'}]}))
    const leaf = probe(report, 'tls-sni').tls?.chain[0]
    assert.equal(leaf?.commonName, '\uFFFD[2Jevil.test')
    assert.match(leaf?.subject ?? '', /^CN=\uFFFD\[2Jevil\.test, O=Evil\uFFFD Corp$/)
    assertPrintable(report)
    assert.equal(mainDiagnosis(report), 'certificate-name-mismatch')
  })

  test('an empty subject and no SAN → ok, commonName null, no names; certificate-name-mismatch', async (t) => {
    const {report} = await serve(t, await oddLeaf({subject: '', sans: []}))
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'ok', show(p))
    assert.equal(p.tls?.chain[0]?.subject, '')
    assert.equal(p.tls?.chain[0]?.commonName, null)
    assert.deepEqual(p.tls?.chain[0]?.sans, [])
    assert.equal(p.tls?.nameMatch, false)
    assert.equal(mainDiagnosis(report), 'certificate-name-mismatch')
  })

  // Month 13: OpenSSL prints "Bad time value", which once threw out of the probe (RangeError) and
  // lost the whole report.
  test('an unreadable notBefore (month 13) → ok, notBefore empty, untrusted; certificate-untrusted', async (t) => {
    const certificate = await oddLeaf({subject: `CN=${HOST}`, sans: [{type: 'dns', value: HOST}]})
    const {report} = await serve(t, {...certificate, served: {...certificate.served, cert: withNotBefore(certificate.served.cert, '261399999999Z')}})
    const p = probe(report, 'tls-sni')
    assert.equal(p.outcome, 'ok', show(p))
    assert.equal(p.tls?.chain[0]?.notBefore, '')
    assert.match(p.tls?.chain[0]?.notAfter ?? '', /^\d{4}-\d{2}-\d{2}T/)
    assert.equal(p.tls?.trusted, false)
    assert.equal(p.tls?.trustError, 'ERROR_IN_CERT_NOT_BEFORE_FIELD')
    assert.equal(mainDiagnosis(report), 'certificate-untrusted')
    assert.match(report.diagnoses[0]!.details?.[0]?.saw ?? '', /valid an unreadable date to \d{4}/)
  })
})

/** The certificate with its first UTCTime (notBefore) replaced: the signature no longer verifies, the time no longer parses. */
function withNotBefore(pem: string, utcTime: string): string {
  const der = Buffer.from(pem.replaceAll(/-----[^-]+-----|\s/g, ''), 'base64')
  const at = der.indexOf(Buffer.from([0x17, 0x0d]))
  assert.ok(at > 0, 'a UTCTime in the certificate')
  der.write(utcTime, at + 2, 'latin1')
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`
}
