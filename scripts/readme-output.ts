// npm run readme            rewrites README.md's captured blocks and docs/probe.svg from real runs
// npm run readme -- --check  exits 1 when they differ from a fresh run (numbers, ids and dates masked)
//
// Every block between `<!-- captured:NAME -->` and `<!-- /captured:NAME -->` in README.md is the
// command shown and what it printed, run here through bash with `apigw-doctor` on PATH (this
// checkout's bin/run.js, output piped: no colour, 120 columns) against the loopback test edge, and
// for --via against a real HAProxy configured the classic way (ssl, no sni). docs/probe.svg is the
// probe run again in a real terminal (tmux, 110 columns, colours), rendered by scripts/render-svg.ts.
// Needs haproxy, jq and tmux. Only loopback addresses are used; no name is resolved.
import {execFile} from 'node:child_process'
import {chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {haproxyConfigWithBackend, startHaproxy, type HaproxyInstance} from '../test/support/e2e/haproxy.js'
import {startTestEdge, type TestEdge} from '../test/support/test-edge.js'
import {Tmux} from '../test/tty/tmux.js'
import {ansiToSvg, svgText} from './render-svg.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const README = join(ROOT, 'README.md')
const SVG = join(ROOT, 'docs', 'probe.svg')
/** A fixed place, so that the paths printed in the output (the CA file in the snippets) stay the same. */
const WORK = join(tmpdir(), 'apigw-doctor-readme')
const check = process.argv.includes('--check')

interface Captured {
  name: string
  command: string
  output: string
}

/** Runs a command line (asynchronously: the test edge lives in this process and must keep answering). */
async function shell(command: string): Promise<string> {
  try {
    const {stdout} = await promisify(execFile)('bash', ['-o', 'pipefail', '-c', command], {
      cwd: WORK,
      encoding: 'utf8',
      env: {PATH: `${join(WORK, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: WORK, NO_COLOR: '1', LANG: 'C.UTF-8'},
    })
    return stdout
  } catch (error) {
    // Exit status 1 (a problem found) is an answer like any other; anything else is not.
    const failed = error as {code: number; stdout: string; stderr: string}
    if (failed.code === 1) return failed.stdout
    throw new Error(`${command}: exit ${failed.code}\n${failed.stdout}\n${failed.stderr}`)
  }
}

/** The lines of `text` from the first one matching `start` to the next blank line. */
function block(text: string, start: RegExp): string {
  const lines = text.split('\n')
  const from = lines.findIndex((line) => start.test(line))
  if (from < 0) throw new Error(`no line matching ${start} in:\n${text}`)
  const to = lines.findIndex((line, i) => i > from && line.trim() === '')
  return lines.slice(from, to < 0 ? undefined : to).join('\n')
}

async function capture(edge: TestEdge, haproxy: HaproxyInstance): Promise<Captured[]> {
  const pin = `--port ${edge.port} --http-port ${edge.httpPort} --resolve 'api.test:*:127.0.0.1' --ca-file ca.pem`
  const probe = `apigw-doctor probe api.test ${pin} --path /prod/health`
  const via = `${probe} --via http://127.0.0.1:${haproxy.port}`
  const viaOutput = await shell(via)
  const logLine = await haproxy.waitForLog(/ SC-- /)
  const captured: Captured[] = [
    {name: 'probe', command: probe, output: await shell(probe)},
    {
      name: 'via',
      command: via,
      output: `${block(viaOutput, /^ERROR +proxy-/)}\n…\n${viaOutput.trimEnd().split('\n').at(-1)}`,
    },
    {name: 'explain-log', command: `apigw-doctor explain '${logLine}'`, output: ''},
    {name: 'explain', command: 'apigw-doctor explain SC--', output: ''},
    {name: 'lint', command: 'apigw-doctor lint haproxy.cfg', output: ''},
    {name: 'quiet', command: `${probe} --quiet`, output: ''},
    {name: 'batch', command: `cat targets.txt; apigw-doctor probe --file targets.txt ${pin} --quiet`, output: ''},
    {
      name: 'jq',
      command: `${probe} --json | jq -r '.verdict + ": " + ([.diagnoses[] | select(.severity != "info") | .id] | join(", "))'`,
      output: '',
    },
  ]
  for (const item of captured) if (item.output === '') item.output = await shell(item.command)
  return captured
}

/** What may differ between two honest runs: ports, timings, ids, dates. */
function normalise(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/(x-amz-apigw-id: )\S+/g, '$1<id>')
    .replace(/\d+/g, '0')
    .replace(/[ \t]+/g, ' ')
    .trim()
}

function fenced(item: Captured): string {
  return ['```console', `$ ${item.command}`, item.output.trimEnd(), '```'].join('\n')
}

const MARKER = /<!-- captured:([\w-]+) -->\n([\s\S]*?)\n<!-- \/captured:\1 -->/g

async function main(): Promise<void> {
  rmSync(WORK, {recursive: true, force: true})
  mkdirSync(join(WORK, 'bin'), {recursive: true})
  writeFileSync(join(WORK, 'bin', 'apigw-doctor'), `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'bin', 'run.js')}' "$@"\n`)
  chmodSync(join(WORK, 'bin', 'apigw-doctor'), 0o755)
  copyFileSync(join(ROOT, 'test/fixtures/lint/classic-haproxy.cfg'), join(WORK, 'haproxy.cfg'))

  // Like an API Gateway edge: no plain-HTTP listener, a ClientHello without SNI refused (alert 112),
  // Host routing, one resource (/prod/health); a second resource that does not exist, for the batch.
  const edge = await startTestEdge({hostnames: ['api.test'], noSni: 'alert-112', paths: ['/prod/health'], httpListener: 'none'})
  writeFileSync(join(WORK, 'ca.pem'), edge.caCert)
  writeFileSync(join(WORK, 'targets.txt'), '# one target per line\nhttps://api.test/prod/health\nhttps://api.test/prod/orders   # no such resource\n')
  // The classic HAProxy: TLS to the edge but no SNI (and no Host rewrite).
  const haproxy = await startHaproxy((ctx) => haproxyConfigWithBackend(ctx, 'be_api', `backend be_api\n    server gw 127.0.0.1:${edge.port} ssl verify none\n`))
  const tmux = new Tmux()
  try {
    const captured = await capture(edge, haproxy)
    const pin = `--port ${edge.port} --http-port ${edge.httpPort} --resolve 'api.test:*:127.0.0.1' --ca-file ca.pem`
    const screen = await tmux.run({
      command: `apigw-doctor probe api.test ${pin} --path /prod/health`,
      cwd: WORK,
      env: {PATH: `${join(WORK, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`},
      width: 110,
      height: 120,
    })
    if (screen.exit !== 0) throw new Error(`the probe in tmux exited ${screen.exit}:\n${screen.screen.join('\n')}`)
    const svg = ansiToSvg(screen.screenAnsi, {title: 'apigw-doctor probe api.test … --path /prod/health', columns: 110})
    await finish(captured, svg)
  } finally {
    tmux.close()
    await haproxy.stop()
    await edge.close()
    rmSync(WORK, {recursive: true, force: true})
  }
}

async function finish(captured: Captured[], svg: string): Promise<void> {
  const readme = readFileSync(README, 'utf8')
  const byName = new Map(captured.map((item) => [item.name, item]))
  const problems: string[] = []
  const seen = new Set<string>()
  const updated = readme.replace(MARKER, (whole, name: string, current: string) => {
    const item = byName.get(name)
    if (!item) {
      problems.push(`README.md has a captured block "${name}" that the script does not produce`)
      return whole
    }
    seen.add(name)
    const fresh = fenced(item)
    if (check && normalise(current) !== normalise(fresh)) problems.push(`README.md block "${name}" differs from a fresh run:\n--- README\n${current}\n--- fresh\n${fresh}`)
    return `<!-- captured:${name} -->\n${fresh}\n<!-- /captured:${name} -->`
  })
  for (const name of byName.keys()) if (!seen.has(name)) problems.push(`README.md has no captured block "${name}"`)
  if (check) {
    let current: string | null = null
    try {
      current = readFileSync(SVG, 'utf8')
    } catch {
      problems.push(`${SVG} is missing`)
    }
    // An empty file is compared too (it differs): only a missing one is reported as missing.
    if (current !== null && normalise(svgText(current).join('\n')) !== normalise(svgText(svg).join('\n'))) problems.push('docs/probe.svg differs from a fresh run')
  } else {
    writeFileSync(README, updated)
    mkdirSync(dirname(SVG), {recursive: true})
    writeFileSync(SVG, svg)
  }
  if (problems.length > 0) {
    console.error(problems.join('\n\n'))
    console.error('\nnpm run readme rewrites them from a fresh run.')
    process.exitCode = 1
  } else {
    console.error(check ? `README.md (${seen.size} blocks) and docs/probe.svg match a fresh run` : `README.md: ${seen.size} blocks rewritten; ${SVG} written`)
  }
}

await main()
