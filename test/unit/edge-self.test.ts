// Self-test of the loopback test edge (test/support/test-edge.ts): proves each on-wire behaviour
// with plain node:tls / node:net / node:https clients. Loopback only.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import tls from 'node:tls'
import { X509Certificate } from 'node:crypto'
import { makePki } from '../support/certs.js'
import { parseClientHello, startTestEdge, type TestEdge, type TestEdgeOptions } from '../support/test-edge.js'

// ----- client helpers ------------------------------------------------------------------------

interface TlsResult {
  ok: boolean
  code?: string
  message?: string
  socket?: tls.TLSSocket
  cert?: tls.DetailedPeerCertificate
  authorized?: boolean
  authorizationError?: string
  timedOut?: boolean
}

/** TLS handshake; `servername: undefined` sends no SNI. Never rejects. */
function tlsTry(edge: TestEdge, servername: string | undefined, extra: tls.ConnectionOptions = {}, timeoutMs = 3000): Promise<TlsResult> {
  return new Promise((resolve) => {
    const o: tls.ConnectionOptions = {
      host: edge.host,
      port: edge.port,
      ca: [edge.caCert],
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      // Without this, node:tls folds the name check (against servername, or the IP when there is
      // no SNI) into `authorized`; keep `authorized` about the chain only and check names explicitly.
      checkServerIdentity: () => undefined,
      ...extra,
    }
    if (servername !== undefined) o.servername = servername
    const s = tls.connect(o)
    const timer = setTimeout(() => {
      s.destroy()
      resolve({ ok: false, timedOut: true })
    }, timeoutMs)
    s.once('secureConnect', () => {
      clearTimeout(timer)
      resolve({
        ok: true,
        socket: s,
        cert: s.getPeerCertificate(true),
        authorized: s.authorized,
        authorizationError: s.authorizationError === null ? undefined : String(s.authorizationError),
      })
    })
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      resolve({ ok: false, code: e.code, message: e.message })
    })
  })
}

interface HttpResult {
  status?: number
  headers?: http.IncomingHttpHeaders
  body?: string
  code?: string
  message?: string
}

function collectResponse(req: http.ClientRequest, resolve: (r: HttpResult) => void): void {
  req.on('response', (res) => {
    const chunks: Buffer[] = []
    res.on('data', (c: Buffer) => chunks.push(c))
    res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
    res.on('error', (e: NodeJS.ErrnoException) => resolve({ code: e.code, message: e.message }))
  })
  req.on('error', (e: NodeJS.ErrnoException) => resolve({ code: e.code, message: e.message }))
  req.setTimeout(3000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TEST_TIMEOUT' })))
  req.end()
}

/** HTTPS request with SNI pinned (never derived from Host). */
function httpsGet(edge: TestEdge, sni: string | undefined, host: string, path = '/'): Promise<HttpResult> {
  return new Promise((resolve) => {
    const o: https.RequestOptions = {
      host: edge.host,
      port: edge.port,
      path,
      method: 'GET',
      headers: { Host: host },
      ca: [edge.caCert],
      agent: false,
      checkServerIdentity: () => undefined, // names are checked in the TLS tests
    }
    // https derives SNI from Host unless servername is set; '' means "no SNI" for node:tls.
    o.servername = sni ?? ''
    collectResponse(https.request(o), resolve)
  })
}

function httpGet(edge: TestEdge, port: number, host: string, path = '/'): Promise<HttpResult> {
  return new Promise((resolve) => {
    collectResponse(http.request({ host: edge.host, port, path, method: 'GET', headers: { Host: host }, agent: false }), resolve)
  })
}

/** Raw TCP (optionally TLS) exchange: send `data`, gather up to `max` bytes or until end/timeout. */
function rawExchange(
  edge: TestEdge,
  opts: { port: number; tlsSni?: string; data: string | Buffer; max?: number; timeoutMs?: number },
): Promise<{ bytes: Buffer; ended: boolean; error?: string; timedOut: boolean }> {
  const max = opts.max ?? 64 * 1024
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let total = 0
    let done = false
    const s: net.Socket =
      opts.tlsSni !== undefined
        ? tls.connect({ host: edge.host, port: opts.port, servername: opts.tlsSni, ca: [edge.caCert] })
        : net.connect({ host: edge.host, port: opts.port })
    const finish = (r: { ended: boolean; error?: string; timedOut: boolean }): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      s.destroy()
      resolve({ bytes: Buffer.concat(chunks), ...r })
    }
    const timer = setTimeout(() => finish({ ended: false, timedOut: true }), opts.timeoutMs ?? 3000)
    s.once(opts.tlsSni !== undefined ? 'secureConnect' : 'connect', () => s.write(opts.data))
    s.on('data', (c: Buffer) => {
      chunks.push(c)
      total += c.length
      if (total >= max) finish({ ended: false, timedOut: false })
    })
    s.on('end', () => finish({ ended: true, timedOut: false }))
    s.on('error', (e: NodeJS.ErrnoException) => finish({ ended: false, error: e.code ?? e.message, timedOut: false }))
  })
}

async function withEdge(opts: TestEdgeOptions, fn: (edge: TestEdge) => Promise<void>): Promise<void> {
  const edge = await startTestEdge(opts)
  try {
    await fn(edge)
  } finally {
    await edge.close()
  }
}

const observed: Record<string, string> = {}

// ----- PKI -----------------------------------------------------------------------------------

test('makePki issues CA-signed leaves with the requested names and validity', async () => {
  const pki = await makePki()
  const ca = new X509Certificate(pki.caCert)
  assert.match(ca.subject, /CN=apigw-doctor test CA/)
  assert.equal(ca.ca, true)
  const now = Date.now()
  const v = new X509Certificate((await pki.valid(['api.test', '127.0.0.1', '::1'])).cert)
  assert.ok(v.checkIssued(ca) && v.verify(ca.publicKey))
  assert.match(v.subjectAltName ?? '', /DNS:api\.test/)
  assert.match(v.subjectAltName ?? '', /IP Address:127\.0\.0\.1/)
  assert.ok(Date.parse(v.validFrom) < now && Date.parse(v.validTo) > now)
  const e = new X509Certificate((await pki.expired(['api.test'])).cert)
  assert.ok(Date.parse(e.validTo) < now)
  const n = new X509Certificate((await pki.notYetValid(['api.test'])).cert)
  assert.ok(Date.parse(n.validFrom) > now)
  const u = new X509Certificate((await pki.untrusted(['api.test'])).cert)
  assert.equal(u.checkIssued(ca), false)
})

/** Capture a real ClientHello from node:tls through a throwaway loopback listener. */
function grabClientHello(servername?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((sock) => {
      sock.once('data', (b: Buffer) => {
        resolve(b)
        sock.destroy()
        srv.close()
      })
    })
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      const o: tls.ConnectionOptions = { host: '127.0.0.1', port, rejectUnauthorized: false }
      if (servername) o.servername = servername
      tls.connect(o).on('error', () => {})
    })
    srv.on('error', reject)
  })
}

test('parseClientHello needs more bytes until the hello is whole, then finds the SNI', async () => {
  const withSni = await grabClientHello('api.test')
  const noSni = await grabClientHello()
  assert.deepEqual(parseClientHello(withSni), { state: 'complete', sni: 'api.test' })
  assert.deepEqual(parseClientHello(noSni), { state: 'complete', sni: null })
  assert.deepEqual(parseClientHello(withSni.subarray(0, 3)), { state: 'need-more' })
  assert.deepEqual(parseClientHello(withSni.subarray(0, withSni.length - 1)), { state: 'need-more' })
  assert.equal(parseClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00])).state, 'invalid')
})

// ----- no SNI / wrong SNI behaviours -----------------------------------------------------------

for (const [behaviour, expected] of [
  ['alert-112', ['ERR_SSL_TLSV1_UNRECOGNIZED_NAME']],
  ['alert-40', ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE']],
  ['malformed-alert', ['ERR_SSL_WRONG_VERSION_NUMBER']],
  ['close', ['ECONNRESET']],
  ['reset', ['ECONNRESET']],
  ['http-reply', ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']],
] as const) {
  test(`noSni '${behaviour}': the client sees ${expected.join(' or ')}`, async () => {
    await withEdge({ noSni: behaviour }, async (edge) => {
      const r = await tlsTry(edge, undefined)
      assert.equal(r.ok, false)
      observed[behaviour] = `${r.code}: ${r.message}`
      assert.ok((expected as readonly string[]).includes(r.code ?? ''), `got ${r.code}: ${r.message}`)
      assert.deepEqual(edge.handshakes, [{ sni: null, action: behaviour }])
      // and with SNI the same edge serves
      const ok = await tlsTry(edge, 'api.test')
      assert.equal(ok.ok, true)
      assert.equal(ok.authorized, true)
      ok.socket?.destroy()
    })
  })
}

test('alerts are exactly the documented bytes on the wire, then FIN', async () => {
  const hello = await grabClientHello()
  for (const [noSni, hex] of [
    ['alert-40', '15030300020228'],
    ['alert-112', '15030300020270'],
    ['malformed-alert', '15000000020228'],
    ['close', ''],
  ] as const) {
    await withEdge({ noSni }, async (edge) => {
      const r = await rawExchange(edge, { port: edge.port, data: hello })
      assert.equal(r.bytes.toString('hex'), hex, noSni)
      assert.equal(r.ended, true, noSni)
    })
  }
  await withEdge({ noSni: 'reset' }, async (edge) => {
    const r = await rawExchange(edge, { port: edge.port, data: hello })
    assert.equal(r.bytes.length, 0)
    assert.equal(r.error, 'ECONNRESET')
  })
  await withEdge({ noSni: 'http-reply' }, async (edge) => {
    const r = await rawExchange(edge, { port: edge.port, data: hello })
    assert.match(r.bytes.toString('latin1'), /^HTTP\/1\.1 400 Bad Request\r\n/)
  })
})

test("noSni 'serve' completes the handshake with the hostnames certificate", async () => {
  await withEdge({ noSni: 'serve' }, async (edge) => {
    const r = await tlsTry(edge, undefined)
    assert.equal(r.ok, true)
    assert.match(r.cert?.subjectaltname ?? '', /DNS:api\.test/)
    assert.equal(r.authorized, true)
    r.socket?.destroy()
    const res = await httpsGet(edge, undefined, 'api.test')
    assert.equal(res.status, 200)
    assert.equal(edge.requests.at(-1)?.sni, null)
  })
})

test("noSni 'default-cert' serves *.cloudfront.test, which does not cover the host", async () => {
  await withEdge({ noSni: 'default-cert' }, async (edge) => {
    const r = await tlsTry(edge, undefined)
    assert.equal(r.ok, true)
    assert.match(r.cert?.subjectaltname ?? '', /DNS:\*\.cloudfront\.test/)
    assert.equal(r.authorized, true) // signed by the test CA, but…
    const err = tls.checkServerIdentity('api.test', r.cert!)
    assert.equal((err as NodeJS.ErrnoException | undefined)?.code, 'ERR_TLS_CERT_ALTNAME_INVALID')
    observed['default-cert'] = `handshake ok, checkServerIdentity: ${(err as NodeJS.ErrnoException).code}`
    r.socket?.destroy()
    const right = await tlsTry(edge, 'api.test')
    assert.match(right.cert?.subjectaltname ?? '', /DNS:api\.test/)
    right.socket?.destroy()
  })
})

test('wrongSni defaults to noSni; can be set separately', async () => {
  await withEdge({}, async (edge) => {
    const r = await tlsTry(edge, 'nope.test')
    assert.equal(r.code, 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME')
    assert.deepEqual(edge.handshakes, [{ sni: 'nope.test', action: 'alert-112' }])
  })
  await withEdge({ noSni: 'close', wrongSni: 'serve' }, async (edge) => {
    const res = await httpsGet(edge, 'nope.test', 'api.test')
    assert.equal(res.status, 200, 'SNI is not a served name, so no 421: Host decides')
    assert.equal(edge.requests[0]?.sni, 'nope.test')
    const r = await tlsTry(edge, undefined)
    assert.equal(r.code, 'ECONNRESET')
  })
})

test('reset-mid-handshake: partial ServerHello then RST', async () => {
  await withEdge({ mode: 'reset-mid-handshake' }, async (edge) => {
    const r = await tlsTry(edge, 'api.test')
    assert.equal(r.ok, false)
    observed['reset-mid-handshake'] = `${r.code}: ${r.message}`
    assert.equal(r.code, 'ECONNRESET', `${r.code}: ${r.message}`)
  })
})

// ----- certificates ----------------------------------------------------------------------------

test('serve with SNI: certificate covers the host and verifies against caCert', async () => {
  await withEdge({ hostnames: ['api.test', 'alt.test'] }, async (edge) => {
    const r = await tlsTry(edge, 'alt.test', { rejectUnauthorized: true })
    assert.equal(r.ok, true, r.message)
    assert.equal(r.authorized, true)
    assert.match(r.cert?.subjectaltname ?? '', /DNS:api\.test, DNS:alt\.test/)
    assert.equal(tls.checkServerIdentity('alt.test', r.cert!), undefined)
    assert.equal(r.socket?.alpnProtocol, 'http/1.1')
    r.socket?.destroy()
    // without the CA it is not trusted
    const r2 = await tlsTry(edge, 'api.test', { ca: undefined })
    assert.equal(r2.authorized, false)
    r2.socket?.destroy()
  })
})

for (const [certificate, expected] of [
  ['expired', 'CERT_HAS_EXPIRED'],
  ['not-yet-valid', 'CERT_NOT_YET_VALID'],
  ['untrusted', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
] as const) {
  test(`certificate '${certificate}' → ${expected}`, async () => {
    await withEdge({ certificate }, async (edge) => {
      const r = await tlsTry(edge, 'api.test')
      assert.equal(r.ok, true)
      assert.equal(r.authorized, false)
      assert.equal(r.authorizationError, expected)
      r.socket?.destroy()
      const strict = await tlsTry(edge, 'api.test', { rejectUnauthorized: true })
      assert.equal(strict.code, expected)
    })
  })
}

test("certificate 'wrong-name' is trusted but does not cover the host", async () => {
  await withEdge({ certificate: 'wrong-name' }, async (edge) => {
    const r = await tlsTry(edge, 'api.test')
    assert.equal(r.authorized, true)
    assert.match(r.cert?.subjectaltname ?? '', /DNS:other\.example/)
    const err = tls.checkServerIdentity('api.test', r.cert!) as NodeJS.ErrnoException | undefined
    assert.equal(err?.code, 'ERR_TLS_CERT_ALTNAME_INVALID')
    r.socket?.destroy()
  })
})

// ----- HTTP over TLS ---------------------------------------------------------------------------

test('Host checks: 200, 403 Forbidden, 421, 403 Missing Authentication Token', async () => {
  await withEdge({ hostnames: ['api.test', 'b.test'], paths: ['/prod/health'] }, async (edge) => {
    const ok = await httpsGet(edge, 'api.test', 'api.test', '/prod/health?x=1')
    assert.equal(ok.status, 200)
    assert.deepEqual(JSON.parse(ok.body ?? ''), { ok: true })
    assert.ok(ok.headers?.['x-amzn-requestid'])
    assert.ok(ok.headers?.['x-amz-apigw-id'])
    assert.equal(ok.headers?.['connection'], 'close')

    const withPort = await httpsGet(edge, 'api.test', `api.test:${edge.port}`, '/prod/health')
    assert.equal(withPort.status, 200)

    const wrongHost = await httpsGet(edge, 'api.test', 'proxy.internal', '/prod/health')
    assert.equal(wrongHost.status, 403)
    assert.deepEqual(JSON.parse(wrongHost.body ?? ''), { message: 'Forbidden' })
    assert.equal(wrongHost.headers?.['x-amzn-errortype'], 'ForbiddenException')
    assert.ok(wrongHost.headers?.['x-amzn-requestid'])

    const mismatch = await httpsGet(edge, 'api.test', 'b.test', '/prod/health')
    assert.equal(mismatch.status, 421)

    const mat = await httpsGet(edge, 'api.test', 'api.test', '/health')
    assert.equal(mat.status, 403)
    assert.deepEqual(JSON.parse(mat.body ?? ''), { message: 'Missing Authentication Token' })
    assert.equal(mat.headers?.['x-amzn-errortype'], 'MissingAuthenticationTokenException')

    assert.deepEqual(
      edge.requests.map((r) => [r.sni, r.host, r.path, r.via]),
      [
        ['api.test', 'api.test', '/prod/health?x=1', 'tls'],
        ['api.test', `api.test:${edge.port}`, '/prod/health', 'tls'],
        ['api.test', 'proxy.internal', '/prod/health', 'tls'],
        ['api.test', 'b.test', '/prod/health', 'tls'],
        ['api.test', 'api.test', '/health', 'tls'],
      ],
    )
  })
})

test('requireHost false and sniHostMismatch ignore relax the checks', async () => {
  await withEdge({ hostnames: ['api.test', 'b.test'], requireHost: false, sniHostMismatch: 'ignore' }, async (edge) => {
    assert.equal((await httpsGet(edge, 'api.test', 'anything.example')).status, 200)
    assert.equal((await httpsGet(edge, 'api.test', 'b.test')).status, 200)
  })
})

test("style 'cloudfront': wrong Host gets CloudFront's 403 page and headers", async () => {
  await withEdge({ style: 'cloudfront' }, async (edge) => {
    const r = await httpsGet(edge, 'api.test', 'proxy.internal')
    assert.equal(r.status, 403)
    assert.match(r.body ?? '', /The request could not be satisfied/)
    assert.match(r.body ?? '', /Bad request\./)
    assert.equal(r.headers?.['server'], 'CloudFront')
    assert.equal(r.headers?.['x-cache'], 'Error from cloudfront')
    assert.match(String(r.headers?.['via']), /^1\.1 [0-9a-f]+\.cloudfront\.net \(CloudFront\)$/)
    assert.ok(r.headers?.['x-amz-cf-id'])
    assert.ok(r.headers?.['x-amz-cf-pop'])
    const ok = await httpsGet(edge, 'api.test', 'api.test')
    assert.equal(ok.status, 200)
    assert.equal(ok.headers?.['x-cache'], 'Miss from cloudfront')
  })
})

// ----- plain HTTP ------------------------------------------------------------------------------

test('plain HTTP on the TLS port → 400 "The plain HTTP request was sent to HTTPS port"', async () => {
  await withEdge({}, async (edge) => {
    const r = await httpGet(edge, edge.port, 'api.test')
    assert.equal(r.status, 400)
    assert.match(r.body ?? '', /The plain HTTP request was sent to HTTPS port/)
    assert.equal(edge.requests[0]?.via, 'plain-on-tls-port')
  })
  await withEdge({ plainHttpOnTlsPort: 'close' }, async (edge) => {
    const r = await httpGet(edge, edge.port, 'api.test')
    assert.equal(r.status, undefined)
    assert.equal(r.code, 'ECONNRESET') // node:http: "socket hang up"
  })
})

test('httpListener: none refuses, 403, 301, serve', async () => {
  await withEdge({}, async (edge) => {
    const r = await httpGet(edge, edge.httpPort, 'api.test')
    assert.equal(r.code, 'ECONNREFUSED')
  })
  await withEdge({ httpListener: '403' }, async (edge) => {
    const r = await httpGet(edge, edge.httpPort, 'api.test')
    assert.equal(r.status, 403)
    assert.equal(r.headers?.['server'], 'CloudFront')
    assert.match(r.body ?? '', /The request could not be satisfied/)
  })
  await withEdge({ httpListener: '301' }, async (edge) => {
    const r = await httpGet(edge, edge.httpPort, 'api.test', '/prod/x')
    assert.equal(r.status, 301)
    assert.equal(r.headers?.['location'], `https://api.test:${edge.port}/prod/x`)
  })
  await withEdge({ httpListener: 'serve' }, async (edge) => {
    assert.equal((await httpGet(edge, edge.httpPort, 'api.test')).status, 200)
    assert.equal((await httpGet(edge, edge.httpPort, 'other.test')).status, 403)
    assert.equal(edge.requests[0]?.via, 'http')
  })
})

// ----- pathological peers ----------------------------------------------------------------------

test('black-hole: TCP connects, nothing ever comes back (TLS and HTTP ports)', async () => {
  await withEdge({ mode: 'black-hole', httpListener: 'serve' }, async (edge) => {
    const r = await tlsTry(edge, 'api.test', {}, 300)
    assert.equal(r.timedOut, true)
    const h = await rawExchange(edge, { port: edge.httpPort, data: 'GET / HTTP/1.1\r\nHost: api.test\r\n\r\n', timeoutMs: 300 })
    assert.equal(h.timedOut, true)
    assert.equal(h.bytes.length, 0)
    const p = await rawExchange(edge, { port: edge.port, data: 'GET / HTTP/1.1\r\nHost: api.test\r\n\r\n', timeoutMs: 300 })
    assert.equal(p.timedOut, true)
    assert.equal(p.bytes.length, 0)
    assert.deepEqual(edge.handshakes, [{ sni: 'api.test', action: 'black-hole' }])
  })
})

test('endless-headers: status line then header lines that never end', async () => {
  await withEdge({ mode: 'endless-headers', httpListener: 'serve' }, async (edge) => {
    for (const [port, sni] of [
      [edge.port, 'api.test'],
      [edge.httpPort, undefined],
    ] as const) {
      const r = await rawExchange(edge, { port, tlsSni: sni, data: 'GET / HTTP/1.1\r\nHost: api.test\r\n\r\n', max: 256 * 1024 })
      assert.equal(r.timedOut, false)
      assert.ok(r.bytes.length >= 256 * 1024)
      const text = r.bytes.toString('latin1')
      assert.ok(text.startsWith('HTTP/1.1 200 OK\r\nX-Endless-1: '))
      assert.equal(text.indexOf('\r\n\r\n'), -1)
    }
  })
})

test('garbage-response and close-after-headers-start', async () => {
  await withEdge({ mode: 'garbage-response' }, async (edge) => {
    const r = await rawExchange(edge, { port: edge.port, tlsSni: 'api.test', data: 'GET / HTTP/1.1\r\nHost: api.test\r\n\r\n' })
    assert.equal(r.bytes.toString('latin1'), '\x00\x01garbage\r\n\r\n')
    assert.equal(r.ended, true)
    const h = await httpsGet(edge, 'api.test', 'api.test')
    assert.equal(h.status, undefined)
    observed['garbage-response (node:https)'] = `${h.code}: ${h.message}`
    assert.match(h.code ?? '', /^HPE_/)
  })
  await withEdge({ mode: 'close-after-headers-start' }, async (edge) => {
    const r = await rawExchange(edge, { port: edge.port, tlsSni: 'api.test', data: 'GET / HTTP/1.1\r\nHost: api.test\r\n\r\n' })
    assert.equal(r.bytes.toString('latin1'), 'HTTP/1.1 200 OK\r\nContent-')
    assert.equal(r.ended, true)
    const h = await httpsGet(edge, 'api.test', 'api.test')
    observed['close-after-headers-start (node:https)'] = `${h.code}: ${h.message}`
    assert.equal(h.status, undefined)
  })
})

// ----- lifecycle ---------------------------------------------------------------------------------

test('close() with open sockets resolves quickly', async () => {
  const edge = await startTestEdge({ mode: 'black-hole', httpListener: 'serve' })
  const clients: net.Socket[] = []
  const closedByPeer: Promise<void>[] = []
  for (const port of [edge.port, edge.port, edge.httpPort]) {
    const s = net.connect({ host: edge.host, port })
    s.on('error', () => {})
    await new Promise((r) => s.once('connect', r))
    clients.push(s)
    closedByPeer.push(new Promise((r) => s.once('close', () => r())))
  }
  // and one idle TLS connection that completed its handshake but never sent a request
  const edge2 = await startTestEdge({})
  const idle = await tlsTry(edge2, 'api.test')
  assert.equal(idle.ok, true)
  const idleClosed = new Promise<void>((r) => idle.socket!.once('close', () => r()))
  idle.socket!.on('error', () => {})
  await new Promise((r) => setTimeout(r, 50))
  const t0 = performance.now()
  await Promise.all([edge.close(), edge2.close()])
  const took = performance.now() - t0
  assert.ok(took < 500, `close took ${took} ms`)
  await Promise.all([...closedByPeer, idleClosed])
  const refused = await tlsTry(edge, 'api.test', {}, 1000)
  assert.equal(refused.code, 'ECONNREFUSED')
})

test('works on ::1', async () => {
  await withEdge({ host: '::1' }, async (edge) => {
    assert.equal(edge.host, '::1')
    const r = await httpsGet(edge, 'api.test', 'api.test')
    assert.equal(r.status, 200)
    const a = await tlsTry(edge, undefined)
    assert.equal(a.code, 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME')
  })
})

test('refuses a non-loopback listen address', async () => {
  await assert.rejects(startTestEdge({ host: '0.0.0.0' }), /not a loopback/)
})

test('report: what the Node client saw', () => {
  for (const [k, v] of Object.entries(observed)) console.log(`# observed ${k} -> ${v}`)
})
