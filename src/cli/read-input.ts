import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'

import {UsageError} from './errors.js'

export interface BoundedReadOptions {
  /** What the input is, as messages name it: '--file', '--ca-file', 'report', 'config', 'targets'. */
  what: string
  /** The most bytes accepted; reading stops at maxBytes + 1 and fails. */
  maxBytes: number
  /** The `error.code` of every failure (e.g. 'bad-report'). */
  code: string
  /** What the input should have been, for the hints: "not <expected>". */
  expected?: string
  /**
   * Only a regular file is accepted (the path is handed on to another program or written into a
   * config). Otherwise pipes, process substitution (/dev/fd/N) and character devices are read too.
   * '-' then names a file called '-', not stdin.
   */
  regularOnly?: boolean
  /** 'strict' (default) refuses invalid UTF-8; 'lenient' replaces it (configs in Latin-1, say). */
  utf8?: 'strict' | 'lenient'
}

const CHUNK_BYTES = 64 * 1024
const STDIN_PATHS = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0'])
let stdinTaken = false

/** A path in a one-line message: a printable path as it is, anything else quoted (spaces, escapes). */
export function quotedPath(path: string): string {
  return /^[\u0021-\u007E]+$/.test(path) ? path : JSON.stringify(path)
}

/** The one-line name of an input in messages: `--file "a b.txt"`, `report x.json`, `report on stdin`. */
export function inputLabel(pathOrDash: string, what: string, opts: {regularOnly?: boolean} = {}): string {
  if (pathOrDash === '-' && !opts.regularOnly) return `${what} on stdin`
  return `${what} ${quotedPath(pathOrDash)}`
}

/**
 * Reads a text file, or stdin for '-', in chunks, never holding more than maxBytes + one chunk:
 * a huge file, /dev/zero or an endless pipe fails fast. Refuses (UsageError, exit 2, one line naming
 * the input) a missing or unreadable file, a directory, a socket, a non-regular file where
 * `regularOnly`, binary content (a NUL byte, or mostly control bytes) and, unless lenient, invalid
 * UTF-8. A UTF-8 byte-order mark is dropped.
 */
export async function readBoundedText(pathOrDash: string, opts: BoundedReadOptions): Promise<string> {
  // Where only a regular file will do, '-' and /dev/stdin are plain paths (and refused unless regular files).
  const fromStdin = !opts.regularOnly && STDIN_PATHS.has(pathOrDash)
  const label = inputLabel(pathOrDash, opts.what, opts)
  const fail = (reason: string): never => {
    throw new UsageError(`${label}: ${reason}`, opts.code)
  }
  const not = opts.expected ? `, not ${opts.expected}` : ''
  if (pathOrDash.length === 0) throw new UsageError(`${opts.what}: no file name given`, opts.code)
  if (pathOrDash.includes('\u0000')) throw new UsageError(`${opts.what}: invalid file name`, opts.code)

  let stream: NodeJS.ReadableStream
  if (fromStdin) {
    // Stdin may be a socket (a parent's pipe) that cannot be opened again by path: read the stream.
    if (stdinTaken) fail('stdin can be read only once (give - once)')
    // Waiting for typed input looks like a hang; lint - and explain - refuse a terminal too.
    if (process.stdin.isTTY) fail(`stdin is a terminal: pipe ${opts.expected ?? 'the input'} in (… < file), or give a file`)
    stdinTaken = true
    stream = process.stdin
  } else {
    let info
    try {
      info = await stat(pathOrDash)
    } catch (error) {
      return fail(describeError(error))
    }
    if (info.isDirectory()) fail('is a directory')
    if (info.isFile()) {
      if (info.size > opts.maxBytes) fail(`larger than ${formatBytes(opts.maxBytes)} (${info.size} bytes)${not}`)
    } else if (opts.regularOnly) {
      fail('not a regular file')
    } else if (!info.isFIFO() && !info.isCharacterDevice()) {
      fail('not a file or a pipe')
    }
    stream = createReadStream(pathOrDash, {highWaterMark: CHUNK_BYTES})
  }

  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      size += bytes.length
      // Stop at the first byte too many (the file may have grown since stat(), or never ends).
      if (size > opts.maxBytes) fail(`larger than ${formatBytes(opts.maxBytes)}${not}`)
      if (bytes.includes(0)) fail(`binary content${not}`)
      chunks.push(bytes)
    }
  } catch (error) {
    if (error instanceof UsageError) throw error
    return fail(describeError(error))
  } finally {
    // A stopped read leaves the file stream open; stdin is left to the process.
    if (stream !== process.stdin) (stream as NodeJS.ReadableStream & {destroy(): void}).destroy()
  }

  const buffer = Buffer.concat(chunks, size)
  if (isBinary(buffer)) fail(`binary content${not}`)
  try {
    return new TextDecoder('utf-8', {fatal: opts.utf8 !== 'lenient'}).decode(buffer)
  } catch {
    return fail(`not UTF-8 text${not}`)
  }
}

/** A NUL byte, or many control bytes, means binary (text may hold tabs, CR, form feeds, UTF-8). */
export function isBinary(buffer: Uint8Array): boolean {
  const sample = buffer.subarray(0, 64 * 1024)
  let control = 0
  for (const byte of sample) {
    if (byte === 0) return true
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) control++
  }
  return sample.length > 0 && control / sample.length > 0.05
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

function describeError(error: unknown): string {
  switch ((error as {code?: string}).code) {
    case 'ENOENT': {
      return 'no such file'
    }
    case 'ENOTDIR': {
      return 'no such file (a parent is not a directory)'
    }
    case 'EACCES':
    case 'EPERM': {
      return 'permission denied'
    }
    case 'EISDIR': {
      return 'is a directory'
    }
    case 'ELOOP': {
      return 'too many symbolic links'
    }
    case 'ENAMETOOLONG': {
      return 'file name too long'
    }
    case 'ENXIO':
    case 'EOPNOTSUPP': {
      return 'not a file or a pipe'
    }
    default: {
      const message = (error as Error)?.message
      return `cannot be read${message ? ` (${message.split('\n')[0]})` : ''}`
    }
  }
}
