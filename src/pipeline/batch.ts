import {UsageError} from '../cli/errors.js'
import {readBoundedText} from '../cli/read-input.js'
import {parseTarget, type ParsedTarget} from '../target/parse-target.js'

const MAX_BATCH_BYTES = 1024 * 1024
const MAX_TARGETS = 10_000

/** One target per line; blank lines and # comments are skipped. Every line is validated up front. */
export function parseTargetList(text: string, source: string): ParsedTarget[] {
  const targets: ParsedTarget[] = []
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    if (!line) continue
    try {
      targets.push(parseTarget(line))
    } catch (error) {
      throw new UsageError(`${source}:${index + 1}: ${(error as Error).message}`, (error as UsageError).code ?? 'bad-target')
    }
    if (targets.length > MAX_TARGETS) throw new UsageError(`${source}: more than ${MAX_TARGETS} targets`, 'bad-target-list')
  }
  return targets
}

/** The --file list of targets: a file, a pipe or process substitution, at most 1 MiB of text. */
export async function readTargetFile(path: string): Promise<string> {
  return readBoundedText(path, {what: '--file', maxBytes: MAX_BATCH_BYTES, code: 'bad-target-list', expected: 'a list of targets'})
}

/** Targets given on stdin (`probe -`), at most 1 MiB of text. */
export async function readStdin(): Promise<string> {
  return readBoundedText('-', {what: 'targets', maxBytes: MAX_BATCH_BYTES, code: 'bad-target-list', expected: 'a list of targets'})
}

/** Runs work over items with at most `limit` at once, preserving order in the result. */
export async function mapConcurrent<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index]!, index)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return results
}
