// Run in a child process, with NODE_EXTRA_CA_CERTS naming the system bundle (as on these machines)
// or without it: for every system certificate that is not one of Node's bundled roots, the store the
// tool builds, with --ca-file and without, must give OpenSSL's verdict of the explicit store.
// Prints a JSON summary.
import {buildTrustStore, body, certificatesIn, explicitStore, systemCertificates} from '../../src/probes/trust-store.js'
import {X509Certificate} from 'node:crypto'
import tls from 'node:tls'

import {makePki} from './certs.js'
import {impostorChain, verdicts} from './impostor.js'

const bundled = new Set(tls.rootCertificates.map(body))
const systemOnly = systemCertificates().flatMap(certificatesIn).filter((pem) => !bundled.has(body(pem)))
const pki = await makePki()
const built = buildTrustStore(pki.caCert)
const explicit = explicitStore([...systemOnly, pki.caCert])
// What a plain probe gets (no --ca-file), against the same set without the CA.
const builtPlain = buildTrustStore(null)
const explicitPlain = explicitStore(systemOnly)
const caOnly = tls.createSecureContext({ca: [pki.caCert]})
const mismatches: string[] = []
let toldApart = 0
for (const pem of systemOnly) {
  const [withoutIt, viaExplicit, viaBuilt, viaExplicitPlain, viaBuiltPlain] = await verdicts(await impostorChain(pem), [caOnly, explicit, built, explicitPlain, builtPlain])
  const name = new X509Certificate(pem).subject.split('\n').join(', ')
  if (viaBuilt !== viaExplicit) mismatches.push(`--ca-file: ${name}: ${viaBuilt} instead of ${viaExplicit}`)
  if (viaBuiltPlain !== viaExplicitPlain) mismatches.push(`no --ca-file: ${name}: ${viaBuiltPlain} instead of ${viaExplicitPlain}`)
  if (viaExplicit !== withoutIt) toldApart++
}
const [leafVerdict] = await verdicts(await pki.valid(['api.test']), [built])
process.stdout.write(JSON.stringify({systemOnly: systemOnly.length, toldApart, mismatches, caFileTrusted: leafVerdict === null}) + '\n')
