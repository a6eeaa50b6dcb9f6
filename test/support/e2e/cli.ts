// Runs the BUILT CLI (`node bin/run.js ...`) the way a user does.
//
// Others rebuild dist/ concurrently while developing (`npm run build` starts with `rm -rf dist`), so
// the CLI is run from a private snapshot: bin/, dist/, package.json and oclif.manifest.json copied to a
// temp dir, node_modules linked. The snapshot is taken once per test process, after a build when
// dist/ is missing or older than src/ (APIGW_E2E_NO_BUILD=1 skips the build step).
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { REPO_ROOT, runCli as runBuiltCli, type CliOptions, type CliResult } from '../cli.js'
import { run, type RunResult } from './util.js'

export { REPO_ROOT, type CliResult }

function newestMtime(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

function distIsFresh(): boolean {
  const manifest = join(REPO_ROOT, 'oclif.manifest.json') // written last by `npm run build`
  const entry = join(REPO_ROOT, 'dist/commands/probe.js')
  if (!existsSync(manifest) || !existsSync(entry)) return false
  return newestMtime(join(REPO_ROOT, 'src')) <= statSync(manifest).mtimeMs
}

/** `npm run build`, retried: a build can fail while someone else's file is half-written. */
export async function build(attempts = 4): Promise<void> {
  let last: RunResult | undefined
  for (let i = 0; i < attempts; i++) {
    last = await run('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, timeoutMs: 180_000 })
    if (last.code === 0) return
    await sleep(3000 * (i + 1))
  }
  throw new Error(`npm run build failed ${attempts} times; last output:\n${last?.stdout}\n${last?.stderr}`)
}

let snapshot: Promise<string> | undefined

async function takeSnapshot(): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    if (process.env.APIGW_E2E_NO_BUILD !== '1' && !distIsFresh()) await build()
    const dir = mkdtempSync(join(tmpdir(), 'apigw-e2e-cli-'))
    try {
      for (const item of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) cpSync(join(REPO_ROOT, item), join(dir, item), { recursive: true })
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
      if (!existsSync(join(dir, 'dist/commands/probe.js'))) throw new Error('dist/commands/probe.js missing from the snapshot')
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
      return dir
    } catch (err) {
      rmSync(dir, { recursive: true, force: true })
      // dist/ vanished mid-copy (a concurrent rebuild): try again
      if (attempt >= 4) throw err
      await sleep(2000)
    }
  }
}

/** Directory holding a runnable copy of the built CLI (bin/run.js inside). */
export function cliDir(): Promise<string> {
  snapshot ??= takeSnapshot()
  return snapshot
}

/** `node bin/run.js <args>` from the snapshot (see test/support/cli.ts: NO_COLOR set, stdin empty unless `input`). */
export async function runCli(args: string[], opts: Omit<CliOptions, 'root'> = {}): Promise<CliResult> {
  return runBuiltCli(args, { ...opts, timeoutMs: opts.timeoutMs ?? 60_000, root: await cliDir() })
}
