import {UsageError} from '../cli/errors.js'
import {classifyHost, type HostKind} from './hostname.js'

export interface ParsedTarget {
  /** As typed, for messages. */
  input: string
  /** Lower-cased host name or IP literal without brackets. */
  host: string
  hostKind: HostKind
  port?: number
  httpPort?: number
  path?: string
}

const MAX_TARGET_LENGTH = 2048

const isPort = (text: string) => /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65_535

/** Parses a port given on the command line or in a target; refuses anything but 1..65535. */
export function parsePort(text: string, what = 'port'): number {
  if (!/^\d{1,5}$/.test(text)) throw new UsageError(`invalid ${what} ${JSON.stringify(text)}: expected a number from 1 to 65535`, 'bad-port')
  const port = Number(text)
  if (port < 1 || port > 65_535) throw new UsageError(`invalid ${what} ${port}: expected a number from 1 to 65535`, 'bad-port')
  return port
}

/**
 * A target is a host name, host:port, an IPv4 literal, an IPv6 literal (bare, or [::1]:8443),
 * or an http(s) URL whose path becomes the request path.
 */
export function parseTarget(raw: string): ParsedTarget {
  const input = raw.trim()
  if (input.length === 0) throw new UsageError('empty target: give a host name, host:port, IP literal or https:// URL', 'bad-target')
  if (input.length > MAX_TARGET_LENGTH) throw new UsageError(`target is longer than ${MAX_TARGET_LENGTH} characters`, 'bad-target')
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(input)
  // Credentials are never accepted and never echoed: no host name holds an @ (a URL's path may).
  if (!isUrl && input.includes('@')) throw new UsageError("invalid target: credentials (user@ or user:password@) are not accepted and not shown; use -H 'Authorization: …'", 'bad-target')
  // Only the first word is echoed (a target with a space in it may be a pasted header), and nothing with an @ in it.
  const word = input.split(/[\s\u0000-\u001f\u007f-\u009f]/, 1)[0]!
  const shown = input.includes('@') ? '(not shown: it holds an @)' : JSON.stringify(word.length > 80 ? word.slice(0, 80) + '…' : word !== input ? word + '…' : word)
  // Reject control characters and spaces before anything else looks at the text.
  if (/[\u0000-\u0020\u007F-\u009F]/.test(input)) throw new UsageError(`invalid target ${shown}: it contains spaces or control characters`, 'bad-target')

  if (isUrl) return parseUrlTarget(input, shown)

  let hostText = input
  let portText: string | undefined
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(input)
  if (bracketed) {
    hostText = bracketed[1]!
    portText = bracketed[2]
  } else if ((input.match(/:/g) ?? []).length === 1) {
    ;[hostText, portText] = input.split(':') as [string, string]
  }
  // host:port/path (as a batch row prints a target) is not a URL: say so rather than call the port invalid.
  if (hostText.includes('/') || portText?.includes('/')) throw new UsageError(`invalid target ${shown}: a path needs a URL (https://host/path) or --path`, 'bad-target')
  const host = hostText.toLowerCase().replace(/\.$/, '')
  const hostKind = classifyHost(host)
  if (!hostKind) throw new UsageError(`invalid target ${shown}: not a host name, IPv4 or IPv6 literal`, 'bad-target')
  if (bracketed && hostKind !== 'ipv6') throw new UsageError(`invalid target ${shown}: brackets are for IPv6 literals`, 'bad-target')
  if (portText !== undefined && !isPort(portText)) throw new UsageError(`invalid port in target ${shown}: expected a number from 1 to 65535`, 'bad-port')
  const port = portText === undefined ? undefined : Number(portText)
  return {input, host, hostKind, ...(port === undefined ? {} : {port})}
}

function parseUrlTarget(input: string, shown: string): ParsedTarget {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    throw new UsageError(`invalid target ${shown}: not a valid URL`, 'bad-target')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`invalid target ${shown}: only http:// and https:// URLs`, 'bad-target')
  if (url.username || url.password) throw new UsageError("invalid target: credentials in the URL are not accepted and not shown; use -H 'Authorization: …'", 'bad-target')
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '')
  const hostKind = classifyHost(host)
  if (!hostKind) throw new UsageError(`invalid target ${shown}: not a host name, IPv4 or IPv6 literal`, 'bad-target')
  const path = url.pathname + url.search
  // WHATWG URLs accept port 0, which would silently mean the default port here.
  if (url.port === '0') throw new UsageError(`invalid port in target ${shown}: expected a number from 1 to 65535`, 'bad-port')
  const explicitPort = url.port ? Number(url.port) : undefined
  const result: ParsedTarget = {input, host, hostKind, path}
  if (url.protocol === 'https:' && explicitPort) result.port = explicitPort
  if (url.protocol === 'http:' && explicitPort) result.httpPort = explicitPort
  return result
}
