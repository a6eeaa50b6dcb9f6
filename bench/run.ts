// npm run bench: the performance targets of the fleet issue, as ratios measured in one run against
// baselines measured in the same run, with public tools only (node, curl, openssl, xargs,
// /usr/bin/time). The real CLI is timed (bin/run.js on the built dist/), process start included.
//
//   a. start-up   apigw-doctor --version against node -e 0 (median of BENCH_RUNS)     goal <= 2.0x
//   b. latency    through a relay adding BENCH_DELAY_MS each way in front of a test edge:
//                 the full probe against one curl request (the floor)                  goal <= 1.4x
//                 the six-step manual runbook against the probe                        goal >= 4x
//                 (+ the six-probe matrix in-process against its slowest single probe: ~1x)
//   c. fleet      BENCH_FLEET targets (test edges on 127.0.0.2-5) at --concurrency BENCH_CONCURRENCY
//                 against xargs -P running one curl per target                       goal <= 3x
//                 peak RSS of the CLI                                                  goal <= 250 MB
//                 (and of twice as many targets, the list twice: it must not grow with the list)
//                 BENCH_FLEET targets against half as many                            goal <= 2.2x
//
// Knobs (environment): BENCH_RUNS (15), BENCH_LATENCY_RUNS (9), BENCH_DELAY_MS (50), BENCH_FLEET
// (1000), BENCH_CONCURRENCY (100), BENCH_FLEET_RUNS (3), BENCH_ONLY (e.g. "startup,latency"),
// BENCH_OUT (bench/results.md). Loopback only: every name is pinned with --connect-to.
import {spawn} from 'node:child_process'
import {mkdtemp, open, readFile, rm, writeFile} from 'node:fs/promises'
import {cpus, loadavg, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {startRelay} from '../test/support/relay.js'
import {startTestEdge} from '../test/support/test-edge.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const CLI = join(ROOT, 'bin', 'run.js')
const env = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name} must be a positive number`)
  return value
}
const RUNS = env('BENCH_RUNS', 15)
const LATENCY_RUNS = env('BENCH_LATENCY_RUNS', 9)
const DELAY_MS = env('BENCH_DELAY_MS', 50)
const FLEET = env('BENCH_FLEET', 1000)
const CONCURRENCY = env('BENCH_CONCURRENCY', 100)
const FLEET_RUNS = env('BENCH_FLEET_RUNS', 3)
const ONLY = new Set((process.env.BENCH_ONLY ?? 'startup,latency,fleet').split(',').map((s) => s.trim()))
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'bench', 'results.md')

// ----- measuring ------------------------------------------------------------------------------

interface Timed {
  ms: number
  code: number | null
  /** peak resident set (KiB), when run under /usr/bin/time */
  rssKb?: number
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Runs a command to completion, stdout to a file (or nowhere), and times it from spawn to exit. */
/** `expect`: the exit status a run must have, or the bench stops (a fast crash would read as a fast run). */
async function timed(command: string, args: string[], opts: {stdout?: string; input?: string; rss?: boolean; env?: NodeJS.ProcessEnv; expect?: number} = {}): Promise<Timed> {
  const rssFile = opts.rss ? join(work, `rss-${Math.random().toString(36).slice(2)}`) : null
  const [cmd, argv] = rssFile ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args]
  const out = opts.stdout ? await open(opts.stdout, 'w') : null
  const started = performance.now()
  const child = spawn(cmd, argv as string[], {cwd: ROOT, stdio: [opts.input === undefined ? 'ignore' : 'pipe', out ? out.fd : 'ignore', 'pipe'], env: {...(opts.env ?? process.env), NO_COLOR: '1'}})
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)))
  if (opts.input !== undefined) child.stdin!.end(opts.input)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode) => resolve(exitCode))
  })
  const ms = performance.now() - started
  await out?.close()
  if (code === null || code === 127 || (rssFile && /Command exited with non-zero status 127|No such file/.test(stderr))) throw new Error(`${command} ${args.slice(0, 4).join(' ')} failed to run: ${stderr}`)
  if (opts.expect !== undefined && code !== opts.expect) throw new Error(`${command} ${args.slice(0, 4).join(' ')}: exit ${code}, expected ${opts.expect}: ${stderr}`)
  const result: Timed = {ms, code}
  if (rssFile) {
    result.rssKb = Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1))
    await rm(rssFile, {force: true})
  }
  return result
}

/** Medians of several commands, their runs interleaved so that drift in machine load hits all alike. */
async function interleaved(cases: Record<string, () => Promise<Timed>>, runs: number): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
  for (let i = 0; i < runs; i++) {
    const names = Object.keys(cases)
    // rotate the order each round: no case always runs first (cold) or right after a heavy one
    for (const name of [...names.slice(i % names.length), ...names.slice(0, i % names.length)]) times[name]!.push((await cases[name]!()).ms)
  }
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]))
}

// ----- reporting ------------------------------------------------------------------------------

const rows: string[] = []
const verdicts: Array<{what: string; ok: boolean}> = []
const fmt = (ms: number) => `${Math.round(ms)} ms`
const x = (ratio: number) => `${ratio.toFixed(2)}x`

function line(text = ''): void {
  console.log(text)
  rows.push(text)
}

function goal(what: string, value: number, op: '<=' | '>=', target: number, detail: string): void {
  const ok = op === '<=' ? value <= target : value >= target
  verdicts.push({what, ok})
  line(`| ${what} | **${x(value)}** | ${op} ${target}x | ${ok ? 'met' : 'NOT met'} | ${detail} |`)
}

// ----- a. start-up ----------------------------------------------------------------------------

async function startup(): Promise<void> {
  const node = process.execPath
  const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS
  const bare = {...process.env}
  delete bare.NODE_EXTRA_CA_CERTS
  const t = await interleaved(
    {
      'node -e 0': () => timed(node, ['-e', '0'], {expect: 0}),
      '--version': () => timed(node, [CLI, '--version'], {expect: 0}),
      'probe --help': () => timed(node, [CLI, 'probe', '--help'], {expect: 0}),
      'explain SC--': () => timed(node, [CLI, 'explain', 'SC--'], {expect: 0}),
      // NODE_EXTRA_CA_CERTS (set on these machines to the system bundle) makes every Node start parse
      // it: the baseline grows with it, so the ratio is also measured without it.
      ...(extraCaCerts ? {'node -e 0, bare': () => timed(node, ['-e', '0'], {env: bare, expect: 0}), '--version, bare': () => timed(node, [CLI, '--version'], {env: bare, expect: 0})} : {}),
    },
    RUNS,
  )
  line(`## a. Start-up (median of ${RUNS} runs each, interleaved)`)
  line()
  line('| measure | ratio | goal | | detail |')
  line('|---|---|---|---|---|')
  goal('`apigw-doctor --version` / `node -e 0`', t['--version']! / t['node -e 0']!, '<=', 2.0, `${fmt(t['--version']!)} / ${fmt(t['node -e 0']!)}`)
  line(`| \`probe --help\` / \`node -e 0\` | ${x(t['probe --help']! / t['node -e 0']!)} | | info | ${fmt(t['probe --help']!)}: loads the probe command |`)
  line(`| \`explain SC--\` / \`node -e 0\` | ${x(t['explain SC--']! / t['node -e 0']!)} | | info | ${fmt(t['explain SC--']!)}: a whole offline command |`)
  if (extraCaCerts) {
    const [base, version] = [t['node -e 0, bare']!, t['--version, bare']!]
    line(`| \`--version\` / \`node -e 0\`, both without NODE_EXTRA_CA_CERTS | ${x(version / base)} | | info | ${fmt(version)} / ${fmt(base)}: the baseline above includes parsing ${extraCaCerts} at start (${fmt(t['node -e 0']! - base)}); the tool's own cost is the difference, ${fmt(version - base)} here against ${fmt(t['--version']! - t['node -e 0']!)} above |`)
  }
  line()
}

// ----- b. latency -----------------------------------------------------------------------------

async function latency(): Promise<void> {
  const edge = await startTestEdge({hostnames: ['api.test'], noSni: 'alert-112', httpListener: '403'})
  const tls = await startRelay({targetHost: edge.host, targetPort: edge.port, delayMs: DELAY_MS})
  const http = await startRelay({targetHost: edge.host, targetPort: edge.httpPort, delayMs: DELAY_MS})
  const ca = join(work, 'latency-ca.pem')
  await writeFile(ca, edge.caCert)
  try {
    const pin = ['--connect-to', '::127.0.0.1:']
    const curl = (...args: string[]) => timed('curl', ['-s', '-o', '/dev/null', ...pin, ...args])
    const sClient = (...args: string[]) => timed('openssl', ['s_client', '-connect', `127.0.0.1:${tls.port}`, '-CAfile', ca, ...args], {input: ''})
    const probe = (tlsPort: number, httpPort: number) => timed(process.execPath, [CLI, 'probe', 'api.test', '--port', String(tlsPort), '--http-port', String(httpPort), ...pin, '--ca-file', ca, '--json'], {expect: 0})
    const runbook = async (): Promise<Timed> => {
      const started = performance.now()
      // What a person types, one after another: plain HTTP; plain HTTP to the TLS port; the
      // handshake without and with SNI; the request with a wrong Host, then the right one.
      await curl(`http://api.test:${http.port}/`)
      await curl(`http://api.test:${tls.port}/`)
      await sClient('-noservername')
      await sClient('-servername', 'api.test')
      await curl('--cacert', ca, '-H', 'Host: wrong.invalid', `https://api.test:${tls.port}/`)
      await curl('--cacert', ca, `https://api.test:${tls.port}/`)
      return {ms: performance.now() - started, code: 0}
    }
    // The edge must be found healthy (exit 0, or timed() stops the bench): else the timing measures a failure.
    await probe(tls.port, http.port)
    const t = await interleaved(
      {
        probe: () => probe(tls.port, http.port),
        curl: () => curl('--cacert', ca, `https://api.test:${tls.port}/`),
        runbook,
        'probe, no relay': () => probe(edge.port, edge.httpPort),
        'curl, no relay': () => curl('--cacert', ca, `https://api.test:${edge.port}/`),
      },
      LATENCY_RUNS,
    )
    const matrix = await matrixAgainstRelay(edge.caCert, tls.port, http.port)
    line(`## b. Latency through a relay adding ${DELAY_MS} ms each way (median of ${LATENCY_RUNS} runs, interleaved)`)
    line()
    line('| measure | ratio | goal | | detail |')
    line('|---|---|---|---|---|')
    goal('full `probe` / one `curl` request', t.probe! / t.curl!, '<=', 1.4, `${fmt(t.probe!)} / ${fmt(t.curl!)}`)
    goal('six-step manual runbook / full `probe`', t.runbook! / t.probe!, '>=', 4, `${fmt(t.runbook!)} / ${fmt(t.probe!)}`)
    line(`| six-probe matrix / its slowest probe (in-process) | ${x(matrix.wall / matrix.slowest)} | ~1x | info | ${fmt(matrix.wall)} / ${fmt(matrix.slowest)}; one after another: ${fmt(matrix.sum)} (${x(matrix.sum / matrix.slowest)}) |`)
    line(`| fixed cost, no relay: \`probe\` / \`curl\` | ${x(t['probe, no relay']! / t['curl, no relay']!)} | | info | ${fmt(t['probe, no relay']!)} / ${fmt(t['curl, no relay']!)}: start-up and CPU, no network wait |`)
    line()
    // What the goals leave for the probe's own time, given the wait the relay adds to it.
    const wait = t.probe! - t['probe, no relay']!
    line(`What the goals leave: the relay adds ${fmt(wait)} to the probe (two round trips: handshake, then request). `
      + `≤ 1.4x one curl allows the probe ${fmt(1.4 * t.curl! - wait)} of fixed cost (start-up and CPU); it has ${fmt(t['probe, no relay']!)}. `
      + `≥ 4x faster than the runbook needs a probe of ${fmt(t.runbook! / 4)} at most, when one curl request alone takes ${fmt(t.curl!)}: `
      + 'the runbook makes 8 round trips in 6 processes, the probe at least 2 in 1, so 4x needs a fixed cost ≤ 1.5x that of one curl process, whatever the delay. '
      + 'See bench/latency.md.')
    line()
  } finally {
    await Promise.all([tls.close(), http.close()])
    await edge.close()
  }
}

/** The six probes of one matrix at once, in-process, against the same relay: wall time ≈ the slowest probe. */
async function matrixAgainstRelay(caCert: string, tlsPort: number, httpPort: number): Promise<{wall: number; slowest: number; sum: number}> {
  const [{runMatrix}, {buildTrustStore}, {loadHttpClient}] = await Promise.all([import('../src/probes/run-matrix.js'), import('../src/probes/trust-store.js'), import('../src/probes/http-exchange.js')])
  await loadHttpClient()
  const secureContext = buildTrustStore(caCert)
  const walls: number[] = []
  const slowest: number[] = []
  const sums: number[] = []
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const started = performance.now()
    const result = await runMatrix({host: 'api.test', hostKind: 'name', port: tlsPort, httpPort, path: '/', method: 'GET', headers: [], resolve: [{host: 'api.test', port: '*', addresses: ['127.0.0.1']}], connectTo: [], timeoutMs: 5000, secureContext, caFile: null, userAgent: 'bench'})
    walls.push(performance.now() - started)
    const totals = result.probes.map((p) => p.timings.total)
    slowest.push(Math.max(...totals))
    sums.push(totals.reduce((a, b) => a + b, 0))
  }
  return {wall: median(walls), slowest: median(slowest), sum: median(sums)}
}

// ----- c. fleet -------------------------------------------------------------------------------

const FLEET_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']

interface FleetEdge {
  host: string
  port: number
}

/** Edges for `count` names (t00001.fleet.test…), a quarter on each address, hosted by two child processes. */
async function startFleet(count: number): Promise<{edges: FleetEdge[]; caFile: string; names: Array<{name: string; edge: FleetEdge}>; stop: () => Promise<void>}> {
  const names = Array.from({length: count}, (_, i) => `t${String(i + 1).padStart(5, '0')}.fleet.test`)
  const perAddress = FLEET_ADDRESSES.map((host, a) => ({host, hostnames: names.filter((_, i) => i % FLEET_ADDRESSES.length === a)}))
  // Two hosts (this machine's two cores), two addresses each.
  const plans = [perAddress.slice(0, 2), perAddress.slice(2)]
  const hosts = await Promise.all(
    plans.map(async (edges) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'edge-host.ts'), JSON.stringify({edges, options: {noSni: 'alert-112'}})], {cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit']})
      let out = ''
      const ready = await new Promise<{caCert: string; edges: FleetEdge[]}>((resolve, reject) => {
        child.on('exit', (code) => reject(new Error(`edge host exited (${code})`)))
        child.stdout!.on('data', (chunk) => {
          out += chunk
          if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!))
        })
      })
      return {child, ...ready}
    }),
  )
  const caFile = join(work, 'fleet-ca.pem')
  await writeFile(caFile, hosts.map((h) => h.caCert).join('\n'))
  const edges = hosts.flatMap((h) => h.edges)
  const edgeOf = (i: number) => edges[i % FLEET_ADDRESSES.length]!
  return {
    edges,
    caFile,
    names: names.map((name, i) => ({name, edge: edgeOf(i)})),
    stop: async () => {
      await Promise.all(
        hosts.map(({child}) => {
          child.removeAllListeners('exit')
          const exited = new Promise((resolve) => child.once('exit', resolve))
          child.stdin!.end()
          return exited
        }),
      )
    },
  }
}

async function fleet(): Promise<void> {
  const fleetEdges = await startFleet(FLEET)
  try {
    // curl's --connect-to: an empty HOST matches every host, so one rule per edge (by port) sends
    // each name to its edge; the last sends anything else (the plain-HTTP probe's port 9) to a port
    // that refuses. Our CLI takes the same rules.
    const connectTo = [...fleetEdges.edges.map((e) => `:${e.port}:${e.host}:`), '::127.0.0.1:']
    const connectFlags = connectTo.flatMap((rule) => ['--connect-to', rule])
    // Longer than the fleet: the list again (same edges, same certificates), so that only its length changes.
    const listFile = async (count: number) => {
      const path = join(work, `fleet-${count}.txt`)
      const names = Array.from({length: count}, (_, i) => fleetEdges.names[i % FLEET]!)
      await writeFile(path, names.map(({name, edge}) => `${name}:${edge.port}`).join('\n') + '\n')
      return path
    }
    const urlFile = join(work, `fleet-urls-${FLEET}.txt`)
    await writeFile(urlFile, fleetEdges.names.map(({name, edge}) => `https://${name}:${edge.port}/`).join('\n') + '\n')
    const [full, half, double] = [await listFile(FLEET), await listFile(Math.floor(FLEET / 2)), await listFile(2 * FLEET)]
    const ndjson = join(work, 'fleet.ndjson')
    const ours = (file: string) => timed(process.execPath, [CLI, 'probe', '--file', file, '--concurrency', String(CONCURRENCY), '--http-port', '9', ...connectFlags, '--ca-file', fleetEdges.caFile, '--json'], {stdout: ndjson, rss: true, expect: 0})
    const xargs = () =>
      timed('sh', ['-c', `xargs -P ${CONCURRENCY} -n 1 curl -s -o /dev/null --cacert '${fleetEdges.caFile}' ${connectTo.map((rule) => `--connect-to '${rule}'`).join(' ')} < '${urlFile}'`], {rss: true, expect: 0})

    // One run of each first: every target must be healthy, or the timing measures failures.
    const first = await ours(full)
    const reports = (await readFile(ndjson, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as {verdict?: string})
    const healthy = reports.filter((r) => r.verdict === 'healthy').length
    if (healthy !== FLEET) throw new Error(`fleet run: exit ${first.code}, ${healthy} of ${FLEET} targets healthy (of ${reports.length} lines)`)
    await xargs()

    const runs: Record<string, Timed[]> = {ours: [], half: [], xargs: [], double: []}
    for (let i = 0; i < FLEET_RUNS; i++) {
      runs.ours!.push(await ours(full))
      runs.xargs!.push(await xargs())
      runs.half!.push(await ours(half))
      runs.double!.push(await ours(double))
    }
    const wall = (name: string) => median(runs[name]!.map((r) => r.ms))
    const rss = (name: string) => Math.max(...runs[name]!.map((r) => r.rssKb ?? 0)) / 1024
    line(`## c. Fleet: ${FLEET} targets, 4 test edges on ${FLEET_ADDRESSES.join(', ')}, concurrency ${CONCURRENCY} (median of ${FLEET_RUNS} runs)`)
    line()
    line('| measure | ratio | goal | | detail |')
    line('|---|---|---|---|---|')
    goal(`${FLEET} targets: \`probe --file --concurrency ${CONCURRENCY}\` / \`xargs -P ${CONCURRENCY} curl\``, wall('ours') / wall('xargs'), '<=', 3, `${fmt(wall('ours'))} / ${fmt(wall('xargs'))}; ${(FLEET / (wall('ours') / 1000)).toFixed(0)} targets/s (6 connections each) against ${(FLEET / (wall('xargs') / 1000)).toFixed(0)} requests/s`)
    goal(`${FLEET} targets / ${Math.floor(FLEET / 2)} targets`, wall('ours') / wall('half'), '<=', 2.2, `${fmt(wall('ours'))} / ${fmt(wall('half'))}`)
    const peak = rss('ours')
    verdicts.push({what: 'peak RSS', ok: peak <= 250})
    // The list twice must not cost memory: what a batch holds depends on --concurrency, not on the list.
    const flat = rss('double') / peak
    verdicts.push({what: 'peak RSS flat in the length of the list', ok: flat <= 1.15})
    line(`| peak RSS of \`probe\`, ${FLEET} targets | **${peak.toFixed(0)} MB** | <= 250 MB | ${peak <= 250 ? 'met' : 'NOT met'} | ${Math.floor(FLEET / 2)} targets: ${rss('half').toFixed(0)} MB; ${2 * FLEET} targets (the list twice, ${fmt(wall('double'))}): ${rss('double').toFixed(0)} MB; the largest single curl under xargs: ${rss('xargs').toFixed(0)} MB (×${CONCURRENCY} at once) |`)
    line(`| peak RSS, the list twice / once | **${x(flat)}** | <= 1.15x | ${flat <= 1.15 ? 'met' : 'NOT met'} | ${rss('double').toFixed(0)} MB / ${peak.toFixed(0)} MB: it must not grow with the list |`)
    line()
    line('What holds the memory of a batch, and why it depends on the concurrency, not on the length of the list: bench/memory.md.')
    line()
  } finally {
    await fleetEdges.stop()
  }
}

// ----- main -----------------------------------------------------------------------------------

const work = await mkdtemp(join(tmpdir(), 'apigw-doctor-bench-'))
try {
  const started = new Date()
  const load = loadavg().map((l) => l.toFixed(2)).join(' ')
  line('# apigw-doctor bench results')
  line()
  line(`${started.toISOString()} · node ${process.version} · ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}) · load average at start ${load}`)
  line()
  line('Ratios are measured in one run against baselines measured in the same run (`npm run bench`; knobs in bench/run.ts).')
  line()
  if (ONLY.has('startup')) await startup()
  if (ONLY.has('latency')) await latency()
  if (ONLY.has('fleet')) await fleet()
  line(`Load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`)
  await writeFile(OUT, rows.join('\n') + '\n')
  console.log(`\n${verdicts.filter((v) => v.ok).length} of ${verdicts.length} goals met; written to ${OUT}`)
} finally {
  await rm(work, {recursive: true, force: true})
}
