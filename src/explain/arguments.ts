import {UsageError} from '../cli/errors.js'
import {isBinary} from '../cli/read-input.js'

/** Flags this command takes; every other word, dashes included (`----`, `-1/-1`), is text to explain. */
const OWN_FLAGS = new Set(['--json', '--no-color', '--help', '-h'])
/** A word written like a long flag (`--bogus`, `--jsn`, `--color=never`); `----` or `--400` are not. */
const FLAG_LIKE = /^--[A-Za-z][A-Za-z0-9-]*(?:=|$)/

/**
 * Moves the command's own flags first and the text after a `--`, so that a pasted `----` or
 * `-` token is read as text rather than as an unknown flag. A `--` given by the user ends flags.
 * A word that looks like a flag but is none of ours is refused (a typo of --json should not be
 * explained as text); after a `--` it is text.
 */
export function textAfterFlags(argv: string[]): string[] {
  const flags: string[] = []
  const text: string[] = []
  let passThrough = false
  for (const word of argv) {
    if (!passThrough && word === '--') passThrough = true
    else if (!passThrough && OWN_FLAGS.has(word)) flags.push(word)
    else if (!passThrough && FLAG_LIKE.test(word)) {
      // Only the name is echoed: letters, digits and dashes, nothing a terminal would act on.
      const name = word.split('=', 1)[0] ?? word
      throw new UsageError(`unknown flag ${name.length > 40 ? `${name.slice(0, 40)}…` : name}: explain takes --json, --no-color and --help (put text that starts with -- after a lone --)`)
    } else text.push(word)
  }
  return [...flags, '--', ...text]
}

/** Reading stdin stops here: more than any explainer looks at (64 KiB), with room for a multi-byte tail. */
const STDIN_LIMIT = 64 * 1024 + 4

/** The text from stdin, cut at what the explainers read: a long log is explained by its head. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('"-" reads the text from stdin, but stdin is a terminal: pipe the text in')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    chunks.push(buffer)
    size += buffer.length
    if (size >= STDIN_LIMIT) break
  }
  const input = Buffer.concat(chunks).subarray(0, STDIN_LIMIT)
  // As probe --file, lint and diagnose do: binary is bad input, not text that went unrecognised.
  if (isBinary(input)) throw new UsageError('stdin: binary content, not a log line or an error message')
  return input.toString('utf8')
}
