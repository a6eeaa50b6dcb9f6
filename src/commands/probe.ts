import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../cli/base-command.js'
import {painter} from '../cli/colour.js'
import {UsageError} from '../cli/errors.js'
import type {Report} from '../observations/report.js'

export default class Probe extends BaseCommand {
  static override summary = 'Probe an HTTPS endpoint on raw sockets and say what a proxy in front of it must do'
  static override description = `Runs six probes at once against each target (plain HTTP, plain HTTP to the TLS port, TLS without SNI, the reference request with SNI and Host right, a wrong Host, a wrong SNI), diagnoses which of TLS, SNI and Host the target demands, and prints the fix for your proxy.

On a terminal a spinner runs on stderr while probing and the table fits the window; piped, or with NO_COLOR, --no-color, TERM=dumb or CI, there is no spinner and no colour. The report goes to stdout, progress and errors to stderr.

Exit status: 0 the reference request works (requirements may be listed), 1 it does not, 2 bad usage or input.`

  static override examples = [
    {
      description: 'The classic case: HAProxy answers 503 (SC--) in front of API Gateway. What does the endpoint demand? (the stage goes in the path)',
      command: '<%= config.bin %> probe abc123.execute-api.eu-west-1.amazonaws.com --path /prod/health',
    },
    {description: 'Which line of our own HAProxy is wrong? (its frontend, as clients use it)', command: '<%= config.bin %> probe abc123.execute-api.eu-west-1.amazonaws.com --path /prod/health --via http://127.0.0.1:8080'},
    {description: 'Fixes for nginx, from a URL', command: '<%= config.bin %> probe https://d111111abcdef8.cloudfront.net/index.html --proxy-kind nginx'},
    {description: 'Skip DNS: probe the address your proxy uses, fixes for every proxy kind', command: "<%= config.bin %> probe api.example.com --resolve 'api.example.com:*:10.0.0.5' --proxy-kind all"},
    {description: 'An API key (never printed; sent only over verified TLS)', command: '<%= config.bin %> probe api.example.com -H "x-api-key: $API_KEY" --json'},
    {description: 'A batch from a file, one target per line (# comments): one JSON report per line', command: '<%= config.bin %> probe --file targets.txt --json > reports.ndjson'},
    {description: 'In a script or a health check: only the verdict line; exit status 1 when the reference request fails', command: '<%= config.bin %> probe api.example.com --path /prod/health --quiet'},
    {description: "Each probe's exchange: the ClientHello, the alert or first bytes back, the request and the status line", command: '<%= config.bin %> probe api.example.com --path /prod/health --verbose'},
  ]

  static override strict = false
  static override args = {
    target: Args.string({description: 'host, host:port, IP literal ([::1]:8443), https:// URL, or - for stdin (one per line)', required: false}),
  }

  static override flags = {
    port: Flags.integer({description: 'TLS port (default 443, or the URL\'s)', min: 1, max: 65_535}),
    'http-port': Flags.integer({description: 'plain HTTP port (default 80, or an http:// URL\'s)', min: 1, max: 65_535}),
    path: Flags.string({description: 'request path, with the stage (e.g. /prod/health); default / or the URL\'s'}),
    method: Flags.string({description: 'request method', default: 'GET'}),
    header: Flags.string({char: 'H', description: "extra request header 'Name: value', repeatable; secret values are never printed", multiple: true, multipleNonGreedy: true}),
    redact: Flags.string({description: 'header NAME whose value is a secret too (like Authorization): shown as [redacted], sent only over verified TLS; repeatable', multiple: true, multipleNonGreedy: true}),
    resolve: Flags.string({description: 'HOST:PORT:ADDR: use ADDR for HOST:PORT, skip DNS (curl\'s meaning); repeatable', multiple: true, multipleNonGreedy: true}),
    'connect-to': Flags.string({description: 'HOST:PORT:ADDR:PORT2: connect there instead (curl\'s meaning); repeatable', multiple: true, multipleNonGreedy: true}),
    'all-addresses': Flags.boolean({description: 'probe every address the host resolves to (IPv4 and IPv6), at once, and say which one differs'}),
    'ca-file': Flags.string({description: 'PEM file of extra trusted CA certificates (on top of the system store)'}),
    timeout: Flags.integer({description: 'budget in ms for each phase (connect, handshake, response)', default: 5000}),
    'proxy-kind': Flags.string({description: 'which proxy\'s fixes to print', options: ['haproxy', 'nginx', 'envoy', 'apache', 'caddy', 'traefik', 'all'], default: 'haproxy'}),
    'proxy-version': Flags.string({description: 'version of that proxy, e.g. 2.4 or 3.3: fixes follow it'}),
    via: Flags.string({description: "URL of your own proxy (e.g. http://127.0.0.1:8080): also send the request through it and say which line of its config is wrong"}),
    file: Flags.string({description: 'read targets from FILE, one per line (# comments)'}),
    concurrency: Flags.integer({description: 'targets probed at once in a batch', default: 16, min: 1, max: 256}),
    quiet: Flags.boolean({char: 'q', description: 'print only the verdict line (one per target in a batch) and no spinner; exit status unchanged', exclusive: ['verbose']}),
    verbose: Flags.boolean({char: 'v', description: "also show each probe's exchange: what was sent, the alert or first bytes back, status and headers (secret values redacted)"}),
  }

  async run(): Promise<Report | undefined> {
    const {flags, argv} = await this.parse(Probe)
    const {probeOptions} = await import('../pipeline/probe-options.js')
    const {parseTarget} = await import('../target/parse-target.js')
    const batch = await import('../pipeline/batch.js')

    const options = await probeOptions(flags)
    const inputs = argv as string[]
    const targets = []
    for (const input of inputs) {
      if (input === '-') targets.push(...batch.parseTargetList(await batch.readStdin(), 'stdin'))
      else targets.push(parseTarget(input))
    }
    if (flags.file) targets.push(...batch.parseTargetList(await batch.readTargetFile(flags.file), flags.file))
    if (targets.length === 0) throw new UsageError('no target: give a host, host:port, IP literal, https:// URL, --file FILE or - for stdin')

    const [{buildTrustStore}, {probeTarget}] = await Promise.all([import('../probes/trust-store.js'), import('../pipeline/probe-target.js')])
    const secureContext = buildTrustStore(options.caPem)
    const tool = {name: this.config.name, version: this.config.version}
    const style = this.style({...flags, json: flags.json || flags.quiet})
    const spinner = style.spinner ? (await import('ora')).default({text: `probing ${targets.length === 1 ? targets[0]!.host : `${targets.length} targets`}…`, stream: process.stderr}).start() : null

    const isBatch = targets.length > 1
    let done = 0
    let reports: Report[]
    try {
      reports = await batch.mapConcurrent(targets, flags.concurrency, async (target) => {
        const report = await probeTarget(target, options, secureContext, tool)
        done++
        if (spinner && isBatch) spinner.text = `probed ${done}/${targets.length}…`
        // NDJSON: one line per target as soon as it is done, so a long batch streams.
        if (isBatch && flags.json) this.out(JSON.stringify(report))
        return report
      })
    } finally {
      spinner?.stop()
    }

    const {exitCodeFor} = await import('../diagnosis/diagnose.js')
    process.exitCode = reports.some((r) => exitCodeFor(r) === 1) ? 1 : 0
    if (flags.json) return isBatch ? undefined : reports[0]

    const [{renderReport, renderVerdict}, Table] = await Promise.all([import('../render/probe-report.js'), import('cli-table3')])
    const paint = painter(style.colour)
    const width = process.stdout.columns ?? 120
    if (flags.quiet) {
      this.out(reports.map((r) => renderVerdict(r, {paint}, isBatch)).join('\n'))
      return undefined
    }
    const verbose = flags.verbose ? await import('../render/verbose.js') : undefined
    const exchanges = verbose ? (r: Report) => verbose.renderExchanges(r, {paint, width, headers: options.headers}) : undefined
    const renderOptions = {paint, proxyKind: options.proxyKind, width, exchanges}
    this.out(reports.map((r) => renderReport(r, Table.default, renderOptions)).join('\n\n'))
    return undefined
  }
}
