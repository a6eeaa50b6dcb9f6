// npm run demo:edge [-- --no-sni close --certificate expired --style cloudfront --path /prod/health]
// Starts the loopback test edge (the one the tests use) in the foreground and prints the probe
// command to try against it: the tool's whole output without AWS. Ctrl-C stops it.
import {rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import {EDGE_CERTIFICATES, EDGE_MODES, EDGE_STYLES, NO_SNI_BEHAVIOURS, startTestEdge, type TestEdgeOptions} from '../test/support/test-edge.js'

// The edge's own lists: a behaviour added to the test edge is offered here too.
const CHOICES = {'no-sni': NO_SNI_BEHAVIOURS, certificate: EDGE_CERTIFICATES, style: EDGE_STYLES, mode: EDGE_MODES} as const

const USAGE = `npm run demo:edge -- [options]
  --no-sni       ${CHOICES['no-sni'].join(' | ')}   (default alert-112)
  --certificate  ${CHOICES.certificate.join(' | ')}   (default valid)
  --style        ${CHOICES.style.join(' | ')}   (default apigw)
  --mode         ${CHOICES.mode.join(' | ')}   (default normal)
  --path         the one path that exists, e.g. /prod/health; others get Missing Authentication Token`

let values: Record<string, string | boolean | undefined>
try {
  ;({values} = parseArgs({
    options: {
      'no-sni': {type: 'string', default: 'alert-112'},
      certificate: {type: 'string', default: 'valid'},
      style: {type: 'string', default: 'apigw'},
      mode: {type: 'string', default: 'normal'},
      path: {type: 'string', default: '/prod/health'},
      help: {type: 'boolean', short: 'h'},
    },
  }))
} catch (error) {
  console.error(`demo:edge: ${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
for (const [name, allowed] of Object.entries(CHOICES)) {
  if (!(allowed as readonly string[]).includes(values[name] as string)) {
    console.error(`demo:edge: --${name} ${String(values[name])} is not one of: ${allowed.join(', ')}`)
    process.exit(2)
  }
}

const edge = await startTestEdge({
  noSni: values['no-sni'] as TestEdgeOptions['noSni'],
  certificate: values.certificate as TestEdgeOptions['certificate'],
  style: values.style as TestEdgeOptions['style'],
  mode: values.mode as TestEdgeOptions['mode'],
  paths: [String(values.path)],
  // Like API Gateway: nothing listens for plain HTTP (the http-plain probe is refused).
  httpListener: 'none',
})
const caFile = join(tmpdir(), `apigw-doctor-demo-ca-${process.pid}.pem`)
writeFileSync(caFile, edge.caCert)
const host = edge.hostnames[0]
console.log(`A test edge for ${host} is listening on ${edge.host}:${edge.port} (no SNI: ${values['no-sni']}, certificate: ${values.certificate}, style: ${values.style}).`)
console.log(`Like API Gateway it has no plain-HTTP listener (port ${edge.httpPort} refuses). Its CA is in ${caFile}.\n`)
console.log('In another terminal:\n')
console.log(`./bin/run.js probe ${host} --port ${edge.port} --http-port ${edge.httpPort} --resolve '${host}:*:${edge.host}' --ca-file ${caFile} --path ${values.path}\n`)
console.log('Ctrl-C stops the edge.')

const stop = () => {
  rmSync(caFile, {force: true})
  void edge.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
