// A plain HTTP/1.1 client for talking to the proxies under test (loopback only), with full control
// of the Host header and a bounded body.
import http from 'node:http'
import { assertLoopback } from './util.js'

export interface HttpAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export async function httpGet(
  host: string,
  port: number,
  path: string,
  opts: { headers?: Record<string, string>; timeoutMs?: number; method?: string } = {},
): Promise<HttpAnswer> {
  assertLoopback(host)
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host, port, path, method: opts.method ?? 'GET', headers: { connection: 'close', ...opts.headers }, agent: false },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => {
          if (body.length < 64 * 1024) body += d
        })
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
        res.once('error', reject)
      },
    )
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error(`no answer from ${host}:${port}${path} within ${opts.timeoutMs ?? 10_000} ms`)))
    req.once('error', reject)
    req.end()
  })
}

/** GET `path` from the proxy under test on 127.0.0.1:`port` the way its clients do: Host: localhost. */
export function getThroughProxy(port: number, path = '/prod/health'): Promise<HttpAnswer> {
  return httpGet('127.0.0.1', port, path, { headers: { host: 'localhost' } })
}
