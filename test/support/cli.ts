// Runs the BUILT CLI (`node bin/run.js <args>`; `npm run build` first) the way a user does: stdout and
// stderr are pipes (not a TTY), NO_COLOR is set, stdin is a pipe holding `input` (empty unless given),
// and CI, APIGW_DOCTOR_DEBUG and NODE_TLS_REJECT_UNAUTHORIZED are removed from the environment so that
// they cannot mask anything. test/cli/*.test.ts run this repository's bin/; the e2e suites run a private
// snapshot of it (test/support/e2e/cli.ts).
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {run, type RunResult} from './e2e/util.js'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface CliOptions {
  /** the directory holding bin/run.js (default: this repository) */
  root?: string
  /** working directory (default: `root`) */
  cwd?: string
  /** laid over the environment; a key set to undefined is removed */
  env?: NodeJS.ProcessEnv
  /** written to stdin, which is then closed (default: nothing) */
  input?: string
  /** the CLI is killed (SIGKILL; code null) after this long (default 20 s) */
  timeoutMs?: number
}

export interface CliResult extends RunResult {
  args: string[]
  /** wall-clock time of the run, process start included */
  ms: number
  /** stdout parsed as JSON when it is JSON, else undefined */
  json: unknown
}

/** `node <root>/bin/run.js <args>`, to completion. */
export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const root = opts.root ?? REPO_ROOT
  const started = performance.now()
  const result = await run(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
    cwd: opts.cwd ?? root,
    env: {...process.env, NO_COLOR: '1', CI: undefined, APIGW_DOCTOR_DEBUG: undefined, NODE_TLS_REJECT_UNAUTHORIZED: undefined, ...opts.env},
    timeoutMs: opts.timeoutMs ?? 20_000,
    input: opts.input ?? '',
  })
  const ms = performance.now() - started
  let json: unknown
  try {
    json = JSON.parse(result.stdout)
  } catch {
    json = undefined
  }
  return {...result, args, ms, json}
}

/** A run for an assertion message: exit code, time, and the head of stdout and stderr. */
export function show(r: CliResult): string {
  const exit = r.code ?? `signal ${r.signal}`
  return `exit ${exit} after ${Math.round(r.ms)} ms\n--- stdout\n${r.stdout.slice(0, 2000)}\n--- stderr\n${r.stderr.slice(0, 2000)}`
}
