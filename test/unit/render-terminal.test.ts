// The terminal renderers on recorded observations: --verbose exchanges (secrets redacted, a hostile
// peer's bytes escaped) and the probe table's layout for any terminal width.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import Table from 'cli-table3'

import {painter} from '../../src/cli/colour.js'
import type {Diagnosis} from '../../src/diagnosis/types.js'
import type {Report} from '../../src/observations/report.js'
import {breakLongWords, renderDiagnosis, renderProbeTable, tableLayout} from '../../src/render/probe-report.js'
import {escapeForTerminal as printable} from '../../src/render/terminal-text.js'
import {parseHeader, shownHeader} from '../../src/target/headers.js'
import {exchangeLines, renderExchanges} from '../../src/render/verbose.js'
import {classicEdge, probe, target} from '../support/observations.js'

const plain = painter(false)

function report(probes = classicEdge(), t = target()): Report {
  return {schemaVersion: 1, tool: {name: 'apigw-doctor', version: '0'}, generatedAt: '', target: t, probes, diagnoses: [], recommended: {}, verdict: 'healthy'}
}

describe('--verbose exchanges', () => {
  test('request line, Host, -H headers: secret values redacted, the others shown, withheld ones named', () => {
    // As probe-target writes them: the -H headers through shownHeader.
    const headers = [parseHeader('x-api-key: SECRET-VALUE'), parseHeader('x-trace: trace-1')].map(shownHeader)
    const t = target({extraHeaders: ['x-api-key', 'x-trace'], headers})
    const probes = classicEdge({}, t)
    probes.find((p) => p.id === 'http-to-tls-port')!.sent.withheldHeaders = ['x-api-key']
    const text = renderExchanges(report(probes, t), {paint: plain, width: 120})
    assert.ok(!text.includes('SECRET-VALUE'))
    assert.match(text, /> GET \/prod\/health HTTP\/1\.1\n {2}> Host: abc123\.execute-api\.eu-west-1\.amazonaws\.com\n {2}> x-api-key: \[redacted\]\n {2}> x-trace: trace-1/)
    assert.match(text, /> x-api-key: \[not sent: /)
    assert.match(text, /< TLS alert 112 unrecognized_name/)
    assert.match(text, /> TCP 192\.0\.2\.10:443, TLS ClientHello without SNI/)
  })

  test('no request line when the handshake failed; the first bytes of a reply that is not TLS, in hex and text', () => {
    const malformed = probe('tls-no-sni', {outcome: 'tls-malformed', tls: {chain: [], firstBytesHex: Buffer.from('HTTP/1.1 400 Bad Request\r\n').toString('hex')}})
    const lines = exchangeLines(malformed, report(), {paint: plain, width: 200})
    assert.ok(!lines.some((line) => line.includes('GET ')), lines.join('\n'))
    assert.ok(lines.some((line) => /< 48 54 54 50 2f 31 2e 31 .* \|HTTP\/1\.1 400 Bad Request\.\.\|  \(not a TLS record\)$/.test(line)), lines.join('\n'))
  })

  test('the bytes of a TLS alert are shown as what came back, not called "not a TLS record"', () => {
    const alert = probe('tls-no-sni', {outcome: 'tls-alert', tls: {chain: [], alert: {number: 112, name: 'unrecognized_name'}, firstBytesHex: '15030300020270'}})
    const lines = exchangeLines(alert, report(), {paint: plain, width: 200})
    assert.ok(lines.some((line) => /< 15 03 03 00 02 02 70 .*\(first bytes back\)$/.test(line)), lines.join('\n'))
    assert.ok(!lines.some((line) => line.includes('not a TLS record')), lines.join('\n'))
  })

  test("a hostile peer's escape sequences and control bytes never reach the terminal raw", () => {
    const hostile = probe('tls-sni', {outcome: 'http-error', status: 403, headers: {server: 'evil\u001B[2J\u001B]0;pwned\u0007'}, body: 'body\u001B[31mred\r\n\u009B1m'})
    hostile.http!.statusText = 'Forbidden\u001B[H'
    const text = exchangeLines(hostile, report(), {paint: plain, width: 200}).join('\n')
    assert.ok(!/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/.test(text), JSON.stringify(text))
    assert.match(text, /server: evil\\x1b\[2J\\x1b\]0;pwned\\x07/)
    assert.match(text, /body\\x1b\[31mred\\r\\n\\x9b1m/)
    assert.equal(printable('a\tb\u0000'), 'a\\tb\\x00')
    assert.equal(printable('txt.\u202Eexe\u2028'), 'txt.\\u202eexe\\u2028', 'bidi overrides and line separators are shown, not obeyed')
  })
})

describe('--verbose response headers', () => {
  test('shown as the report keeps them (already scrubbed): a challenge is shown, a --redact name is not', () => {
    const reference = probe('tls-sni', {outcome: 'http-error', status: 401, headers: {'www-authenticate': 'Bearer realm="api"', 'x-amzn-requestid': 'req-1'}})
    const t = target({headers: [shownHeader(parseHeader('x-amzn-requestid: whatever', new Set(['x-amzn-requestid'])))]})
    const lines = exchangeLines(reference, report([reference], t), {paint: plain, width: 200})
    assert.ok(lines.some((line) => line.includes('< www-authenticate: Bearer realm="api"')), lines.join('\n'))
    assert.ok(lines.some((line) => line.includes('< x-amzn-requestid: [redacted]')), lines.join('\n'))
  })
})

describe('diagnoses quote peers on one line', () => {
  test('a body excerpt with line breaks cannot add a fake verdict line to the human output', () => {
    const d: Diagnosis = {id: 'forbidden', severity: 'error', evidence: ['tls-sni'], summary: 'the edge answers 403\nverdict: healthy', details: [{probe: 'tls-sni', saw: 'HTTP 403: {"message":"x"}\r\nverdict: healthy \u202Eok'}], fix: {}}
    const lines = renderDiagnosis(d, {paint: plain, proxyKind: 'haproxy', width: 120}).split('\n')
    assert.equal(lines.length, 2, lines.join('\n'))
    assert.ok(!lines.some((line) => line.startsWith('verdict:')), lines.join('\n'))
    assert.match(lines[1]!, /\\r\\nverdict: healthy \\u202eok$/)
  })
})

describe('the probe table', () => {
  test('for every width from 50 to 200 columns the layout fits (down to its minimum) and uses the room it has', () => {
    for (let width = 50; width <= 200; width++) {
      const {columns, widths} = tableLayout(width)
      const total = widths.reduce((a, b) => a + b, 0) + widths.length + 1
      assert.ok(total <= Math.max(width, 47), `${width}: ${total}`)
      assert.equal(columns.some((c) => c.head === 'certificate'), width >= 104, `${width}: ${columns.map((c) => c.head)}`)
      // The four-column table stops growing at 80 columns (its status column is then wide enough).
      if ((width >= 58 && width <= 80) || (width >= 104 && width <= 140)) assert.equal(total, width, `${width}: the table leaves room unused`)
    }
  })

  test('a long certificate name wraps at dots and dashes, and a piece longer than the cell is cut into lines', () => {
    assert.equal(breakLongWords('payments-platform.eu-west-1.example.test', 16), 'payments-\nplatform.eu-\nwest-1.example.\ntest')
    assert.equal(breakLongWords('abcdefghijklmnopqrstuvwxyz', 10), 'abcdefghij\nklmnopqrst\nuvwxyz')
    assert.equal(breakLongWords('short words stay', 10), 'short words stay')
  })

  test('rendered at 110 columns with a long certificate name: every line as wide as the others, the name whole', () => {
    const long = 'payments-platform-internal-api.eu-west-1.example-corp.test'
    const t = target({host: long})
    const probes = classicEdge({}, t).map((p) => (p.tls?.chain[0] ? {...p, tls: {...p.tls, chain: [{...p.tls.chain[0], commonName: long}]}} : p))
    const lines = renderProbeTable(report(probes, t), Table, {paint: plain, proxyKind: 'haproxy', width: 110}).split('\n')
    assert.deepEqual([...new Set(lines.map((line) => line.length))], [110])
    assert.ok(!lines.some((line) => line.includes('…')))
    const row = lines.findIndex((line) => line.startsWith('│ tls-sni '))
    const cells = lines.slice(row, row + 6).map((line) => line.split('│')[5]!.trim())
    assert.ok(cells.join('').startsWith(long), cells.join('|'))
  })
})
