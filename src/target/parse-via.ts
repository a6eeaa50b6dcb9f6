import {DEFAULT_PORT} from './authority.js'
import {UsageError} from '../cli/errors.js'
import {classifyHost} from './hostname.js'

export interface ViaTarget {
  url: string
  scheme: 'http' | 'https'
  host: string
  port: number
  /** Path from the URL, when it names one. */
  path: string | null
}

/** --via URL: the user's own proxy, reached as its clients reach it. */
export function parseVia(raw: string): ViaTarget {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError(`invalid --via ${JSON.stringify(raw.slice(0, 80))}: expected a URL such as http://127.0.0.1:8080`, 'bad-via')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('invalid --via: only http:// and https:// URLs', 'bad-via')
  if (url.username || url.password) throw new UsageError('invalid --via: credentials in the URL are not accepted', 'bad-via')
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (!classifyHost(host)) throw new UsageError(`invalid --via host ${JSON.stringify(host.slice(0, 80))}`, 'bad-via')
  const scheme = url.protocol === 'https:' ? 'https' : 'http'
  return {
    url: url.toString(),
    scheme,
    host,
    port: url.port ? Number(url.port) : DEFAULT_PORT[scheme],
    path: url.pathname !== '/' || url.search ? url.pathname + url.search : null,
  }
}
