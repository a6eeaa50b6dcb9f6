import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../cli/base-command.js'
import {painter} from '../cli/colour.js'
import type {Report} from '../observations/report.js'

export default class Diagnose extends BaseCommand {
  static override summary = 'Re-run the diagnosis on a saved `probe --json` report, offline'
  static override description = `Reads a report saved with 'apigw-doctor probe --json' (for example one a customer pasted), validates it against the shipped JSON Schema, and diagnoses it again with this version's rules: no traffic is sent. Certificate dates are judged against the time the probes ran.

Exit status: 0 the reference request worked, 1 it did not, 2 the file is not a valid report.`

  static override examples = [
    '<%= config.bin %> diagnose customer-report.json',
    '<%= config.bin %> diagnose report.json --proxy-kind nginx',
    '<%= config.bin %> probe api.example.com --json | <%= config.bin %> diagnose - --proxy-kind all',
  ]

  static override args = {
    report: Args.string({description: 'path of the saved report, or - for stdin', required: true}),
  }

  static override flags = {
    'proxy-kind': Flags.string({description: "which proxy's fixes to print", options: ['haproxy', 'nginx', 'envoy', 'apache', 'caddy', 'traefik', 'all'], default: 'haproxy'}),
    'proxy-version': Flags.string({description: 'version of that proxy, e.g. 2.4 or 3.3'}),
  }

  async run(): Promise<Report | undefined> {
    const {args, flags} = await this.parse(Diagnose)
    const [{readReport}, {rediagnose}] = await Promise.all([import('../observations/validate-report.js'), import('../pipeline/rediagnose.js')])
    const saved = await readReport(args.report)
    const report = rediagnose(saved, {proxyKind: flags['proxy-kind'] as 'haproxy', proxyVersion: flags['proxy-version'] ?? null})
    const {exitCodeFor} = await import('../diagnosis/diagnose.js')
    process.exitCode = exitCodeFor(report)
    if (flags.json) return report
    const [{renderReport}, Table] = await Promise.all([import('../render/probe-report.js'), import('cli-table3')])
    const style = this.style(flags)
    this.out(renderReport(report, Table.default, {paint: painter(style.colour), proxyKind: flags['proxy-kind'] as 'haproxy', width: process.stdout.columns ?? 120}))
    return undefined
  }
}
