import {open, stat} from 'node:fs/promises'
import {resolve} from 'node:path'

import {UsageError} from '../cli/errors.js'

export const MAX_CONFIG_BYTES = 5 * 1024 * 1024

export interface ConfigFile {
  /** As given on the command line (what findings show). */
  file: string
  absolute: string
  text: string
}

/** Reads a configuration file, refusing (exit 2) what is not a readable, reasonably small text file. */
export async function readConfigFile(file: string): Promise<ConfigFile> {
  const shown = JSON.stringify(file)
  if (file.length === 0) throw new UsageError('no file given: apigw-doctor lint <file>', 'bad-file')
  if (file.includes('\u0000')) throw new UsageError('invalid file name', 'bad-file')
  const absolute = resolve(file)
  let info
  try {
    info = await stat(absolute)
  } catch (error) {
    throw new UsageError(`cannot read ${shown}: ${describe(error)}`, 'bad-file')
  }
  if (info.isDirectory()) throw new UsageError(`cannot lint ${shown}: it is a directory, give a configuration file`, 'bad-file')
  if (!info.isFile()) throw new UsageError(`cannot lint ${shown}: not a regular file`, 'bad-file')
  if (info.size > MAX_CONFIG_BYTES) {
    throw new UsageError(`cannot lint ${shown}: ${info.size} bytes is more than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, not a configuration file`, 'bad-file')
  }
  let buffer: Buffer
  try {
    const handle = await open(absolute, 'r')
    try {
      // Read at most one byte more than allowed: the file may have grown since stat().
      const chunk = Buffer.alloc(MAX_CONFIG_BYTES + 1)
      const {bytesRead} = await handle.read(chunk, 0, chunk.length, 0)
      buffer = chunk.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch (error) {
    throw new UsageError(`cannot read ${shown}: ${describe(error)}`, 'bad-file')
  }
  if (buffer.length > MAX_CONFIG_BYTES) throw new UsageError(`cannot lint ${shown}: larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`, 'bad-file')
  if (isBinary(buffer)) throw new UsageError(`cannot lint ${shown}: it is a binary file, not an HAProxy or nginx configuration`, 'bad-file')
  return {file, absolute, text: new TextDecoder('utf-8').decode(buffer)}
}

/** A NUL byte, or many control bytes, means binary (configs are text; UTF-8 comments are fine). */
export function isBinary(buffer: Uint8Array): boolean {
  const sample = buffer.subarray(0, 64 * 1024)
  let control = 0
  for (const byte of sample) {
    if (byte === 0) return true
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) control++
  }
  return sample.length > 0 && control / sample.length > 0.05
}

function describe(error: unknown): string {
  const code = (error as {code?: string}).code
  switch (code) {
    case 'ENOENT': {
      return 'no such file'
    }
    case 'EACCES':
    case 'EPERM': {
      return 'permission denied'
    }
    case 'EISDIR': {
      return 'it is a directory'
    }
    case 'ELOOP': {
      return 'too many symbolic links'
    }
    case 'ENAMETOOLONG': {
      return 'file name too long'
    }
    default: {
      return (error as Error).message ?? String(error)
    }
  }
}
