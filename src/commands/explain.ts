import * as Args from '@oclif/core/args'

import {BaseCommand} from '../cli/base-command.js'
import {painter, type Paint} from '../cli/colour.js'
import {UsageError} from '../cli/errors.js'
import type {PasteReport} from '../explain/index.js'
import {MAX_PROBLEMS, type Explanation} from '../explain/types.js'

/** Reading stdin stops here: more than any explainer looks at (64 KiB), with room for a multi-byte tail. */
const STDIN_LIMIT = 64 * 1024 + 4

export interface NotRecognised {
  recognised: false
  input: string
  hint: string
}

const HINT = 'Run `apigw-doctor probe <host>` to test the endpoint itself, or paste a whole HAProxy/nginx log line, a curl error, a TLS alert or an error code.'
const NOTHING = 'nothing to explain: give a termination state, a log line, an error or an alert (or - to read stdin)'

export default class Explain extends BaseCommand {
  static override summary = 'Explain an HAProxy termination state or log line, an nginx upstream error, a TLS alert, a curl or Node/OpenSSL error'
  static override description = `Offline: nothing is sent anywhere. Give one of:
  - an HAProxy termination state (SC--, sH--, CD, ----, optionally with the status: "---- 400")
  - a whole HAProxy httplog, tcplog or "httplog clf" line, with or without its syslog prefix, or a health-check line
  - an nginx error-log line about an upstream (SSL_do_handshake() failed …, connect() to … failed, no live upstreams …)
  - a TLS alert number or name (112, alert 40, unrecognized_name)
  - a curl error line or exit code (curl: (35) …, 60, curl 28)
  - a Node/OpenSSL error code or reason (ERR_SSL_TLSV1_UNRECOGNIZED_NAME, ECONNRESET, CERT_HAS_EXPIRED, "wrong version number")
  - an apigw-doctor outcome, probe or diagnosis id (tls-closed, sni-required)
Words need no quoting (a bare ---- is text, not a flag); quote a log line anyway so that the shell leaves its brackets and quotes alone. A word like --bogus is refused as an unknown flag: put text that starts with -- after a lone --. Use "-" to read the text from stdin. A number that is both a TLS alert and a curl exit code (22, 43, 47, 51, 60, 80, 90) is read the likelier way and the other reading is named; "alert 60" or "curl 43" picks one.

Several lines (a log excerpt on stdin): each distinct problem is explained once, in the order it first appears (at most ${MAX_PROBLEMS}; a 200 "----" line is no problem), with its line number and how often it recurs; when no line shows a problem, the first recognised one is explained. Under --json the answer is then an array of explanations (one input line: one object, as before; nothing recognised: {"recognised": false, …}).

Exit status: 0 recognised, 1 not recognised, 2 bad usage.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> SC--',
    '<%= config.bin %> <%= command.id %> ---- 400',
    `<%= config.bin %> <%= command.id %> '127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_main be_api/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /prod/health HTTP/1.1"'`,
    `<%= config.bin %> <%= command.id %> '2026/11/26 05:10:01 [error] 1234#1234: *1 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "https://127.0.0.2:443/", host: "localhost:8080"'`,
    '<%= config.bin %> <%= command.id %> 112',
    `<%= config.bin %> <%= command.id %> 'curl: (35) OpenSSL/3.0.13: error:0A000458:SSL routines::tlsv1 unrecognized name'`,
    '<%= config.bin %> <%= command.id %> ERR_SSL_WRONG_VERSION_NUMBER --json',
    {description: 'Explain each distinct failure among the last 50 lines of a log:', command: '$ tail -n 50 /var/log/haproxy.log | <%= config.bin %> <%= command.id %> -'},
    {description: 'The same for nginx, as JSON (an array: one explanation per distinct problem):', command: '$ tail -n 50 /var/log/nginx/error.log | <%= config.bin %> <%= command.id %> - --json'},
  ]

  static override strict = false

  static override args = {
    text: Args.string({description: 'the text to explain (several words are joined with spaces); "-" reads stdin', required: false}),
  }

  async run(): Promise<Explanation | Explanation[] | NotRecognised> {
    this.argv = textAfterFlags(this.argv)
    const {argv, flags} = await this.parse(Explain)
    const words = (argv as unknown[]).map(String)
    if (words.length === 0) throw new UsageError(NOTHING)
    const fromStdin = words.length === 1 && words[0] === '-'
    const text = fromStdin ? await readStdin() : words.join(' ')
    if (text.trim().length === 0) throw new UsageError(fromStdin ? 'nothing to explain: stdin was empty' : NOTHING)

    const {explain, explainPaste, inputLines} = await import('../explain/index.js')
    const {echo} = await import('../explain/text.js')
    const paint = painter(this.style(flags).colour)
    // Wrapped (bullets indented) only on a terminal; piped output keeps one line per item for grep.
    const width = process.stdout.isTTY ? Math.min((process.stdout.columns || 80) - 1, 120) : undefined

    if (inputLines(text).length > 1) {
      const report = explainPaste(text)
      if (report.explanations.length > 0) {
        if (!this.jsonEnabled()) this.out(renderPaste(report, paint, width))
        return report.explanations
      }
    } else {
      const explanation = explain(text)
      if (explanation) {
        if (!this.jsonEnabled()) this.out(render(explanation, paint, width))
        return explanation
      }
    }
    process.exitCode = 1
    const result: NotRecognised = {recognised: false, input: echo(text), hint: HINT}
    if (!this.jsonEnabled()) {
      this.out(`${paint('yellow', 'Not recognised:')} ${result.input}`)
      this.out(HINT)
    }
    return result
  }
}

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

const KIND_LABEL: Record<Explanation['kind'], string> = {
  'haproxy-termination-state': 'HAProxy termination state',
  'haproxy-log': 'HAProxy log line',
  'nginx-error': 'nginx error log',
  'tls-alert': 'TLS alert',
  curl: 'curl error',
  'error-code': 'error code',
  outcome: 'apigw-doctor id / HTTP status',
}

/**
 * Greedy word wrap with a hanging indent: `first` before the first line, `rest` before the others.
 * A `code span` is kept on one line where it fits; a word longer than the width is left whole.
 */
export function wrap(text: string, width: number, first = '', rest = first): string[] {
  const tokens: string[] = []
  let open = ''
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    const joined = open ? `${open} ${word}` : word
    const ticks = (joined.match(/`/g) ?? []).length
    if (ticks % 2 === 1 && joined.length < width / 2) open = joined
    else {
      tokens.push(joined)
      open = ''
    }
  }
  if (open) tokens.push(open)
  const lines: string[] = []
  let line = ''
  for (const token of tokens) {
    if (line === '') line = first + token
    else if (line.length + 1 + token.length > width) {
      lines.push(line)
      line = rest + token
    } else line = `${line} ${token}`
  }
  lines.push(line === '' ? first : line)
  return lines
}

/** Human output: the summary, then the sections that have something in them; wrapped (bullets indented) when `width` is given. */
export function render(e: Explanation, paint: Paint, width?: number): string {
  const label = `[${KIND_LABEL[e.kind]}]`
  const head = width ? wrap(`${label} ${e.summary}`, width, '', '  ') : [`${label} ${e.summary}`]
  const lines = head.map((line, i) => (i === 0 ? `${paint('dim', label)} ${paint('bold', line.slice(label.length + 1))}` : paint('bold', line)))
  const section = (title: string, items: string[], colour: 'cyan' | 'yellow' | 'green'): void => {
    if (items.length === 0) return
    lines.push('', paint(colour, title))
    for (const item of items) lines.push(...(width ? wrap(item, width, '  - ', '    ') : [`  - ${item}`]))
  }
  section('What it means', e.meaning, 'cyan')
  section('Likely causes', e.likelyCauses, 'yellow')
  section('Next steps', e.nextSteps, 'green')
  return lines.join('\n')
}

/** Human output for a log excerpt: a count, then each distinct problem under its line number. */
export function renderPaste(report: PasteReport, paint: Paint, width?: number): string {
  const shown = report.explanations.length
  const out: string[] = []
  if (report.recognised === 0) {
    out.push(paint('dim', `${report.lines} lines, none recognised on its own; read as a whole:`))
  } else if (report.problems === 0) {
    out.push(paint('dim', `${report.lines} lines, ${report.recognised} recognised: no failure among them; the first recognised line:`))
  } else {
    const more = report.problems > shown ? ` (the first ${shown} shown)` : ''
    out.push(paint('dim', `${report.lines} lines, ${report.recognised} recognised, ${report.problems} distinct problem${report.problems === 1 ? '' : 's'}${more}:`))
  }
  for (const [index, e] of report.explanations.entries()) {
    const f = (e.fields ?? {}) as Record<string, unknown>
    const occurrences = Number(f.occurrences ?? 1)
    const where = f.lineNumber !== undefined ? `line ${String(f.lineNumber)}` : 'the whole text'
    const again = occurrences > 1 ? ` (and ${occurrences - 1} more line${occurrences === 2 ? '' : 's'} like it)` : ''
    out.push('', paint('dim', `── ${report.problems > 1 ? `${index + 1}/${shown}: ` : ''}${where}${again} ──`), render(e, paint, width))
  }
  if (report.problems > shown) out.push('', paint('dim', `… ${report.problems - shown} more distinct problems not shown: explain those lines one at a time.`))
  return out.join('\n')
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('"-" reads the text from stdin, but stdin is a terminal: pipe the text in')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    chunks.push(buffer)
    size += buffer.length
    if (size >= STDIN_LIMIT) break
  }
  return Buffer.concat(chunks).subarray(0, STDIN_LIMIT).toString('utf8')
}
