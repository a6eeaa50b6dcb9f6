import * as Args from '@oclif/core/args'

import {BaseCommand} from '../cli/base-command.js'
import {painter, type Paint} from '../cli/colour.js'
import {UsageError} from '../cli/errors.js'
import type {Explanation} from '../explain/types.js'

/** Reading stdin stops here: more than any explainer looks at (64 KiB), with room for a multi-byte tail. */
const STDIN_LIMIT = 64 * 1024 + 4

export interface NotRecognised {
  recognised: false
  input: string
  hint: string
}

const HINT = 'Run `apigw-doctor probe <host>` to test the endpoint itself, or paste a whole HAProxy/nginx log line, a curl error, a TLS alert or an error code.'

export default class Explain extends BaseCommand {
  static override summary = 'Explain an HAProxy termination state or log line, an nginx upstream error, a TLS alert, a curl or Node/OpenSSL error'
  static override description = `Offline: nothing is sent anywhere. Give one of:
  - an HAProxy termination state (SC--, sH--, CD, ----, optionally with the status: "---- 400")
  - a whole HAProxy httplog or tcplog line, with or without its syslog prefix, or a health-check line
  - an nginx error-log line about an upstream (SSL_do_handshake() failed …, no live upstreams …)
  - a TLS alert number or name (112, alert 40, unrecognized_name)
  - a curl error line or exit code (curl: (35) …, 60)
  - a Node/OpenSSL error code or reason (ERR_SSL_TLSV1_UNRECOGNIZED_NAME, ECONNRESET, CERT_HAS_EXPIRED, "wrong version number")
  - an apigw-doctor outcome, probe or diagnosis id (tls-closed, sni-required)
Words need no quoting (a bare ---- is text, not a flag); quote a log line anyway so that the shell leaves its brackets and quotes alone. Use "-" to read the text from stdin.
Exit status: 0 recognised, 1 not recognised, 2 bad usage.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> SC--',
    '<%= config.bin %> <%= command.id %> ---- 400',
    `<%= config.bin %> <%= command.id %> '127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_main be_api/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /prod/health HTTP/1.1"'`,
    `<%= config.bin %> <%= command.id %> '2026/11/26 05:10:01 [error] 1234#1234: *1 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "https://127.0.0.2:443/", host: "localhost:8080"'`,
    '<%= config.bin %> <%= command.id %> 112',
    `<%= config.bin %> <%= command.id %> 'curl: (35) OpenSSL/3.0.13: error:0A000458:SSL routines::tlsv1 unrecognized name'`,
    '<%= config.bin %> <%= command.id %> ERR_SSL_WRONG_VERSION_NUMBER --json',
    'tail -n 1 /var/log/haproxy.log | <%= config.bin %> <%= command.id %> -',
  ]

  static override strict = false

  static override args = {
    text: Args.string({description: 'the text to explain (several words are joined with spaces); "-" reads stdin', required: true}),
  }

  async run(): Promise<Explanation | NotRecognised> {
    this.argv = textAfterFlags(this.argv)
    const {argv, flags} = await this.parse(Explain)
    const words = (argv as unknown[]).map(String)
    const text = words.length === 1 && words[0] === '-' ? await readStdin() : words.join(' ')
    if (text.trim().length === 0) throw new UsageError('nothing to explain: give a termination state, a log line, an error or an alert (or "-" with text on stdin)')

    const {explain} = await import('../explain/index.js')
    const {echo} = await import('../explain/text.js')
    const explanation = explain(text)
    const paint = painter(this.style(flags).colour)

    if (!explanation) {
      process.exitCode = 1
      const result: NotRecognised = {recognised: false, input: echo(text), hint: HINT}
      if (!this.jsonEnabled()) {
        this.out(`${paint('yellow', 'Not recognised:')} ${result.input}`)
        this.out(HINT)
      }
      return result
    }
    if (!this.jsonEnabled()) this.out(render(explanation, paint))
    return explanation
  }
}

/** Flags this command takes; every other word, dashes included (`----`, `-1/-1`), is text to explain. */
const OWN_FLAGS = new Set(['--json', '--no-color', '--help', '-h'])

/**
 * Moves the command's own flags first and the text after a `--`, so that a pasted `----` or
 * `-` token is read as text rather than as an unknown flag. A `--` given by the user ends flags.
 */
export function textAfterFlags(argv: string[]): string[] {
  const flags: string[] = []
  const text: string[] = []
  let passThrough = false
  for (const word of argv) {
    if (!passThrough && word === '--') passThrough = true
    else if (!passThrough && OWN_FLAGS.has(word)) flags.push(word)
    else text.push(word)
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

/** Human output: the summary, then the sections that have something in them. */
export function render(e: Explanation, paint: Paint): string {
  const lines = [`${paint('dim', `[${KIND_LABEL[e.kind]}]`)} ${paint('bold', e.summary)}`]
  const section = (title: string, items: string[], colour: 'cyan' | 'yellow' | 'green'): void => {
    if (items.length === 0) return
    lines.push('', paint(colour, title))
    for (const item of items) lines.push(`  - ${item}`)
  }
  section('What it means', e.meaning, 'cyan')
  section('Likely causes', e.likelyCauses, 'yellow')
  section('Next steps', e.nextSteps, 'green')
  return lines.join('\n')
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
