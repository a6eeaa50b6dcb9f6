// Runs a command in a real pseudo-terminal: a tmux session on a private socket (no user config),
// of a given size, with an explicit environment. Gives back every byte the program wrote to the
// terminal (tmux pipe-pane, attached before the command starts: a spinner frame erased a moment
// later is still there), the screen as tmux rendered it (capture-pane), and the exit status.
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

export interface PaneRun {
  /** every byte written to the terminal, escape sequences included */
  raw: string
  /** the rendered screen (scroll-back included), one string per row, trailing blanks trimmed */
  screen: string[]
  /** the same rows with their colours, as SGR escape sequences */
  screenAnsi: string[]
  exit: number
}

export interface PaneOptions {
  /** a shell command line (sh), run in `cwd` */
  command: string
  env?: Record<string, string>
  width?: number
  height?: number
  cwd?: string
  timeoutMs?: number
  /** Keys typed into the pane once what the program wrote matches `when` (Ctrl-C is `C-c`). */
  type?: {when: RegExp; keys: string[]}
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

export class Tmux {
  readonly dir = mkdtempSync(join(tmpdir(), 'apigw-doctor-tty-'))
  private readonly socket = join(this.dir, 'tmux.sock')
  private count = 0

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], {encoding: 'utf8'})
  }

  /** The base environment of every pane: nothing inherited, so CI, NO_COLOR… of the test run cannot leak in. */
  static baseEnv(): Record<string, string> {
    return {
      PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: process.env.HOME ?? '/tmp',
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
    }
  }

  async run(opts: PaneOptions): Promise<PaneRun> {
    const n = ++this.count
    const name = `pane${n}`
    const go = join(this.dir, `${name}.go`)
    const exitFile = join(this.dir, `${name}.exit`)
    const rawFile = join(this.dir, `${name}.raw`)
    const env = {...Tmux.baseEnv(), ...opts.env}
    const assignments = Object.entries(env)
      .map(([key, value]) => `${key}=${quote(value)}`)
      .join(' ')
    const script = join(this.dir, `${name}.sh`)
    writeFileSync(
      script,
      [
        // Ctrl-C typed into the pane reaches its whole process group: the shell must outlive it, as
        // an interactive shell does, to record the program's exit status and keep the pane.
        'trap : INT',
        'while [ ! -e ' + quote(go) + ' ]; do sleep 0.02; done',
        `cd ${quote(opts.cwd ?? process.cwd())}`,
        `env -i ${assignments} sh -c ${quote(opts.command)}`,
        `echo $? > ${quote(exitFile)}`,
        'exec sleep 600',
      ].join('\n') + '\n',
    )
    writeFileSync(rawFile, '')
    this.tmux('new-session', '-d', '-s', name, '-x', String(opts.width ?? 120), '-y', String(opts.height ?? 50), `sh ${quote(script)}`)
    this.tmux('set-option', '-t', name, 'history-limit', '5000')
    this.tmux('pipe-pane', '-t', name, '-o', `cat >> ${quote(rawFile)}`)
    writeFileSync(go, '')
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
    let typed = opts.type === undefined
    while (!existsSync(exitFile) || readFileSync(exitFile, 'utf8').trim() === '') {
      if (!typed && opts.type!.when.test(readFileSync(rawFile, 'utf8'))) {
        this.tmux('send-keys', '-t', name, ...opts.type!.keys)
        typed = true
      }
      if (Date.now() > deadline) {
        const screen = this.capture(name)
        this.tmux('kill-session', '-t', name)
        throw new Error(`${opts.command}: still running after ${opts.timeoutMs ?? 30_000} ms; screen:\n${screen.join('\n')}`)
      }
      await sleep(25)
    }
    // Let tmux hand the last output to the pipe and the screen.
    await sleep(250)
    const screen = this.capture(name)
    const screenAnsi = this.capture(name, true)
    this.tmux('kill-session', '-t', name)
    await sleep(50)
    return {raw: readFileSync(rawFile, 'utf8'), screen, screenAnsi, exit: Number(readFileSync(exitFile, 'utf8').trim())}
  }

  /** Keys typed into an interactive program (a shell), then the screen after `settleMs`. */
  async interactive(opts: {command: string; env?: Record<string, string>; width?: number; keys: string[][]; settleMs?: number}): Promise<string[]> {
    const name = `pane${++this.count}`
    const env = {...Tmux.baseEnv(), ...opts.env}
    const assignments = Object.entries(env)
      .map(([key, value]) => `${key}=${quote(value)}`)
      .join(' ')
    this.tmux('new-session', '-d', '-s', name, '-x', String(opts.width ?? 120), '-y', '40', `env -i ${assignments} ${opts.command}`)
    try {
      for (const keys of opts.keys) {
        this.tmux('send-keys', '-t', name, '--', ...keys)
        await sleep(opts.settleMs ?? 400)
      }
      return this.capture(name)
    } finally {
      this.tmux('kill-session', '-t', name)
    }
  }

  capture(name: string, withColours = false): string[] {
    return this.tmux('capture-pane', '-p', ...(withColours ? ['-e'] : []), '-t', name, '-S', '-', '-E', '-')
      .split('\n')
      .map((line) => line.trimEnd())
  }

  close(): void {
    try {
      execFileSync('tmux', ['-S', this.socket, 'kill-server'], {stdio: 'ignore'})
    } catch {
      // no server was started, or it is already gone
    }
    rmSync(this.dir, {recursive: true, force: true})
  }
}

/** The screen without the blank rows tmux pads it with. */
export function nonBlank(screen: string[]): string[] {
  return screen.filter((line) => line.trim() !== '')
}
