import {readFileSync} from 'node:fs'
import {createSecureContext, rootCertificates, type SecureContext} from 'node:tls'
import * as tls from 'node:tls'

/** Where Debian, Red Hat, Alpine, SUSE and macOS (Homebrew) keep the system bundle. */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
]

export function systemCertificates(): string[] {
  // Node >= 22.15 can read the OS store itself.
  const getter = (tls as {getCACertificates?: (kind: string) => string[]}).getCACertificates
  if (typeof getter === 'function') {
    try {
      return getter('system')
    } catch {
      // fall through to the bundle files
    }
  }
  for (const path of SYSTEM_BUNDLES) {
    try {
      return [readFileSync(path, 'utf8')]
    } catch {
      // try the next location
    }
  }
  return []
}

/**
 * One secure context for every probe: Node's bundled roots + the system store + --ca-file.
 * Built so that NODE_TLS_REJECT_UNAUTHORIZED, NODE_EXTRA_CA_CERTS or NODE_OPTIONS in the
 * environment cannot change the verdict, and built once because parsing certificates is costly.
 */
export function buildTrustStore(extraPem: string | null): SecureContext {
  const bundled = new Set(rootCertificates.map(body))
  // The system store mostly repeats the bundled roots (both are Mozilla's list on Debian: 122 of
  // 144 here), and each certificate costs ~0.13 ms to parse: the copies are left out.
  const system = systemCertificates()
    .flatMap(certificatesIn)
    .filter((pem) => !bundled.has(body(pem)))
  const caFile = extraPem ? [extraPem] : []
  const trusted = new Set([...bundled, ...[...system, ...caFile].flatMap(certificatesIn).map(body)])
  const inDefault = nodeDefaultStoreExtras(trusted)
  if (inDefault) {
    const missing = system.filter((pem) => !inDefault.has(body(pem)))
    // Nothing to add: Node's default store (bundled roots + NODE_EXTRA_CA_CERTS) is the trust set.
    // Adding anything gives the context a copy of that store with the bundled roots only (Node does
    // not copy NODE_EXTRA_CA_CERTS' certificates), so then every system certificate goes in.
    const quick = onNodeDefaultStore(missing.length === 0 && caFile.length === 0 ? [] : [...system, ...caFile])
    if (quick) return quick
  }
  return explicitStore([...system, ...caFile])
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g
export const certificatesIn = (bundle: string): string[] => bundle.match(PEM_CERTIFICATE) ?? []
/** A certificate whatever its PEM layout (line length, line ends). */
export const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '')

/** Every certificate parsed into a fresh store. */
export function explicitStore(extra: string[]): SecureContext {
  return createSecureContext({ca: [...rootCertificates, ...extra]})
}

/**
 * The trust set on top of Node's default store (a context made without `ca`): Node parses its
 * bundled roots into that store once (at start-up when NODE_EXTRA_CA_CERTS is set, else on first
 * use), and `ca` would parse every one of them again (~17 ms here, ~38 ms when Node had not built
 * its own store yet). The others are added with SecureContext's addCACert, which is what `ca` calls
 * for each of its own. Undefined if that method is not there.
 */
export function onNodeDefaultStore(extra: string[]): SecureContext | undefined {
  const context = createSecureContext({})
  const native = (context as {context?: {addCACert?: unknown}}).context
  if (typeof native?.addCACert !== 'function') return undefined
  for (const pem of extra) native.addCACert(pem)
  return context
}

export interface NodeDefaults {
  env: NodeJS.ProcessEnv
  execArgv: readonly string[]
  /** process.config.variables: how this Node was built. */
  build: Record<string, unknown>
  /** Reads NODE_EXTRA_CA_CERTS' file. */
  readFile: (path: string) => string
}

const thisNode = (): NodeDefaults => ({env: process.env, execArgv: process.execArgv, build: process.config.variables as unknown as Record<string, unknown>, readFile: (path) => readFileSync(path, 'utf8')})

/**
 * What Node's default store holds besides its bundled roots (the bodies of NODE_EXTRA_CA_CERTS'
 * certificates), when all of it is trusted anyway (a machine pointing NODE_EXTRA_CA_CERTS at the
 * system bundle); undefined when it holds anything else, or when --use-openssl-ca or
 * --use-system-ca (command line or NODE_OPTIONS) or the way Node was built replace or extend it.
 */
export function nodeDefaultStoreExtras(trusted: ReadonlySet<string>, node: NodeDefaults = thisNode()): Set<string> | undefined {
  const flags = [...node.execArgv, ...(node.env.NODE_OPTIONS ?? '').split(/\s+/)]
  if (flags.some((flag) => /^--use-(openssl|system)-ca$/.test(flag)) || node.build.openssl_use_def_ca_store) return undefined
  const path = node.env.NODE_EXTRA_CA_CERTS
  if (!path) return new Set()
  let text: string
  try {
    text = node.readFile(path)
  } catch {
    return undefined
  }
  // Anything but plain certificates (Node would still read the certificates among them): not worth the risk.
  const certificates = certificatesIn(text)
  if ((text.match(/-----BEGIN /g) ?? []).length !== certificates.length) return undefined
  const bodies = new Set(certificates.map(body))
  return [...bodies].every((b) => trusted.has(b)) ? bodies : undefined
}
