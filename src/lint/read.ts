import {resolve} from 'node:path'

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
  const fromStdin = file === '-'
  // A regular file only: `--check` hands the same path to haproxy -c / nginx -t, which must see what we saw.
  // Lenient UTF-8: an old config with Latin-1 comments is still a config.
  const text = await readBoundedText(file, {
    what: 'config',
    maxBytes: MAX_CONFIG_BYTES,
    code: 'bad-file',
    expected: 'an HAProxy or nginx configuration',
    regularOnly: !fromStdin,
    utf8: 'lenient',
  })
  return fromStdin ? {file: STDIN_NAME, absolute: null, text} : {file, absolute: resolve(file), text}
}
