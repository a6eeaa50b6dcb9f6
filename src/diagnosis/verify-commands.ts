import type {TargetInfo} from '../observations/types.js'
import {hostHeaderFor, hostPort} from '../target/authority.js'
import {classifyHost, hostForUrl} from '../target/hostname.js'
import {requestTarget} from '../fixes/context.js'
import {shellQuote} from '../fixes/shell.js'

// Commands a support engineer can paste to see the same thing by hand. Every value that comes
// from the target (host, address, port, path, CA file, the wrong name) is one shell word quoted
// with shellQuote(); the URL's path and query are percent-encoded to RFC 3986 first.

/** Literal words of the command, written as they are (never built from input). */
const WRITE_STATUS = `-w '%{http_code}\\n'`

/** The port the TLS endpoint was pinned to; older reports have no pinnedPort (null: the target's). */
function pinnedPort(t: TargetInfo): number | null {
  return t.pinnedPort ?? null
}

const isIp = (host: string): boolean => classifyHost(host) === 'ipv4' || classifyHost(host) === 'ipv6'

/**
 * How curl reaches what the probes reached: --resolve when only the address was pinned,
 * --connect-to host:port:addr:port2 when --connect-to moved the port too (curl's own meanings).
 */
function pinFlags(t: TargetInfo): string[] {
  const port2 = pinnedPort(t)
  if (port2 !== null && port2 !== t.port) {
    return ['--connect-to', shellQuote(`${hostForUrl(t.host)}:${t.port}:${t.pinnedAddress ? hostForUrl(t.pinnedAddress) : ''}:${port2}`)]
  }
  return t.pinnedAddress ? ['--resolve', shellQuote(`${hostForUrl(t.host)}:${t.port}:${hostForUrl(t.pinnedAddress)}`)] : []
}

/** The CA file given with --ca-file: without it the commands would not trust what the probes trusted. */
const curlCa = (t: TargetInfo): string[] => (t.caFile ? ['--cacert', shellQuote(t.caFile)] : [])
const opensslCa = (t: TargetInfo): string[] => (t.caFile ? ['-CAfile', shellQuote(t.caFile)] : [])

function url(t: TargetInfo, scheme: 'http' | 'https'): string {
  return shellQuote(`${scheme}://${hostHeaderFor(t.host, t.port, scheme)}${requestTarget(t.path)}`)
}

const words = (...parts: Array<string | string[]>): string => parts.flat().join(' ')

export function curlReference(t: TargetInfo): string {
  return words('curl -sS -o /dev/null', WRITE_STATUS, curlCa(t), pinFlags(t), url(t, 'https'))
}

export function curlPlainToTlsPort(t: TargetInfo): string {
  return `${words('curl -sS -o /dev/null', WRITE_STATUS, pinFlags(t), url(t, 'http'))}   # then compare: ${curlReference(t)}`
}

export function curlWrongHost(t: TargetInfo): string {
  return words('curl -sS -o /dev/null', WRITE_STATUS, curlCa(t), pinFlags(t), '-H', shellQuote(`Host: ${t.wrongName}`), url(t, 'https'))
}

export function curlVerbose(t: TargetInfo): string {
  return words('curl -sv', curlCa(t), pinFlags(t), url(t, 'https'))
}

/** Where openssl connects: the pinned address and port when there are, else the target. */
function connectArg(t: TargetInfo): string[] {
  return ['-connect', shellQuote(hostPort(t.pinnedAddress ?? t.host, pinnedPort(t) ?? t.port))]
}

/** SNI as the probes sent it: the host name; nothing for an IP (RFC 6066). */
function sniArgs(t: TargetInfo): string[] {
  return isIp(t.host) ? ['-noservername'] : ['-servername', shellQuote(t.host)]
}

export function opensslNoSni(t: TargetInfo): string {
  const then = isIp(t.host) ? '' : `   # then with -servername ${shellQuote(t.host)}`
  return `${words('openssl s_client', connectArg(t), opensslCa(t), '-noservername </dev/null')}${then}`
}

export function opensslVerify(t: TargetInfo): string {
  const check = isIp(t.host) ? ['-verify_ip', shellQuote(t.host)] : ['-verify_hostname', shellQuote(t.host)]
  return words('openssl s_client', connectArg(t), opensslCa(t), sniArgs(t), check, '-verify_return_error </dev/null')
}

export function opensslWrongSni(t: TargetInfo): string {
  return words('openssl s_client', connectArg(t), opensslCa(t), '-servername', shellQuote(t.wrongName), '</dev/null')
}
