import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {match as matchLog, parseTrafficLog} from '../../src/explain/haproxy-log.js'
import {explain} from '../../src/explain/index.js'
import {decodeTermination, FIRST, FOURTH, match as matchState, SECOND, THIRD} from '../../src/explain/termination-state.js'

const LAB_503 =
  'Nov 26 05:10:01 host haproxy[1234]: 127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_main be_api/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /prod/health HTTP/1.1"'

describe('termination state', () => {
  test('every documented character of §8.5 is known', () => {
    assert.deepEqual(Object.keys(FIRST).sort(), ['-', 'C', 'D', 'I', 'K', 'L', 'P', 'R', 'S', 'U', 'c', 's'].sort())
    assert.deepEqual(Object.keys(SECOND).sort(), ['-', 'C', 'D', 'H', 'L', 'Q', 'R', 'T'].sort())
    assert.deepEqual(Object.keys(THIRD).sort(), ['-', 'D', 'E', 'I', 'N', 'O', 'U', 'V'].sort())
    assert.deepEqual(Object.keys(FOURTH).sort(), ['-', 'D', 'I', 'N', 'P', 'R', 'U'].sort())
  })

  test('decodes all four characters', () => {
    const info = decodeTermination('SCVI')
    assert.ok(info)
    assert.equal(info.mode, 'http')
    assert.equal(info.first.char, 'S')
    assert.match(info.second.meaning, /CONNECTION/)
    assert.match(info.third?.meaning ?? '', /VALID/)
    assert.match(info.fourth?.meaning ?? '', /INSERTED/)
    assert.ok(info.combination)
  })

  test('two characters are the tcplog form', () => {
    assert.equal(decodeTermination('sD')?.mode, 'tcp')
    assert.equal(decodeTermination('sD')?.third, undefined)
  })

  test('rejects undocumented characters and lengths', () => {
    for (const bad of ['XC--', 'SZ--', 'SCZ-', 'SC-Z', 'SC-', 'S', 'SC---', 'OK']) assert.equal(decodeTermination(bad), null, bad)
  })

  test('SC-- explains the TLS handshake, SNI and CA causes and the probe', () => {
    const e = matchState('SC--')
    assert.ok(e)
    assert.equal(e.kind, 'haproxy-termination-state')
    assert.match(e.summary, /TLS handshake/)
    assert.ok(e.likelyCauses.some((line) => /SNI/.test(line)))
    assert.ok(e.likelyCauses.some((line) => /ca-file|certificate/i.test(line)))
    assert.ok(e.nextSteps.some((line) => line.includes('sni str(<host>)')))
    assert.ok(e.nextSteps.some((line) => line.includes('ca-file')))
    assert.ok(e.nextSteps.some((line) => line.includes('apigw-doctor probe <host>')))
    const fields = e.fields as {termination: {code: string; first: {char: string}; second: {char: string}; third: {char: string}; fourth: {char: string}}}
    assert.equal(fields.termination.code, 'SC--')
    assert.equal(fields.termination.first.char, 'S')
    assert.equal(fields.termination.fourth.char, '-')
  })

  test('---- with 400 points at plain HTTP to the TLS port', () => {
    const e = matchState('---- 400')
    assert.ok(e)
    assert.match(e.summary, /plain HTTP/)
    assert.ok(e.nextSteps.some((line) => line.includes(' ssl ')))
    assert.deepEqual((e.fields as {status: number}).status, 400)
  })

  test('---- with 403 points at the Host header', () => {
    const e = matchState('403 ----')
    assert.ok(e)
    assert.match(e.summary, /Host/)
    assert.ok(e.nextSteps.some((line) => line.includes('http-request set-header Host')))
  })

  test('client-side states are not blamed on the edge', () => {
    for (const code of ['CD--', 'cD--', 'CR--', 'cR--', 'CH--', 'CQ--']) {
      const e = matchState(code)
      assert.ok(e, code)
      assert.match(e.summary, /client/i, code)
    }
  })

  test('other common states', () => {
    assert.match(matchState('sH--')?.summary ?? '', /timeout server/)
    assert.match(matchState('sC--')?.summary ?? '', /timeout connect/)
    assert.match(matchState('PR--')?.summary ?? '', /HAProxy itself blocked/)
    assert.match(matchState('LR--')?.summary ?? '', /locally/)
    assert.match(matchState('PH--')?.summary ?? '', /502/)
    assert.ok(matchState('SH--'))
    assert.ok(matchState('KR--'))
    assert.ok(matchState('IR--'))
    assert.ok(matchState('termination state: SC--'))
    assert.ok(matchState('sQ'))
  })

  test('non-states are left alone', () => {
    for (const text of ['hello', 'SC-- 9999', 'SC-- foo', '', 'SC-- 503 200', 'ok']) assert.equal(matchState(text), null, text)
  })
})

describe('httplog', () => {
  test('parses the lab line of HAProxy 2.6 with its syslog prefix', () => {
    const parsed = parseTrafficLog(LAB_503)
    assert.ok(parsed)
    const f = parsed.fields as Record<string, any>
    assert.equal(f.format, 'httplog')
    assert.deepEqual(f.syslog, {prefix: 'Nov 26 05:10:01 host haproxy[1234]:', process: 'haproxy', pid: 1234})
    assert.deepEqual(f.client, {address: '127.0.0.1', port: 50412})
    assert.equal(f.acceptDate, '26/Nov/2026:05:10:01.123')
    assert.equal(f.frontend, 'fe_main')
    assert.equal(f.backend, 'be_api')
    assert.equal(f.server, 'gw')
    assert.deepEqual(f.timers, {TR: 0, Tw: 0, Tc: -1, Tr: -1, Ta: 3015})
    assert.equal(f.status, 503)
    assert.equal(f.bytes, 217)
    assert.deepEqual(f.capturedCookies, {request: '-', response: '-'})
    assert.equal(f.termination.code, 'SC--')
    assert.deepEqual(f.connections, {ac: 1, fc: 1, bc: 0, sc: 0, rc: 3})
    assert.equal(f.redispatched, false)
    assert.deepEqual(f.queues, {sq: 0, bq: 0})
    assert.deepEqual(f.request, {raw: 'GET /prod/health HTTP/1.1', method: 'GET', uri: '/prod/health', version: 'HTTP/1.1'})
  })

  test('explains Tc = -1 + SC-- + 503 as a connection (incl. TLS) that never completed after the retries', () => {
    const e = matchLog(LAB_503)
    assert.ok(e)
    assert.equal(e.kind, 'haproxy-log')
    assert.ok(e.meaning.some((line) => /Tc = -1/.test(line) && /TLS handshake/.test(line) && /3 retries/.test(line)), e.meaning.join('\n'))
    // said once, not once per layer (the implication, the timer, the state)
    assert.equal(e.meaning.filter((line) => line.includes('Tc = -1')).length, 1, e.meaning.join('\n'))
    assert.ok(e.meaning.some((line) => line.startsWith('Timers TR/Tw/Tc/Tr/Ta = 0/0/-1/-1/3015 ms')), e.meaning.join('\n'))
    assert.ok(e.nextSteps.some((line) => line.includes('sni str(')))
    assert.ok(e.nextSteps.some((line) => line.includes('apigw-doctor probe')))
  })

  test('the same line without the syslog prefix', () => {
    const line = LAB_503.slice(LAB_503.indexOf('127.0.0.1:50412'))
    const e = matchLog(line)
    assert.ok(e)
    assert.equal((e.fields as {syslog?: unknown}).syslog, undefined)
    assert.equal((e.fields as {status: number}).status, 503)
  })

  test('old-format line (Tq/Tw/Tc/Tr/Tt, HAProxy 1.4 manual example) with captured headers', () => {
    const line =
      'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"'
    const e = matchLog(line)
    assert.ok(e)
    const f = e.fields as Record<string, any>
    assert.deepEqual(f.timers, {TR: 10, Tw: 0, Tc: 30, Tr: 69, Ta: 109})
    assert.deepEqual(f.capturedHeaders, {request: ['1wt.eu'], response: ['']})
    assert.equal(f.request.uri, '/index.html')
    // {1wt.eu} is the Host the client sent, not the server's name (srv1)
    assert.equal(f.targetHost, undefined)
    assert.ok(e.meaning.some((line) => line.includes('Tq')))
    assert.match(e.summary, /successful/)
  })

  test('captured headers with spaces and an SSL frontend', () => {
    const line =
      '<134>Nov 26 05:10:01 haproxy[99]: 10.0.0.9:41000 [26/Nov/2026:05:10:01.555] fe_main~ be_api/gw 0/0/12/40/52 403 310 - - ---- 3/3/1/1/0 0/0 {abc123.execute-api.eu-west-1.amazonaws.com|Mozilla/5.0 (X11; Linux)} {ForbiddenException} "GET /prod/health HTTP/1.1"'
    const e = matchLog(line)
    assert.ok(e)
    const f = e.fields as Record<string, any>
    assert.equal(f.frontend, 'fe_main')
    assert.equal(f.frontendSsl, true)
    assert.deepEqual(f.capturedHeaders.request, ['abc123.execute-api.eu-west-1.amazonaws.com', 'Mozilla/5.0 (X11; Linux)'])
    assert.deepEqual(f.capturedHeaders.response, ['ForbiddenException'])
    // the captured Host is the client-facing name: the server is `gw`, so the fixes keep <host>
    assert.equal(f.targetHost, undefined)
    assert.match(e.summary, /403/)
    assert.ok(e.meaning.some((line) => line.includes('ForbiddenException')))
    assert.ok(e.nextSteps.includes('HAProxy: http-request set-header Host <host>'), e.nextSteps.join('\n'))
    assert.ok(e.nextSteps.some((line) => line.includes('apigw-doctor probe <host> --path /prod/health')))
    for (const step of e.nextSteps) assert.ok(!step.includes('abc123'), step)
  })

  test('400 over a completed connection: plain HTTP to the TLS port', () => {
    const e = matchLog('10.0.0.9:41000 [26/Nov/2026:05:10:01.555] fe_main be_api/gw 0/0/0/0/0 400 180 - - ---- 1/1/0/0/0 0/0 "GET /prod/health HTTP/1.1"')
    assert.ok(e)
    assert.match(e.summary, /plain HTTP/)
    assert.ok(e.nextSteps.some((line) => line.includes('ssl verify required')))
  })

  test('<NOSRV>: health checks and check-sni', () => {
    const e = matchLog('10.0.0.9:41000 [26/Nov/2026:05:10:01.555] fe_main be_api/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET / HTTP/1.1"')
    assert.ok(e)
    assert.match(e.summary, /NOSRV/)
    assert.ok(e.nextSteps.some((line) => line.includes('check-sni')))
  })

  test('an absolute URI is the client-facing name, not the target; logasap and redispatch are noticed', () => {
    const e = matchLog(
      '10.0.0.1:1234 [26/Nov/2026:05:10:01.555] fe be/gw 1/0/5/20/+30 200 +1200 - - ---- 1/1/1/1/+1 0/0 "GET https://api.example.com/prod/x HTTP/2.0"',
    )
    assert.ok(e)
    const f = e.fields as Record<string, any>
    assert.equal(f.targetHost, undefined)
    assert.equal(f.logasap, true)
    assert.equal(f.redispatched, true)
    assert.equal(f.connections.rc, 1)
    assert.ok(e.meaning.some((line) => line.includes('redispatched')))
  })

  test('IPv6 client', () => {
    const e = matchLog('::1:50412 [26/Nov/2026:05:10:01.123] fe be/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET / HTTP/1.1"')
    assert.deepEqual((e?.fields as Record<string, any>).client, {address: '::1', port: 50412})
  })

  test('BADREQ request', () => {
    const e = matchLog('10.0.0.1:1234 [26/Nov/2026:05:10:01.555] fe fe/<NOSRV> -1/-1/-1/-1/2 400 187 - - CR-- 1/1/0/0/0 0/0 "<BADREQ>"')
    assert.ok(e)
    assert.match(e.summary, /client/i)
    assert.deepEqual((e.fields as Record<string, any>).request, {raw: '<BADREQ>'})
  })
})

describe('log layouts, prefixes and the target host', () => {
  // captured from HAProxy 2.6.12 with `option httplog clf`, a server that refuses, `retries 1`, `capture request header Host len 64`
  const CLF =
    '127.0.0.1 - - [26/Nov/2026:05:45:07 +0000] "GET /prod/health HTTP/1.1" 503 217 "" "" 59144 336 "fe_main" "be_api" "gw" 0 0 -1 -1 501 SC-- 1 1 0 0 1 0 0 "" "" "api.example.com" '

  test('option httplog clf', () => {
    const e = matchLog(CLF)
    assert.ok(e, 'recognised')
    assert.equal(e.kind, 'haproxy-log')
    const f = e.fields as Record<string, any>
    assert.equal(f.format, 'httplog')
    assert.equal(f.layout, 'clf')
    assert.deepEqual(f.client, {address: '127.0.0.1', port: 59144})
    assert.equal(f.acceptDate, '26/Nov/2026:05:45:07 +0000')
    assert.equal(f.frontend, 'fe_main')
    assert.equal(f.backend, 'be_api')
    assert.equal(f.server, 'gw')
    assert.deepEqual(f.timers, {TR: 0, Tw: 0, Tc: -1, Tr: -1, Ta: 501})
    assert.equal(f.status, 503)
    assert.equal(f.bytes, 217)
    assert.equal(f.termination.code, 'SC--')
    assert.deepEqual(f.connections, {ac: 1, fc: 1, bc: 0, sc: 0, rc: 1})
    assert.deepEqual(f.queues, {sq: 0, bq: 0})
    assert.deepEqual(f.capturedHeaders, {unsplit: ['api.example.com']})
    assert.deepEqual(f.request, {raw: 'GET /prod/health HTTP/1.1', method: 'GET', uri: '/prod/health', version: 'HTTP/1.1'})
    assert.equal(f.targetHost, undefined)
    assert.match(e.summary, /CLF/)
    assert.ok(e.nextSteps.some((step) => step.includes('sni str(<host>)')))

    const prefixed = matchLog(`Nov 26 05:45:07 host haproxy[4242]: ${CLF.trim()}`)
    assert.deepEqual((prefixed?.fields as Record<string, any>).syslog, {prefix: 'Nov 26 05:45:07 host haproxy[4242]:', process: 'haproxy', pid: 4242})
    const forbidden = matchLog(CLF.replace('503 217', '403 310').replace('-1 -1 501 SC--', '12 40 52 ----').replace('"api.example.com" ', '"api.example.com" "ForbiddenException"'))
    assert.ok(forbidden?.meaning.some((m) => m.includes('ForbiddenException')), forbidden?.meaning.join('\n'))
    assert.equal(matchLog('127.0.0.1 - - [26/Nov/2026:05:45:07 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"'), null, 'an Apache/nginx access line is no HAProxy line')
  })

  test('RFC 5424 prefix: process and pid', () => {
    // captured from HAProxy 2.6.12 with `log stdout format rfc5424 local0`
    const e = matchLog(
      '<134>1 2026-11-26T05:46:02.533465+00:00 - haproxy 9337 - - 127.0.0.1:43306 [26/Nov/2026:05:46:02.031] fe_main be_api/gw 0/0/-1/-1/503 503 217 - - SC-- 1/1/0/0/1 0/0 {api.example.com} "GET /prod/health HTTP/1.1"',
    )
    assert.ok(e)
    assert.deepEqual((e.fields as Record<string, any>).syslog, {
      prefix: '<134>1 2026-11-26T05:46:02.533465+00:00 - haproxy 9337 - -',
      priority: 134,
      timestamp: '2026-11-26T05:46:02.533465+00:00',
      process: 'haproxy',
      pid: 9337,
    })
    const withHost = parseTrafficLog(
      '<134>1 2026-11-26T05:46:02Z lb1 haproxy 77 - - 127.0.0.1:43306 [26/Nov/2026:05:46:02.031] fe_main be_api/gw 0/0/-1/-1/503 503 217 - - SC-- 1/1/0/0/1 0/0 "GET / HTTP/1.1"',
    )
    assert.equal((withHost?.fields.syslog as Record<string, unknown>).hostname, 'lb1')
  })

  test('the target is the server name when it is a host name; the client Host capture is never used', () => {
    const byName = matchLog(
      '10.0.0.9:41000 [26/Nov/2026:05:10:01.555] fe_main be_api/abc123.execute-api.eu-west-1.amazonaws.com 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 {www.example.org} "GET /prod/health HTTP/1.1"',
    )
    assert.ok(byName)
    assert.equal((byName.fields as Record<string, any>).targetHost, 'abc123.execute-api.eu-west-1.amazonaws.com')
    assert.ok(byName.nextSteps.some((step) => step.includes('sni str(abc123.execute-api.eu-west-1.amazonaws.com)')))
    assert.ok(!byName.nextSteps.some((step) => step.includes('www.example.org')), byName.nextSteps.join('\n'))
    const byLabel = matchLog('10.0.0.9:41000 [26/Nov/2026:05:10:01.555] fe_main be_api/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 {www.example.org} "GET /prod/health HTTP/1.1"')
    assert.equal((byLabel?.fields as Record<string, any>).targetHost, undefined)
    assert.ok(byLabel?.nextSteps.some((step) => step.includes('sni str(<host>)')))
    assert.ok(!byLabel?.nextSteps.some((step) => step.includes('www.example.org')))
  })

  test('the README line: a short explanation with the real connection counts, nothing said twice', () => {
    const e = matchLog('10.0.0.5:50412 [26/Nov/2026:05:10:01.123] fe_main be_api/gw 0/0/-1/-1/3015 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /prod/health HTTP/1.1"')
    assert.ok(e)
    assert.ok(e.meaning.length <= 7, `${e.meaning.length} lines:\n${e.meaning.join('\n')}`)
    assert.equal(e.meaning.filter((m) => m.includes('Tc = -1')).length, 1)
    assert.ok(e.meaning.some((m) => m.startsWith('Connections ac/fc/bc/sc/rc = 1/1/0/0/3') && m.includes('3 retries')), e.meaning.join('\n'))
    assert.ok(!e.meaning.some((m) => m.startsWith('HAProxy never got a usable connection')), 'the Tc = -1 line already says it')
    assert.ok(e.meaning.some((m) => m.includes('cannot tell a missing SNI')))
    const normal = matchLog('10.0.0.9:41000 [26/Nov/2026:05:10:01.555] fe_main be_api/gw 0/0/0/0/0 400 180 - - ---- 1/1/0/0/0 0/0 "GET /prod/health HTTP/1.1"')
    assert.ok(normal?.meaning.some((m) => m === 'Termination state ----: normal completion; \'--\' no persistence cookie.'), normal?.meaning.join('\n'))
  })
})

describe('tcplog', () => {
  test('parses Tw/Tc/Tt and the 2-character state', () => {
    const e = matchLog('Nov 26 05:10:01 host haproxy[1234]: 127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_tcp be_api/gw 0/-1/3002 0 SC 1/1/0/0/3 0/0')
    assert.ok(e)
    const f = e.fields as Record<string, any>
    assert.equal(f.format, 'tcplog')
    assert.deepEqual(f.timers, {Tw: 0, Tc: -1, Tt: 3002})
    assert.equal(f.bytes, 0)
    assert.equal(f.termination.code, 'SC')
    assert.equal(f.status, undefined)
    assert.match(e.summary, /tcplog/)
    assert.ok(e.meaning.some((line) => line.includes('closed the client connection')))
  })

  test('a tcplog line with a 4-character state is refused', () => {
    assert.equal(parseTrafficLog('127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe be/gw 0/-1/3002 0 SC-- 1/1/0/0/3 0/0'), null)
  })
})

describe('other HAProxy lines', () => {
  test('server DOWN on a Layer6 (TLS) check failure: check-sni', () => {
    const e = matchLog('Server be_api/gw is DOWN, reason: Layer6 invalid response, info: "SSL handshake failure", check duration: 2ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.')
    assert.ok(e)
    assert.equal(e.kind, 'haproxy-log')
    assert.equal((e.fields as Record<string, any>).format, 'server-state')
    assert.equal((e.fields as Record<string, any>).state, 'DOWN')
    assert.ok(e.nextSteps.some((line) => line.includes('check-sni')))
  })

  test('Layer7 check refused with 403: Host of the check', () => {
    const e = matchLog('Nov 26 05:10:01 host haproxy[1]: Health check for server be_api/gw failed, reason: Layer7 wrong status, code: 403, info: "Forbidden", check duration: 20ms, status: 0/2 DOWN.')
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).code, 403)
    assert.ok(e.likelyCauses.some((line) => line.includes('Host')))
    assert.ok(e.nextSteps.some((line) => line.includes('http-check send')))
  })

  test('no server available', () => {
    const e = matchLog('Nov 26 05:10:01 host haproxy[1]: backend be_api has no server available!')
    assert.ok(e)
    assert.match(e.summary, /503/)
  })

  test('frontend connection error is the client side', () => {
    const e = matchLog('127.0.0.1:50412 [26/Nov/2026:05:10:01.123] fe_main/1: SSL handshake failure')
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).format, 'connection-error')
    assert.ok(e.meaning.some((line) => line.includes('client ↔ HAProxy')))
  })

  test('a custom log format is read partially', () => {
    const e = matchLog('127.0.0.1:50412 [26/Nov/2026:05:10:01.123] id=abc fe be/s 503 SC-- 1/1/0/0/3 extra')
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).format, 'custom')
    assert.equal((e.fields as Record<string, any>).status, 503)
  })

  test('not HAProxy', () => {
    assert.equal(matchLog('GET /index.html 200'), null)
    assert.equal(matchLog('[26/Nov/2026:05:10:01.123]'), null)
    assert.equal(matchLog('Server returned nothing'), null)
  })
})

test('a health check that passed is read as passed (line captured from the e2e suite)', () => {
  const result = explain('Health check for server be_api_test/gw succeeded, reason: Layer6 check passed, check duration: 8ms, status: 3/3 UP.')!
  assert.match(result.summary, /passed its check/)
  assert.ok(!result.meaning.join(' ').includes('did not complete'))
  const failed = explain('Health check for server be_api_test/gw failed, reason: Layer6 invalid response, info: "SSL handshake failure", check duration: 0ms, status: 0/2 DOWN.')!
  assert.match(failed.summary, /failed a check|is DOWN/)
  assert.match(failed.nextSteps.join(' '), /check-sni/)
})
