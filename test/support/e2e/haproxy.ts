// A real HAProxy as a child process (`haproxy -db -f cfg`), its httplog lines captured from stdout
// (`log stdout format raw local0` in `global`).
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getThroughProxy, type HttpAnswer } from './http-client.js'
import { parseHttplog, type HttplogLine } from './httplog.js'
import { freePort, makeTmpDir, requireBinary, run, startDaemon, waitForListening, type Daemon } from './util.js'

export interface HaproxyInstance {
  /** frontend port on `address` */
  port: number
  address: string
  configFile: string
  config: string
  /** what `haproxy -c` said (warnings included) */
  checkOutput: string
  /** httplog lines (stdout) */
  logs(): string[]
  /** everything HAProxy wrote (stdout + stderr: warnings, alerts, health-check state changes) */
  output(): string[]
  /** resolves with the first log line matching `re` */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>
  stop(): Promise<void>
}

export interface HaproxyContext {
  /** the frontend port picked for this instance */
  port: number
  /** loopback address the frontend should bind */
  address: string
  /** a temp dir for files the config refers to */
  dir: string
}

/** `global` + `defaults` that log in httplog format to stdout and keep failures fast. */
export interface PreambleOptions {
  timeoutConnect?: string
  retries?: number
  /** extra lines for `defaults`, e.g. `option log-health-checks` */
  defaults?: string[]
}

export function haproxyPreamble(opts: PreambleOptions = {}): string {
  return `global
    log stdout format raw local0
    maxconn 256

defaults
    mode http
    log global
    option httplog
    # the readiness check (a bare TCP connect) must not leave a <BADREQ> line in the log
    option dontlognull
    timeout connect ${opts.timeoutConnect ?? '1s'}
    timeout client 10s
    timeout server 10s
    retries ${opts.retries ?? 1}
${(opts.defaults ?? []).map((l) => `    ${l}\n`).join('')}`
}

/** A whole config: the preamble, a frontend on ctx.port whose default_backend is `backendName`, then `backendText`. */
export function haproxyConfigWithBackend(ctx: HaproxyContext, backendName: string, backendText: string, opts?: PreambleOptions): string {
  return `${haproxyPreamble(opts)}
frontend fe_e2e
    bind ${ctx.address}:${ctx.port}
    default_backend ${backendName}

${backendText.endsWith('\n') ? backendText : backendText + '\n'}`
}

/** The name of the first `backend` section in `text`. */
export function backendNameOf(text: string): string {
  const match = /^\s*backend\s+(\S+)/m.exec(text)
  if (!match) throw new Error(`no backend section in:\n${text}`)
  return match[1]!
}

/** `haproxy -c -f file`: throws with HAProxy's output when the config is refused. */
export async function haproxyCheck(configFile: string): Promise<string> {
  const haproxy = requireBinary('haproxy')
  const result = await run(haproxy, ['-c', '-f', configFile], { timeoutMs: 20_000 })
  const output = (result.stdout + result.stderr).trim()
  if (result.code !== 0) throw new Error(`haproxy -c refused ${configFile} (exit ${result.code}):\n${output}`)
  return output
}

/**
 * Write `config` (text, or a function of the picked port/dir) to a temp file, check it with
 * `haproxy -c -f`, run `haproxy -db -f` and wait until the frontend accepts.
 */
export async function startHaproxy(config: string | ((ctx: HaproxyContext) => string), opts: { port?: number; address?: string } = {}): Promise<HaproxyInstance> {
  const haproxy = requireBinary('haproxy')
  const address = opts.address ?? '127.0.0.1'
  const port = opts.port ?? (await freePort(address))
  const tmp = makeTmpDir('haproxy')
  const text = typeof config === 'function' ? config({ port, address, dir: tmp.dir }) : config
  const configFile = join(tmp.dir, 'haproxy.cfg')
  writeFileSync(configFile, text)
  let checkOutput: string
  try {
    checkOutput = await haproxyCheck(configFile)
  } catch (err) {
    tmp.cleanup()
    throw err
  }
  const daemon: Daemon = startDaemon(haproxy, ['-db', '-f', configFile], { name: 'haproxy' })
  try {
    await waitForListening(address, port, 10_000, () => !daemon.exited())
  } catch (err) {
    await daemon.stop('SIGKILL')
    tmp.cleanup()
    throw new Error(`haproxy did not start: ${(err as Error).message}\n${daemon.lines().join('\n')}\n--- config ---\n${text}`)
  }
  // httplog lines go to stdout ("log stdout format raw"); HAProxy's own messages go to stderr.
  const isLog = (line: string) => !/^\[(NOTICE|WARNING|ALERT)\]/.test(line)
  return {
    port,
    address,
    configFile,
    config: text,
    checkOutput,
    logs: () => daemon.stdoutLines().filter(isLog),
    output: () => daemon.lines(),
    waitForLog: async (re, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = daemon.stdoutLines().filter(isLog).find((l) => re.test(l))
        if (found !== undefined) return found
        if (Date.now() > deadline) throw new Error(`no HAProxy log line matching ${re} within ${timeoutMs} ms; output:\n${daemon.lines().join('\n')}`)
        await new Promise((r) => setTimeout(r, 25))
      }
    },
    stop: async () => {
      // SIGUSR1 = soft stop; -db keeps it in the foreground so SIGTERM works as well.
      await daemon.stop('SIGTERM')
      tmp.cleanup()
    },
  }
}

/** The httplog line of the GET of `path`, parsed (waited for: HAProxy logs when the stream ends). */
export async function httplogFor(haproxy: HaproxyInstance, path = '/prod/health'): Promise<HttplogLine> {
  const line = await haproxy.waitForLog(new RegExp(`"GET ${path.replaceAll('/', '\\/')} HTTP/1\\.1"`), 8000)
  const parsed = parseHttplog(line)
  assert.ok(parsed, `not an httplog line: ${line}`)
  return parsed
}

/** GET `path` through HAProxy (getThroughProxy), then its httplog line: both must carry `status`. */
export async function requestThroughHaproxy(haproxy: HaproxyInstance, status: number, path = '/prod/health'): Promise<{ answer: HttpAnswer; log: HttplogLine }> {
  const answer = await getThroughProxy(haproxy.port, path)
  assert.equal(answer.status, status, answer.body)
  const log = await httplogFor(haproxy, path)
  assert.equal(log.status, status, log.line)
  return { answer, log }
}
