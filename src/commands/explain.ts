import * as Args from '@oclif/core/args'

import {BaseCommand} from '../cli/base-command.js'
import {painter} from '../cli/colour.js'
import {UsageError} from '../cli/errors.js'
import {readStdin, textAfterFlags} from '../explain/arguments.js'
import {MAX_PROBLEMS, type Explanation} from '../explain/types.js'

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
    {description: 'The classic case: what HAProxy means by SC-- (and its 503)', command: '<%= config.bin %> <%= command.id %> SC--'},
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

    const [{explain, explainPaste, inputLines}, {render, renderPaste}] = await Promise.all([import('../explain/index.js'), import('../render/explanation.js')])
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
