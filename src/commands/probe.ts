import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../cli/base-command.js'
import {painter} from '../cli/colour.js'
import {UsageError} from '../cli/errors.js'
import type {Report} from '../observations/report.js'

export default class Probe extends BaseCommand {
  static override summary = 'Probe an HTTPS endpoint on raw sockets and say what a proxy in front of it must do'
  static override description = `Runs six probes at once against each target (plain HTTP, plain HTTP to the TLS port, TLS without SNI, the reference request with SNI and Host right, a wrong Host, a wrong SNI), diagnoses which of TLS, SNI and Host the target demands, and prints the fix for your proxy.

Several targets, --file or - (stdin) make a batch: --concurrency targets at once, a report per target as it finishes (NDJSON with --json), then a summary table (target, verdict, main diagnosis). A line of the list that is not a target is reported (file:line) and skipped.

Exit status: 0 the reference request works (requirements may be listed), 1 it does not (a batch: for any target, or a line of the list was bad), 2 bad usage or input (a batch: no valid target), 130 interrupted (Ctrl-C; what finished is printed).`

  static override examples = [
    {description: 'What does the endpoint demand? (include the stage in the path)', command: '<%= config.bin %> probe abc123.execute-api.eu-west-1.amazonaws.com --path /prod/health'},
    {description: 'Fixes for nginx, from a URL', command: '<%= config.bin %> probe https://d111111abcdef8.cloudfront.net/index.html --proxy-kind nginx'},
    {description: 'Which line of my own proxy is wrong?', command: '<%= config.bin %> probe abc123.execute-api.eu-west-1.amazonaws.com --path /prod/health --via http://127.0.0.1:8080'},
    {description: 'An API key (never printed; sent only over verified TLS)', command: '<%= config.bin %> probe api.example.com -H "x-api-key: $API_KEY" --json'},
    {description: 'Skip DNS: probe the address your proxy uses, fixes for every proxy kind', command: "<%= config.bin %> probe api.example.com --resolve 'api.example.com:*:10.0.0.5' --proxy-kind all"},
    {description: 'A batch, one target per line (# comments), NDJSON out', command: '<%= config.bin %> probe --file targets.txt --json > reports.ndjson'},
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
    header: Flags.string({char: 'H', description: "extra request header 'Name: value', repeatable; secret values are never printed", multiple: true}),
    resolve: Flags.string({description: 'HOST:PORT:ADDR: use ADDR for HOST:PORT, skip DNS (curl\'s meaning); repeatable', multiple: true}),
    'connect-to': Flags.string({description: 'HOST:PORT:ADDR:PORT2: connect there instead (curl\'s meaning); repeatable', multiple: true}),
    'ca-file': Flags.string({description: 'PEM file of extra trusted CA certificates (on top of the system store)'}),
    timeout: Flags.integer({description: 'budget in ms for each phase (connect, handshake, response)', default: 5000}),
    'proxy-kind': Flags.string({description: 'which proxy\'s fixes to print', options: ['haproxy', 'nginx', 'envoy', 'apache', 'caddy', 'traefik', 'all'], default: 'haproxy'}),
    'proxy-version': Flags.string({description: 'version of that proxy, e.g. 2.4 or 3.3: fixes follow it'}),
    via: Flags.string({description: "URL of your own proxy (e.g. http://127.0.0.1:8080): also send the request through it and say which line of its config is wrong"}),
    file: Flags.string({description: 'read targets from FILE, one per line (# comments; a bad line is reported and skipped)'}),
    concurrency: Flags.integer({description: 'targets probed at once in a batch (each opens 6 connections, 7 with --via)', default: 16, min: 1, max: 256}),
    quiet: Flags.boolean({char: 'q', description: 'no spinner'}),
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
      throw new UsageError(bad.length > 0 ? `no valid target: ${bad.length} bad line${bad.length === 1 ? '' : 's'}, nothing to probe` : 'no target: give a host, host:port, IP literal, https:// URL, --file FILE or - for stdin', bad.length > 0 ? 'no-valid-target' : 'usage')
    }

    const [{buildTrustStore}, {probeTarget}, {probeBatch}, interruption] = await Promise.all([
      import('../probes/trust-store.js'),
      import('../pipeline/probe-target.js'),
      import('../pipeline/probe-batch.js'),
      import('../pipeline/interrupt.js'),
    ])
    const secureContext = buildTrustStore(options.caPem)
    const tool = {name: this.config.name, version: this.config.version}
    const style = this.style({...flags, json: flags.json || flags.quiet})
    // A terminal that reports no width (a pty without a size: `script`, some CI runners) would make
    // ora divide by zero columns and erase lines forever: no spinner there.
    const spinner = style.spinner && (process.stderr.columns ?? 0) > 0 ? (await import('ora')).default({text: `probing ${isBatch ? `${targets.length} targets` : targets[0]!.host}…`, stream: process.stderr}).start() : null

    let single: Report | undefined
    const interrupt = interruption.catchInterrupt()
    const result = await probeBatch({
      targets,
      concurrency: flags.concurrency,
      probe: (target) => probeTarget(target, options, secureContext, tool),
      signal: interrupt.signal,
      onReport: (report) => {
        // NDJSON: one line per target as soon as it is done, so a long batch streams.
        if (isBatch && flags.json) this.out(JSON.stringify(report))
        if (!isBatch) single = report
      },
      onProgress: ({done, failing, total}) => {
        if (spinner && isBatch) spinner.text = `probed ${done}/${total}${failing > 0 ? `, ${failing} failing` : ''}…`
      },
    }).finally(() => {
      interrupt.dispose()
      spinner?.stop()
    })

    const paint = painter(style.colour)
    const width = process.stdout.columns || 120
    if (isBatch && !flags.json) {
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

    const [{renderReport}, Table] = await Promise.all([import('../render/probe-report.js'), import('cli-table3')])
    this.out(renderReport(single!, Table.default, {paint, proxyKind: options.proxyKind, width}))
    return undefined
  }
}
