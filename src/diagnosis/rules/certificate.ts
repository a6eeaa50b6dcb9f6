import type {CertificateProblem} from '../../fixes/types.js'
import type {CertificateInfo} from '../../observations/types.js'
import {handshakeCompleted, saw} from '../facts.js'
import type {Rule, RuleInput} from '../rule.js'
import {opensslVerify} from '../verify-commands.js'

// The certificate seen on the reference request (SNI = target), checked as a strict proxy would.

function leaf(input: RuleInput): CertificateInfo | undefined {
  const reference = input.probes['tls-sni']
  return handshakeCompleted(reference) ? reference?.tls?.chain[0] : undefined
}

const describe = (cert: CertificateInfo): string => `${cert.commonName ?? cert.subject} (issuer ${cert.issuer}, valid ${cert.notBefore.slice(0, 10)} to ${cert.notAfter.slice(0, 10)})`

function certificateRule(id: `certificate-${CertificateProblem}`, problem: CertificateProblem, check: (input: RuleInput, cert: CertificateInfo) => string | null): Rule {
  return {
    id,
    severity: 'error',
    reads: ['tls-sni'],
    applies(input) {
      const cert = leaf(input)
      if (!cert) return null
      const why = check(input, cert)
      if (!why) return null
      return {summary: why, details: [{probe: 'tls-sni', saw: `${saw(input.probes['tls-sni'])}; certificate ${describe(cert)}`}]}
    },
    fix: (fixes, ctx) => fixes.certificate(ctx, problem),
    verify: opensslVerify,
  }
}

export const certificateExpired = certificateRule('certificate-expired', 'expired', (input, cert) =>
  new Date(cert.notAfter) < input.observedAt ? `The certificate of ${input.target.host} expired on ${cert.notAfter}: a proxy that verifies (as it should) refuses the handshake (HAProxy SC--/503).` : null,
)

export const certificateNotYetValid = certificateRule('certificate-not-yet-valid', 'not-yet-valid', (input, cert) =>
  new Date(cert.notBefore) > input.observedAt ? `The certificate of ${input.target.host} is not valid before ${cert.notBefore}: check the server's (or this machine's) clock.` : null,
)

const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])

export const certificateUntrusted = certificateRule('certificate-untrusted', 'untrusted', (input) => {
  const tls = input.probes['tls-sni']?.tls
  if (tls?.trusted !== false || DATE_ERRORS.has(tls.trustError ?? '')) return null
  return `The certificate chain of ${input.target.host} does not lead to a trusted CA (${tls.trustError ?? 'unverified'}): give the issuing CA to the proxy (ca-file), or to this tool with --ca-file if it is a private CA you trust.`
})

export const certificateNameMismatch = certificateRule('certificate-name-mismatch', 'name-mismatch', (input, cert) => {
  const tls = input.probes['tls-sni']?.tls
  if (tls?.nameMatch !== false) return null
  return `The certificate served for ${input.target.host} does not cover that name (it names ${cert.sans.slice(0, 4).join(', ') || cert.subject}): a proxy that verifies the host refuses it.`
})
