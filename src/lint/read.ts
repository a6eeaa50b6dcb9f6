import {resolve} from 'node:path'

import {UsageError} from '../cli/errors.js'
import {readBoundedText} from '../cli/read-input.js'

export {isBinary} from '../cli/read-input.js'

export const MAX_CONFIG_BYTES = 5 * 1024 * 1024

export interface ConfigFile {
  /** As given on the command line (what findings show). */
  file: string
  absolute: string
  text: string
}

/** Reads a configuration file, refusing (exit 2) what is not a readable, reasonably small text file. */
export async function readConfigFile(file: string): Promise<ConfigFile> {
  if (file.length === 0) throw new UsageError('no file given: apigw-doctor lint <file>', 'bad-file')
  if (file.includes('\u0000')) throw new UsageError('invalid file name', 'bad-file')
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
