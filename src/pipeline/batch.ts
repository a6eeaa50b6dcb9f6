import {UsageError} from '../cli/errors.js'
import {quotedPath, readBoundedText} from '../cli/read-input.js'
import {parseTarget, type ParsedTarget} from '../target/parse-target.js'

const MAX_BATCH_BYTES = 1024 * 1024
const MAX_TARGETS = 10_000

/** A line of a target list that is not a target: reported, skipped, and the rest still probed. */
export interface BadLine {
  /** The list's name as messages show it: the --file path, or 'stdin'. */
  source: string
  /** 1-based line number. */
  line: number
  code: string
  message: string
}

export interface TargetList {
  targets: ParsedTarget[]
  bad: BadLine[]
}

/** One target per line; blank lines and # comments are skipped; a bad line is kept as a BadLine. */
export function parseTargetList(text: string, source: string): TargetList {
  const list: TargetList = {targets: [], bad: []}
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    if (!line) continue
    try {
      list.targets.push(parseTarget(line))
    } catch (error) {
      // Only the target parser's own refusals are "bad lines"; anything else is a bug.
      if (!(error instanceof UsageError)) throw error
      list.bad.push({source, line: index + 1, code: error.code, message: error.message})
    }
    if (list.targets.length + list.bad.length > MAX_TARGETS) throw new UsageError(`${source}: more than ${MAX_TARGETS} targets`, 'bad-target-list')
  }
  return list
}

/** `file:line: message`, as compilers say it: the human form on stderr. */
export function badLineText(bad: BadLine): string {
  return `${bad.source}:${bad.line}: ${bad.message}`
}

/**
 * The --json form, one NDJSON line among the reports: the spec's error object, with where it was.
 * (schema/batch-error.schema.json)
 */
export function badLineJson(bad: BadLine): {error: {code: string; message: string; source: string; line: number}} {
  return {error: {code: bad.code, message: badLineText(bad), source: bad.source, line: bad.line}}
}

/** The --file list of targets: a file, a pipe or process substitution, at most 1 MiB of text. */
async function readTargetFile(path: string): Promise<string> {
  return readBoundedText(path, {what: '--file', maxBytes: MAX_BATCH_BYTES, code: 'bad-target-list', expected: 'a list of targets'})
}

/** Targets given on stdin (`probe -`), at most 1 MiB of text. */
export async function readStdin(): Promise<string> {
  return readBoundedText('-', {what: 'targets', maxBytes: MAX_BATCH_BYTES, code: 'bad-target-list', expected: 'a list of targets'})
}

export interface CollectedTargets extends TargetList {
  /** Several targets, --file or `-`: reports stream as NDJSON and a summary table closes the run. */
  batch: boolean
}

/**
 * The targets of one run: arguments (each must be valid: a typo on the command line is bad usage),
 * then `-` (stdin) and --file, whose bad lines are reported and skipped.
 */
export async function collectTargets(args: readonly string[], file: string | undefined, read = {stdin: readStdin, file: readTargetFile}): Promise<CollectedTargets> {
  const collected: CollectedTargets = {targets: [], bad: [], batch: args.length > 1 || file !== undefined || args.includes('-')}
  const add = (list: TargetList) => {
    collected.targets.push(...list.targets)
    collected.bad.push(...list.bad)
  }
  for (const arg of args) {
    if (arg === '-') add(parseTargetList(await read.stdin(), 'stdin'))
    else collected.targets.push(parseTarget(arg))
  }
  if (file !== undefined) add(parseTargetList(await read.file(file), quotedPath(file)))
  if (collected.targets.length + collected.bad.length > MAX_TARGETS) throw new UsageError(`more than ${MAX_TARGETS} targets in one run`, 'bad-target-list')
  return collected
}
