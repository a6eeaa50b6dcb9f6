// Shared generators for the fuzz suite: hostile text built from the characters that break config
// lines, shell words and terminals, mixed with fragments of valid input so that the generators
// reach past the first check of each parser.
import fc from 'fast-check'

/** A fixed seed: a failure names its seed and path, and rerunning reproduces it (FUZZ_SEED overrides). */
export const SEED = Number(process.env.FUZZ_SEED ?? 20_261_126)

/** fast-check parameters for every property: fixed seed, a bounded number of runs. */
export function runs(numRuns: number): fc.Parameters<unknown> {
  return {seed: SEED, numRuns, includeErrorInReport: true}
}

/** Characters that end or split a config line, a shell word or a terminal's idea of the text. */
export const HOSTILE_CHARS = [
  '\n', '\r', '\t', ' ', '"', "'", '`', '#', '{', '}', ';', '(', ')', '$', '%', '[', ']', '\\', ',', '|', '&', '<', '>', '=', '!',
  '*', '@', '/', ':', '?', '\u0000', '\u001b', '\u007f', '\u0085', '\u009b', '\u202e', '\u2028', '\u00e9', '\u{1F600}',
] as const

/** Pieces of valid input: the parsers must get past their first check for the fuzz to mean much. */
const VALID_PIECES = ['api', 'test', '.', '-', '_', 'example', 'com', '127.0.0.1', '::1', '[::1]', '443', '8443', 'https://', 'http://', 'www', '1', 'a', 'ff']

export const hostileChar = fc.constantFrom(...HOSTILE_CHARS)

/** Text mixing valid pieces, hostile characters and arbitrary code points. */
export const hostileText = (maxPieces = 12): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof({weight: 4, arbitrary: fc.constantFrom(...VALID_PIECES)}, {weight: 3, arbitrary: hostileChar}, {weight: 1, arbitrary: fc.string({unit: 'binary', maxLength: 4})}), {
      maxLength: maxPieces,
    })
    .map((parts) => parts.join(''))

/** A valid DNS label. */
export const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/)

/** A valid host name (letters last, so it is never read as an IPv4 address). */
export const hostName = fc.tuple(fc.array(label, {minLength: 0, maxLength: 3}), fc.stringMatching(/^[a-z]{1,6}$/)).map(([labels, tld]) => [...labels, tld].join('.'))

/** A host name with hostile characters put somewhere inside it. */
export const hostileHost = fc
  .tuple(hostName, fc.array(hostileChar, {minLength: 1, maxLength: 3}), fc.nat(), label)
  .map(([host, bad, at, tail]) => {
    const cut = at % (host.length + 1)
    return host.slice(0, cut) + bad.join('') + tail + host.slice(cut)
  })

/** A marker that cannot occur by chance in any output: what follows it must never be read as syntax. */
export const MARKER = 'QZXMARK'
/** Closes a marked span: what lies between MARKER and MARKER_END came from the input. */
export const MARKER_END = 'QZXEND'
