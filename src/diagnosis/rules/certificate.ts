import type {CertificateProblem} from '../../fixes/types.js'
import type {CertificateInfo, TlsObservation} from '../../observations/types.js'
import {handshakeCompleted, oneLine, saw} from '../facts.js'
import type {Finding, Rule, RuleInput} from '../rule.js'
import {opensslVerify} from '../verify-commands.js'

// The certificate chain seen on the reference request (SNI = target), checked as a strict proxy would.

function referenceTls(input: RuleInput): TlsObservation | undefined {
  const reference = input.probes['tls-sni']
  return handshakeCompleted(reference) && reference?.tls?.chain[0] ? reference.tls : undefined
}

/** A date of the chain, or what a certificate with an unreadable time field shows instead. */
const day = (iso: string): string => iso.slice(0, 10) || 'an unreadable date'

const describe = (cert: CertificateInfo): string =>
  oneLine(`${cert.commonName ?? cert.subject} (issuer ${cert.issuer}, valid ${day(cert.notBefore)} to ${day(cert.notAfter)})`, 240)

const nameOf = (cert: CertificateInfo): string => oneLine(cert.commonName ?? cert.subject)

type DateProblem = 'expired' | 'not-yet-valid'

interface ChainMember {
  cert: CertificateInfo
  role: 'leaf' | 'intermediate' | 'root'
}

const outOfDate = (cert: CertificateInfo, problem: DateProblem, at: Date): boolean =>
  problem === 'expired' ? new Date(cert.notAfter) < at : new Date(cert.notBefore) > at

/**
 * The members of the chain whose dates fail at the observation time. The leaf always counts. The
 * others count only when verification failed: a chain that verifies may carry a stale extra
 * certificate (an expired cross-sign) that no path uses, as the 2021 DST Root CA X3 expiry showed.
 */
function membersOutOfDate(input: RuleInput, problem: DateProblem): ChainMember[] {
  const tls = referenceTls(input)
  if (!tls) return []
  return tls.chain
    .map((cert, index): ChainMember => ({cert, role: index === 0 ? 'leaf' : cert.selfSigned ? 'root' : 'intermediate'}))
    .filter((member) => (member.role === 'leaf' || tls.trusted === false) && outOfDate(member.cert, problem, input.observedAt))
}

function finding(input: RuleInput, summary: string, certs: CertificateInfo[]): Finding {
  return {summary, details: [{probe: 'tls-sni', saw: `${saw(input.probes['tls-sni'])}; certificate ${certs.map(describe).join('; ')}`}]}
}

function dateRule(problem: DateProblem): Rule {
  return {
    id: `certificate-${problem}`,
    severity: 'error',
    reads: ['tls-sni'],
    applies(input) {
      const members = membersOutOfDate(input, problem)
      const first = members[0]
      if (!first) return null
      const host = input.target.host
      const when = problem === 'expired' ? `expired on ${first.cert.notAfter}` : `is not valid before ${first.cert.notBefore}`
      const more = members.length > 1 ? ` (and ${members.length - 1} more certificate${members.length > 2 ? 's' : ''} of the chain)` : ''
      const consequence =
        problem === 'expired' ? 'a proxy that verifies (as it should) refuses the handshake (HAProxy SC--/503)' : "check the server's (or this machine's) clock"
      const summary =
        first.role === 'leaf'
          ? `The certificate of ${host} ${when}${more}: ${consequence}.`
          : `The ${first.role} certificate ${nameOf(first.cert)} in the chain ${host} serves ${when}${more}: the server must send a current chain; ${consequence}.`
      return finding(input, summary, [referenceTls(input)!.chain[0]!, ...members.filter((m) => m.role !== 'leaf').map((m) => m.cert)])
    },
    fix: (fixes, ctx) => fixes.certificate(ctx, problem),
    verify: opensslVerify,
  }
}

export const certificateExpired = dateRule('expired')
export const certificateNotYetValid = dateRule('not-yet-valid')

const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])

function certificateRule(problem: Exclude<CertificateProblem, DateProblem>, check: (input: RuleInput, tls: TlsObservation, leaf: CertificateInfo) => string | null): Rule {
  return {
    id: `certificate-${problem}`,
    severity: 'error',
    reads: ['tls-sni'],
    applies(input) {
      const tls = referenceTls(input)
      if (!tls) return null
      const why = check(input, tls, tls.chain[0]!)
      return why ? finding(input, why, [tls.chain[0]!]) : null
    },
    fix: (fixes, ctx) => fixes.certificate(ctx, problem),
    verify: opensslVerify,
  }
}

/** Verification failed and the dates in the chain do not explain it (or OpenSSL names another reason). */
export const certificateUntrusted = certificateRule('untrusted', (input, tls) => {
  if (tls.trusted !== false) return null
  const datesExplain =
    (tls.trustError === undefined || DATE_ERRORS.has(tls.trustError)) &&
    (membersOutOfDate(input, 'expired').length > 0 || membersOutOfDate(input, 'not-yet-valid').length > 0)
  if (datesExplain) return null
  const reason = tls.trustError ? oneLine(tls.trustError, 80) : 'unverified'
  const dateNote = DATE_ERRORS.has(tls.trustError ?? '') ? ' although every certificate the server sent is in date: an expired or not-yet-valid CA outside the chain it sends (for instance in the local store)' : ''
  return `The certificate chain of ${input.target.host} does not verify against the system store${input.target.caFile ? ' plus --ca-file' : ''} (${reason}${dateNote}): give the issuing CA to the proxy (ca-file), or to this tool with --ca-file if it is a private CA you trust.`
})

export const certificateNameMismatch = certificateRule('name-mismatch', (input, tls, leaf) => {
  if (tls.nameMatch !== false) return null
  return `The certificate served for ${input.target.host} does not cover that name (it names ${oneLine(leaf.sans.slice(0, 4).join(', ') || leaf.subject)}): a proxy that verifies the host refuses it.`
})
