import {readFile} from 'node:fs/promises'

import {UsageError} from '../cli/errors.js'
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

export async function readTargetFile(path: string): Promise<string> {
  try {
    const text = await readFile(path, 'utf8')
    if (text.length > MAX_BATCH_BYTES) throw new UsageError(`--file ${path}: larger than 1 MiB`, 'bad-target-list')
    if (text.includes('\u0000')) throw new UsageError(`--file ${path}: binary content`, 'bad-target-list')
    return text
  } catch (error) {
    if (error instanceof UsageError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(`--file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`, 'bad-target-list')
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length
    if (size > MAX_BATCH_BYTES) throw new UsageError('stdin: more than 1 MiB of targets', 'bad-target-list')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
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
