// A few dozen runs of the built CLI (`npm run build` first) with generated hostile arguments and
// files: every run ends with exit 0, 1 or 2; exit 2 is one line on stderr (or one JSON error on
// stdout under --json), never a stack trace. Probes cannot leave loopback: a --connect-to that
// sends every host to 127.0.0.1 comes first (first match wins), and generated --resolve rules
// that parse must name loopback addresses only.
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import fc from 'fast-check'

import {parseResolve} from '../../src/target/overrides.js'
import {runCli, show, type CliResult} from '../support/cli.js'
import {hostileHost, hostileText, hostName, SEED} from './arbitraries.js'

const SAFETY_NET = ['--connect-to', '::127.0.0.1:', '--port', '9', '--http-port', '9', '--timeout', '300']

const isLoopbackRule = (raw: string): boolean => {
  try {
    return parseResolve(raw).addresses.every((address) => address === '::1' || address.startsWith('127.'))
  } catch {
    return true // refused before any socket opens
  }
}

const probeArgs: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.array(fc.oneof(hostName, hostileHost, hostileText(6), fc.constantFrom('[::1]', '127.0.0.1', 'https://api.test/prod?x=1', '-')), {minLength: 0, maxLength: 2}),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constant('-H'), fc.oneof(hostileText(6), fc.constantFrom('Authorization: Bearer x1y2z3w4', 'X-Trace: 1', 'Host: evil', 'Cookie:'))),
        fc.tuple(fc.constant('--resolve'), fc.oneof(hostileText(8), fc.constantFrom('api.test:*:[::1]', 'api.test:*:127.0.0.1,[::1]', 'api.test:443:127.0.0.2')).filter(isLoopbackRule)),
        fc.tuple(fc.constant('--connect-to'), hostileText(8)),
        fc.tuple(fc.constant('--path'), hostileText(6)),
        fc.tuple(fc.constant('--method'), hostileText(3)),
        fc.tuple(fc.constant('--redact'), hostileText(3)),
        fc.tuple(fc.constant('--proxy-version'), hostileText(3)),
        fc.tuple(fc.constant('--proxy-kind'), fc.constantFrom('nginx', 'all', 'squid', '')),
        fc.tuple(fc.constant('--concurrency'), fc.constantFrom('0', '1', '-1', 'x', '1e9')),
      ),
      {maxLength: 3},
    ),
    fc.constantFrom([], ['--json'], ['--all-addresses'], ['--json', '--all-addresses']),
  )
  .map(([targets, flags, mode]) => ['probe', ...SAFETY_NET, ...flags.flat(), ...mode, ...targets])

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-doctor-fuzz-cli-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

function assertWellBehaved(r: CliResult): void {
  const what = `apigw-doctor ${JSON.stringify(r.args)} (seed ${SEED})\n${show(r)}`
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, what)
  assert.doesNotMatch(r.stderr, /^\s+at\s/m, `stack trace: ${what}`)
  if (r.code !== 2) return
  if (r.args.includes('--json')) {
    assert.ok(r.json && typeof (r.json as {error?: {message?: unknown}}).error?.message === 'string', `--json error is not {"error": …}: ${what}`)
  } else {
    const lines = r.stderr.split('\n').filter((line) => line.trim() !== '')
    assert.equal(lines.length, 1, `not one line on stderr: ${what}`)
    assert.match(lines[0]!, /^apigw-doctor: /, what)
  }
}

/** Runs the commands four at a time (two cores, other suites beside). */
async function runAll(commands: Array<{args: string[]; input?: string}>): Promise<CliResult[]> {
  const results: CliResult[] = []
  for (let i = 0; i < commands.length; i += 4) {
    // An argument cannot hold a NUL byte (the kernel ends it there): the rest of the text goes as is.
    results.push(...(await Promise.all(commands.slice(i, i + 4).map(({args, input}) => runCli(args.map((arg) => arg.replaceAll('\0', '')), {input, timeoutMs: 15_000})))))
  }
  return results
}

describe('fuzz: the built CLI', () => {
  test('probe with generated hostile arguments', async () => {
    const samples = fc.sample(probeArgs, {seed: SEED, numRuns: 16})
    const results = await runAll(samples.map((args) => ({args, input: 'api.test\n# c\nbad host\n'})))
    for (const r of results) assertWellBehaved(r)
  })

  test('diagnose, lint and explain with generated hostile files and text', async () => {
    const texts = fc.sample(fc.oneof(hostileText(20), fc.string({unit: 'binary', maxLength: 200}), fc.jsonValue({maxDepth: 3}).map((v) => JSON.stringify(v))), {seed: SEED, numRuns: 4})
    const commands: Array<{args: string[]; input?: string}> = []
    for (const [i, text] of texts.entries()) {
      const file = join(dir, `input-${i}.txt`)
      await writeFile(file, text)
      commands.push({args: ['diagnose', file, ...(i % 2 ? ['--json'] : [])]})
      commands.push({args: ['lint', file, ...(i % 2 ? [] : ['--json']), ...(i % 3 ? [] : ['--kind', 'nginx'])]})
      commands.push({args: ['explain', ...(i % 2 ? ['--json'] : []), '--', text.slice(0, 300)]})
    }
    commands.push({args: ['explain', '-'], input: texts.join('\n')}, {args: ['diagnose', '-'], input: texts[0]})
    for (const r of await runAll(commands)) assertWellBehaved(r)
  })
})
