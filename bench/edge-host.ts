// A child process of the bench that hosts test edges (test/support/test-edge.ts), so that the
// edges' TLS work runs beside the tool under test, not inside the process that times it. Started
// with a JSON plan as its argument; prints one JSON line {caCert, edges: [{host, port, httpPort}]}
// when every edge listens, then runs until its stdin closes.
import {startTestEdge, type TestEdgeOptions} from '../test/support/test-edge.js'
import {makePki} from '../test/support/certs.js'

interface Plan {
  edges: Array<{host: string; hostnames: string[]}>
  options: TestEdgeOptions
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan
const pki = await makePki()
const edges = await Promise.all(plan.edges.map((edge) => startTestEdge({...plan.options, host: edge.host, hostnames: edge.hostnames, pki})))
process.stdout.write(JSON.stringify({caCert: pki.caCert, edges: edges.map((e) => ({host: e.host, port: e.port, httpPort: e.httpPort}))}) + '\n')
process.stdin.resume()
process.stdin.on('end', async () => {
  await Promise.all(edges.map((edge) => edge.close()))
  process.exit(0)
})
