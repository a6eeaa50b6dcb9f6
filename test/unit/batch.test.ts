// Batch building blocks: the target list (bad lines reported and skipped), the bounded runner
// (concurrency, streaming, Ctrl-C), the closing summary, and saved NDJSON with error lines.
import assert from 'node:assert/strict'
import {createRequire} from 'node:module'
import {describe, test} from 'node:test'
import {setTimeout as sleep} from 'node:timers/promises'

import {UsageError} from '../../src/cli/errors.js'
import {painter} from '../../src/cli/colour.js'
import {diagnose} from '../../src/diagnosis/diagnose.js'
import type {Report} from '../../src/observations/report.js'
import {parseReports} from '../../src/observations/validate-report.js'
import {quotedPath} from '../../src/cli/read-input.js'
import {badLineJson, badLineText, collectTargets, parseTargetList} from '../../src/pipeline/batch.js'
import {runBatch} from '../../src/pipeline/batch-run.js'
import {probeBatch} from '../../src/pipeline/probe-batch.js'
import {probeTarget} from '../../src/pipeline/probe-target.js'
import {batchRow, mainDiagnosis, renderBatchSummary} from '../../src/render/batch-summary.js'
import {parseTarget} from '../../src/target/parse-target.js'
import {alert, classicEdge, OBSERVED_AT, target} from '../support/observations.js'
import {edgeFor, probeOptionsFor, sharedPki, TOOL} from '../support/probe-helpers.js'

const require = createRequire(import.meta.url)

function report(probes = classicEdge()): Report {
  const t = target()
  const result = diagnose({target: t, probes, observedAt: OBSERVED_AT}, {proxyKind: 'haproxy', proxyVersion: null})
  return {schemaVersion: 1, tool: {name: 'apigw-doctor', version: '0.1.0'}, generatedAt: OBSERVED_AT, target: t, probes, diagnoses: result.diagnoses, recommended: result.recommended, verdict: result.verdict}
}

describe('target list', () => {
  test('blank lines and # comments are skipped, CRLF too; targets keep their order', () => {
    const list = parseTargetList('# fleet\r\n\r\napi.test   # the API\r\n  # indented comment\r\nhttps://alt.test:8443/prod/x\r\n[::1]:9443\r\n', 'fleet.txt')
    assert.deepEqual(list.bad, [])
    assert.deepEqual(
      list.targets.map((t) => [t.host, t.port ?? null, t.path ?? null]),
      [
        ['api.test', null, null],
        ['alt.test', 8443, '/prod/x'],
        ['::1', 9443, null],
      ],
    )
  })

  test('a bad line is reported with its line number and skipped; the lines after it still count', () => {
    const list = parseTargetList('api.test\nbad host\n\nhost:99999\nalt.test\nhttps://user:hunter2pw@x.test/\n', 'fleet.txt')
    assert.deepEqual(
      list.targets.map((t) => t.host),
      ['api.test', 'alt.test'],
    )
    assert.deepEqual(
      list.bad.map((b) => [b.source, b.line, b.code]),
      [
        ['fleet.txt', 2, 'bad-target'],
        ['fleet.txt', 4, 'bad-port'],
        ['fleet.txt', 6, 'bad-target'],
      ],
    )
    assert.match(badLineText(list.bad[0]!), /^fleet\.txt:2: invalid target "bad.*": it contains spaces or control characters$/)
    assert.match(badLineText(list.bad[1]!), /^fleet\.txt:4: invalid port in target "host:99999"/)
    // A password typed into a URL is a secret: the report of the bad line never echoes it.
    assert.ok(!badLineText(list.bad[2]!).includes('hunter2pw'), badLineText(list.bad[2]!))
  })

  test('control characters never reach the message raw', () => {
    const list = parseTargetList('a\u001b[31mb\n', 'stdin')
    assert.equal(list.bad.length, 1)
    assert.ok(!badLineText(list.bad[0]!).includes('\u001b'), JSON.stringify(badLineText(list.bad[0]!)))
  })

  test('more than 10000 targets is refused as a whole (exit 2), bad lines counted too', () => {
    assert.throws(() => parseTargetList('a.test\n'.repeat(10_001), 'big.txt'), (e: unknown) => e instanceof UsageError && e.code === 'bad-target-list')
    assert.throws(() => parseTargetList('bad host\n'.repeat(10_001), 'big.txt'), UsageError)
    assert.equal(parseTargetList('a.test\n'.repeat(10_000), 'ok.txt').targets.length, 10_000)
  })

  test('the --json form of a bad line is the spec error object with source and line, valid against the shipped schema', async () => {
    const [bad] = parseTargetList('x..y\n', 'stdin').bad
    const json = badLineJson(bad!)
    assert.deepEqual(Object.keys(json), ['error'])
    assert.deepEqual(json.error, {code: 'bad-target', message: badLineText(bad!), source: 'stdin', line: 1})
    const [{default: Ajv}] = await Promise.all([import('ajv')])
    const validate = new (Ajv as unknown as typeof Ajv.default)({strict: true}).compile(require('../../schema/batch-error.schema.json'))
    assert.ok(validate(JSON.parse(JSON.stringify(json))), JSON.stringify(validate.errors))
    for (const broken of [{error: {code: 'x', message: 'm'}}, {error: {...json.error, line: 0}}, {...json, schemaVersion: 1}]) assert.equal(validate(broken), false, JSON.stringify(broken))
  })

  test('a path that is not printable is quoted in messages', () => {
    assert.equal(quotedPath('targets.txt'), 'targets.txt')
    assert.equal(quotedPath('my targets.txt'), '"my targets.txt"')
    assert.equal(quotedPath('a\u001bb'), '"a\\u001bb"')
  })
})

describe('collectTargets', () => {
  const read = (stdin: string, file = '') => ({stdin: async () => stdin, file: async () => file})

  test('one argument is a single run; several, - or --file make a batch', async () => {
    assert.equal((await collectTargets(['api.test'], undefined, read(''))).batch, false)
    assert.equal((await collectTargets(['api.test', 'alt.test'], undefined, read(''))).batch, true)
    assert.equal((await collectTargets(['-'], undefined, read('api.test\n'))).batch, true)
    assert.equal((await collectTargets([], 'one.txt', read('', 'api.test\n'))).batch, true)
  })

  test('arguments, stdin and --file add up; bad lines of stdin and the file are collected, not thrown', async () => {
    const collected = await collectTargets(['a.test', '-'], 'list.txt', read('b.test\nbad host\n', 'c.test\nx..y\n'))
    assert.deepEqual(
      collected.targets.map((t) => t.host),
      ['a.test', 'b.test', 'c.test'],
    )
    assert.deepEqual(
      collected.bad.map((b) => `${b.source}:${b.line}`),
      ['stdin:2', 'list.txt:2'],
    )
  })

  test('a bad argument is bad usage (thrown), not a skipped line', async () => {
    await assert.rejects(collectTargets(['a.test', 'bad host'], undefined, read('')), (e: unknown) => e instanceof UsageError && e.code === 'bad-target')
  })
})

describe('runBatch', () => {
  test('never more than `concurrency` items in flight, and uses that many', async () => {
    let inFlight = 0
    let peak = 0
    const seen: number[] = []
    const result = await runBatch({
      items: Array.from({length: 20}, (_, i) => i),
      concurrency: 4,
      work: async (item) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await sleep(5 + (item % 3) * 5)
        inFlight--
        return item * 10
      },
      onResult: (result, index) => void seen.push(result / 10 - index),
    })
    assert.equal(peak, 4)
    assert.deepEqual(result, {finished: 20, interrupted: false})
    assert.equal(seen.length, 20)
    assert.ok(seen.every((d) => d === 0), 'onResult gets the index of the item the result belongs to')
  })

  test('results stream in completion order, not input order', async () => {
    const order: number[] = []
    await runBatch({items: [60, 5, 30], concurrency: 3, work: async (ms) => (await sleep(ms), ms), onResult: (ms) => void order.push(ms)})
    assert.deepEqual(order, [5, 30, 60])
  })

  test('a promise from onResult holds that worker\'s next item back until it settles (stdout full)', async () => {
    const events: string[] = []
    let release: () => void = () => {}
    const run = runBatch({
      items: [1, 2, 3],
      concurrency: 1,
      work: async (item) => (events.push(`start ${item}`), item),
      onResult: (item) => {
        events.push(`result ${item}`)
        return item === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined
      },
    })
    await sleep(30)
    assert.deepEqual(events, ['start 1', 'result 1'], 'nothing starts while the output is full')
    release()
    assert.deepEqual(await run, {finished: 3, interrupted: false})
    assert.deepEqual(events, ['start 1', 'result 1', 'start 2', 'result 2', 'start 3', 'result 3'])
  })

  test('fewer items than the concurrency, and no items at all', async () => {
    assert.deepEqual(await runBatch({items: [1], concurrency: 16, work: async (x) => x, onResult: () => {}}), {finished: 1, interrupted: false})
    assert.deepEqual(await runBatch({items: [], concurrency: 16, work: async (x) => x, onResult: () => {}}), {finished: 0, interrupted: false})
    await assert.rejects(runBatch({items: [1], concurrency: 0, work: async (x) => x, onResult: () => {}}), RangeError)
  })

  test('an abort stops new items at once and returns without waiting for those in flight; late results are dropped', async () => {
    const controller = new AbortController()
    const started: number[] = []
    const reported: number[] = []
    const begun = performance.now()
    const run = runBatch({
      items: [0, 1, 2, 3, 4, 5],
      concurrency: 2,
      signal: controller.signal,
      work: async (item) => {
        started.push(item)
        // item 0 is quick; the others hang far longer than the test waits
        await sleep(item === 0 ? 5 : 5000)
        return item
      },
      onResult: (item) => {
        reported.push(item)
        if (item === 0) setTimeout(() => controller.abort(), 20)
      },
    })
    const result = await run
    assert.ok(performance.now() - begun < 2000, `returned after ${Math.round(performance.now() - begun)} ms`)
    assert.deepEqual(result, {finished: 1, interrupted: true})
    assert.deepEqual(reported, [0])
    assert.deepEqual(started.sort(), [0, 1, 2], 'two in flight at the abort, nothing started after it')
  })

  test('an abort after everything finished is not an interruption', async () => {
    const controller = new AbortController()
    // Aborted as the last result comes in, before runBatch returns: nothing was left to stop.
    const result = await runBatch({items: [1, 2], concurrency: 2, signal: controller.signal, work: async (x) => x, onResult: (_, index) => (index === 1 ? controller.abort() : undefined)})
    assert.ok(controller.signal.aborted)
    assert.deepEqual(result, {finished: 2, interrupted: false})
  })
})

describe('batch summary', () => {
  const healthy = report()
  const broken = report(classicEdge({'tls-sni': alert(40, 'handshake_failure'), 'tls-sni-wrong-host': alert(40, 'handshake_failure'), 'tls-wrong-sni': alert(40, 'handshake_failure')}))

  test('the main diagnosis is the first error, else healthy with what a proxy needs', () => {
    assert.equal(healthy.verdict, 'healthy')
    assert.match(mainDiagnosis(healthy), /^healthy; a proxy needs .*sni-required/)
    assert.notEqual(broken.verdict, 'healthy')
    const firstError = broken.diagnoses.find((d) => d.severity === 'error')!
    assert.equal(mainDiagnosis(broken), `${firstError.id}: ${firstError.summary}`)
  })

  test('one row per target in the order given, verdict and main diagnosis, then the tally', async () => {
    const {default: Table} = await import('cli-table3')
    const rows = [batchRow('api.test', healthy), batchRow('https://broken.test/prod', broken)]
    const text = renderBatchSummary(rows, {targets: 3, badLines: 1, interrupted: false}, Table, {paint: painter(false), width: 120})
    const lines = text.split('\n')
    assert.match(lines[1]!, /│ target\s+│ verdict\s+│ main diagnosis\s+│/)
    assert.ok(text.indexOf('api.test') < text.indexOf('https://broken.test/prod'))
    assert.match(text, new RegExp(`│ https://broken\\.test/prod\\s+│ ${broken.verdict}\\s+│ ${broken.diagnoses.find((d) => d.severity === 'error')!.id}:`))
    assert.equal(lines.at(-1), `2 of 3 targets probed, 1 healthy, ${broken.verdict === 'problems' ? '1 problems, 0 unreachable' : '0 problems, 1 unreachable'}, 1 bad line skipped`)
    assert.doesNotMatch(text, /\u001b\[/, 'no colour when told so')
    for (const line of lines) assert.ok(line.length <= 120, `wider than 120: ${line}`)
  })

  test('an interrupted batch says so; colour only when asked', async () => {
    const {default: Table} = await import('cli-table3')
    const text = renderBatchSummary([batchRow('api.test', healthy)], {targets: 5, badLines: 0, interrupted: true}, Table, {paint: painter(true), width: 80})
    assert.match(text, /1 of 5 targets probed, 1 healthy, 0 problems, 0 unreachable\u001b\[31m \(interrupted\)/)
    assert.match(text, /\u001b\[32mhealthy\u001b\[39m/)
  })
})

describe('saved batch output (diagnose)', () => {
  const line = JSON.stringify(report())
  const error = JSON.stringify(badLineJson(parseTargetList('bad host\n', 'fleet.txt').bad[0]!))

  test('the error lines of a batch are skipped, the reports read', async () => {
    const saved = await parseReports([error, line, line].join('\n') + '\n', 'reports.ndjson')
    assert.equal(saved.ndjson, true)
    assert.equal(saved.reports.length, 2)
  })

  test('only error lines: not a report (exit 2)', async () => {
    await assert.rejects(parseReports(`${error}\n${error}\n`, 'reports.ndjson'), (e: unknown) => e instanceof UsageError && /no report/.test(e.message))
    // One error line alone parses as a whole document: the same message, not "no schemaVersion".
    await assert.rejects(parseReports(`${error}\n`, 'reports.ndjson'), (e: unknown) => e instanceof UsageError && /no report in it, only the errors of a batch/.test(e.message))
  })

  test('an object that merely looks like an error line is still refused', async () => {
    await assert.rejects(parseReports(`${line}\n{"error":{"code":"x"}}\n`, 'reports.ndjson'), UsageError)
  })
})

describe('probeBatch against a live edge (loopback)', () => {
  test('DNS: one lookup per target, shared by its six probes; rows in input order whatever the finishing order', async (t) => {
    const edge = await edgeFor(t, {hostnames: ['api.test', 'alt.test', 'www.test']})
    const {secureContext} = await sharedPki()
    const lookups: string[] = []
    // Stands in for DNS (nothing leaves loopback): every name is the edge.
    const lookup = async (host: string) => {
      lookups.push(host)
      await sleep(host === 'api.test' ? 150 : 0)
      return [edge.host]
    }
    const options = probeOptionsFor(edge, {resolve: [], lookup})
    const finished: string[] = []
    const result = await probeBatch({
      targets: ['api.test', 'alt.test', 'www.test'].map((name) => parseTarget(name)),
      concurrency: 3,
      probe: (target) => probeTarget(target, options, secureContext, TOOL),
      onReport: (report) => void finished.push(report.target.host),
    })
    assert.deepEqual(lookups.sort(), ['alt.test', 'api.test', 'www.test'], 'one lookup per target for its six probes')
    assert.equal(finished.at(-1), 'api.test', 'the slow lookup finishes last')
    assert.deepEqual(
      result.rows.map((row) => [row.target, row.verdict]),
      [
        ['api.test', 'healthy'],
        ['alt.test', 'healthy'],
        ['www.test', 'healthy'],
      ],
    )
    assert.equal(result.failing, 0)
    assert.equal(result.interrupted, false)
  })
})
