// oclif's help, with the root page organised by what the user wants to do instead of an A–Z list.
// Command pages (`probe --help`) are oclif's own.
import {Help} from '@oclif/core/help'

interface Task {
  /** What is typed after the binary's name. */
  usage: string
  does: string
}

/** The root page: one section per goal, the commands (and the flag that changes the goal) under it. */
export const TASKS: ReadonlyArray<{goal: string; tasks: Task[]}> = [
  {
    goal: 'FIND WHY A PROXY CANNOT REACH AN HTTPS ENDPOINT',
    tasks: [
      {usage: 'probe <host|URL> --path /stage/resource', does: 'try TLS, SNI and Host on the wire: what the endpoint demands, the fix for your proxy, a whole config to paste'},
      {usage: 'probe <host> --via <proxy URL>', does: 'also send the request through your own proxy: which line of its config is wrong'},
      {usage: 'probe --file targets.txt --json', does: 'a batch, one target per line (# comments): one JSON report per line'},
    ],
  },
  {
    goal: 'CHECK A PROXY CONFIGURATION BEFORE RELOADING',
    tasks: [{usage: 'lint <haproxy.cfg|nginx.conf> [--check]', does: 'the same mistakes found statically, with line numbers and the corrected lines'}],
  },
  {
    goal: 'UNDERSTAND A LOG LINE OR AN ERROR',
    tasks: [{usage: 'explain <SC--|log line|alert|error>', does: 'an HAProxy termination state or log line, an nginx upstream error, a TLS alert, a curl or OpenSSL error; - reads a log from stdin'}],
  },
  {
    goal: 'GO BACK TO A SAVED REPORT',
    tasks: [{usage: 'diagnose <report.json>', does: 'diagnose a saved `probe --json` report again, offline, e.g. for another proxy kind'}],
  },
  {
    goal: 'SET UP',
    tasks: [
      {usage: 'autocomplete [bash|zsh]', does: 'shell completion: prints the line to add to your shell start-up file'},
      {usage: 'help [COMMAND]', does: 'this page, or a command’s flags and examples (same as COMMAND --help)'},
    ],
  },
]

const FOOTER = [
  'Exit status: 0 it works, 1 it does not (or lint found an error), 2 bad usage or input, 130 interrupted (Ctrl-C).',
  'Every command takes --json (data on stdout, errors as {"error": {"code", "message"}} too) and --no-color.',
]

export default class GroupedHelp extends Help {
  protected override async showRootHelp(): Promise<void> {
    this.log(this.formatRoot())
    this.log('')
    for (const {goal, tasks} of TASKS) {
      const rows = tasks.map(({usage, does}) => [usage, does])
      this.log(this.section(goal, this.renderList(rows, {indentation: 2, multiline: true, stripAnsi: this.opts.stripAnsi})))
      this.log('')
    }
    for (const line of [`Run '${this.config.bin} COMMAND --help' for every flag, its default, and examples.`, ...FOOTER]) this.log(this.wrap(line))
  }
}
