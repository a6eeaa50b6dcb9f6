// `apigw-doctor probe --via`, end to end: REAL proxies (Debian's HAProxy 2.6 and nginx 1.22) in front of
// the REAL strict-SNI nginx edge (test/support/e2e/strict-edge.ts), all on loopback. The tool probes the
// edge directly, sends the reference request through the proxy, and must name the one config line that
// is wrong (SPEC.md, diagnosis catalogue: proxy-missing-tls, proxy-missing-sni,
// proxy-missing-host-rewrite, proxy-ok), with exit 1 for a misconfigured proxy and 0 for proxy-ok.
//
//   HAProxy  server gw <edge> (no ssl)                         -> via 400 (edge)         -> proxy-missing-tls
//            ... ssl verify none (no sni)                       -> via 503 (HAProxy SC--) -> proxy-missing-sni
//            ... ssl verify none sni str(api.test)              -> via 403 Forbidden      -> proxy-missing-host-rewrite
//            ... + http-request set-header Host api.test        -> via 200                -> proxy-ok, exit 0
//   nginx    proxy_pass https://<edge> (no SNI)                 -> via 502 (nginx)        -> proxy-missing-sni
//            + proxy_ssl_server_name/proxy_ssl_name/Host        -> via 200                -> proxy-ok, exit 0
//
// Every probe run pins api.test for BOTH its ports with --resolve: nothing is ever asked of DNS.
// haproxy and nginx are REQUIRED: when missing, the suite fails (it never skips).
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import {
  haproxyBackend,
  haproxyConfigWithBackend,
  nginxLocation,
  requireBinary,
  runCli,
  startHaproxy,
  startNginxProxy,
  probeEdgeArgs,
  useStrictEdge,
  type CliResult,
  type StrictEdge,
} from '../support/e2e/index.js'

interface Diagnosis {
  id: string
  severity: string
  summary: string
  evidence: string[]
  fix: Record<string, string | undefined>
}

interface ViaReport {
  verdict: string
  diagnoses: Diagnosis[]
  probes: { id: string; outcome: string; status?: number }[]
  via?: { id: string; url: string; outcome: string; status?: number; http?: { headers: Record<string, string>; bodyExcerpt?: string } }
  error?: unknown
}

/** node:test prints a multi-line diagnostic as one escaped line: emit one per line */
function diag(t: TestContext, text: string): void {
  for (const line of text.split('\n')) t.diagnostic(line)
}

// every test starts with needEdge() (through the helpers below): it FAILS when the edge did not start
const { needEdge } = useStrictEdge()

/** `probe api.test ... --via http://127.0.0.1:<proxyPort>/`: both ports of api.test pinned to the edge address. */
async function probeVia(t: TestContext, proxyPort: number, extra: string[] = ['--json']): Promise<CliResult> {
  const e = needEdge()
  const args = await probeEdgeArgs(e, ['--ca-file', e.caFile, '--via', `http://127.0.0.1:${proxyPort}/`, ...extra])
  const result = await runCli(args, { timeoutMs: 30_000 })
  t.diagnostic(`apigw-doctor ${args.join(' ')} -> exit ${result.code} in ${Math.round(result.ms)} ms`)
  return result
}

/** The JSON report, checked to be one (not an error document). */
function reportOf(result: CliResult): ViaReport {
  assert.ok(result.json, `stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  const json = result.json as ViaReport
  assert.equal(json.error, undefined, `the CLI answered an error (exit ${result.code}): ${JSON.stringify(json.error)}\n${result.stderr}`)
  assert.ok(Array.isArray(json.diagnoses) && json.diagnoses.length > 0, `no diagnoses: ${result.stdout}`)
  return json
}

function describeReport(json: ViaReport): string {
  const probes = json.probes.map((p) => `${p.id}=${p.outcome}${p.status ? '/' + p.status : ''}`).join(' ')
  const via = json.via ? `via=${json.via.outcome}${json.via.status ? '/' + json.via.status : ''}` : 'via=missing'
  return `${probes} ${via}\ndiagnoses: ${json.diagnoses.map((d) => `${d.id}:${d.severity}`).join(', ')}\nfirst: ${JSON.stringify(json.diagnoses[0], null, 2)}`
}

interface Expectation {
  id: string
  severity: string
  viaStatus: number
  exit: number
  /** substrings the fix for each kind must contain */
  fix: { haproxy?: string[]; nginx?: string[] }
  /** evidence the diagnosis must cite */
  evidence?: string[]
}

function assertVia(t: TestContext, result: CliResult, want: Expectation): ViaReport {
  const json = reportOf(result)
  diag(t, describeReport(json))
  const first = json.diagnoses[0]!
  const context = describeReport(json)
  assert.equal(first.id, want.id, context)
  assert.equal(first.severity, want.severity, context)
  assert.ok(json.via, `report.via missing:\n${context}`)
  assert.equal(json.via.status, want.viaStatus, context)
  assert.equal(json.via.id, 'via')
  assert.match(json.via.url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
  for (const [kind, needles] of Object.entries(want.fix)) {
    const snippet = first.fix[kind]
    assert.equal(typeof snippet, 'string', `fix.${kind} missing from ${first.id}: ${JSON.stringify(first.fix)}`)
    for (const needle of needles ?? []) assert.ok(snippet!.includes(needle), `fix.${kind} of ${first.id} does not contain ${JSON.stringify(needle)}:\n${snippet}`)
  }
  for (const probe of want.evidence ?? []) assert.ok(first.evidence.includes(probe), `evidence of ${first.id} lacks ${probe}: ${first.evidence.join(', ')}`)
  // exactly one proxy-* diagnosis, and it comes first
  assert.deepEqual(
    json.diagnoses.filter((d) => d.id.startsWith('proxy-')).map((d) => d.id),
    [want.id],
    context,
  )
  // the edge itself is healthy in every scenario (--ca-file given): only the proxy decides the exit code
  assert.equal(json.verdict, 'healthy', context)
  assert.equal(result.code, want.exit, `exit ${result.code}, want ${want.exit}\n${context}\n${result.stderr}`)
  return json
}

async function withHaproxyBackend<T>(t: TestContext, backend: (edge: StrictEdge) => string, body: (port: number) => Promise<T>, timeoutConnect = '1s'): Promise<T> {
  const text = backend(needEdge())
  requireBinary('haproxy', 'apt-get install -y haproxy')
  // retries 1 (and, for the no-SNI case, a small timeout connect: HAProxy waits min(timeout connect, 1s)
  // before a retry): the refused handshake costs well under a second instead of three
  const haproxy = await startHaproxy((ctx) => haproxyConfigWithBackend(ctx, 'be_gw', text, { timeoutConnect, retries: 1 }))
  try {
    return await body(haproxy.port)
  } finally {
    await new Promise((r) => setTimeout(r, 50))
    await haproxy.stop()
    diag(t, `HAProxy output:\n${haproxy.output().join('\n')}`)
  }
}

async function withNginxLocation<T>(t: TestContext, location: (edge: StrictEdge) => string, body: (port: number) => Promise<T>): Promise<T> {
  const text = location(needEdge())
  requireBinary('nginx', 'apt-get install -y nginx')
  const nginx = await startNginxProxy(text)
  try {
    return await body(nginx.port)
  } finally {
    await nginx.stop()
    diag(t, `nginx error log:\n${nginx.upstreamErrors().join('\n')}`)
  }
}

interface Via {
  json: ViaReport
  result: CliResult
}

/** `probe --via` through a real HAProxy with `backend`, its report checked against `want`. */
async function viaHaproxy(t: TestContext, backend: (edge: StrictEdge) => string, want: Expectation, timeoutConnect?: string): Promise<Via> {
  return withHaproxyBackend(
    t,
    backend,
    async (port) => {
      const result = await probeVia(t, port)
      return { json: assertVia(t, result, want), result }
    },
    timeoutConnect,
  )
}

/** `probe --via --proxy-kind nginx` through a real nginx with `location`, its report checked against `want`. */
async function viaNginx(t: TestContext, location: (edge: StrictEdge) => string, want: Expectation): Promise<Via> {
  return withNginxLocation(t, location, async (port) => {
    const result = await probeVia(t, port, ['--proxy-kind', 'nginx', '--json'])
    return { json: assertVia(t, result, want), result }
  })
}

/** Whichever proxy leaves SNI out, the same diagnosis: only the status the proxy answers differs (HAProxy 503, nginx 502). */
const MISSING_SNI = {
  id: 'proxy-missing-sni',
  severity: 'error',
  exit: 1,
  fix: { haproxy: ['sni str(api.test)'], nginx: ['proxy_ssl_server_name on;', 'proxy_ssl_name api.test;'] },
  evidence: ['via', 'tls-no-sni'],
} satisfies Omit<Expectation, 'viaStatus'>

/** A proxy that sends SNI and rewrites Host, HAProxy or nginx. */
const PROXY_OK: Expectation = { id: 'proxy-ok', severity: 'info', viaStatus: 200, exit: 0, fix: {}, evidence: ['via', 'tls-sni'] }

describe('probe --via through real HAProxy and nginx in front of a strict-SNI edge', { timeout: 120_000 }, () => {
  describe('HAProxy', () => {
    it('server gw <edge> without ssl: proxy-missing-tls (the edge\'s 400 for plain HTTP on the TLS port), exit 1', async (t) => {
      const { json } = await viaHaproxy(t, haproxyBackend.noSsl, {
        id: 'proxy-missing-tls',
        severity: 'error',
        viaStatus: 400,
        exit: 1,
        fix: { haproxy: [' ssl ', 'sni str(api.test)'], nginx: ['proxy_pass https://'] },
        evidence: ['via', 'http-to-tls-port'],
      })
      assert.match(json.via!.http?.bodyExcerpt ?? '', /plain HTTP request was sent to HTTPS port/)
    })

    it('ssl verify none without sni: proxy-missing-sni (HAProxy\'s own 503, SC--), exit 1', async (t) => {
      const { json, result } = await viaHaproxy(t, haproxyBackend.noSni, { ...MISSING_SNI, viaStatus: 503 }, '500ms')
      // the 503 is HAProxy's own page, not the edge's
      assert.match(json.via!.http?.bodyExcerpt ?? '', /No server is available to handle this request/)
      assert.match(json.diagnoses[0]!.summary, /SC--/)
      assert.ok(result.ms < 15_000, `took ${Math.round(result.ms)} ms`)
    })

    it('ssl verify none sni str(api.test) without a Host rewrite: proxy-missing-host-rewrite (403 like the wrong-Host probe), exit 1', async (t) => {
      const { json } = await viaHaproxy(t, haproxyBackend.noHostRewrite, {
        id: 'proxy-missing-host-rewrite',
        severity: 'error',
        viaStatus: 403,
        exit: 1,
        fix: { haproxy: ['http-request set-header Host api.test'], nginx: ['proxy_set_header Host api.test'] },
        evidence: ['via', 'tls-sni-wrong-host'],
      })
      assert.equal(json.via!.http?.headers['x-amzn-errortype'], 'ForbiddenException')
      // the fix is the Host line only, not the server line
      assert.doesNotMatch(json.diagnoses[0]!.fix.haproxy ?? '', /sni str\(/)
    })

    it('sni str(api.test) and http-request set-header Host api.test: proxy-ok, exit 0', async (t) => {
      const { json } = await viaHaproxy(t, haproxyBackend.sniAndHost, PROXY_OK)
      assert.equal(json.via!.outcome, 'ok')
      // nothing to fix in the proxy: no proxy snippet
      assert.equal(json.diagnoses[0]!.fix.haproxy, undefined)
      assert.equal(json.diagnoses[0]!.fix.nginx, undefined)
    })
  })

  describe('nginx', () => {
    it('proxy_pass https:// without proxy_ssl_server_name: proxy-missing-sni (nginx\'s own 502), exit 1', async (t) => {
      const { json } = await viaNginx(t, nginxLocation.noSni, { ...MISSING_SNI, viaStatus: 502 })
      assert.match(json.via!.http?.headers.server ?? '', /nginx/)
      assert.match(json.diagnoses[0]!.summary, /SSL_do_handshake\(\) failed/)
    })

    it('proxy_ssl_server_name on; proxy_ssl_name api.test; proxy_set_header Host api.test: proxy-ok, exit 0', async (t) => {
      const { json } = await viaNginx(t, nginxLocation.sniAndHost, PROXY_OK)
      assert.equal(json.via!.outcome, 'ok')
    })

    it('proxy_pass http:// to the TLS port: proxy-missing-tls (the edge\'s 400), exit 1', async (t) => {
      await viaNginx(t, nginxLocation.plainHttp, {
        id: 'proxy-missing-tls',
        severity: 'error',
        viaStatus: 400,
        exit: 1,
        fix: { nginx: [`proxy_pass https://${needEdge().upstream};`] },
        evidence: ['via', 'http-to-tls-port'],
      })
    })

    it('SNI right but proxy_set_header Host $host: proxy-missing-host-rewrite (403 Forbidden), exit 1', async (t) => {
      await viaNginx(t, nginxLocation.clientHost, {
        id: 'proxy-missing-host-rewrite',
        severity: 'error',
        viaStatus: 403,
        exit: 1,
        fix: { nginx: ['proxy_set_header Host api.test'] },
        evidence: ['via', 'tls-sni-wrong-host'],
      })
    })

    it('human output with --proxy-kind nginx: the nginx fix line is printed, the HAProxy one is not', async (t) => {
      await withNginxLocation(t, nginxLocation.noSni, async (port) => {
        const result = await probeVia(t, port, ['--proxy-kind', 'nginx'])
        diag(t, result.stdout)
        assert.equal(result.json, undefined, 'human mode must not print JSON')
        assert.equal(result.code, 1, result.stderr)
        const out = result.stdout
        assert.match(out, /proxy-missing-sni/)
        // the via row in the probe table
        assert.match(out, /\bvia\b/)
        assert.match(out, /fix \(nginx\):/)
        assert.match(out, /proxy_ssl_server_name on;/)
        assert.match(out, /proxy_ssl_name api\.test;/)
        assert.doesNotMatch(out, /fix \(haproxy\):/)
        assert.doesNotMatch(out, /sni str\(/)
        assert.doesNotMatch(out, /http-request set-header/)
        // the proxy-missing-sni block itself carries the nginx fix
        const block = out.slice(out.indexOf('proxy-missing-sni'))
        const fixAt = block.indexOf('fix (nginx):')
        assert.ok(fixAt >= 0, block)
        const nextDiagnosis = block.slice(1).search(/\n(ERROR|WARNING|INFO) /)
        assert.ok(nextDiagnosis < 0 || fixAt < nextDiagnosis + 1, `the nginx fix is not in the proxy-missing-sni block:\n${block}`)
        assert.ok(block.slice(fixAt).indexOf('proxy_ssl_server_name on;') >= 0)
      })
    })
  })
})
