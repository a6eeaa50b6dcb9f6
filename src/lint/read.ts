import {resolve} from 'node:path'

import {UsageError} from '../cli/errors.js'
import {readBoundedText} from '../cli/read-input.js'

export {isBinary} from '../cli/read-input.js'

export const MAX_CONFIG_BYTES = 5 * 1024 * 1024

export interface ConfigFile {
  /** As given on the command line (what findings show); `<stdin>` for `-`. */
  file: string
  /** null for stdin: there is no file to hand to haproxy -c / nginx -t. */
  absolute: string | null
  text: string
}

/** How findings name a configuration read from stdin. */
export const STDIN_NAME = '<stdin>'

/** Reads a configuration file (`-`: stdin), refusing (exit 2) what is not a readable, reasonably small text file. */
export async function readConfigFile(file: string): Promise<ConfigFile> {
  if (file.length === 0) throw new UsageError('no file given: apigw-doctor lint <file>', 'bad-file')
  if (file.includes('\u0000')) throw new UsageError('invalid file name', 'bad-file')
  if (file === '-') {
    // Nothing piped in: reading would wait for a human to type a config.
    if (process.stdin.isTTY) throw new UsageError('lint -: stdin is a terminal; pipe a configuration in (lint - < haproxy.cfg) or give a file', 'bad-file')
    const text = await readBoundedText('-', {
      what: 'config',
      maxBytes: MAX_CONFIG_BYTES,
      code: 'bad-file',
      expected: 'an HAProxy or nginx configuration',
      utf8: 'lenient',
    })
    return {file: STDIN_NAME, absolute: null, text}
  }
  const absolute = resolve(file)
  // A regular file only: `--check` hands the same path to haproxy -c / nginx -t, which must see what we saw.
  // Lenient UTF-8: an old config with Latin-1 comments is still a config.
  const text = await readBoundedText(file, {
    what: 'config',
    maxBytes: MAX_CONFIG_BYTES,
    code: 'bad-file',
    expected: 'an HAProxy or nginx configuration',
    regularOnly: true,
    utf8: 'lenient',
  })
  return {file, absolute, text}
}
