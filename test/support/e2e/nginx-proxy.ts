// A real nginx as a reverse proxy (child process, own prefix), its error log captured from stderr.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { nginxCommonHttp, nginxCommonMain, nginxTest, startNginxDaemon } from './strict-edge.js'
import { freePort, makeTmpDir, requireBinary } from './util.js'

export interface NginxProxyInstance {
  port: number
  address: string
  configFile: string
  config: string
  /** what `nginx -t` said */
  testOutput: string
  /** every error-log line (stderr, level info and up) */
  errorLog(): string[]
  /** error-log lines about upstreams (SSL_do_handshake, upstream ... errors, 5xx causes) */
  upstreamErrors(): string[]
  waitForError(re: RegExp, timeoutMs?: number): Promise<string>
  stop(): Promise<void>
}

export interface NginxProxyContext {
  port: number
  address: string
  dir: string
}

/**
 * `block` is either a whole `server { ... }` (then it must listen on ctx.port: pass a function), or
 * anything that goes inside a server block (a `location / { ... }`, directives): then it is wrapped in
 * `server { listen <address>:<port>; server_name localhost; <block> }`, verbatim (not re-indented).
 */
export async function startNginxProxy(block: string | ((ctx: NginxProxyContext) => string), opts: { port?: number; address?: string; httpExtra?: string } = {}): Promise<NginxProxyInstance> {
  const nginx = requireBinary('nginx')
  const address = opts.address ?? '127.0.0.1'
  const port = opts.port ?? (await freePort(address))
  const tmp = makeTmpDir('nginx-proxy')
  const dir = tmp.dir
  const inner = typeof block === 'function' ? block({ port, address, dir }) : block
  const server = /^\s*server\s*\{/.test(inner)
    ? inner
    : `server {
        listen ${address}:${port};
        server_name localhost;
${inner.endsWith('\n') ? inner : inner + '\n'}    }`
  const config = `# nginx reverse proxy under test (apigw-doctor e2e)
${nginxCommonMain(dir)}
events { worker_connections 256; }
http {
    ${nginxCommonHttp(dir).split('\n').join('\n    ')}
    access_log ${join(dir, 'access.log')};
    ${opts.httpExtra ?? ''}
    ${server}
}
`
  const configFile = join(dir, 'nginx.conf')
  writeFileSync(configFile, config)
  let testOutput: string
  try {
    testOutput = await nginxTest(nginx, dir, configFile)
  } catch (err) {
    tmp.cleanup()
    throw new Error(`${(err as Error).message}\n--- config ---\n${config}`)
  }
  const daemon = await startNginxDaemon(nginx, dir, configFile, address, port, 'nginx proxy')
  const isUpstream = (l: string) => /upstream|SSL_do_handshake|SSL_connect|peer closed|no live upstreams/i.test(l)
  return {
    port,
    address,
    configFile,
    config,
    testOutput,
    errorLog: () => daemon.lines(),
    upstreamErrors: () => daemon.lines().filter(isUpstream),
    waitForError: (re, timeoutMs) => daemon.waitForLine(re, timeoutMs),
    stop: async () => {
      await daemon.stop('SIGTERM')
      tmp.cleanup()
    },
  }
}
