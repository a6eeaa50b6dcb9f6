// A REAL nginx playing a strict-SNI edge like CloudFront / API Gateway, on a loopback address:
//   - no SNI or an unknown SNI: the handshake is refused with alert 112 unrecognized_name
//     (`ssl_reject_handshake on` in the default server);
//   - SNI = api.test (certificate for api.test from a CA made at test time):
//       Host = api.test    -> /prod/...  200 JSON; any other path 403 {"message":"Missing Authentication Token"}
//       Host = other name  -> the default server: 403 {"message":"Forbidden"}, x-amzn-ErrorType: ForbiddenException
//     (nginx chooses the server block for the HTTP request by Host, not by SNI, and 1.22 only answers 421
//      for an SNI/Host mismatch when client certificates are verified: the request lands in the default server);
//   - plain HTTP on the TLS port: nginx's own 400 "The plain HTTP request was sent to HTTPS port".
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makePki, writePkiFiles, type Pki, type PkiFiles } from '../certs.js'
import { assertLoopback, eventually, freePort, makeTmpDir, requireBinary, run, startDaemon, waitForListening, type Daemon } from './util.js'

export interface StrictEdge {
  /** loopback address it listens on (127.0.0.2 unless told otherwise) */
  address: string
  port: number
  /** `address:port` (an IPv6 address in brackets), as a proxy names its upstream */
  upstream: string
  /** the name it serves (SNI and Host): api.test */
  hostname: string
  pki: Pki
  /** caFile = the test CA (for --ca-file, HAProxy ca-file, nginx proxy_ssl_trusted_certificate) */
  files: PkiFiles
  caFile: string
  dir: string
  /** nginx's error log lines (stderr) */
  errorLog(): string[]
  /** access log lines: `sni=<$ssl_server_name> host=<$host> "<request>" <status> server=<block>` */
  accessLog(): string[]
  stop(): Promise<void>
}

export interface StrictEdgeOptions {
  address?: string
  port?: number
  hostname?: string
  /** the stage prefix that answers 200 (default /prod/) */
  stagePrefix?: string
}

/** nginx directives every nginx instance of the suite needs: temp paths inside the prefix, no root-owned defaults. */
export function nginxCommonMain(dir: string): string {
  const lines = ['worker_processes 1;', `pid ${join(dir, 'nginx.pid')};`, 'error_log stderr info;']
  // As root, nginx would switch its worker to "nobody", which cannot use the 0700 temp dir.
  if (process.getuid?.() === 0) lines.push('user root root;')
  return lines.join('\n')
}

export function nginxCommonHttp(dir: string): string {
  return [
    `client_body_temp_path ${join(dir, 'client_body')};`,
    `proxy_temp_path ${join(dir, 'proxy')};`,
    `fastcgi_temp_path ${join(dir, 'fastcgi')};`,
    `uwsgi_temp_path ${join(dir, 'uwsgi')};`,
    `scgi_temp_path ${join(dir, 'scgi')};`,
  ].join('\n')
}

/** `nginx -t` on a config (throws with nginx's output when it is refused); returns nginx's output. */
export async function nginxTest(nginx: string, dir: string, confFile: string): Promise<string> {
  const result = await run(nginx, ['-t', '-p', dir + '/', '-c', confFile], { timeoutMs: 20_000 })
  const output = (result.stdout + result.stderr).trim()
  if (result.code !== 0) throw new Error(`nginx -t refused ${confFile} (exit ${result.code}):\n${output}`)
  return output
}

/** Start nginx in the foreground on `confFile`; resolves once `address:port` accepts. */
export async function startNginxDaemon(nginx: string, dir: string, confFile: string, address: string, port: number, name: string): Promise<Daemon> {
  const daemon = startDaemon(nginx, ['-p', dir + '/', '-c', confFile, '-g', 'daemon off; master_process on;'], { name })
  try {
    // nginx writes its pid file after it has opened the listening sockets: waiting for it avoids a
    // readiness connection that would show up in the error log ("client closed connection ...").
    const pidFile = join(dir, 'nginx.pid')
    await eventually(() => (existsSync(pidFile) ? true : daemon.exited() ? false : undefined), 10_000)
    if (daemon.exited()) throw new Error('nginx exited')
    await waitForListening(address, port, 10_000, () => !daemon.exited())
  } catch (err) {
    await daemon.stop('SIGKILL')
    throw new Error(`${name} did not start: ${(err as Error).message}\n${daemon.lines().join('\n')}`)
  }
  return daemon
}

export async function strictEdge(opts: StrictEdgeOptions = {}): Promise<StrictEdge> {
  const nginx = requireBinary('nginx')
  const address = opts.address ?? '127.0.0.2'
  assertLoopback(address)
  const hostname = opts.hostname ?? 'api.test'
  const stage = opts.stagePrefix ?? '/prod/'
  const port = opts.port ?? (await freePort(address))
  const tmp = makeTmpDir('edge')
  const dir = tmp.dir
  const pki = await makePki({ names: [hostname] })
  const files = await writePkiFiles(join(dir, 'pki'), pki.caCert, await pki.valid([hostname]))
  const accessLogFile = join(dir, 'access.log')
  const listen = `${address.includes(':') ? `[${address}]` : address}:${port}`
  const json = (s: string) => `'${s.replaceAll("'", "\\'")}'`
  const conf = `# strict-SNI edge (apigw-doctor e2e)
${nginxCommonMain(dir)}
events { worker_connections 256; }
http {
    ${nginxCommonHttp(dir).split('\n').join('\n    ')}
    log_format edge 'sni=$ssl_server_name host=$host "$request" $status server=$server_name';
    access_log ${accessLogFile} edge;
    server_tokens off;
    default_type application/json;

    # no SNI / unknown SNI: alert 112; a request for an unknown Host (after a handshake with the right SNI): 403 Forbidden
    server {
        listen ${listen} ssl default_server;
        server_name _;
        ssl_reject_handshake on;
        location / {
            add_header x-amzn-ErrorType ForbiddenException always;
            add_header x-amzn-RequestId 00000000-0000-4000-8000-000000000403 always;
            return 403 ${json('{"message":"Forbidden"}')};
        }
    }

    server {
        listen ${listen} ssl;
        server_name ${hostname};
        ssl_certificate ${files.certFile};
        ssl_certificate_key ${files.keyFile};
        location ${stage} {
            add_header x-amzn-RequestId 00000000-0000-4000-8000-000000000200 always;
            return 200 ${json(`{"ok":true,"edge":"${hostname}","path":"$request_uri"}`)};
        }
        location / {
            add_header x-amzn-ErrorType MissingAuthenticationTokenException always;
            add_header x-amzn-RequestId 00000000-0000-4000-8000-000000000401 always;
            return 403 ${json('{"message":"Missing Authentication Token"}')};
        }
    }
}
`
  const confFile = join(dir, 'nginx.conf')
  writeFileSync(confFile, conf)
  await nginxTest(nginx, dir, confFile)
  const daemon = await startNginxDaemon(nginx, dir, confFile, address, port, 'strict-edge nginx')
  return {
    address,
    port,
    upstream: listen,
    hostname,
    pki,
    files,
    caFile: files.caFile,
    dir,
    errorLog: () => daemon.lines(),
    accessLog: () => {
      try {
        return readFileSync(accessLogFile, 'utf8').split('\n').filter(Boolean)
      } catch {
        return []
      }
    },
    stop: async () => {
      await daemon.stop('SIGTERM')
      tmp.cleanup()
    },
  }
}

/**
 * `probe api.test …` against the edge. Both of its ports are pinned (curl's --resolve is per port,
 * so an unpinned plain-HTTP port would send a DNS query off loopback); the plain-HTTP port is a closed one.
 */
export async function probeEdgeArgs(edge: StrictEdge, extra: string[] = []): Promise<string[]> {
  const closedHttpPort = await freePort(edge.address)
  return [
    'probe',
    edge.hostname,
    '--port',
    String(edge.port),
    '--http-port',
    String(closedHttpPort),
    '--resolve',
    `${edge.hostname}:${edge.port}:${edge.address}`,
    '--resolve',
    `${edge.hostname}:${closedHttpPort}:${edge.address}`,
    '--path',
    '/prod/health',
    '--timeout',
    '3000',
    ...extra,
  ]
}
