// A small tolerant nginx configuration reader: directives ending in `;`, blocks in `{}`,
// comments, single- and double-quoted strings, variables (`${name}` keeps its braces), line
// numbers. Unbalanced braces and template placeholders ({{ var }}, {name}) never throw.

export interface NginxDirective {
  name: string
  /** Arguments as nginx sees them (quotes removed, escapes applied). */
  args: string[]
  /** Arguments as written. */
  rawArgs: string[]
  /** 1-based line of the directive's first word. */
  line: number
  /** The block's directives, or null for a simple directive. */
  block: NginxDirective[] | null
  /** The block directive this one sits in; null at the top level. */
  parent: NginxDirective | null
}

export interface NginxConfig {
  directives: NginxDirective[]
  lineCount: number
  /**
   * Problems the reader recovered from (an unexpected `}`, an unclosed block...); `fix` is the
   * corrected line when it is certain (a one-line directive that only lacks its `;`).
   */
  problems: Array<{line: number; message: string; fix?: string}>
}

const MAX_DEPTH = 200

/**
 * Directives that never appear as an argument of another: one of them, unquoted, at the start of a
 * new line while a directive is still open means the previous line lacks its `;` (nginx then reads
 * both as one directive and fails with "invalid number of arguments" or worse).
 */
const LINE_START_DIRECTIVES = new Set([
  'proxy_pass',
  'proxy_set_header',
  'proxy_ssl_server_name',
  'proxy_ssl_name',
  'proxy_ssl_verify',
  'proxy_ssl_verify_depth',
  'proxy_ssl_trusted_certificate',
  'proxy_http_version',
  'proxy_read_timeout',
  'proxy_connect_timeout',
  'proxy_send_timeout',
  'proxy_redirect',
  'proxy_buffering',
  'listen',
  'server_name',
  'location',
  'resolver',
  'add_header',
  'access_log',
  'error_log',
  'try_files',
  'client_max_body_size',
  'ssl_certificate',
  'ssl_certificate_key',
  'upstream',
  'keepalive',
])
const MAX_PROBLEMS = 100

type Token =
  | {type: 'word'; value: string; raw: string; line: number}
  | {type: 'open' | 'close' | 'semi'; line: number}

/** Template placeholders that read as words: {{ var }}, {% tag %}, {name} (bounded: no quadratic scans). */
const PLACEHOLDER = /\{\{[^\n{}]{0,200}\}\}|\{%[^\n]{0,200}?%\}|\{[A-Za-z_][\w.-]{0,100}\}/y

const QUOTE_ESCAPES: Record<string, string> = {'"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n'}

/** Tokens one at a time (a 5 MiB file of braces must not become millions of objects at once). */
function* tokenize(text: string, problems: NginxConfig['problems']): Generator<Token> {
  let line = 1
  let i = 0
  const n = text.length
  while (i < n) {
    const ch = text[i] as string
    if (ch === '\n') {
      line++
      i++
      continue
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++
      continue
    }
    if (ch === '#') {
      while (i < n && text[i] !== '\n') i++
      continue
    }
    if (ch === ';') {
      yield ({type: 'semi', line})
      i++
      continue
    }
    if (ch === '}') {
      yield ({type: 'close', line})
      i++
      continue
    }
    if (ch === '{') {
      // Template placeholders are words, not blocks: {{ var }}, {% tag %}, {name}.
      PLACEHOLDER.lastIndex = i
      const placeholder = PLACEHOLDER.exec(text)
      if (placeholder) {
        const end = wordEnd(text, i + placeholder[0].length)
        yield ({type: 'word', value: text.slice(i, end), raw: text.slice(i, end), line})
        i = end
        continue
      }
      yield ({type: 'open', line})
      i++
      continue
    }
    if (ch === '"' || ch === "'") {
      const startLine = line
      let value = ''
      let j = i + 1
      let closed = false
      while (j < n) {
        const c = text[j] as string
        if (c === '\\' && j + 1 < n) {
          const next = text[j + 1] as string
          value += next in QUOTE_ESCAPES ? QUOTE_ESCAPES[next] : c + next
          if (next === '\n') line++
          j += 2
          continue
        }
        if (c === ch) {
          closed = true
          j++
          break
        }
        if (c === '\n') line++
        value += c
        j++
      }
      if (!closed && problems.length < MAX_PROBLEMS) problems.push({line: startLine, message: `unterminated ${ch === '"' ? 'double' : 'single'}-quoted string`})
      yield ({type: 'word', value, raw: text.slice(i, j), line: startLine})
      i = j
      continue
    }
    const end = wordEnd(text, i)
    const raw = text.slice(i, end)
    yield ({type: 'word', value: unescapeWord(raw), raw, line})
    i = end
  }
}

/** End of an unquoted word: whitespace, `;` or a `{` that is not a variable's brace end it. */
function wordEnd(text: string, from: number): number {
  let j = from
  let afterDollar = false
  let inVarBraces = false
  while (j < text.length) {
    const c = text[j] as string
    if (c === '\\' && j + 1 < text.length && text[j + 1] !== '\n') {
      j += 2
      afterDollar = false
      continue
    }
    if (c === '{' && afterDollar) {
      inVarBraces = true
      afterDollar = false
      j++
      continue
    }
    if (c === '}' && inVarBraces) {
      inVarBraces = false
      j++
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';' || c === '{') break
    afterDollar = c === '$'
    j++
  }
  return j
}

function unescapeWord(raw: string): string {
  return raw.replaceAll(/\\(.)/g, (_m, c: string) => (c in QUOTE_ESCAPES ? (QUOTE_ESCAPES[c] as string) : '\\' + c))
}

export function parseNginx(source: string): NginxConfig {
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source
  const problems: NginxConfig['problems'] = []
  const root: NginxDirective[] = []
  interface Frame {
    directive: NginxDirective | null
    list: NginxDirective[]
  }
  // `frames` are the real blocks; `braces` every open brace (null for one that builds nothing).
  const frames: Frame[] = [{directive: null, list: root}]
  const braces: Array<Frame | null> = []
  let pending: Array<Extract<Token, {type: 'word'}>> = []

  const problem = (line: number, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({line, message})
  }
  const top = (): Frame => frames.at(-1) as Frame
  const tooDeep = (): boolean => frames.length > MAX_DEPTH
  const make = (block: NginxDirective[] | null): NginxDirective | null => {
    if (pending.length === 0) return null
    const [first, ...rest] = pending
    pending = []
    // Deeper than any real config: keep the braces balanced, build nothing.
    if (tooDeep()) return null
    const directive: NginxDirective = {
      name: (first as Extract<Token, {type: 'word'}>).value,
      args: rest.map((word) => word.value),
      rawArgs: rest.map((word) => word.raw),
      line: (first as Extract<Token, {type: 'word'}>).line,
      block,
      parent: top().directive,
    }
    top().list.push(directive)
    return directive
  }

  let previousLine = 0
  for (const token of tokenize(text, problems)) {
    const firstOnLine = token.line !== previousLine
    previousLine = token.line
    switch (token.type) {
      case 'word': {
        const head = pending[0]
        const last = pending.at(-1)
        if (head && last && firstOnLine && token.raw === token.value && LINE_START_DIRECTIVES.has(token.value) && token.line > last.line) {
          // Only a plain one-line directive is put back (never a template placeholder or a control character).
          const oneLine = pending.every((word) => word.line === head.line && !/\$\{|\{\{|%\[|[\u0000-\u001F]/.test(word.raw))
          const fix = oneLine ? `${pending.map((word) => word.raw).join(' ')};` : undefined
          if (problems.length < MAX_PROBLEMS) {
            problems.push({line: last.line, message: `"${head.value.slice(0, 60)}" directive is not terminated by ";" (the next line starts with ${token.value})`, ...(fix ? {fix} : {})})
          }
          make(null)
        }
        pending.push(token)
        break
      }
      case 'semi': {
        make(null)
        break
      }
      case 'open': {
        if (pending.length === 0 || tooDeep()) {
          problem(token.line, pending.length === 0 ? 'block without a directive name' : `blocks nested more than ${MAX_DEPTH} deep`)
          pending = []
          braces.push(null)
          break
        }
        const block: NginxDirective[] = []
        const frame: Frame = {directive: make(block) as NginxDirective, list: block}
        frames.push(frame)
        braces.push(frame)
        break
      }
      case 'close': {
        if (pending.length > 0) {
          problem((pending.at(-1) as {line: number}).line, `"${(pending[0] as {value: string}).value.slice(0, 60)}" directive is not terminated by ";"`)
          make(null)
        }
        if (braces.length === 0) {
          problem(token.line, 'unexpected "}"')
          break
        }
        if (braces.pop()) frames.pop()
        break
      }
    }
  }
  // An unterminated string swallows the rest of the file: the end-of-file problems are its echo.
  const swallowed = problems.some((candidate) => candidate.message.startsWith('unterminated'))
  if (pending.length > 0) {
    if (!swallowed) problem(pending[0]?.line ?? 1, 'unexpected end of file, expecting ";" or "}"')
    make(null)
  }
  if (braces.length > 0 && !swallowed) problem(top().directive?.line ?? 1, 'unexpected end of file, expecting "}"')
  const lineCount = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
  return {directives: root, lineCount: Math.max(1, lineCount), problems}
}

/** Every directive, depth first, in file order. */
export function* walkNginx(directives: NginxDirective[]): Generator<NginxDirective> {
  // Iterative: a file nested thousands of blocks deep must not exhaust the stack.
  const stack: Array<{list: NginxDirective[]; index: number}> = [{list: directives, index: 0}]
  while (stack.length > 0) {
    const top = stack.at(-1) as {list: NginxDirective[]; index: number}
    if (top.index >= top.list.length) {
      stack.pop()
      continue
    }
    const directive = top.list[top.index++] as NginxDirective
    yield directive
    if (directive.block && directive.block.length > 0) stack.push({list: directive.block, index: 0})
  }
}
