// `apigw-doctor explain` on log lines that REAL proxies wrote, not on hand-written samples: Debian's
// HAProxy 2.6 and nginx 1.22 are driven in front of the strict-SNI nginx edge
// (test/support/e2e/strict-edge.ts) into each classic failure, the line each one logs is captured,
// and that exact line is fed to `node bin/run.js explain <line> --json`:
//
//   HAProxy  server gw <edge> (no ssl)                 -> `... 0/0/0/0/0 400 ... ---- ...`            next step: `ssl`
//            ... ssl verify none (no sni)               -> `... 0/0/-1/-1/1002 503 ... SC-- 1/1/0/0/1` next step: `sni str(`
//            ... ssl verify none sni str(api.test)      -> `... 403 ... ---- ...`                      next step: the Host rewrite
//            recommended backend minus check-sni        -> `Health check ... failed, reason: Layer6 invalid response, info: "SSL handshake failure"`,
//                                                          `Server ... is DOWN`, `backend ... has no server available!`,
//                                                          `... <NOSRV> ... 503 ... SC--`               next step: `check-sni`
//   nginx    proxy_pass https://<edge> (no SNI)         -> `SSL_do_handshake() failed (... SSL alert number 112) while SSL handshaking to upstream`
//                                                                                                      next step: `proxy_ssl_server_name on;`
//
// The lines are also saved under test/e2e/.captured/explain-*.log. haproxy and nginx are REQUIRED: the
// suite fails without them (it never skips).
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import {
  eventually,
  getThroughProxy,
  haproxyBackend,
  haproxyConfigWithBackend,
  nginxLocation,
  requestThroughHaproxy,
  requireBinary,
  runCli,
  saveCaptured,
  startHaproxy,
  startNginxProxy,
  probeEdgeArgs,
  useStrictEdge,
  type HaproxyInstance,
  type PreambleOptions,
} from '../support/e2e/index.js'

interface Explanation {
  kind: string
  input: string
  summary: string
  fields?: Record<string, any>
  meaning: string[]
  likelyCauses: string[]
  nextSteps: string[]
}

/** node:test prints a multi-line diagnostic as one escaped line: emit one per line */
function diag(t: TestContext, text: string): void {
  for (const line of text.split('\n')) t.diagnostic(line)
}

const fed: string[] = []
/** set by the health-check test: the lines HAProxy wrote to stderr for the same events */
let stderrForms: { check: string; noServer: string; backend: string } | undefined

// every test that uses the edge starts with needEdge(): it FAILS when the edge did not start
const { needEdge } = useStrictEdge({
  beforeStop() {
    if (fed.length) saveCaptured('explain-fed', fed, 'the real log lines fed to `apigw-doctor explain <line> --json` by test/e2e/explain-captured.test.ts')
  },
})

/** `explain <line> --json`: the line as ONE argument, exactly as captured. Asserts it is recognised. */
async function explainLine(t: TestContext, line: string): Promise<Explanation> {
  fed.push(line)
  const result = await runCli(['explain', line, '--json'], { timeoutMs: 20_000 })
  t.diagnostic(`explain ${JSON.stringify(line)} -> exit ${result.code}`)
  assert.ok(result.json, `stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  const json = result.json as Explanation & { recognised?: boolean; error?: unknown }
  assert.equal(json.error, undefined, `explain answered an error: ${JSON.stringify(json.error)}\n${result.stderr}`)
  assert.notEqual(json.recognised, false, `not recognised: ${line}\n${result.stdout}`)
  assert.equal(result.code, 0, `exit ${result.code} for a recognised line\n${result.stdout}\n${result.stderr}`)
  assert.equal(json.input, line, 'the input is echoed back as given')
  t.diagnostic(`  [${json.kind}] ${json.summary}`)
  for (const step of json.nextSteps) t.diagnostic(`  next: ${step}`)
  return json
}

function assertStep(e: Explanation, needle: string | RegExp): void {
  const ok = e.nextSteps.some((s) => (typeof needle === 'string' ? s.includes(needle) : needle.test(s)))
  assert.ok(ok, `no next step names ${needle}:\n${e.nextSteps.map((s) => `  - ${s}`).join('\n')}`)
}

async function withHaproxy<T>(t: TestContext, name: string, backend: string, body: (haproxy: HaproxyInstance) => Promise<T>, opts: PreambleOptions = {}): Promise<T> {
  requireBinary('haproxy', 'apt-get install -y haproxy')
  const backendName = /^\s*backend\s+(\S+)/m.exec(backend)?.[1]
  assert.ok(backendName, backend)
  const haproxy = await startHaproxy((ctx) => haproxyConfigWithBackend(ctx, backendName, backend, opts))
  try {
    return await body(haproxy)
  } finally {
    await new Promise((r) => setTimeout(r, 50))
    await haproxy.stop()
    saveCaptured(`explain-haproxy-${name}`, haproxy.output())
    diag(t, `HAProxy output (${name}):\n${haproxy.output().join('\n')}`)
  }
}

/** A GET through HAProxy, then its httplog line as HAProxy wrote it (both with `expectStatus`). */
async function requestAndLog(haproxy: HaproxyInstance, expectStatus: number): Promise<string> {
  return (await requestThroughHaproxy(haproxy, expectStatus)).log.line
}

describe('explain on log lines captured from real HAProxy and nginx', { timeout: 120_000 }, () => {
  it('HAProxy, server without ssl: the ---- 400 httplog line; next step: add ssl', async (t) => {
    await withHaproxy(t, 'no-ssl', haproxyBackend.noSsl(needEdge()), async (haproxy) => {
      const line = await requestAndLog(haproxy, 400)
      assert.match(line, / 400 .* ---- /, line)
      const e = await explainLine(t, line)
      assert.equal(e.kind, 'haproxy-log')
      assert.equal(e.fields?.format, 'httplog')
      assert.equal(e.fields?.status, 400)
      assert.equal(e.fields?.termination?.code, '----')
      assert.equal(e.fields?.frontend, 'fe_e2e')
      assert.equal(e.fields?.backend, 'be_gw')
      assert.equal(e.fields?.server, 'gw')
      assert.equal(e.fields?.connections?.rc, 0)
      // the connection to the edge completed (Tc >= 0) and a response came back (Tr >= 0)
      assert.ok(e.fields?.timers?.Tc >= 0, JSON.stringify(e.fields?.timers))
      assert.ok(e.fields?.timers?.Tr >= 0, JSON.stringify(e.fields?.timers))
      assert.equal(e.fields?.request?.uri, '/prod/health')
      // the fix is the server line with `ssl` on it
      assertStep(e, /^HAProxy: server \S+ \S+ ssl /)
    })
  })

  it('HAProxy, ssl verify none without sni: the SC-- 503 line (Tc = -1, retries 1); next step: sni str(', async (t) => {
    await withHaproxy(
      t,
      'no-sni',
      haproxyBackend.noSni(needEdge()),
      async (haproxy) => {
        const line = await requestAndLog(haproxy, 503)
        assert.match(line, / SC-- /, line)
        const e = await explainLine(t, line)
        assert.equal(e.kind, 'haproxy-log')
        assert.equal(e.fields?.format, 'httplog')
        assert.equal(e.fields?.status, 503)
        assert.equal(e.fields?.termination?.code, 'SC--')
        assert.equal(e.fields?.server, 'gw')
        assert.equal(e.fields?.timers?.TR, 0, JSON.stringify(e.fields?.timers))
        assert.equal(e.fields?.timers?.Tc, -1, JSON.stringify(e.fields?.timers))
        assert.equal(e.fields?.timers?.Tr, -1, JSON.stringify(e.fields?.timers))
        assert.ok(e.fields?.timers?.Ta >= 0, JSON.stringify(e.fields?.timers))
        assert.equal(e.fields?.connections?.rc, 1, 'retries 1 in the config: rc = 1')
        assert.equal(e.fields?.redispatched, false)
        assert.ok(e.meaning.some((m) => /Tc = -1/.test(m)), e.meaning.join('\n'))
        assert.ok(e.likelyCauses.some((c) => /SNI/.test(c)), e.likelyCauses.join('\n'))
        assertStep(e, 'sni str(')
      },
      { timeoutConnect: '1s', retries: 1 },
    )
  })

  it('HAProxy `option httplog clf`, ssl verify none without sni: the CLF SC-- line; the whole log on stdin gives an array', async (t) => {
    await withHaproxy(
      t,
      'no-sni-clf',
      haproxyBackend.noSni(needEdge()),
      async (haproxy) => {
        const answer = await getThroughProxy(haproxy.port)
        assert.equal(answer.status, 503, answer.body)
        const line = await haproxy.waitForLog(/"GET \/prod\/health HTTP\/1\.1" 503 /, 8000)
        assert.match(line, / - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] /, `not a CLF line: ${line}`)
        const e = await explainLine(t, line.trim())
        assert.equal(e.kind, 'haproxy-log')
        assert.equal(e.fields?.format, 'httplog')
        assert.equal(e.fields?.layout, 'clf')
        assert.equal(e.fields?.status, 503)
        assert.equal(e.fields?.termination?.code, 'SC--')
        assert.equal(e.fields?.backend, 'be_gw')
        assert.equal(e.fields?.server, 'gw')
        assert.equal(e.fields?.timers?.Tc, -1, JSON.stringify(e.fields?.timers))
        assert.equal(e.fields?.connections?.rc, 1)
        assertStep(e, 'sni str(')

        // everything HAProxy wrote, as `… | apigw-doctor explain - --json` would get it
        const all = haproxy.output().join('\n')
        const piped = await runCli(['explain', '-', '--json'], { input: all, timeoutMs: 20_000 })
        assert.equal(piped.code, 0, `${piped.stdout}\n${piped.stderr}`)
        const list = piped.json as Explanation[]
        assert.ok(Array.isArray(list), `several lines in: an array\n${piped.stdout}`)
        assert.ok(list.some((x) => x.fields?.termination?.code === 'SC--' && x.fields?.layout === 'clf'), JSON.stringify(list.map((x) => x.summary)))
      },
      { timeoutConnect: '1s', retries: 1, defaults: ['option httplog clf'] },
    )
  })

  it('HAProxy, sni str(api.test) without a Host rewrite: the ---- 403 line; next step: rewrite Host', async (t) => {
    await withHaproxy(t, 'no-host-rewrite', haproxyBackend.noHostRewrite(needEdge()), async (haproxy) => {
      const line = await requestAndLog(haproxy, 403)
      assert.match(line, / 403 .* ---- /, line)
      const e = await explainLine(t, line)
      assert.equal(e.kind, 'haproxy-log')
      assert.equal(e.fields?.status, 403)
      assert.equal(e.fields?.termination?.code, '----')
      assert.ok(e.fields?.timers?.Tc >= 0, JSON.stringify(e.fields?.timers))
      assertStep(e, 'http-request set-header Host')
    })
  })

  it('HAProxy, recommended backend without check-sni: Layer6 health-check failure, server DOWN, no server available, <NOSRV> SC--; next step: check-sni', async (t) => {
    const e = needEdge()
    // the tool's own recommendation for this edge, then check-sni removed: the failing variant users write
    const probe = await runCli(await probeEdgeArgs(e, ['--ca-file', e.caFile, '--json']))
    const recommended = (probe.json as { recommended?: { haproxy?: string } } | undefined)?.recommended?.haproxy
    assert.equal(typeof recommended, 'string', `no recommended.haproxy (exit ${probe.code}):\n${probe.stdout}\n${probe.stderr}`)
    assert.match(recommended!, / check-sni \S+/)
    const backend = recommended!.replace(/ check-sni \S+/, '')
    assert.doesNotMatch(backend, /check-sni/)
    const backendName = /^\s*backend\s+(\S+)/m.exec(backend)?.[1] ?? ''

    await withHaproxy(
      t,
      'no-check-sni',
      backend,
      async (haproxy) => {
        const checkLine = await haproxy.waitForLog(/Health check for server \S+ failed/, 6000)
        const downLine = await haproxy.waitForLog(/Server \S+ is DOWN/, 6000)
        const noServerLine = await haproxy.waitForLog(/has no server available!/, 6000)
        const nosrvLine = await requestAndLog(haproxy, 503)
        // HAProxy also writes the same events to stderr, prefixed ([WARNING]  (pid) : ... / [ALERT] ... backend 'x' ...)
        const stderrLine = (re: RegExp) => eventually(() => haproxy.output().find((l) => re.test(l)), 3000, () => haproxy.output().join('\n'))
        const stderrCheck = await stderrLine(/^\[WARNING\].*Health check for server \S+ failed/)
        const stderrNoServer = await stderrLine(/^\[ALERT\].*has no server available!/)

        assert.match(checkLine, /reason: Layer6 invalid response, info: "SSL handshake failure"/, checkLine)
        const check = await explainLine(t, checkLine)
        assert.equal(check.kind, 'haproxy-log')
        assert.equal(check.fields?.format, 'server-state')
        assert.equal(check.fields?.backend, backendName)
        assert.equal(check.fields?.server, 'gw')
        assert.equal(check.fields?.reason, 'Layer6 invalid response')
        assert.equal(check.fields?.info, 'SSL handshake failure')
        assert.notEqual(check.fields?.state, 'UP', 'a failed check is no UP')
        assert.match(check.summary, /failed|DOWN/, check.summary)
        assertStep(check, 'check-sni')

        const down = await explainLine(t, downLine)
        assert.equal(down.kind, 'haproxy-log')
        assert.equal(down.fields?.state, 'DOWN')
        assert.equal(down.fields?.server, 'gw')

        const noServer = await explainLine(t, noServerLine)
        assert.equal(noServer.kind, 'haproxy-log')
        assert.equal(noServer.fields?.state, 'DOWN')
        assert.equal(noServer.fields?.backend, backendName)
        assertStep(noServer, 'check-sni')

        assert.match(nosrvLine, /\/<NOSRV> .* 503 .* SC-- /, nosrvLine)
        const nosrv = await explainLine(t, nosrvLine)
        assert.equal(nosrv.fields?.server, '<NOSRV>')
        assert.equal(nosrv.fields?.status, 503)
        assert.equal(nosrv.fields?.termination?.code, 'SC--')
        assert.equal(nosrv.fields?.timers?.Tw, -1)
        assert.equal(nosrv.fields?.timers?.Tc, -1)
        assertStep(nosrv, 'check-sni')

        // kept for the next test: the stderr forms of the same events
        stderrForms = { check: stderrCheck, noServer: stderrNoServer, backend: backendName }
      },
      { defaults: ['option log-health-checks'] },
    )
  })

  it('HAProxy, the stderr forms of the same events ([WARNING] Health check ..., [ALERT] backend \'x\' has no server available!): same fields, same fix', async (t) => {
    assert.ok(stderrForms, 'the health-check test above must pass first')
    const check = await explainLine(t, stderrForms.check)
    assert.equal(check.kind, 'haproxy-log')
    assert.equal(check.fields?.format, 'server-state')
    assert.equal(check.fields?.backend, stderrForms.backend)
    assert.equal(check.fields?.server, 'gw')
    assert.equal(check.fields?.reason, 'Layer6 invalid response')
    assert.equal(check.fields?.info, 'SSL handshake failure')
    assertStep(check, 'check-sni')

    // HAProxy 2.6 quotes the backend name on stderr (`backend 'be_api_test' has no server available!`) but
    // not in the log (`backend be_api_test has no server available!`): both name the same backend
    const noServer = await explainLine(t, stderrForms.noServer)
    assert.equal(noServer.kind, 'haproxy-log')
    assert.equal(noServer.fields?.state, 'DOWN')
    assertStep(noServer, 'check-sni')
    assert.equal(noServer.fields?.backend, stderrForms.backend, 'fields.backend must be the backend name, without the quotes of the stderr form')
  })

  it('nginx, proxy_pass https:// without proxy_ssl_server_name: the SSL_do_handshake() ... alert number 112 line; next step: proxy_ssl_server_name on;', async (t) => {
    const edge = needEdge()
    requireBinary('nginx', 'apt-get install -y nginx')
    const nginx = await startNginxProxy(nginxLocation.noSni(edge))
    try {
      const answer = await getThroughProxy(nginx.port)
      assert.equal(answer.status, 502, answer.body)
      const line = await nginx.waitForError(/SSL_do_handshake\(\) failed/, 5000)
      assert.match(line, /SSL alert number 112/, line)
      const e = await explainLine(t, line)
      assert.equal(e.kind, 'nginx-error')
      assert.equal(e.fields?.alert?.number, 112)
      assert.match(String(e.fields?.alert?.name), /unrecognized_name/)
      assert.equal(e.fields?.outcome, 'tls-alert')
      assert.equal(e.fields?.case, 'ssl-handshake-alert-sni')
      assert.equal(e.fields?.upstream, `https://${edge.upstream}/prod/health`)
      assert.equal(e.fields?.upstreamAddress, edge.address)
      assert.equal(e.fields?.request, 'GET /prod/health HTTP/1.1')
      assert.ok(e.meaning.some((m) => /502/.test(m)), e.meaning.join('\n'))
      assertStep(e, 'proxy_ssl_server_name on;')
    } finally {
      await nginx.stop()
      saveCaptured('explain-nginx-no-sni', nginx.errorLog())
      diag(t, `nginx error log:\n${nginx.errorLog().join('\n')}`)
    }
  })
})
