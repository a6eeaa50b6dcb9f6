// A tolerant reader of HAProxy configuration files: sections, words with HAProxy's quoting and
// escaping rules, comments, line numbers. It never throws: a template placeholder or a stray
// character becomes a directive that no rule knows, not an exception.

/** One word of a directive: `value` as HAProxy sees it (quotes removed, escapes applied), `raw` as written. */
export interface HaproxyWord {
  value: string
  raw: string
  /** Offset of `raw` in the directive's `text`. */
  start: number
  /** True when any part of the word was quoted (a quoted "if" is not a keyword). */
  quoted: boolean
}

export interface HaproxyDirective {
  /** 1-based line where the directive starts. */
  line: number
  /** Last physical line (differs from `line` when backslash continuation joined lines). */
  endLine: number
  words: HaproxyWord[]
  /** The logical line as written, comments kept, continuation joined with a space. */
  text: string
}

export const SECTION_KEYWORDS = new Set([
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'resolvers',
  'peers',
  'userlist',
  'program',
  'http-errors',
  'ring',
  'cache',
  'mailers',
  'log-forward',
  'fcgi-app',
  'crt-store',
  'traces',
  'acme',
])

/** Sections that hold proxies (servers, ACLs, rules). */
export const PROXY_SECTIONS = new Set(['defaults', 'frontend', 'backend', 'listen'])

export interface HaproxySection {
  keyword: string
  /** The section name (null for `global`, an anonymous `defaults`, ...). */
  name: string | null
  /** The section line itself. */
  header: HaproxyDirective
  /** `from <defaults>` on the section line (HAProxy >= 2.4), if any. */
  from: string | null
  directives: HaproxyDirective[]
}

export interface HaproxyConfig {
  /** Directives before the first section keyword (HAProxy rejects them; kept for completeness). */
  preamble: HaproxyDirective[]
  sections: HaproxySection[]
  /** Lines that ended with a backslash and were joined with the next one. */
  continuations: Array<{line: number; endLine: number; text: string}>
  /** Number of physical lines in the text. */
  lineCount: number
  /** What HAProxy refuses to parse (an unmatched quote), with the line. */
  problems: Array<{line: number; message: string}>
}

const MAX_PROBLEMS = 100

const ESCAPES: Record<string, string> = {' ': ' ', '#': '#', '\\': '\\', "'": "'", '"': '"', r: '\r', n: '\n', t: '\t'}

/** Splits one logical line into words the way HAProxy's parse_line does (minus env expansion). */
export function splitHaproxyWords(text: string): HaproxyWord[] {
  return splitHaproxyLine(text).words
}

/** The words, and where a quote was opened and never closed (HAProxy: "unmatched quote at position N"). */
export function splitHaproxyLine(text: string): {words: HaproxyWord[]; openQuote: number | null} {
  let openQuote: number | null = null
  const words: HaproxyWord[] = []
  let value = ''
  let start = -1
  let quoted = false
  let squote = false
  let dquote = false
  const flush = (end: number): void => {
    if (start >= 0) words.push({value, raw: text.slice(start, end), start, quoted})
    value = ''
    start = -1
    quoted = false
  }
  let i = 0
  while (i < text.length) {
    const ch = text[i] as string
    if (!squote && !dquote && (ch === ' ' || ch === '\t')) {
      flush(i)
      i++
      continue
    }
    if (!squote && !dquote && ch === '#') break
    if (start < 0) start = i
    if (ch === '\\' && !squote && i + 1 < text.length) {
      const next = text[i + 1] as string
      const hex = next === 'x' ? /^[0-9a-f]{2}/i.exec(text.slice(i + 2, i + 4)) : null
      if (hex) {
        value += String.fromCharCode(Number.parseInt(hex[0], 16))
        i += 4
      } else if (next in ESCAPES) {
        value += ESCAPES[next]
        i += 2
      } else {
        // HAProxy keeps unknown escapes as they are (regular expressions rely on it).
        value += ch + next
        i += 2
      }
      continue
    }
    if (ch === "'" && !dquote) {
      squote = !squote
      openQuote = squote ? i : null
      quoted = true
      i++
      continue
    }
    if (ch === '"' && !squote) {
      dquote = !dquote
      openQuote = dquote ? i : null
      quoted = true
      i++
      continue
    }
    value += ch
    i++
  }
  flush(Math.min(i, text.length))
  return {words, openQuote}
}

/** Odd number of trailing backslashes: the line asks to be continued. */
function endsWithContinuation(line: string): boolean {
  const match = /\\+$/.exec(line)
  return match !== null && match[0].length % 2 === 1
}

/** Does the physical line end inside an open quote or after a comment? Then a backslash is not a continuation. */
function continuationCounts(line: string): boolean {
  if (!endsWithContinuation(line)) return false
  let squote = false
  let dquote = false
  for (let i = 0; i < line.length - 1; i++) {
    const ch = line[i]
    if (ch === '\\' && !squote) {
      i++
      continue
    }
    if (ch === "'" && !dquote) squote = !squote
    else if (ch === '"' && !squote) dquote = !dquote
    else if (ch === '#' && !squote && !dquote) return false
  }
  return true
}

export function parseHaproxy(source: string): HaproxyConfig {
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source
  const physical = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
  const lineCount = text.endsWith('\n') ? physical.length - 1 : physical.length
  const config: HaproxyConfig = {preamble: [], sections: [], continuations: [], lineCount, problems: []}
  let current: HaproxySection | null = null

  for (let index = 0; index < physical.length; index++) {
    const line = index + 1
    // Each physical line decides for itself whether it continues (linear even for a file of
    // backslashes); the pieces are joined once.
    let endIndex = index
    const pieces = [physical[index] as string]
    while (continuationCounts(pieces.at(-1) as string) && endIndex + 1 < physical.length) {
      pieces[pieces.length - 1] = (pieces.at(-1) as string).slice(0, -1)
      endIndex++
      pieces.push((physical[endIndex] as string).trimStart())
    }
    const logical = pieces.join(' ')
    if (endIndex !== index) config.continuations.push({line, endLine: endIndex + 1, text: logical})
    index = endIndex

    const {words, openQuote} = splitHaproxyLine(logical)
    if (openQuote !== null && config.problems.length < MAX_PROBLEMS) {
      config.problems.push({line, message: `unmatched quote at position ${openQuote + 1}: HAProxy does not let a quoted string run past the end of the line`})
    }
    if (words.length === 0) continue
    const directive: HaproxyDirective = {line, endLine: endIndex + 1, words, text: logical}
    const first = (words[0] as HaproxyWord).value
    // Conditional blocks (.if/.elif/.else/.endif) and diagnostics (.notice, .warning...) are transparent.
    if (first.startsWith('.') && !(words[0] as HaproxyWord).quoted) continue

    if (SECTION_KEYWORDS.has(first) && !(words[0] as HaproxyWord).quoted) {
      const fromIndex = words.findIndex((word, i) => i >= 2 && word.value === 'from')
      const named = first !== 'global' && words.length > 1 && (words[1] as HaproxyWord).value !== 'from'
      current = {
        keyword: first,
        name: named ? (words[1] as HaproxyWord).value : null,
        header: directive,
        from: fromIndex > 0 ? (words[fromIndex + 1]?.value ?? null) : null,
        directives: [],
      }
      config.sections.push(current)
      continue
    }
    if (current) current.directives.push(directive)
    else config.preamble.push(directive)
  }
  return config
}

/** The words' values, for matching. */
export function values(directive: HaproxyDirective): string[] {
  return directive.words.map((word) => word.value)
}
