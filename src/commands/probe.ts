import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../cli/base-command.js'
import {painter, type Paint} from '../cli/colour.js'
import {UsageError} from '../cli/errors.js'
import {proxyFlags} from '../cli/proxy-flags.js'
import {READER_GONE_EXIT, tableWidth, watchReaderGone} from '../cli/stdout.js'
import type {Report} from '../observations/report.js'
import type {ProbeOptions} from '../pipeline/probe-options.js'

export default class Probe extends BaseCommand {
  static override summary = 'Probe an HTTPS endpoint on raw sockets and say what a proxy in front of it must do'
  static override description = `Runs six probes at once against each target (plain HTTP, plain HTTP to the TLS port, TLS without SNI, the reference request with SNI and Host right, a wrong Host, a wrong SNI), diagnoses which of TLS, SNI and Host the target demands, and prints the fix for your proxy.

On a terminal a spinner runs on stderr while probing and the table fits the window; piped, or with NO_COLOR, --no-color, TERM=dumb or CI, there is no spinner and no colour. The report goes to stdout, progress and errors to stderr.

Several targets, --file or - (stdin) make a batch: --concurrency targets at once; with --json one report per line (NDJSON) as each target finishes, otherwise a progress line on a terminal and a summary table at the end (target, verdict, main diagnosis). A line of the list that is not a target is reported (file:line) and skipped.

Exit status: 0 the reference request works (requirements may be listed), 1 it does not (a batch: for any target, or a line of the list was bad), 2 bad usage or input (a batch: no valid target), 130 interrupted (Ctrl-C; what finished is printed), 141 a batch whose reader left before its end (| head: no more targets start).`

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
    timeout: Flags.integer({description: 'budget in ms for each phase (DNS, connect, handshake, response), 1 to 600000', default: 5000}),
    ...proxyFlags,
    via: Flags.string({description: "URL of your own proxy (e.g. http://127.0.0.1:8080): also send the request through it and say which line of its config is wrong"}),
    file: Flags.string({description: 'read targets from FILE, one per line (# comments; a bad line is reported and skipped)'}),
    concurrency: Flags.integer({description: "targets probed at once in a batch, 1 to 256 (each opens its six probes' connections, no more)", default: 16, min: 1, max: 256}),
    quiet: Flags.boolean({char: 'q', description: 'print only the verdict line (one per target in a batch) and no spinner; exit status unchanged', exclusive: ['verbose']}),
    verbose: Flags.boolean({char: 'v', description: "also show each probe's exchange: what was sent, the alert or first bytes back, status and headers (secret values redacted)"}),
  }

  async run(): Promise<Report | undefined> {
    const {flags, argv} = await this.parse(Probe)
    const [{probeOptions}, batch] = await Promise.all([import('../pipeline/probe-options.js'), import('../pipeline/batch.js')])

    const options = await probeOptions(flags)
    const {targets, bad, batch: isBatch} = await batch.collectTargets(argv as string[], flags.file)
    // Bad lines of a list are reported and skipped (NDJSON error objects under --json), before any probe.
    for (const line of bad) {
      if (flags.json) this.out(JSON.stringify(batch.badLineJson(line)))
      else process.stderr.write(batch.badLineText(line) + '\n')
    }
    if (targets.length === 0) {
      const none = isBatch ? 'no target: the list is empty (only blank lines and # comments)' : 'no target: give a host, host:port, IP literal, https:// URL, --file FILE or - for stdin'
      throw new UsageError(bad.length > 0 ? `no valid target: ${bad.length} bad line${bad.length === 1 ? '' : 's'}, nothing to probe` : none, bad.length > 0 ? 'no-valid-target' : 'usage')
    }

    const v8 = await import('node:v8')
    // undici parses HTTP with llhttp, a WebAssembly module: V8 recompiles it with its optimising tier
    // in the background, and Node waits for that job before it exits (~50-100 ms after a probe has
    // printed everything). The baseline tier parses a few small responses just as well.
    v8.setFlagsFromString('--liftoff-only')
    // A batch keeps ~25 MB alive (100 targets in flight) and churns ~0.8 MB per target (certificates
    // of 250 names). After each full GC V8 lets the old generation grow to up to 4x what survived,
    // so peak RSS grew with the length of the list (231 MB at 1000 targets, of which ~100 MB garbage).
    // 1.5x: a few more incremental mark-compacts, tens of MB less (bench/results.md). Read at each GC,
    // so setting it here works; a single probe never reaches its first mark-compact.
    v8.setFlagsFromString('--heap-growing-percent=50')
    const [{buildTrustStore}, {probeTarget}, {probeBatch}, interruption] = await Promise.all([
      import('../probes/trust-store.js'),
      import('../pipeline/probe-target.js'),
      import('../pipeline/probe-batch.js'),
      import('../pipeline/interrupt.js'),
    ])
    const secureContext = buildTrustStore(options.caPem)
    const tool = {name: this.config.name, version: this.config.version}
    const style = this.style(flags)
    // A terminal that reports no width (a pty without a size: `script`, some CI runners) would make
    // ora divide by zero columns and erase lines forever: no spinner there.
    // discardStdin off: ora would put the terminal in raw mode, and a process in a background group
    // (`timeout 30 apigw-doctor …`, `… &`) that touches terminal modes is stopped by SIGTTOU for good.
    // Left cooked, Ctrl-C stays the kernel's SIGINT and a keystroke at worst echoes over the spinner.
    const spinner =
      style.spinner && (process.stderr.columns ?? 0) > 0
        ? (await import('ora')).default({text: `probing ${isBatch ? `${targets.length} targets` : targets[0]!.host}…`, stream: process.stderr, discardStdin: false}).start()
        : null

    const paint = painter(style.colour)
    const width = tableWidth()
    // A human batch prints, per target: nothing (the summary table says it), a verdict line with
    // --quiet (in list order, at the end), or the whole report with --verbose (as it finishes).
    const verdictLines: string[] = []
    const perTarget = isBatch && !flags.json && (flags.quiet || flags.verbose) ? await this.batchReportLine(flags, options.proxyKind, paint, width) : undefined

    let single: Report | undefined
    const interrupt = interruption.catchInterrupt()
    const readerGone = watchReaderGone()
    const result = await probeBatch({
      targets,
      concurrency: flags.concurrency,
      probe: (target) => probeTarget(target, options, secureContext, tool),
      signal: AbortSignal.any([interrupt.signal, readerGone.signal]),
      onReport: (report, _target, index) => {
        if (!isBatch) single = report
        // NDJSON: one line per target as soon as it is done, so a long batch streams; a reader
        // slower than the probes holds the next target back (reports do not queue in memory).
        else if (flags.json) return this.outPaced(JSON.stringify(report))
        else if (flags.quiet) verdictLines[index] = perTarget!(report)
        else if (perTarget) return this.outPaced(perTarget(report) + '\n')
        return undefined
      },
      onProgress: ({done, failing, total}) => {
        if (spinner && isBatch) spinner.text = `probed ${done}/${total}${failing > 0 ? `, ${failing} failing` : ''}…`
      },
    }).finally(() => {
      interrupt.dispose()
      readerGone.dispose()
      spinner?.stop()
    })

    // The reader of stdout left (`| head`): nobody reads the rest, so the batch stopped; a shell
    // sees what it sees of any writer cut off by its pipe, and nothing is said about it.
    if (readerGone.signal.aborted && !interrupt.signal.aborted) return interruption.exitAfterOutput(READER_GONE_EXIT)

    if (isBatch && !flags.json && flags.quiet) {
      this.out(verdictLines.filter((line) => line !== undefined).join('\n'))
    } else if (isBatch && !flags.json) {
      const [{renderBatchSummary}, Table] = await Promise.all([import('../render/batch-summary.js'), import('cli-table3')])
      this.out(renderBatchSummary(result.rows, {targets: targets.length, badLines: bad.length, interrupted: result.interrupted}, Table.default, {paint, width}))
    }
    if (result.interrupted) {
      process.stderr.write(`apigw-doctor: interrupted: ${result.rows.length} of ${targets.length} target${targets.length === 1 ? '' : 's'} probed\n`)
      return interruption.exitAfterOutput(interruption.INTERRUPTED_EXIT)
    }
    process.exitCode = result.failing > 0 || bad.length > 0 ? 1 : 0
    if (isBatch) return undefined
    if (flags.json) return single

    if (flags.quiet) this.out((await import('../render/probe-report.js')).renderVerdict(single!, {paint}))
    else this.out((await this.reportRenderer(flags, options.proxyKind, paint, width))(single!))
    return undefined
  }

  /** The whole human report of one target (with each probe's exchange under --verbose). */
  private async reportRenderer(flags: {verbose: boolean}, proxyKind: ProbeOptions['proxyKind'], paint: Paint, width: number): Promise<(report: Report) => string> {
    const [{renderReport}, Table, verbose] = await Promise.all([import('../render/probe-report.js'), import('cli-table3'), flags.verbose ? import('../render/verbose.js') : undefined])
    const exchanges = verbose ? (r: Report) => verbose.renderExchanges(r, {paint, width}) : undefined
    return (report) => renderReport(report, Table.default, {paint, proxyKind, width, exchanges})
  }

  /** What a human batch prints per target with --quiet (its verdict line) or --verbose (its report). */
  private async batchReportLine(flags: {quiet: boolean; verbose: boolean}, proxyKind: ProbeOptions['proxyKind'], paint: Paint, width: number): Promise<(report: Report) => string> {
    if (!flags.quiet) return this.reportRenderer(flags, proxyKind, paint, width)
    const {renderVerdict} = await import('../render/probe-report.js')
    return (report) => renderVerdict(report, {paint}, true)
  }
}
