import {hostForUrl} from './hostname.js'

/** The port a scheme implies when a URL or Host header names none. */
export const DEFAULT_PORT = {http: 80, https: 443} as const

/**
 * The Host header (and URL authority) for host:port: the port is left out when it is the
 * scheme's default, as browsers and curl do; IPv6 literals go in brackets.
 */
export function hostHeaderFor(host: string, port: number, scheme: 'http' | 'https'): string {
  const where = hostForUrl(host)
  return port === DEFAULT_PORT[scheme] ? where : `${where}:${port}`
}

/** host:port with the port always written (IPv6 literals in brackets): where to connect. */
export function hostPort(host: string, port: number): string {
  return `${hostForUrl(host)}:${port}`
}
