// Small building blocks shared by the e2e helpers: temp dirs, free loopback ports, binaries on PATH,
// child processes whose output is captured line by line, and waiting for a port to accept.
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** Loopback only: these helpers refuse any other address. */
export function assertLoopback(host: string): void {
  const ok = host === '::1' || host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  if (!ok) throw new Error(`e2e helpers bind and connect on loopback only, not ${host}`)
}

/** A fresh temp dir; removed by `cleanup()` (or left for inspection when APIGW_E2E_KEEP=1). */
export function makeTmpDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `apigw-e2e-${prefix}-`))
  return {
    dir,
    cleanup: () => {
      if (process.env.APIGW_E2E_KEEP === '1') return
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A port that is free on `host` right now (bound then released; the caller binds it next). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  assertLoopback(host)
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))))
    })
  })
}

/** Distinct free ports on `host`. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) ports.add(await freePort(host))
  return [...ports]
}

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin']

/**
 * Absolute path of an executable (PATH plus the sbin dirs a non-root PATH may lack).
 * Throws, so that a test that needs haproxy or nginx FAILS when it is missing instead of skipping.
 */
export function requireBinary(name: string, hint = `apt-get install -y ${name}`): string {
  // APIGW_E2E_HAPROXY_BIN=/path (or _NGINX_BIN) picks a specific build; a wrong path fails like a missing binary
  const override = process.env[`APIGW_E2E_${name.toUpperCase().replaceAll(/[^A-Z0-9]/g, '_')}_BIN`]
  if (override) {
    try {
      accessSync(override, fsConstants.X_OK)
      return override
    } catch {
      throw new Error(`${name} is required by the e2e suite but ${override} (from APIGW_E2E_${name.toUpperCase()}_BIN) is not executable`)
    }
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS]
  for (const dir of dirs) {
    const candidate = join(dir, name)
    try {
      accessSync(candidate, fsConstants.X_OK)
      return candidate
    } catch {
      // next
    }
  }
  throw new Error(`${name} is required by the e2e suite but was not found on PATH or in ${SBIN_DIRS.join(', ')} (install it: ${hint})`)
}

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Run a command to completion (bounded by `timeoutMs`), capturing its output. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    if (child.stdin) {
      // a child that exits without reading its stdin must not crash the test with EPIPE
      child.stdin.on('error', () => {})
      child.stdin.end(opts.input)
    }
  })
}

// Children still alive when the test process exits are killed (a failing test must not leak proxies).
const live = new Set<ChildProcess>()
let exitHookInstalled = false
function trackChild(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const c of live) {
        try {
          c.kill('SIGKILL')
        } catch {
          // already gone
        }
      }
    })
  }
}

export interface Daemon {
  readonly pid: number
  /** every line the child wrote so far, stdout and stderr interleaved in arrival order */
  lines(): string[]
  stdoutLines(): string[]
  stderrLines(): string[]
  exited(): boolean
  /** resolves with the first line matching `re` (already seen or coming), rejects after `timeoutMs` */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`; resolves once the child is gone */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>
}

/** Start a long-running child (a proxy in the foreground), capturing its output line by line. */
export function startDaemon(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; name?: string } = {}): Daemon {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
  trackChild(child)
  const all: string[] = []
  const out: string[] = []
  const err: string[] = []
  const waiters: { re: RegExp; resolve(line: string): void }[] = []
  let exitedFlag = false
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exitedFlag = true), resolve())))
  child.once('error', (e) => {
    all.push(`[${opts.name ?? cmd}] spawn error: ${e.message}`)
    exitedFlag = true
  })
  const feed = (sink: string[]) => {
    let rest = ''
    return (chunk: string) => {
      rest += chunk
      const parts = rest.split('\n')
      rest = parts.pop() ?? ''
      for (const raw of parts) {
        const line = raw.replace(/\r$/, '')
        if (!line) continue
        sink.push(line)
        all.push(line)
        for (let i = waiters.length - 1; i >= 0; i--) {
          const w = waiters[i]!
          if (w.re.test(line)) {
            waiters.splice(i, 1)
            w.resolve(line)
          }
        }
      }
    }
  }
  child.stdout!.setEncoding('utf8').on('data', feed(out))
  child.stderr!.setEncoding('utf8').on('data', feed(err))
  return {
    pid: child.pid ?? -1,
    lines: () => [...all],
    stdoutLines: () => [...out],
    stderrLines: () => [...err],
    exited: () => exitedFlag,
    waitForLine(re, timeoutMs = 5000) {
      const seen = all.find((l) => re.test(l))
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const waiter = {
          re,
          resolve: (line: string) => {
            clearTimeout(timer)
            resolve(line)
          },
        }
        const timer = setTimeout(() => {
          const i = waiters.indexOf(waiter)
          if (i >= 0) waiters.splice(i, 1)
          reject(new Error(`no line matching ${re} from ${opts.name ?? cmd} within ${timeoutMs} ms; got:\n${all.join('\n')}`))
        }, timeoutMs)
        waiters.push(waiter)
      })
    },
    async stop(signal = 'SIGTERM', graceMs = 3000) {
      if (exitedFlag || child.exitCode !== null || child.signalCode !== null) return
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exitPromise
      clearTimeout(timer)
    },
  }
}

/** Resolves once `host:port` accepts a TCP connection; rejects after `timeoutMs` or when `alive()` turns false. */
export async function waitForPort(host: string, port: number, timeoutMs = 10_000, alive: () => boolean = () => true): Promise<void> {
  assertLoopback(host)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port })
      const done = (v: boolean) => {
        socket.destroy()
        resolve(v)
      }
      socket.setTimeout(500, () => done(false))
      socket.once('connect', () => done(true))
      socket.once('error', () => done(false))
    })
    if (ok) return
    if (!alive()) throw new Error(`the process meant to listen on ${host}:${port} exited`)
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`)
    await sleep(50)
  }
}

/** Poll `fn` until it returns a non-undefined value, or throw after `timeoutMs` with `describe()`. */
export async function eventually<T>(fn: () => T | undefined, timeoutMs = 5000, describe: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = fn()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${describe() ? ':\n' + describe() : ''}`)
    await sleep(25)
  }
}

/**
 * Resolves once something LISTENs on `host:port`, without connecting to it (a readiness connection
 * would show up in the server's logs). Reads /proc/net/tcp{,6} on Linux; elsewhere it falls back to
 * a TCP connect.
 */
export async function waitForListening(host: string, port: number, timeoutMs = 10_000, alive: () => boolean = () => true): Promise<void> {
  assertLoopback(host)
  const { readFileSync, existsSync } = await import('node:fs')
  if (!existsSync('/proc/net/tcp')) return waitForPort(host, port, timeoutMs, alive)
  const portHex = port.toString(16).toUpperCase().padStart(4, '0')
  const listening = () => {
    if (!alive()) throw new Error(`the process meant to listen on ${host}:${port} exited`)
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = ''
      try {
        text = readFileSync(file, 'utf8')
      } catch {
        continue
      }
      for (const row of text.split('\n').slice(1)) {
        const cols = row.trim().split(/\s+/)
        if (cols[3] === '0A' && cols[1]?.endsWith(':' + portHex)) return true
      }
    }
    return undefined
  }
  await eventually(listening, timeoutMs, () => `nothing listens on ${host}:${port}`)
}
