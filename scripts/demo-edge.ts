// npm run demo:edge [-- --no-sni close --certificate expired --style cloudfront --path /prod/health]
// Starts the loopback test edge (the one the tests use) and prints the probe command to try
// against it: the tool's whole output without AWS. Ctrl-C stops it.
import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import {startTestEdge, type NoSniBehaviour, type TestEdgeOptions} from '../test/support/test-edge.js'

const {values} = parseArgs({
  options: {
    'no-sni': {type: 'string', default: 'alert-112'},
    certificate: {type: 'string', default: 'valid'},
    style: {type: 'string', default: 'apigw'},
    path: {type: 'string', default: '/prod/health'},
    mode: {type: 'string', default: 'normal'},
  },
})

const edge = await startTestEdge({
  noSni: values['no-sni'] as NoSniBehaviour,
  certificate: values.certificate as TestEdgeOptions['certificate'],
  style: values.style as TestEdgeOptions['style'],
  mode: values.mode as TestEdgeOptions['mode'],
  paths: [values.path!],
  httpListener: 'none',
})
const caFile = join(tmpdir(), `apigw-doctor-demo-ca-${process.pid}.pem`)
writeFileSync(caFile, edge.caCert)
const host = edge.hostnames[0]
console.log(`test edge for ${host} on ${edge.host}:${edge.port} (no SNI: ${values['no-sni']}, certificate: ${values.certificate})\n`)
console.log(
  `./bin/run.js probe ${host} --port ${edge.port} --http-port ${edge.httpPort} --resolve '${host}:*:${edge.host}' --ca-file ${caFile} --path ${values.path}\n`,
)
process.on('SIGINT', () => void edge.close().then(() => process.exit(0)))
