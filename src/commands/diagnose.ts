import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../cli/base-command.js'
import {painter} from '../cli/colour.js'
import {parseProxyVersion, proxyFlags} from '../cli/proxy-flags.js'
import {tableWidth} from '../cli/stdout.js'
import type {Report} from '../observations/report.js'

export default class Diagnose extends BaseCommand {
  static override summary = 'Re-run the diagnosis on saved `probe --json` output, offline'
  static override description = `Reads what 'apigw-doctor probe --json' wrote (for example a report a customer pasted): one report, or a batch's NDJSON (one report per line). Each report is validated against the shipped JSON Schema and diagnosed again with this version's rules: no traffic is sent. Certificate dates are judged against the time the probes ran.

Output: the report of each, or with --json the report again (a batch: one JSON object per line, NDJSON).

Exit status: 0 the reference request worked (for every report), 1 it did not (for any report), 2 the input is not valid probe output (a bad line of NDJSON is named by its number).`

  static override examples = [
    '<%= config.bin %> diagnose customer-report.json',
    '<%= config.bin %> diagnose report.json --proxy-kind nginx',
    '<%= config.bin %> probe api.example.com --json | <%= config.bin %> diagnose - --proxy-kind all',
    '<%= config.bin %> probe --file targets.txt --json > reports.ndjson; <%= config.bin %> diagnose reports.ndjson --json',
  ]

  static override args = {
    report: Args.string({description: 'saved `probe --json` output (one report, or NDJSON: one per line), or - for stdin', required: true}),
  }

  static override flags = {
    ...proxyFlags,
  }

  async run(): Promise<Report | undefined> {
    const {args, flags} = await this.parse(Diagnose)
    const version = parseProxyVersion(flags['proxy-version'])
    const [{readReports}, {rediagnose}, {exitCodeFor}] = await Promise.all([
      import('../observations/validate-report.js'),
      import('../pipeline/rediagnose.js'),
      import('../diagnosis/diagnose.js'),
    ])
    // Every report is read and validated before anything is printed: a bad line is exit 2 with no partial output.
    const saved = await readReports(args.report)
    const options = {proxyKind: flags['proxy-kind'] as 'haproxy', proxyVersion: version}
    const reports = saved.reports.map((report) => rediagnose(report, options))
    process.exitCode = reports.some((report) => exitCodeFor(report) === 1) ? 1 : 0
    if (flags.json) {
      if (!saved.ndjson) return reports[0]
      for (const report of reports) this.out(JSON.stringify(report))
      return undefined
    }
    const [{renderReport}, Table] = await Promise.all([import('../render/probe-report.js'), import('cli-table3')])
    const style = this.style(flags)
    const renderOptions = {paint: painter(style.colour), proxyKind: flags['proxy-kind'] as 'haproxy', width: tableWidth()}
    this.out(reports.map((report) => renderReport(report, Table.default, renderOptions)).join('\n\n'))
    return undefined
  }
}
