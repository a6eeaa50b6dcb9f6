// npm run bench: what the issues ask of performance, as ratios against a baseline measured in
// the same run (machines here are noisy; absolute times mean little).
//   1. start-up: `apigw-doctor --version` and `probe --help` against `node -e 0` (goal: <= 2.0x)
//   2. one probe = one round of handshakes: the six-probe matrix against one probe, behind a
//      loopback relay that adds the same latency to every connection (goal: ~1x, never ~6x)
//   3. a batch of 16 targets with --concurrency 16 against one target (goal: ~1x)
import {execFile} from 'node:child_process'
import {connect, createServer, type Server, type Socket} from 'node:net'
import {performance} from 'node:perf_hooks'
import {promisify} from 'node:util'

import {buildTrustStore} from '../src/probes/trust-store.js'
import {runMatrix, type MatrixOptions} from '../src/probes/run-matrix.js'
import {startTestEdge} from '../test/support/test-edge.js'

const run = promisify(execFile)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function timeCommand(args: string[], runs: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await run(process.execPath, args)
    times.push(performance.now() - started)
  }
  return median(times)
}

/** Forwards to the edge, holding each new connection for `delayMs` first: a far-away edge on loopback. */
async function slowRelay(targetPort: number, delayMs: number): Promise<{server: Server; port: number}> {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    sockets.add(client)
    client.pause()
    setTimeout(() => {
      const upstream = connect({host: '127.0.0.1', port: targetPort}, () => client.resume())
      sockets.add(upstream)
      client.pipe(upstream).pipe(client)
      const drop = () => {
        client.destroy()
        upstream.destroy()
      }
      client.on('error', drop).on('close', drop)
      upstream.on('error', drop).on('close', drop)
    }, delayMs)
  })
  server.on('close', () => sockets.forEach((s) => s.destroy()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {server, port: (server.address() as {port: number}).port}
}

async function main() {
  const runs = Number(process.env.BENCH_RUNS ?? 11)
  console.log(`apigw-doctor bench (median of ${runs} runs each)\n`)

  const baseline = await timeCommand(['-e', '0'], runs)
  const version = await timeCommand(['bin/run.js', '--version'], runs)
  const help = await timeCommand(['bin/run.js', 'probe', '--help'], runs)
  const explainRun = await timeCommand(['bin/run.js', 'explain', 'SC--'], runs)
  console.log(`1. start-up, against node -e 0 (${baseline.toFixed(0)} ms here)             goal: <= 2.0x`)
  console.log(`   apigw-doctor --version      ${(version / baseline).toFixed(2)}x   (${version.toFixed(0)} ms)`)
  console.log(`   apigw-doctor probe --help   ${(help / baseline).toFixed(2)}x   (${help.toFixed(0)} ms)`)
  console.log(`   apigw-doctor explain SC--   ${(explainRun / baseline).toFixed(2)}x   (${explainRun.toFixed(0)} ms, a whole offline command)`)

  const edge = await startTestEdge({noSni: 'alert-112', httpListener: 'serve'})
  const delay = 150
  const tlsRelay = await slowRelay(edge.port, delay)
  const httpRelay = await slowRelay(edge.httpPort, delay)
  const options: MatrixOptions = {
    host: 'api.test',
    hostKind: 'name',
    port: tlsRelay.port,
    httpPort: httpRelay.port,
    path: '/',
    method: 'GET',
    headers: [],
    resolve: [{host: 'api.test', port: '*', addresses: ['127.0.0.1']}],
    connectTo: [],
    timeoutMs: 5000,
    secureContext: buildTrustStore(edge.caCert),
    caFile: null,
    userAgent: 'bench',
  }
  const matrixTimes: number[] = []
  const sequentialSums: number[] = []
  const oneProbeTimes: number[] = []
  for (let i = 0; i < runs; i++) {
    let started = performance.now()
    const result = await runMatrix(options)
    matrixTimes.push(performance.now() - started)
    sequentialSums.push(result.probes.reduce((sum, p) => sum + p.timings.total, 0))
    started = performance.now()
    const reference = result.probes.find((p) => p.id === 'tls-sni')!
    oneProbeTimes.push(reference.timings.total)
  }
  console.log(`\n2. the six-probe matrix behind a relay adding ${delay} ms per connection    goal: ~1x, never ~6x`)
  console.log(`   matrix wall time / one probe (tls-sni)        ${(median(matrixTimes) / median(oneProbeTimes)).toFixed(2)}x   (${median(matrixTimes).toFixed(0)} ms / ${median(oneProbeTimes).toFixed(0)} ms; sequential would be ~${(median(sequentialSums) / median(oneProbeTimes)).toFixed(1)}x)`)

  const {probeTarget} = await import('../src/pipeline/probe-target.js')
  const {runBatch} = await import('../src/pipeline/batch-run.js')
  const probeOptions = {port: tlsRelay.port, httpPort: httpRelay.port, path: '/', method: 'GET', headers: [], resolve: options.resolve, connectTo: [], caFile: null, caPem: null, timeoutMs: 5000, proxyKind: 'haproxy' as const, proxyVersion: null, via: null}
  const target = {input: 'api.test', host: 'api.test', hostKind: 'name' as const}
  const tool = {name: 'apigw-doctor', version: 'bench'}
  const singles: number[] = []
  const batches: number[] = []
  for (let i = 0; i < Math.max(3, Math.floor(runs / 2)); i++) {
    let started = performance.now()
    await probeTarget(target, probeOptions, options.secureContext, tool)
    singles.push(performance.now() - started)
    started = performance.now()
    await runBatch({items: Array.from({length: 16}, () => target), concurrency: 16, work: (t) => probeTarget(t, probeOptions, options.secureContext, tool), onResult: () => {}})
    batches.push(performance.now() - started)
  }
  console.log('\n3. a batch of 16 targets (--concurrency 16) against one target      goal: far below 16x')
  console.log(`   batch wall time / one target                  ${(median(batches) / median(singles)).toFixed(2)}x   (${median(batches).toFixed(0)} ms / ${median(singles).toFixed(0)} ms; sequential would be ~16x)`)

  tlsRelay.server.close()
  httpRelay.server.close()
  await edge.close()
}

await main()
