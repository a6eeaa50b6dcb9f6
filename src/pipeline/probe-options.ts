import {UsageError} from '../cli/errors.js'
import {parseProxyVersion} from '../cli/proxy-flags.js'
import {inputLabel, readBoundedText} from '../cli/read-input.js'
import {parseHeader, parseRedactName, type ExtraHeader} from '../target/headers.js'
import {rememberSecrets} from '../observations/redaction.js'
import {snippetPath} from '../target/snippet-path.js'
import {parseConnectTo, parseResolve, type ConnectToRule, type ResolveRule} from '../target/overrides.js'
import type {ProxyKind} from '../fixes/types.js'
import {parseVia, type ViaTarget} from '../target/parse-via.js'
import type {Lookup} from '../target/resolve.js'

export interface ProbeOptions {
  port: number | undefined
  httpPort: number | undefined
  path: string | undefined
  method: string
  headers: ExtraHeader[]
  resolve: ResolveRule[]
  connectTo: ConnectToRule[]
  caFile: string | null
  caPem: string | null
  timeoutMs: number
  proxyKind: ProxyKind | 'all'
  proxyVersion: string | null
  via: ViaTarget | null
  /** --all-addresses: one matrix per address the TLS endpoint resolves to. */
  allAddresses?: boolean
  /** Replaces DNS (tests only: no query leaves loopback). */
  lookup?: Lookup
}

export interface ProbeFlags {
  via?: string
  port?: number
  'http-port'?: number
  path?: string
  method: string
  header?: string[]
  resolve?: string[]
  'connect-to'?: string[]
  'ca-file'?: string
  timeout: number
  'proxy-kind': string
  'proxy-version'?: string
  /** Header names whose values are secrets too (on top of Authorization, Cookie, x-api-key…). */
  redact?: string[]
  /** Probe the matrix once per resolved address. */
  'all-addresses'?: boolean
}

const MAX_CA_FILE = 5 * 1024 * 1024

/** The --ca-file PEM bundle: a regular file (its path goes into the fix snippets), at most 5 MiB. */
async function readCaFile(path: string): Promise<string> {
  const pem = await readBoundedText(path, {what: '--ca-file', maxBytes: MAX_CA_FILE, code: 'bad-ca-file', expected: 'a PEM file', regularOnly: true, utf8: 'lenient'})
  const label = inputLabel(path, '--ca-file', {regularOnly: true})
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) throw new UsageError(`${label}: no PEM certificate in it`, 'bad-ca-file')
  // Node skips a certificate it cannot parse without a word: the tool would then trust less than
  // the user thinks, and the snippets would point the proxy at a file it refuses to load.
  const {X509Certificate} = await import('node:crypto')
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block)
    } catch {
      throw new UsageError(`${label}: certificate ${index + 1} of ${blocks.length} is not a valid PEM certificate`, 'bad-ca-file')
    }
  })
  return pem
}

const METHOD = /^[A-Z]{1,16}$/

/** Validates every probe flag once, before any socket is opened. */
export async function probeOptions(flags: ProbeFlags): Promise<ProbeOptions> {
  const method = flags.method.toUpperCase()
  if (!METHOD.test(method)) throw new UsageError(`invalid --method ${JSON.stringify(flags.method.slice(0, 20))}: letters only, e.g. GET`, 'bad-method')
  // CONNECT asks for a tunnel, not a resource: it cannot say anything about the edge.
  if (method === 'CONNECT') throw new UsageError('--method CONNECT is not a request to the API: use GET, HEAD, POST…', 'bad-method')
  if (flags.path !== undefined && (!flags.path.startsWith('/') || /[\s\u0000-\u001F\u007F]/.test(flags.path) || flags.path.length > 4096)) {
    throw new UsageError('invalid --path: it must start with / and contain no spaces or control characters', 'bad-path')
  }
  if (!Number.isInteger(flags.timeout) || flags.timeout < 1 || flags.timeout > 600_000) throw new UsageError('invalid --timeout: milliseconds from 1 to 600000', 'bad-timeout')
  // The path is written into every fix snippet: it must not be able to break one (checked before reading it).
  const caFile = flags['ca-file'] ? snippetPath(flags['ca-file']) : null
  if (flags['ca-file'] && !caFile) {
    throw new UsageError('--ca-file: the path goes into config snippets, so it may only hold letters, digits and . _ / @ + - (copy the file to such a path)', 'bad-ca-file')
  }
  const caPem = flags['ca-file'] ? await readCaFile(flags['ca-file']) : null
  const version = parseProxyVersion(flags['proxy-version'])
  const redact = new Set((flags.redact ?? []).map(parseRedactName))
  const headers = (flags.header ?? []).map((raw) => parseHeader(raw, redact))
  // From here on, no output path (report, error message, debug stack) may show these values.
  rememberSecrets(headers)
  return {
    port: flags.port,
    httpPort: flags['http-port'],
    path: flags.path,
    method,
    headers,
    resolve: (flags.resolve ?? []).map(parseResolve),
    connectTo: (flags['connect-to'] ?? []).map(parseConnectTo),
    caFile,
    caPem,
    timeoutMs: flags.timeout,
    proxyKind: flags['proxy-kind'] as ProxyKind | 'all',
    proxyVersion: version,
    via: flags.via ? parseVia(flags.via) : null,
    ...(flags['all-addresses'] ? {allAddresses: true} : {}),
  }
}
