import {isIP} from 'node:net'

import {UsageError} from '../cli/errors.js'
import {classifyHost} from './hostname.js'
import {parsePort} from './parse-target.js'

/** curl's --resolve HOST:PORT:ADDR[,ADDR…]: use these addresses for HOST:PORT ('*' = any port). */
export interface ResolveRule {
  host: string
  port: number | '*'
  addresses: string[]
}

/** curl's --connect-to HOST:PORT:ADDR:PORT2: connect to ADDR:PORT2 instead; empty fields match anything / keep the original. */
export interface ConnectToRule {
  host: string | null
  port: number | null
  toHost: string | null
  toPort: number | null
}

/** Splits on colons that are not inside [brackets] (IPv6 literals). */
function splitFields(text: string): string[] {
  const fields: string[] = []
  let current = ''
  let depth = 0
  for (const char of text) {
    if (char === '[') depth++
    if (char === ']') depth--
    if (char === ':' && depth === 0) {
      fields.push(current)
      current = ''
    } else {
      current += char
    }
  }
  fields.push(current)
  return fields
}

const unbracket = (text: string): string => text.replace(/^\[(.*)\]$/, '$1')

export function parseResolve(raw: string): ResolveRule {
  const fields = splitFields(raw.trim())
  const bad = (why: string): never => {
    throw new UsageError(`invalid --resolve ${JSON.stringify(raw.slice(0, 80))}: ${why} (expected HOST:PORT:ADDR)`, 'bad-resolve')
  }
  if (fields.length !== 3) bad('wrong number of fields')
  const [host, port, addrs] = fields as [string, string, string]
  if (!classifyHost(host.toLowerCase())) bad('bad host')
  const addresses = addrs.split(',').map((a) => unbracket(a.trim()))
  if (addresses.length === 0 || !addresses.every((a) => isIP(a) !== 0)) bad('ADDR must be IP literals, IPv6 in brackets')
  // An address listed twice is one address: --all-addresses would probe it twice and call them two.
  return {host: host.toLowerCase(), port: port === '*' ? '*' : parsePort(port, '--resolve port'), addresses: [...new Set(addresses.map((a) => a.toLowerCase()))]}
}

export function parseConnectTo(raw: string): ConnectToRule {
  const fields = splitFields(raw.trim())
  const bad = (why: string): never => {
    throw new UsageError(`invalid --connect-to ${JSON.stringify(raw.slice(0, 80))}: ${why} (expected HOST:PORT:ADDR:PORT2)`, 'bad-connect-to')
  }
  if (fields.length !== 4) bad('wrong number of fields')
  const [host, port, toHost, toPort] = fields as [string, string, string, string]
  const target = unbracket(toHost).toLowerCase()
  if (host && !classifyHost(host.toLowerCase())) bad('bad host')
  if (target && !classifyHost(target)) bad('bad ADDR')
  return {
    host: host ? host.toLowerCase() : null,
    port: port ? parsePort(port, '--connect-to port') : null,
    toHost: target || null,
    toPort: toPort ? parsePort(toPort, '--connect-to port') : null,
  }
}

/** Where to connect for host:port, after --connect-to (first match wins, as in curl). */
export function applyConnectTo(rules: ConnectToRule[], host: string, port: number): {host: string; port: number; pinned: boolean} {
  for (const rule of rules) {
    if ((rule.host === null || rule.host === host) && (rule.port === null || rule.port === port)) {
      return {host: rule.toHost ?? host, port: rule.toPort ?? port, pinned: true}
    }
  }
  return {host, port, pinned: false}
}

export function findResolve(rules: ResolveRule[], host: string, port: number): string[] | null {
  const rule = rules.find((r) => r.host === host && (r.port === '*' || r.port === port))
  return rule ? rule.addresses : null
}
