// `lint --check`: the proxy's own verdict (haproxy -c / nginx -t), run without a shell, with a
// deadline and bounded output.

import {execFile} from 'node:child_process'
import {constants} from 'node:fs'
import {access, mkdir, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'

import {parseHaproxy} from './haproxy-parser.js'
import {parseNginx} from './nginx-parser.js'
import type {ConfigCheck, ConfigKind, FindingId, RawFinding} from './types.js'

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
  /** The configuration text (what lint read): section names for the tool's line-less warnings, nginx's pid. */
  text?: string
  /** What lint found already: the tool's report of the same problem is not counted twice. */
  lintFindings?: RawFinding[]
}

function unavailable(message: string, line = 1): RawFinding {
  return {line, severity: 'info', id: 'config-check-unavailable', message, fix: null, fixAction: null}
}

/** Top-level directive names of an nginx config (events/http: a whole config; server/location: a fragment). */
function nginxTopLevel(text: string): Set<string> {
  return new Set(parseNginx(text).directives.map((directive) => directive.name))
}

export async function runConfigCheck(kind: ConfigKind, absolute: string, lineCount: number, options: CheckOptions = {}): Promise<CheckOutcome> {
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS
  const binary = await findBinary(kind, options.searchDirs)
  if (!binary) {
    return {available: false, findings: [unavailable(`--check: ${kind} is not installed (not found in PATH nor in /usr/sbin), so only the static checks ran`)]}
  }
  const topLevel = kind === 'nginx' && options.text !== undefined ? nginxTopLevel(options.text) : null
  if (topLevel && !topLevel.has('http') && !topLevel.has('events') && ['server', 'location', 'upstream'].some((name) => topLevel.has(name))) {
    return {
      available: false,
      findings: [unavailable('--check: this is a fragment (server/location blocks with no http {} around them): nginx -t checks a whole configuration, so run lint --check on the main nginx.conf that includes it')],
    }
  }
  let args: string[]
  let prefix: string | null = null
  if (kind === 'haproxy') {
    args = ['-c', '-f', absolute]
  } else {
    // nginx -t opens its logs and pid file: point the prefix at a scratch directory, the start-up
    // error log at stderr, and (when the config does not name its own) the error log and pid file
    // into the scratch directory, so that nothing is written to /var/log or /run.
    prefix = await mkdtemp(join(tmpdir(), 'apigw-doctor-nginx-'))
    await mkdir(join(prefix, 'logs'), {recursive: true})
    args = ['-t', '-c', absolute, '-p', prefix + '/']
    if (await nginxSupportsErrorLogFlag(binary)) args.push('-e', 'stderr')
    const globals = [`error_log ${join(prefix, 'logs', 'error.log')};`]
    // A second pid directive is refused ("directive is duplicate"): only when the config has none.
    if (!topLevel?.has('pid')) globals.push(`pid ${join(prefix, 'nginx.pid')};`)
    args.push('-g', globals.join(' '))
  }
  let result: RunResult
  try {
    result = await run(binary, args, timeoutMs, prefix ?? undefined)
  } finally {
    if (prefix) await rm(prefix, {recursive: true, force: true})
  }
  const output = result.output.length > MAX_OUTPUT ? result.output.slice(0, MAX_OUTPUT) + '\n…' : result.output
  const command = `${kind} ${kind === 'haproxy' ? '-c' : '-t'}`
  // haproxy -c exits 2 for a valid file with no listener (a backends-only file): not a failure.
  const noListener = kind === 'haproxy' && result.code === 2 && /has no error but will not start/.test(output)
  const ok = (result.code === 0 || noListener) && !result.timedOut
  const checked: ConfigCheck = {tool: kind, ok, output}
  const problems = parseCheckOutput(kind, output, absolute, lineCount)
  const sections = options.text !== undefined && kind === 'haproxy' ? haproxySectionLines(options.text) : new Map<string, number>()
  const lint = options.lintFindings ?? []
  const findings: RawFinding[] = []

  if (!ok) {
    const genuine = problems.filter((problem) => problem.level === 'error' && !problem.environment && !problem.summary)
    const environment = problems.filter((problem) => problem.level === 'error' && problem.environment)
    if (!result.timedOut && genuine.length === 0 && environment.length === 0) {
      // Output we cannot read: say what the tool said, as a failure.
      const said = problems.filter((problem) => problem.level === 'error').map((problem) => problem.text)
      findings.push({
        line: firstProblemLine(problems, lineCount),
        severity: 'error',
        id: 'config-check-failed',
        message: `${command} failed:\n${(said.length > 0 ? said : [output.split('\n').slice(-5).join('\n') || `exit code ${result.code}`]).join('\n')}`,
        fix: null,
        fixAction: null,
      })
    } else if (result.timedOut || genuine.length === 0) {
      const reasons = result.timedOut
        ? [`timed out after ${timeoutMs} ms (a name in the config that does not resolve can do that)`]
        : environment.map((problem) => `${ENVIRONMENT_REASON[problem.environment as Environment]}: ${problem.text}`)
      findings.push(
        unavailable(
          `${command} could not complete, so it says nothing about the configuration itself:\n${reasons.slice(0, 5).join('\n')}${
            environment.some((problem) => problem.environment === 'permission') ? '\n(run it where the proxy runs, as its user or root, to check files it opens)' : ''
          }`,
          environment.find((problem) => problem.line !== null)?.line ?? 1,
        ),
      )
    } else {
      const matched = genuine.map((problem) => ({problem, same: sameAsLint(problem, lint, sections)}))
      const unmatched = matched.filter((entry) => !entry.same)
      const shown = (entry: {problem: CheckProblem; same: RawFinding | null}): string => (entry.same ? `${entry.problem.text} (reported above: ${entry.same.id} at line ${entry.same.line})` : entry.problem.text)
      const lines = [...unmatched, ...matched.filter((entry) => entry.same)].map(shown)
      findings.push({
        line: firstProblemLine((unmatched.length > 0 ? unmatched : matched).map((entry) => entry.problem), lineCount),
        severity: unmatched.length > 0 ? 'error' : 'info',
        id: 'config-check-failed',
        message: `${command} failed${unmatched.length === 0 ? ' on problems lint reports above (not counted twice)' : ''}:\n${lines.join('\n')}`,
        fix: null,
        fixAction: null,
      })
    }
  }

  for (const problem of problems.filter((candidate) => candidate.level === 'warning' && !candidate.environment && !candidate.summary).slice(0, MAX_WARNINGS)) {
    const same = sameAsLint(problem, lint, sections)
    findings.push({
      line: problem.line ?? sectionLine(problem.text, sections) ?? 1,
      severity: same ? 'info' : 'warning',
      id: 'config-check-warning',
      message: `${command} warns: ${problem.text}${same ? ` (reported above: ${same.id} at line ${same.line})` : ''}`,
      fix: null,
      fixAction: null,
    })
  }
  return {available: true, checked, findings}
}

const MAX_WARNINGS = 20

type Environment = 'permission' | 'dns' | 'network'

const ENVIRONMENT_REASON: Record<Environment, string> = {
  permission: 'permission denied (a file or directory the proxy opens is not accessible to this user)',
  dns: 'a host name in the config did not resolve here (no DNS, or a name only the proxy host knows)',
  network: 'the network is not reachable from here',
}

/** One thing the tool said, its banner and prefixes removed. */
export interface CheckProblem {
  level: 'error' | 'warning'
  text: string
  /** The line of the checked file the tool names, if any. */
  line: number | null
  /** Not the configuration's fault: permissions, name resolution, no network. */
  environment: Environment | null
  /** "Fatal errors found", "test failed": a verdict, not a problem. */
  summary: boolean
}

function classifyEnvironment(text: string): Environment | null {
  if (/Permission denied|\(13: |\bEACCES\b|Operation not permitted|makes sense only if the master process runs with super-user privileges/i.test(text)) return 'permission'
  if (/could not resolve address|host not found in (?:upstream|resolver)|Name or service not known|Temporary failure in name resolution|no such host/i.test(text)) return 'dns'
  if (/can't connect socket for nameserver|Network is unreachable|\(101: /i.test(text)) return 'network'
  return null
}

const SUMMARY = /^(?:Error\(s\) found in configuration file|Fatal errors found in configuration|Failed to initialize server\(s\) addr|Warnings were found|configuration file .* test failed)/i

/** The tool's alerts, errors and warnings (continuation lines joined), each with the line it names. */
export function parseCheckOutput(kind: ConfigKind, output: string, absolute: string, lineCount: number): CheckProblem[] {
  const problems: CheckProblem[] = []
  for (const rawLine of output.split('\n')) {
    const line = rawLine.trimEnd()
    if (!line.trim()) continue
    let level: CheckProblem['level'] | null = null
    let text = ''
    if (kind === 'haproxy') {
      const match = /^\[(ALERT|ERROR|WARNING)\]\s*(?:\(\d+\)\s*)?:\s*(?:config\s*:\s*)?(.*)$/.exec(line.trim())
      if (match) {
        level = match[1] === 'WARNING' ? 'warning' : 'error'
        text = match[2] as string
      } else {
        // "   | explanation" lines continue the previous message; the quoted config line and caret do not.
        const more = /^\s+\|\s?(.*)$/.exec(line)
        const last = problems.at(-1)
        if (more && last) last.text = `${last.text} ${(more[1] as string).trim()}`.trim()
        continue
      }
    } else {
      const match = /\[(emerg|alert|crit|error|warn)\]\s*(?:\d+#\d+:\s*)?(?:\*\d+\s*)?(.*)$/.exec(line)
      if (match) {
        level = match[1] === 'warn' ? 'warning' : 'error'
        text = match[2] as string
      } else if (/test failed/.test(line)) {
        level = 'error'
        text = line.replace(/^nginx:\s*/, '')
      } else {
        continue
      }
    }
    const named = lineNamed(text, absolute, lineCount)
    problems.push({level, text, line: named, environment: classifyEnvironment(text), summary: SUMMARY.test(text)})
  }
  return problems
}

function lineNamed(problem: string, absolute: string, lineCount: number): number | null {
  const name = absolute.split('/').at(-1) ?? absolute
  const match = /\[([^\]\s]+):(\d+)\]/.exec(problem) ?? / in (\S+):(\d+)\s*$/.exec(problem)
  if (!match) return null
  const file = match[1] as string
  const line = Number(match[2])
  if ((absolute === '' || file === absolute || file.endsWith('/' + name) || file === name) && line >= 1 && line <= lineCount) return line
  return null
}

function firstProblemLine(problems: CheckProblem[], lineCount: number): number {
  const line = problems.find((problem) => problem.line !== null)?.line ?? 1
  return Math.min(Math.max(1, line), Math.max(1, lineCount))
}

/** `backend x` / `frontend x` / `listen x` → the line of the section keyword. */
function haproxySectionLines(text: string): Map<string, number> {
  const lines = new Map<string, number>()
  for (const section of parseHaproxy(text).sections) {
    if (!section.name) continue
    const key = `${section.keyword} ${section.name}`
    if (!lines.has(key)) lines.set(key, section.header.line)
    // HAProxy calls a listen section a proxy in some messages.
    if (section.keyword === 'listen' && !lines.has(`proxy ${section.name}`)) lines.set(`proxy ${section.name}`, section.header.line)
  }
  return lines
}

function sectionNamed(text: string): string | null {
  const match = /\b(backend|frontend|listen|proxy)\s+'([^']+)'/.exec(text)
  return match ? `${match[1]} ${match[2]}` : null
}

function sectionLine(text: string, sections: Map<string, number>): number | null {
  const key = sectionNamed(text)
  return key ? (sections.get(key) ?? null) : null
}

/** What the tool says → the lint findings that report the same problem. */
const SAME_PROBLEM: Array<{pattern: RegExp; ids: FindingId[]; window: number}> = [
  {pattern: /no such ACL/i, ids: ['haproxy-undefined-acl'], window: 0},
  {pattern: /no CA file specified/i, ids: ['haproxy-ssl-without-ca-file'], window: 0},
  {pattern: /rules ignored for .* HTTP mode/i, ids: ['haproxy-http-rules-in-tcp-mode'], window: 0},
  {pattern: /incompatible tcp backend/i, ids: ['haproxy-backend-mode-mismatch'], window: 0},
  {pattern: /unmatched quote/i, ids: ['config-parse-error'], window: 0},
  {pattern: /unknown keyword/i, ids: ['haproxy-line-continuation'], window: 1},
  {pattern: /unexpected "[;{}]"|unexpected end of file|not terminated by|invalid number of arguments|unterminated/i, ids: ['config-parse-error'], window: 10},
]

/** The lint finding that already reports what the tool says, or null. */
function sameAsLint(problem: CheckProblem, lint: RawFinding[], sections: Map<string, number>): RawFinding | null {
  for (const rule of SAME_PROBLEM) {
    if (!rule.pattern.test(problem.text)) continue
    const candidates = lint.filter((finding) => rule.ids.includes(finding.id))
    if (problem.line !== null) {
      const line = problem.line
      const found = candidates.find((finding) => finding.line <= line && finding.line >= line - rule.window)
      if (found) return found
      continue
    }
    const section = sectionNamed(problem.text)
    const sectionAt = section ? sections.get(section) : undefined
    const found = section ? candidates.find((finding) => finding.line === sectionAt || finding.message.includes(section.replace(/^proxy /, 'listen '))) : candidates[0]
    if (found) return found
  }
  return null
}
