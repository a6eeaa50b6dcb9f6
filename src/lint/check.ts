// `lint --check`: the proxy's own verdict (haproxy -c / nginx -t), run without a shell, with a
// deadline and bounded output.

import {execFile} from 'node:child_process'
import {constants} from 'node:fs'
import {access, mkdir, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'

import type {ConfigCheck, ConfigKind, RawFinding} from './types.js'

export const CHECK_TIMEOUT_MS = 15_000
const MAX_OUTPUT = 16 * 1024

export function defaultSearchDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin', '/sbin']
}

/** The binary's path from PATH (and the sbin directories a non-root PATH often lacks), or null. */
export async function findBinary(name: string, dirs: string[] = defaultSearchDirs()): Promise<string | null> {
  for (const dir of dirs) {
    const candidate = join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return null
}

interface RunResult {
  code: number | null
  output: string
  timedOut: boolean
}

function run(binary: string, args: string[], timeoutMs: number, cwd?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      binary,
      args,
      {timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, shell: false, cwd, env: {...process.env, LC_ALL: 'C'}, windowsHide: true},
      (error, stdout, stderr) => {
        const output = [stdout, stderr].filter(Boolean).join('\n').trim()
        const failure = error as (Error & {code?: number | string; killed?: boolean}) | null
        resolve({code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0, output, timedOut: Boolean(failure?.killed)})
      },
    )
  })
}

/** nginx accepts -e (error log at start-up) from 1.19.5. */
async function nginxSupportsErrorLogFlag(binary: string): Promise<boolean> {
  const {output} = await run(binary, ['-v'], 5000)
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(output)
  if (!match) return true
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])]
  return major > 1 || (major === 1 && (minor > 19 || (minor === 19 && patch >= 5)))
}

export type CheckOutcome =
  | {available: true; checked: ConfigCheck; findings: RawFinding[]}
  | {available: false; findings: RawFinding[]}

export interface CheckOptions {
  timeoutMs?: number
  /** Where to look for the binary (default: PATH, then the sbin directories). */
  searchDirs?: string[]
}

export async function runConfigCheck(kind: ConfigKind, absolute: string, lineCount: number, options: CheckOptions = {}): Promise<CheckOutcome> {
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS
  const binary = await findBinary(kind, options.searchDirs)
  if (!binary) {
    return {
      available: false,
      findings: [
        {
          line: 1,
          severity: 'info',
          id: 'config-check-unavailable',
          message: `--check: ${kind} is not installed (not found in PATH nor in /usr/sbin), so only the static checks ran`,
          fix: null,
        },
      ],
    }
  }
  let args: string[]
  let prefix: string | null = null
  if (kind === 'haproxy') {
    args = ['-c', '-f', absolute]
  } else {
    // nginx -t opens logs under its prefix: point it at a scratch directory, and the
    // start-up error log at stderr, so that nothing is written to /var/log.
    prefix = await mkdtemp(join(tmpdir(), 'apigw-doctor-nginx-'))
    await mkdir(join(prefix, 'logs'), {recursive: true})
    args = ['-t', '-c', absolute, '-p', prefix + '/']
    if (await nginxSupportsErrorLogFlag(binary)) args.push('-e', 'stderr')
  }
  let result: RunResult
  try {
    result = await run(binary, args, timeoutMs, prefix ?? undefined)
  } finally {
    if (prefix) await rm(prefix, {recursive: true, force: true})
  }
  const output = result.output.length > MAX_OUTPUT ? result.output.slice(0, MAX_OUTPUT) + '\n…' : result.output
  const command = `${kind} ${args.join(' ')}`
  const ok = result.code === 0 && !result.timedOut
  const checked: ConfigCheck = {tool: kind, ok, output}
  if (ok) return {available: true, checked, findings: []}
  const problems = result.timedOut ? [`timed out after ${timeoutMs} ms`] : problemLines(kind, output)
  return {
    available: true,
    checked,
    findings: [
      {
        line: firstLine(problems, absolute, lineCount),
        severity: 'error',
        id: 'config-check-failed',
        message: `${command} failed:\n${(problems.length > 0 ? problems : [output || `exit code ${result.code}`]).join('\n')}`,
        fix: null,
      },
    ],
  }
}

/** The tool's error lines, without its banner. */
export function problemLines(kind: ConfigKind, output: string): string[] {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean)
  if (kind === 'haproxy') {
    return lines
      .filter((line) => /^\[(?:ALERT|ERROR)\]/.test(line))
      .map((line) => line.replace(/^\[(?:ALERT|ERROR)\]\s*(?:\(\d+\)\s*)?:\s*(?:config\s*:\s*)?/, ''))
  }
  return lines.filter((line) => /\[(?:emerg|alert|crit|error)\]/.test(line) || /test failed/.test(line))
}

/** The first line number the tool names for this file, or 1. */
export function firstLine(problems: string[], absolute: string, lineCount: number): number {
  const name = absolute.split('/').at(-1) ?? absolute
  for (const problem of problems) {
    const match = /\[([^\]\s]+):(\d+)\]/.exec(problem) ?? / in (\S+):(\d+)\s*$/.exec(problem)
    if (!match) continue
    const file = match[1] as string
    const line = Number(match[2])
    if ((file === absolute || file.endsWith('/' + name) || file === name) && line >= 1 && line <= lineCount) return line
  }
  return 1
}
