// Run in a child process whose NODE_EXTRA_CA_CERTS names the system bundle (as on these machines):
// for every system certificate that is not one of Node's bundled roots, and --ca-file, the store the
// tool builds must give OpenSSL's verdict of the explicit store. Prints a JSON summary.
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
const caOnly = tls.createSecureContext({ca: [pki.caCert]})
const mismatches: string[] = []
let toldApart = 0
for (const pem of systemOnly) {
  const [withoutIt, viaExplicit, viaBuilt] = await verdicts(await impostorChain(pem), [caOnly, explicit, built])
  if (viaBuilt !== viaExplicit) mismatches.push(`${new X509Certificate(pem).subject.split('\n').join(', ')}: ${viaBuilt} instead of ${viaExplicit}`)
  if (viaExplicit !== withoutIt) toldApart++
}
const [leafVerdict] = await verdicts(await pki.valid(['api.test']), [built])
process.stdout.write(JSON.stringify({systemOnly: systemOnly.length, toldApart, mismatches, caFileTrusted: leafVerdict === null}) + '\n')
