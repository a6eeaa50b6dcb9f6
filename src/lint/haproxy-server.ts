// Reading `server` / `default-server` options, and rebuilding a server line around the TLS part
// that src/fixes/haproxy.ts writes (the linter never writes that part itself).

import {haproxyServerLine} from '../fixes/haproxy.js'
import type {FixContext} from '../fixes/types.js'
import type {HaproxyDirective, HaproxyWord} from './haproxy-parser.js'
import {splitHostPort, type ParsedAddress} from './hosts.js'

/** Server keywords that take one argument (so that their argument is not read as a keyword). */
const ONE_ARGUMENT = new Set([
  'addr',
  'agent-addr',
  'agent-inter',
  'agent-port',
  'agent-send',
  'alpn',
  'ca-file',
  'check-alpn',
  'check-proto',
  'check-sni',
  'ciphers',
  'ciphersuites',
  'client-sigalgs',
  'cookie',
  'crl-file',
  'crt',
  'curves',
  'downinter',
  'error-limit',
  'fall',
  'fastinter',
  'guid',
  'hash-key',
  'id',
  'idle-ping',
  'init-addr',
  'init-state',
  'inter',
  'interface',
  'log-bufsize',
  'log-proto',
  'max-reuse',
  'maxconn',
  'maxqueue',
  'minconn',
  'namespace',
  'npn',
  'observe',
  'on-error',
  'on-marked-down',
  'on-marked-up',
  'pool-conn-name',
  'pool-low-conn',
  'pool-max-conn',
  'pool-purge-delay',
  'port',
  'proto',
  'proxy-v2-options',
  'redir',
  'resolve-net',
  'resolve-opts',
  'resolve-prefer',
  'resolvers',
  'rise',
  'shard',
  'sigalgs',
  'slowstart',
  'sni',
  'socks4',
  'source',
  'ssl-max-ver',
  'ssl-min-ver',
  'tcp-ut',
  'track',
  'usesrc',
  'verify',
  'verifyhost',
  'weight',
  'ws',
])

export interface ServerOption {
  key: string
  arg: HaproxyWord | null
  words: HaproxyWord[]
}

export function parseServerOptions(words: HaproxyWord[]): ServerOption[] {
  const options: ServerOption[] = []
  let i = 0
  while (i < words.length) {
    const word = words[i] as HaproxyWord
    const key = word.value
    const takesArgument = ONE_ARGUMENT.has(key) || /^set-proxy-v2-tlv-fmt\(/.test(key)
    if (takesArgument && i + 1 < words.length) {
      const arg = words[i + 1] as HaproxyWord
      options.push({key, arg, words: [word, arg]})
      i += 2
    } else {
      options.push({key, arg: null, words: [word]})
      i++
    }
  }
  return options
}

/** What the TLS and check options of one server add up to, after default-server lines. */
export interface ServerSettings {
  ssl: boolean
  verify: string | null
  sni: string | null
  checkSni: string | null
  check: boolean
  checkSsl: boolean
  port: string | null
  addr: string | null
  resolvers: string | null
  noSniAuto: boolean
  caFile: string | null
  /** `ca-file` as written (quotes kept), to put back in a corrected line. */
  caFileRaw: string | null
  /** Line of the directive that turned ssl on (server or default-server). */
  sslLine: number | null
  initAddr: string | null
  /** Line of the directive that set `verify none` (server, default-server or global). */
  verifyLine: number | null
}

export const EMPTY_SETTINGS: ServerSettings = {
  ssl: false,
  verify: null,
  sni: null,
  checkSni: null,
  check: false,
  checkSsl: false,
  port: null,
  addr: null,
  resolvers: null,
  noSniAuto: false,
  caFile: null,
  caFileRaw: null,
  sslLine: null,
  initAddr: null,
  verifyLine: null,
}

export function applyOptions(base: ServerSettings, options: ServerOption[], line: number): ServerSettings {
  const next = {...base}
  for (const option of options) {
    const arg = option.arg?.value ?? null
    switch (option.key) {
      case 'ssl': {
        next.ssl = true
        next.sslLine = line
        break
      }
      case 'no-ssl': {
        next.ssl = false
        next.sslLine = null
        break
      }
      case 'verify': {
        next.verify = arg
        next.verifyLine = line
        break
      }
      case 'sni': {
        next.sni = arg
        break
      }
      case 'check-sni': {
        next.checkSni = arg
        break
      }
      case 'check': {
        next.check = true
        break
      }
      case 'no-check': {
        next.check = false
        break
      }
      case 'check-ssl': {
        next.checkSsl = true
        break
      }
      case 'no-check-ssl': {
        next.checkSsl = false
        break
      }
      case 'port': {
        next.port = arg
        break
      }
      case 'addr': {
        next.addr = arg
        break
      }
      case 'resolvers': {
        next.resolvers = arg
        break
      }
      case 'no-sni-auto': {
        next.noSniAuto = true
        break
      }
      case 'sni-auto': {
        next.noSniAuto = false
        break
      }
      case 'ca-file': {
        next.caFile = arg
        next.caFileRaw = option.arg?.raw ?? null
        break
      }
      case 'init-addr': {
        next.initAddr = arg
        break
      }
    }
  }
  return next
}

/** The parts of a `server` or `server-template` line. */
export interface ServerLine {
  directive: HaproxyDirective
  template: boolean
  /** `server <name>` or `server-template <prefix> <count>`: the words before the address. */
  head: HaproxyWord[]
  name: string
  addressWord: HaproxyWord | null
  address: ParsedAddress
  options: ServerOption[]
}

const NETWORK_PREFIX = /^(?:ipv4|ipv6|tcp|tcp4|tcp6)@/i
const SOCKET_PREFIX = /^(?:unix|abns|abnsz|sockpair|fd|udp|udp4|udp6|quic4|quic6|uxst|uxdg|rhttp)@/i

export function parseServerAddress(text: string): ParsedAddress {
  if (SOCKET_PREFIX.test(text) || text.startsWith('/')) return {kind: 'socket', host: null, port: null}
  return splitHostPort(text.replace(NETWORK_PREFIX, ''))
}

export function readServerLine(directive: HaproxyDirective): ServerLine | null {
  const words = directive.words
  const keyword = words[0]?.value
  if (keyword !== 'server' && keyword !== 'server-template') return null
  const template = keyword === 'server-template'
  // server-template <prefix> <num | range> <fqdn>[:port]; tolerate a missing count.
  const addressIndex = template && /^\d+(?:-\d+)?$/.test(words[2]?.value ?? '') ? 3 : 2
  const head = words.slice(0, addressIndex)
  const addressWord = words[addressIndex] ?? null
  return {
    directive,
    template,
    head,
    name: words[1]?.value ?? '',
    addressWord,
    address: addressWord ? parseServerAddress(addressWord.value) : {kind: 'invalid', host: null, port: null},
    options: parseServerOptions(words.slice(addressIndex + 1)),
  }
}

/** Options the generator's TLS part replaces. */
const REPLACED = new Set(['ssl', 'no-ssl', 'verify', 'ca-file', 'sni', 'check-sni', 'no-sni-auto', 'sni-auto'])

/**
 * The server line with the generator's TLS part (ssl, verify, ca-file, sni, and check-sni when
 * it checks), keeping every other option as written: `check inter 2s weight 10` stays.
 */
export function rebuildServerLine(server: ServerLine, ctx: FixContext, opts: {check: boolean; extra?: string[]; drop?: string[]; caFileRaw?: string | null}): string {
  const nameRaw = server.head[1]?.raw ?? 'gw'
  let line = haproxyServerLine(ctx, {name: nameRaw, check: opts.check})
  // A CA path the generator cannot take (spaces, quotes) is kept exactly as the user wrote it.
  const keptCa = keepableCaFile(opts.caFileRaw ?? null)
  if (keptCa) {
    const words = line.split(' ')
    const at = words.indexOf('ca-file')
    if (at >= 0 && at + 1 < words.length) {
      words[at + 1] = keptCa
      line = words.join(' ')
    }
  }
  if (server.template) {
    // The generator writes `server <name> ...`; a template keeps its prefix and count.
    line = line.replace(/^server \S+/, server.head.map((word) => word.raw).join(' '))
  }
  const drop = new Set([...REPLACED, ...(opts.drop ?? [])])
  if (opts.check) drop.add('check')
  const kept = server.options.filter((option) => !drop.has(option.key)).flatMap((option) => option.words.map((word) => word.raw))
  return [line, ...kept, ...(opts.extra ?? [])].join(' ')
}

/**
 * A `ca-file` word as the user wrote it that can go back into a corrected line unchanged: a plain
 * path, or one quoted path without variables, escapes or control characters.
 */
export function keepableCaFile(raw: string | null): string | null {
  if (!raw) return null
  if (/^(?:@system-ca|[\w./@+-]+)$/.test(raw)) return raw
  if (/^"[^"\\$\u0000-\u001F\u007F]+"$/.test(raw) || /^'[^'\\\u0000-\u001F\u007F]+'$/.test(raw)) return raw
  return null
}

/** A CA file path that can be put back in a snippet as it is. */
export function safeCaFile(path: string | null): string | null {
  if (!path) return null
  return /^(?:@system-ca|[\w./@+-]+)$/.test(path) ? path : null
}
