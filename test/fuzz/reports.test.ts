// Property tests of `diagnose` on saved reports: a report is a file from someone else. Any edit
// of a valid report, and any text at all, is either diagnosed (and rendered) or refused with a
// one-line usage error; nothing in it reaches a snippet unvalidated or drives the terminal.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import Table from 'cli-table3'
import fc from 'fast-check'

import {normaliseError, UsageError} from '../../src/cli/errors.js'
import {diagnose, exitCodeFor} from '../../src/diagnosis/diagnose.js'
import type {Report} from '../../src/observations/report.js'
import {parseReports} from '../../src/observations/validate-report.js'
import {rediagnose} from '../../src/pipeline/rediagnose.js'
import {renderReport} from '../../src/render/probe-report.js'
import {alert, certificate, classicEdge, goodTls, OBSERVED_AT, target} from '../support/observations.js'
import {hostileText, MARKER, runs} from './arbitraries.js'

const plain = (_colour: string, text: string) => text

function report(probes = classicEdge(), t = target()): Report {
  const result = diagnose({target: t, probes, observedAt: OBSERVED_AT}, {proxyKind: 'haproxy', proxyVersion: null})
  return {schemaVersion: 1, tool: {name: 'apigw-doctor', version: '0.1.0'}, generatedAt: OBSERVED_AT, target: t, probes, diagnoses: result.diagnoses, recommended: result.recommended, verdict: result.verdict}
}

/** Saved reports of several shapes: healthy, broken certificate, unreachable, with headers. */
const BASES: Report[] = [
  report(),
  report(classicEdge({'tls-sni': {outcome: 'ok', status: 200, tls: goodTls({trusted: false, trustError: 'CERT_HAS_EXPIRED', chain: [certificate({notAfter: '2026-01-01T00:00:00.000Z'})]})}})),
  report(classicEdge({'tls-sni': alert(40, 'handshake_failure'), 'tls-sni-wrong-host': alert(40, 'handshake_failure'), 'tls-wrong-sni': {outcome: 'tcp-refused', error: {code: 'ECONNREFUSED'}}})),
  report(classicEdge({'tls-sni': {outcome: 'http-error', status: 403, errorType: 'ForbiddenException', body: '{"message":"Missing Authentication Token"}'}}), target({pinnedAddress: '127.0.0.1', pinnedPort: 8443, caFile: '/etc/ca.pem', headers: [{name: 'X-Trace', value: 'abc', redacted: false}, {name: 'Authorization', value: '[redacted]', redacted: true}], extraHeaders: ['X-Trace', 'Authorization']})),
].map((r) => JSON.parse(JSON.stringify(r)) as Report)

type Json = null | boolean | number | string | Json[] | {[key: string]: Json}

/** Every path to a value in a JSON document. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = prefix.length > 0 ? [prefix] : []
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => paths(item, [...prefix, i]))]
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))]
  return here
}

function setAt(doc: Json, path: Array<string | number>, value: Json | undefined): void {
  let node = doc as Record<string | number, Json>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>
  const last = path.at(-1)!
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1)
    else delete node[last]
  } else node[last] = value
}

const hostileValue: fc.Arbitrary<Json | undefined> = fc.oneof(
  {weight: 4, arbitrary: hostileText(6).map((text) => `${text}${MARKER}\n\u001b[31m;}#"`)},
  {weight: 2, arbitrary: hostileText(6)},
  {weight: 1, arbitrary: fc.constantFrom<Json | undefined>(undefined, null, true, 0, -1, 1e308, 65_536, 443, '', [], {}, 'ok', 'http-error', 'tls-alert', '127.0.0.1', '::1', 'api.test')},
  {weight: 1, arbitrary: fc.jsonValue({maxDepth: 2}) as fc.Arbitrary<Json>},
)

/** Control characters and bidi overrides that must never reach the terminal (newline and tab are layout). */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

/** Runs what `diagnose` runs, in process: the exit code it would give, or the usage error. */
async function diagnoseText(text: string): Promise<{exit: 0 | 1 | 2; output: string; reports: Report[]}> {
  try {
    const saved = await parseReports(text, 'report.json')
    const reports = saved.reports.map((r) => rediagnose(r, {proxyKind: 'all', proxyVersion: null}))
    const output = reports.map((r) => renderReport(r, Table, {paint: plain, proxyKind: 'all', width: 120})).join('\n\n')
    return {exit: reports.some((r) => exitCodeFor(r) === 1) ? 1 : 0, output, reports}
  } catch (error) {
    assert.ok(error instanceof UsageError, `not a usage error: ${(error as Error)?.stack ?? String(error)}`)
    const shown = normaliseError(error)
    assert.ok(!/[\n\r]/.test(shown.message) && !TERMINAL_CONTROL.test(shown.message), JSON.stringify(shown.message))
    return {exit: 2, output: shown.message, reports: []}
  }
}

describe('fuzz: diagnose on saved reports', () => {
  test('an edited report is diagnosed or refused; nothing it holds reaches a snippet or the terminal', async () => {
    // Most edits put hostile text where text is expected (the schema lets much of it through); some break the shape.
    const edit = fc.oneof(
      {weight: 3, arbitrary: fc.tuple(fc.constant(true), fc.nat(), hostileText(6).map((text): Json => `${text}${MARKER}\n\u001b[31m;}#"`))},
      {weight: 1, arbitrary: fc.tuple(fc.constant(false), fc.nat(), hostileValue)},
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BASES.keys()), fc.array(edit, {minLength: 1, maxLength: 4}), async (base, changes) => {
        const doc = structuredClone(BASES[base]!) as unknown as Json
        for (const [textOnly, pick, value] of changes) {
          const all = paths(doc).filter((path) => !textOnly || typeof path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, doc) === 'string')
          if (all.length === 0) break
          setAt(doc, all[pick % all.length]!, value)
        }
        const {exit, output, reports} = await diagnoseText(JSON.stringify(doc))
        assert.ok([0, 1, 2].includes(exit))
        assert.ok(!TERMINAL_CONTROL.test(output), `a control character reached the output: ${JSON.stringify(output.match(TERMINAL_CONTROL))}`)
        for (const r of reports) {
          const snippets = [...Object.values(r.recommended), ...r.diagnoses.flatMap((d) => Object.values(d.fix))]
          for (const snippet of snippets) assert.ok(!snippet!.toLowerCase().includes(MARKER.toLowerCase()), `an edited field reached a snippet:\n${snippet}`)
        }
      }),
      runs(400),
    )
  })

  test('any text: a report or a one-line refusal (truncated JSON, NDJSON, garbage)', async () => {
    const whole = JSON.stringify(BASES[0])
    const texts = fc.oneof(
      fc.nat({max: whole.length}).map((n) => whole.slice(0, n)),
      fc.tuple(fc.nat({max: whole.length}), hostileText(4)).map(([n, junk]) => whole.slice(0, n) + junk + whole.slice(n)),
      fc.array(fc.constantFrom(whole, '', '{}', '[]', 'null', '{"schemaVersion":1}', '{"schemaVersion":2}', JSON.stringify(BASES[3])), {maxLength: 4}).map((lines) => lines.join('\n')),
      fc.string({unit: 'binary', maxLength: 200}),
      fc.jsonValue({maxDepth: 3}).map((value) => JSON.stringify(value)),
    )
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const {exit} = await diagnoseText(text)
        assert.ok([0, 1, 2].includes(exit))
      }),
      runs(300),
    )
  })

  test('a hand-edited secret header value is redacted again', async () => {
    const doc = structuredClone(BASES[3]!)
    doc.target.headers = [{name: 'Authorization', value: 'Bearer LEAKED-TOKEN-1', redacted: false}]
    const {exit, output, reports} = await diagnoseText(JSON.stringify(doc))
    assert.notEqual(exit, 2, output)
    assert.ok(!output.includes('LEAKED-TOKEN-1'), output)
    assert.ok(!JSON.stringify(reports).includes('LEAKED-TOKEN-1'))
    assert.match(output, /headers: Authorization: \[redacted\]/)
  })
})
