import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../cli/base-command.js'
import {parseProxyVersion} from '../cli/proxy-flags.js'
import type {LintResult} from '../lint/types.js'

export default class Lint extends BaseCommand {
  static override summary = 'Read an HAProxy or nginx config and find what breaks it in front of API Gateway / CloudFront'

  static override description = [
    "Finds, with line numbers and the corrected lines, the mistakes that make a proxy fail in front of API Gateway, CloudFront or any strict-SNI, Host-routed HTTPS origin: plain HTTP to port 443 (400), TLS without SNI (HAProxy 503 SC--, nginx 502), the client's Host forwarded (403), unverified certificates, names resolved only once, and HAProxy ACL typos that stop it from starting.",
    "The kind (haproxy or nginx) is read from the content unless --kind is given. Included files are not followed. Give - to read the configuration from stdin (without --check).",
    "With --check, the proxy's own check (haproxy -c / nginx -t) also runs when it is installed, and its errors and warnings are added (a problem lint already reports is not counted twice). The proxy then resolves the host names in the configuration (DNS queries from this machine), and nginx -t runs with a scratch prefix, pid and error log so that it writes nothing under /var/log or /run; permission or name-resolution failures are reported as 'could not complete' (info), not as errors.",
    'Each fix says how it applies: "replace line N with:" (the directive at that line) or "add:" (next to it, in the same section or block); in --json, fixAction is "replace" or "insert".',
    'Exit status: 0 no error found, 1 an error-level finding, 2 the file cannot be read or linted.',
  ].join('\n\n')

  static override examples = [
    {description: 'The classic case (server line without ssl or sni, Host not rewritten, an ACL typo): the lines to change', command: '<%= config.bin %> lint /etc/haproxy/haproxy.cfg'},
    '<%= config.bin %> lint /etc/nginx/nginx.conf --check',
    '<%= config.bin %> lint haproxy.cfg --proxy-version 2.4 --json',
    '<%= config.bin %> lint site.conf --kind nginx',
    {description: 'From stdin (without --check)', command: '$ cat haproxy.cfg | <%= config.bin %> lint -'},
  ]

  static override args = {
    file: Args.string({description: 'HAProxy or nginx configuration file (- reads stdin)', required: true}),
  }

  static override flags = {
    kind: Flags.string({description: 'configuration kind (read from the content when not given)', options: ['haproxy', 'nginx']}),
    check: Flags.boolean({
      description: "also run haproxy -c / nginx -t when installed and report its errors and warnings (the proxy resolves the config's host names: DNS queries)",
      default: false,
    }),
    'proxy-version': Flags.string({description: 'proxy version the fixes follow, e.g. 2.4 or 3.3 (HAProxy: @system-ca needs 2.6, sni-auto comes with 3.3; default: fixes for 2.6 or later)'}),
  }

  async run(): Promise<LintResult> {
    const {args, flags} = await this.parse(Lint)
    const version = parseProxyVersion(flags['proxy-version'])
    const {lintFile, hasErrors} = await import('../lint/index.js')
    const result = await lintFile(args.file, {
      kind: flags.kind as 'haproxy' | 'nginx' | undefined,
      proxyVersion: version,
      check: flags.check,
    })
    if (!this.jsonEnabled()) {
      const {renderLint} = await import('../lint/render.js')
      this.out(renderLint(result, {colour: this.style(flags).colour}))
    }
    if (hasErrors(result)) process.exitCode = 1
    return result
  }
}
