// The classic failure, reproduced with REAL proxies (Debian's HAProxy and nginx) in front of a REAL
// nginx playing a strict-SNI edge (see test/support/e2e/strict-edge.ts), all on loopback:
//
//   HAProxy  server gw <edge> (no ssl)                       -> 400, termination ----
//            ... ssl verify none (no sni)                     -> 503, termination SC--
//            ... ssl verify none sni str(api.test)            -> 403 Forbidden (Host not rewritten)
//            ... + http-request set-header Host api.test      -> 200
//   nginx    proxy_pass https://<edge> (no SNI)               -> 502, SSL_do_handshake() failed ... alert 112
//            + proxy_ssl_server_name/proxy_ssl_name/Host      -> 200
//
// Then the tool probes the edge, and the `recommended` HAProxy backend and nginx location it prints are
// pasted verbatim into real configs, which must pass `haproxy -c` / `nginx -t` and answer 200.
//
// haproxy and nginx are REQUIRED: when missing, the suite fails (it never skips).
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import {
  backendNameOf,
  getThroughProxy,
  haproxyBackend,
  haproxyConfigWithBackend,
  httplogFor,
  nginxLocation,
  requestThroughHaproxy,
  requireBinary,
  run,
  runCli,
  saveCaptured,
  startHaproxy,
  startNginxProxy,
  probeEdgeArgs,
  useStrictEdge,
  type HaproxyInstance,
  type NginxProxyInstance,
  type StrictEdge,
} from '../support/e2e/index.js'

interface Captured {
  scenario: string
  config: string
  lines: string[]
}

const haproxyCaptured: Captured[] = []
const nginxCaptured: Captured[] = []

/** slug for per-scenario capture files */
const slug = (s: string) => s.replaceAll(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()

function report(t: TestContext, what: string, lines: string[]): void {
  t.diagnostic(`${what}:`)
  for (const line of lines) t.diagnostic(`  ${line}`)
}

async function withHaproxy<T>(
  t: TestContext,
  scenario: string,
  backend: (edge: StrictEdge) => string,
  body: (haproxy: HaproxyInstance) => Promise<T>,
  opts: { defaults?: string[] } = {},
): Promise<T> {
  requireBinary('haproxy', 'apt-get install -y haproxy')
  const text = backend(needEdge())
  // the backend text goes in verbatim; the frontend sends everything to the backend named in it
  const haproxy = await startHaproxy((ctx) => haproxyConfigWithBackend(ctx, backendNameOf(text), text, { defaults: opts.defaults }))
  if (haproxy.checkOutput) report(t, `haproxy -c (${scenario})`, haproxy.checkOutput.split('\n'))
  try {
    return await body(haproxy)
  } finally {
    // give HAProxy a moment to flush the last log line before it goes
    await new Promise((r) => setTimeout(r, 50))
    await haproxy.stop()
    const lines = haproxy.output()
    haproxyCaptured.push({ scenario, config: text, lines })
    saveCaptured(`haproxy-${slug(scenario)}`, haproxy.logs())
    report(t, `HAProxy output (${scenario})`, lines)
  }
}

async function withNginx<T>(t: TestContext, scenario: string, location: (edge: StrictEdge) => string, body: (nginx: NginxProxyInstance) => Promise<T>): Promise<T> {
  const text = location(needEdge())
  const nginx = await startNginxProxy(text)
  report(t, `nginx -t (${scenario})`, nginx.testOutput.split('\n'))
  try {
    return await body(nginx)
  } finally {
    await nginx.stop()
    nginxCaptured.push({ scenario, config: text, lines: nginx.errorLog() })
    saveCaptured(`nginx-${slug(scenario)}`, nginx.upstreamErrors())
    report(t, `nginx error log (${scenario})`, nginx.errorLog())
  }
}

// every test that uses the edge starts with needEdge(): it FAILS when the edge did not start
const { needEdge } = useStrictEdge({
  beforeStop(edge) {
    const fmt = (items: Captured[]) =>
      items.flatMap((c) => [`# --- scenario: ${c.scenario}`, ...c.config.trimEnd().split('\n').map((l) => `#   | ${l}`), ...c.lines, ''])
    if (haproxyCaptured.length) saveCaptured('haproxy', fmt(haproxyCaptured), 'HAProxy 2.6 (log stdout format raw, option httplog) in front of the strict-SNI nginx edge')
    if (nginxCaptured.length) saveCaptured('nginx-error', fmt(nginxCaptured), 'nginx 1.22 reverse proxy error log (error_log stderr info) in front of the strict-SNI nginx edge')
    if (edge) saveCaptured('edge-nginx-error', edge.errorLog(), 'the strict-SNI edge (nginx, ssl_reject_handshake on) error log')
    if (edge) saveCaptured('edge-access', edge.accessLog(), 'the strict-SNI edge access log: sni, host, request, status, server block')
  },
})

describe('real HAProxy and nginx in front of a strict-SNI edge', { timeout: 180_000 }, () => {
  it('haproxy and nginx are installed (required: the suite fails without them, it never skips)', async (t) => {
    const haproxy = requireBinary('haproxy', 'apt-get install -y haproxy')
    const nginx = requireBinary('nginx', 'apt-get install -y nginx')
    const hv = await run(haproxy, ['-v'])
    const nv = await run(nginx, ['-v'])
    t.diagnostic(`${haproxy}: ${hv.stdout.split('\n')[0]}`)
    t.diagnostic(`${nginx}: ${(nv.stdout + nv.stderr).trim()}`)
    assert.equal(hv.code, 0)
    assert.equal(nv.code, 0)
  })

  describe('HAProxy', () => {
    it('server without ssl: the edge answers 400 (plain HTTP on the TLS port) and HAProxy logs ---- / 400', async (t) => {
      await withHaproxy(t, 'no ssl', haproxyBackend.noSsl, async (haproxy) => {
        const { answer, log } = await requestThroughHaproxy(haproxy, 400)
        assert.match(answer.body, /plain HTTP request was sent to HTTPS port/)
        assert.equal(log.termination, '----', log.line)
        assert.equal(`${log.backend}/${log.server}`, 'be_gw/gw', log.line)
      })
    })

    it('ssl verify none without sni: the handshake is refused, HAProxy answers 503 and logs SC--', async (t) => {
      await withHaproxy(t, 'ssl verify none, no sni', haproxyBackend.noSni, async (haproxy) => {
        const started = Date.now()
        const { log } = await requestThroughHaproxy(haproxy, 503)
        assert.equal(log.termination, 'SC--', log.line)
        // Tr (server response time) is never reached: -1
        assert.equal(log.timers.split('/')[3], '-1', log.line)
        t.diagnostic(`503 after ${Date.now() - started} ms (retries 1, timeout connect 1s)`)
      })
    })

    it('ssl verify none sni str(api.test) without a Host rewrite: 403 Forbidden from the edge (wrong Host)', async (t) => {
      await withHaproxy(t, 'sni without Host rewrite', haproxyBackend.noHostRewrite, async (haproxy) => {
        const { answer, log } = await requestThroughHaproxy(haproxy, 403)
        assert.equal(answer.headers['x-amzn-errortype'], 'ForbiddenException')
        assert.deepEqual(JSON.parse(answer.body), { message: 'Forbidden' })
        assert.equal(log.termination, '----', log.line)
      })
    })

    it('sni str(api.test) and http-request set-header Host api.test: 200', async (t) => {
      await withHaproxy(t, 'sni and Host rewrite', haproxyBackend.sniAndHost, async (haproxy) => {
        const { answer, log } = await requestThroughHaproxy(haproxy, 200)
        assert.equal(JSON.parse(answer.body).ok, true)
        assert.equal(log.termination, '----', log.line)
        // and the stage matters: without it the edge says Missing Authentication Token
        const noStage = await requestThroughHaproxy(haproxy, 403, '/health')
        assert.deepEqual(JSON.parse(noStage.answer.body), { message: 'Missing Authentication Token' })
      })
    })
  })

  describe('nginx', () => {
    it('proxy_pass https:// without proxy_ssl_server_name: 502 and SSL_do_handshake() failed ... alert 112 in the error log', async (t) => {
      await withNginx(t, 'proxy_pass https, no SNI', nginxLocation.noSni, async (nginx) => {
        const answer = await getThroughProxy(nginx.port)
        assert.equal(answer.status, 502, answer.body)
        const line = await nginx.waitForError(/SSL_do_handshake\(\) failed/, 5000)
        assert.match(line, /unrecognized name/, line)
        assert.match(line, /SSL alert number 112/, line)
        assert.match(line, /while SSL handshaking to upstream/, line)
      })
    })

    it('proxy_pass https:// with proxy_ssl_server_name on, proxy_ssl_name and proxy_set_header Host: 200', async (t) => {
      await withNginx(t, 'proxy_pass https with SNI and Host', nginxLocation.sniAndHost, async (nginx) => {
        const answer = await getThroughProxy(nginx.port)
        assert.equal(answer.status, 200, answer.body)
        assert.equal(JSON.parse(answer.body).ok, true)
        assert.deepEqual(nginx.upstreamErrors(), [])
      })
    })

    it('proxy_pass http:// to the TLS port: 400 from the edge', async (t) => {
      await withNginx(t, 'proxy_pass http to the TLS port', nginxLocation.plainHttp, async (nginx) => {
        const answer = await getThroughProxy(nginx.port)
        assert.equal(answer.status, 400, answer.body)
        assert.match(answer.body, /plain HTTP request was sent to HTTPS port/)
      })
    })

    it('SNI right but proxy_set_header Host $host (the client\'s Host): 403 Forbidden from the edge', async (t) => {
      await withNginx(t, 'SNI right, Host $host', nginxLocation.clientHost, async (nginx) => {
        const answer = await getThroughProxy(nginx.port)
        assert.equal(answer.status, 403, answer.body)
        assert.equal(answer.headers['x-amzn-errortype'], 'ForbiddenException')
      })
    })
  })

  describe('apigw-doctor probe against the edge, and its recommended configs in real proxies', () => {
    let probeJson: Record<string, any> | undefined

    /** probe args for the edge, JSON out */
    async function probeArgs(extra: string[]): Promise<string[]> {
      return probeEdgeArgs(needEdge(), [...extra, '--json'])
    }

    it('probe --json: healthy, with sni-required, host-header-required and tls-required; exit 0', async (t) => {
      const args = await probeArgs(['--ca-file', needEdge().caFile])
      const result = await runCli(args)
      t.diagnostic(`apigw-doctor ${args.join(' ')} -> exit ${result.code}`)
      if (result.stderr.trim()) report(t, 'stderr', result.stderr.trim().split('\n'))
      assert.ok(result.json, `stdout is not JSON:\n${result.stdout}\n${result.stderr}`)
      const json = result.json as Record<string, any>
      assert.equal(json.error, undefined, `the CLI answered an error (exit ${result.code}): ${JSON.stringify(json.error)}\n${result.stderr}`)
      assert.equal(json.verdict, 'healthy', JSON.stringify(json.diagnoses, null, 2))
      assert.equal(result.code, 0, result.stderr)
      const ids = (json.diagnoses as { id: string }[]).map((d) => d.id)
      t.diagnostic(`diagnoses: ${ids.join(', ')}`)
      for (const id of ['healthy', 'sni-required', 'host-header-required', 'tls-required']) assert.ok(ids.includes(id), `diagnosis ${id} missing from ${ids.join(', ')}`)

      // What the edge did, probe by probe (DOMAIN.md: alert 112 without SNI, 403 for a wrong Host, 400 for plain HTTP on the TLS port)
      const probe = (id: string) => (json.probes as { id: string; outcome: string; status?: number }[]).find((p) => p.id === id)
      t.diagnostic(`probes: ${(json.probes as { id: string; outcome: string; status?: number }[]).map((p) => `${p.id}=${p.outcome}${p.status ? '/' + p.status : ''}`).join(' ')}`)
      assert.equal(probe('tls-sni')?.outcome, 'ok')
      assert.equal(probe('tls-sni')?.status, 200)
      assert.equal(probe('tls-no-sni')?.outcome, 'tls-alert')
      assert.equal(probe('tls-wrong-sni')?.outcome, 'tls-alert')
      assert.equal(probe('tls-sni-wrong-host')?.outcome, 'http-error')
      assert.equal(probe('tls-sni-wrong-host')?.status, 403)
      assert.equal(probe('http-to-tls-port')?.outcome, 'http-error')
      assert.equal(probe('http-to-tls-port')?.status, 400)
      assert.equal(probe('http-plain')?.outcome, 'tcp-refused')

      assert.equal(typeof json.recommended?.haproxy, 'string', 'recommended.haproxy missing')
      assert.equal(typeof json.recommended?.nginx, 'string', 'recommended.nginx missing')
      report(t, 'recommended.haproxy', json.recommended.haproxy.trimEnd().split('\n'))
      report(t, 'recommended.nginx', json.recommended.nginx.trimEnd().split('\n'))
      probeJson = json
    })

    it('asProxy predicts what real HAProxy and nginx do: 400/---- without ssl, 503/SC-- and the nginx error phrase without SNI', async (t) => {
      const result = await runCli(await probeArgs(['--ca-file', needEdge().caFile]))
      const report = result.json as Record<string, any>
      assert.ok(report?.probes, `no report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
      const predicted = (id: string) => report.probes.find((p: any) => p.id === id).asProxy

      const plain = predicted('http-to-tls-port')
      await withHaproxy(t, 'asProxy: no ssl', haproxyBackend.noSsl, async (haproxy) => {
        const answer = await getThroughProxy(haproxy.port)
        const log = await httplogFor(haproxy)
        assert.deepEqual([answer.status, log.status, log.termination], [plain.haproxy.status, plain.haproxy.status, plain.haproxy.termination], log.line)
      })

      const noSni = predicted('tls-no-sni')
      await withHaproxy(t, 'asProxy: ssl verify none, no sni', haproxyBackend.noSni, async (haproxy) => {
        const answer = await getThroughProxy(haproxy.port)
        const log = await httplogFor(haproxy)
        assert.deepEqual([answer.status, log.status, log.termination], [noSni.haproxy.status, noSni.haproxy.status, noSni.haproxy.termination], log.line)
      })
      await withNginx(t, 'asProxy: proxy_pass https, no SNI', nginxLocation.noSni, async (nginx) => {
        const answer = await getThroughProxy(nginx.port)
        assert.equal(answer.status, noSni.nginx.status, answer.body)
        const line = await nginx.waitForError(/SSL_do_handshake\(\) failed/, 5000)
        // the phrase the tool predicts is the one nginx really writes
        assert.ok(line.includes(noSni.nginx.errorLog), `predicted: ${noSni.nginx.errorLog}\nnginx wrote: ${line}`)
      })
    })

    it('recommended.haproxy, pasted verbatim into a real HAProxy: haproxy -c passes, health check passes, 200 with ----', async (t) => {
      assert.ok(probeJson, 'the probe test above must pass first')
      const backend: string = probeJson.recommended.haproxy
      // the brief's requirements on the text itself
      assert.match(backend, /^\s*backend\s+\S+/m)
      const { caFile } = needEdge()
      assert.ok(backend.includes(`ca-file ${caFile}`), `ca-file ${caFile} missing:\n${backend}`)
      assert.match(backend, /\bverify required\b/)
      assert.doesNotMatch(backend, /verify none/)
      assert.match(backend, /\bsni str\(api\.test\)/)
      assert.match(backend, /\bcheck check-sni api\.test\b/)
      assert.match(backend, /http-request set-header Host api\.test\b/)

      await withHaproxy(
        t,
        'recommended backend (verbatim)',
        () => backend,
        async (haproxy) => {
          const { answer, log } = await requestThroughHaproxy(haproxy, 200)
          assert.equal(JSON.parse(answer.body).ok, true)
          assert.equal(log.termination, '----', log.line)
          assert.equal(log.backend, backendNameOf(backend), log.line)
          // the health check (TLS, verify required against the CA, check-sni) succeeds: with
          // option log-health-checks in defaults HAProxy reports the first check result
          const check = await haproxy.waitForLog(/Health check for server \S+ (succeeded|failed)/, 6000)
          assert.match(check, /succeeded/, check)
          assert.ok(!haproxy.output().some((l) => /is DOWN/.test(l)), haproxy.output().join('\n'))
        },
        { defaults: ['option log-health-checks'] },
      )
    })

    it('the same backend without check-sni: the health check fails against the strict edge (why check-sni is in the recommendation)', async (t) => {
      assert.ok(probeJson, 'the probe test above must pass first')
      const backend = (probeJson.recommended.haproxy as string).replace(/ check-sni \S+/, '')
      assert.doesNotMatch(backend, /check-sni/)
      await withHaproxy(
        t,
        'recommended backend without check-sni',
        () => backend,
        async (haproxy) => {
          const check = await haproxy.waitForLog(/Health check for server \S+ (succeeded|failed)/, 6000)
          assert.match(check, /failed/, check)
          assert.match(check, /SSL handshake failure/, check)
          // HAProxy 2.6 takes the server DOWN on the first failed check: every request then gets HAProxy's own 503
          await haproxy.waitForLog(/Server \S+ is DOWN/, 6000)
          const { log } = await requestThroughHaproxy(haproxy, 503)
          assert.equal(log.server, '<NOSRV>', log.line)
          t.diagnostic(`with the server DOWN: ${log.line}`)
        },
        { defaults: ['option log-health-checks'] },
      )
    })

    it('without --ca-file: certificate-untrusted; the recommended configs (system store) load, but real proxies then refuse the edge: 503 SC-- / 502 verify error', async (t) => {
      const args = await probeArgs([])
      const result = await runCli(args)
      const json = result.json as Record<string, any>
      assert.ok(json, `stdout is not JSON:\n${result.stdout}\n${result.stderr}`)
      assert.equal(json.error, undefined, `the CLI answered an error (exit ${result.code}): ${JSON.stringify(json.error)}\n${result.stderr}`)
      const ids = (json.diagnoses as { id: string; severity: string }[]).map((d) => `${d.id}:${d.severity}`)
      t.diagnostic(`apigw-doctor ${args.join(' ')} -> exit ${result.code}, verdict ${json.verdict}, diagnoses: ${ids.join(', ')}`)
      assert.ok(ids.includes('certificate-untrusted:error'), ids.join(', '))
      const backend: string = json.recommended.haproxy
      const location: string = json.recommended.nginx
      assert.match(backend, /ca-file @system-ca/)
      assert.match(location, /proxy_ssl_trusted_certificate \/etc\/ssl\/certs\/ca-certificates\.crt;/)

      // haproxy -c accepts @system-ca (HAProxy >= 2.6) and the handshake fails verification: 503 SC--
      // (DOMAIN.md: "a failed certificate verification also shows SC--/503: the log alone cannot tell")
      await withHaproxy(
        t,
        'recommended backend, system CA only (edge CA untrusted)',
        () => backend,
        async (haproxy) => {
          const { log } = await requestThroughHaproxy(haproxy, 503)
          assert.equal(log.termination, 'SC--', log.line)
          // either the request's own handshake failed (be/gw, Tc -1) or the failed health check had already taken gw DOWN (<NOSRV>)
          assert.ok(log.server === 'gw' || log.server === '<NOSRV>', log.line)
        },
        { defaults: ['option log-health-checks'] },
      )
      await withNginx(t, 'recommended location, system CA only (edge CA untrusted)', () => location, async (nginx) => {
        const answer = await getThroughProxy(nginx.port)
        assert.equal(answer.status, 502, answer.body)
        const line = await nginx.waitForError(/upstream SSL certificate verify error/, 5000)
        assert.match(line, /while SSL handshaking to upstream/, line)
      })
    })

    it('recommended.nginx, pasted verbatim into a real nginx server {}: nginx -t passes, 200', async (t) => {
      assert.ok(probeJson, 'the probe test above must pass first')
      const location: string = probeJson.recommended.nginx
      assert.match(location, /^\s*location \/ \{/)
      assert.match(location, /proxy_ssl_server_name on;/)
      assert.match(location, /proxy_ssl_name api\.test;/)
      assert.match(location, /proxy_set_header Host api\.test(:\d+)?;/)
      assert.match(location, /proxy_ssl_verify on;/)
      assert.ok(location.includes(`proxy_ssl_trusted_certificate ${needEdge().caFile};`), location)

      await withNginx(t, 'recommended location (verbatim)', () => location, async (nginx) => {
        const answer = await getThroughProxy(nginx.port)
        assert.equal(answer.status, 200, answer.body)
        assert.equal(JSON.parse(answer.body).ok, true)
        assert.deepEqual(nginx.upstreamErrors(), [])
      })
    })
  })
})
