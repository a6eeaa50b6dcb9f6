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

function systemCertificates(): string[] {
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
 * Built explicitly so that NODE_TLS_REJECT_UNAUTHORIZED or NODE_EXTRA_CA_CERTS in the
 * environment cannot change the verdict, and built once because parsing ~150 roots is costly.
 */
export function buildTrustStore(extraPem: string | null): SecureContext {
  const ca = [...rootCertificates, ...withoutBundledRoots(systemCertificates()), ...(extraPem ? [extraPem] : [])]
  return createSecureContext({ca})
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g

/**
 * The system store mostly repeats Node's bundled roots (both are Mozilla's list on Debian: 122 of
 * 144 here), and each certificate costs ~0.1 ms to parse: the copies are left out, the trust set is
 * the same.
 */
function withoutBundledRoots(bundles: string[]): string[] {
  const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '')
  const bundled = new Set(rootCertificates.map(body))
  return bundles.flatMap((bundle) => bundle.match(PEM_CERTIFICATE) ?? []).filter((pem) => !bundled.has(body(pem)))
}
