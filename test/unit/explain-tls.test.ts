import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {CURL_CODES, match as matchCurl} from '../../src/explain/curl.js'
import {knownCodes, match as matchCode} from '../../src/explain/error-codes.js'
import {decodeErrorCode, nodeCodeForReason, sslFacts} from '../../src/explain/openssl.js'
import {match as matchOutcome, matchStatus} from '../../src/explain/outcomes.js'
import {alertName, alertNotes, alertNumber, match as matchAlert, TLS_ALERTS} from '../../src/explain/tls-alerts.js'
import {explain} from '../../src/explain/index.js'

describe('TLS alerts', () => {
  test('the full RFC 8446 / 5246 table', () => {
    const expected = [0, 10, 20, 21, 22, 30, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 60, 70, 71, 80, 86, 90, 100, 109, 110, 111, 112, 113, 114, 115, 116, 120]
    for (const n of expected) assert.ok(TLS_ALERTS[n], `alert ${n}`)
    assert.equal(TLS_ALERTS[0], 'close_notify')
    assert.equal(TLS_ALERTS[40], 'handshake_failure')
    assert.equal(TLS_ALERTS[112], 'unrecognized_name')
    assert.equal(TLS_ALERTS[120], 'no_application_protocol')
    assert.equal(alertName(70), 'protocol_version')
    assert.equal(alertName(250), 'alert_250')
  })

  test('names in any spelling', () => {
    assert.equal(alertNumber('unrecognized_name'), 112)
    assert.equal(alertNumber('Unrecognized Name'), 112)
    assert.equal(alertNumber('user_cancelled'), 90)
    assert.equal(alertNumber('nope'), null)
  })

  test('numbers and names as input', () => {
    for (const [input, n] of [['112', 112], ['alert 40', 40], ['SSL alert number 112', 112], ['alert(70)', 70], ['unrecognized_name', 112], ['handshake failure', 40], ['alert: no_application_protocol', 120], ['TLS alert 0', 0]] as const) {
      const e = matchAlert(input)
      assert.ok(e, input)
      assert.equal(e.kind, 'tls-alert')
      assert.equal((e.fields as {alert: {number: number}}).alert.number, n, input)
    }
  })

  test('112 and 40 point at SNI, 116 at a client certificate, 70 at versions', () => {
    assert.ok(matchAlert('112')?.nextSteps.some((step) => step.includes('sni str(<host>)')))
    assert.ok(matchAlert('40')?.nextSteps.some((step) => step.includes('proxy_ssl_server_name on')))
    assert.ok(matchAlert('116')?.nextSteps.some((step) => step.includes('proxy_ssl_certificate')))
    assert.ok(matchAlert('70')?.nextSteps.some((step) => step.includes('ssl-min-ver')))
  })

  test('bare numbers that are no alert are left to others', () => {
    assert.equal(matchAlert('35'), null)
    assert.equal(matchAlert('hello'), null)
    assert.ok(matchAlert('alert 35')?.summary.includes('not a registered'))
  })
})

describe('OpenSSL', () => {
  test('decodes 3.x and 1.1 packed codes', () => {
    assert.deepEqual(decodeErrorCode('0A000458'), {library: 20, reason: 1112})
    assert.deepEqual(decodeErrorCode('14094410'), {library: 20, reason: 1040})
    assert.deepEqual(decodeErrorCode('0A00010B'), {library: 20, reason: 267})
    assert.equal(decodeErrorCode('xyz'), null)
  })

  test('finds alerts by number, code, reason text, and OpenSSL 3.0 "reason(1120)"', () => {
    assert.equal(sslFacts('error:0A000458:SSL routines::tlsv1 unrecognized name').alert?.number, 112)
    assert.equal(sslFacts('error:0A000410').alert?.number, 40)
    assert.equal(sslFacts('ssl/tls alert handshake failure').alert?.number, 40)
    assert.equal(sslFacts('SSL routines::reason(1120)').alert?.number, 120)
    assert.equal(sslFacts('remote error: tls: unrecognized name').alert?.number, 112)
    assert.equal(sslFacts('wrong version number').reason?.outcome, 'tls-malformed')
    assert.equal(sslFacts('certificate has expired').verify?.node, 'CERT_HAS_EXPIRED')
    assert.equal(nodeCodeForReason('tlsv1 unrecognized name'), 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME')
  })
})

describe('curl', () => {
  test('every code of the brief is known', () => {
    for (const code of [6, 7, 28, 35, 51, 52, 56, 58, 60, 77, 91, 92]) assert.ok(CURL_CODES[code], `curl ${code}`)
  })

  test('(35) unrecognized name: alert 112 and SNI', () => {
    const e = matchCurl('curl: (35) OpenSSL/3.0.13: error:0A000458:SSL routines::tlsv1 unrecognized name')
    assert.ok(e)
    assert.equal(e.kind, 'curl')
    const f = e.fields as Record<string, any>
    assert.equal(f.exitCode, 35)
    assert.deepEqual(f.alert, {number: 112, name: 'unrecognized_name'})
    assert.equal(f.outcome, 'tls-alert')
    assert.ok(e.likelyCauses.some((cause) => cause.includes('IP address')))
    assert.ok(e.nextSteps.some((step) => step.includes('sni str(')))
  })

  test('(60) certificate has expired', () => {
    const e = matchCurl('curl: (60) SSL certificate problem: certificate has expired')
    assert.ok(e)
    assert.equal((e.fields as Record<string, any>).verifyError.node, 'CERT_HAS_EXPIRED')
  })

  test('(52) empty reply and (56) unexpected eof', () => {
    assert.equal((matchCurl('curl: (52) Empty reply from server')?.fields as Record<string, any>).outcome, 'http-closed')
    const e = matchCurl('curl: (56) OpenSSL SSL_read: error:0A000126:SSL routines::unexpected eof while reading, errno 0')
    assert.equal((e?.fields as Record<string, any>).outcome, 'tls-closed')
  })

  test('the host in the message is used', () => {
    const e = matchCurl('curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to abc.execute-api.us-east-1.amazonaws.com:443')
    assert.equal((e?.fields as Record<string, any>).targetHost, 'abc.execute-api.us-east-1.amazonaws.com')
    assert.equal((e?.fields as Record<string, any>).outcome, 'tls-closed')
    assert.ok(e?.nextSteps.some((step) => step.includes('apigw-doctor probe abc.execute-api.us-east-1.amazonaws.com')))
    const resolve = matchCurl('curl: (6) Could not resolve host: api.exmple.com')
    assert.equal((resolve?.fields as Record<string, any>).targetHost, 'api.exmple.com')
  })

  test('timeouts are told apart by their message', () => {
    assert.equal((matchCurl('curl: (28) Connection timed out after 5001 milliseconds')?.fields as Record<string, any>).outcome, 'tcp-timeout')
    assert.equal((matchCurl('curl: (28) SSL connection timeout')?.fields as Record<string, any>).outcome, 'tls-timeout')
    assert.equal((matchCurl('curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received')?.fields as Record<string, any>).outcome, 'http-timeout')
  })

  test('bare forms', () => {
    assert.equal((matchCurl('curl 7')?.fields as Record<string, any>).exitCode, 7)
    assert.equal((matchCurl('curl exit code 92')?.fields as Record<string, any>).exitCode, 92)
    assert.equal((matchCurl('(77) error setting certificate file: /nope')?.fields as Record<string, any>).exitCode, 77)
    assert.equal(matchCurl('curl: (999) nope'), null)
    assert.equal(matchCurl('hello'), null)
  })
})

describe('a bare number: TLS alert or curl exit code', () => {
  const alternatives = (text: string): {kind: string; summary: string; ask: string}[] | undefined => (explain(text)?.fields as Record<string, any> | undefined)?.alternatives

  test('35, 51, 52, 56, 60 are curl first (60 is also the obsolete alert export_restriction, 51 decrypt_error)', () => {
    for (const n of ['35', '51', '52', '56', '60']) {
      const e = explain(n)
      assert.equal(e?.kind, 'curl', n)
      assert.equal((e?.fields as Record<string, any>).exitCode, Number(n))
    }
    for (const n of ['51', '60']) {
      const e = explain(n)!
      assert.deepEqual(alternatives(n)?.map((alt) => [alt.kind, alt.ask]), [['tls-alert', `alert ${n}`]], n)
      assert.match(e.meaning[0] ?? '', new RegExp(`^Also TLS alert ${n} `))
      assert.match(e.meaning[0] ?? '', new RegExp(`apigw-doctor explain alert ${n}`))
    }
    for (const n of ['35', '52', '56']) assert.equal(alternatives(n), undefined, n)
  })

  test('an alert that matters here stays an alert, and names the curl reading', () => {
    for (const n of ['43', '47', '80', '90']) {
      const e = explain(n)!
      assert.equal(e.kind, 'tls-alert', n)
      assert.deepEqual(alternatives(n)?.map((alt) => [alt.kind, alt.ask]), [['curl', `curl ${n}`]], n)
      assert.match(e.meaning[0] ?? '', new RegExp(`^Also curl exit code ${n} `))
    }
    assert.equal(explain('112')?.kind, 'tls-alert')
    assert.equal(alternatives('112'), undefined)
    // either reading on request
    assert.equal(explain('alert 60')?.kind, 'tls-alert')
    assert.equal(explain('curl 43')?.kind, 'curl')
  })

  test('every number that is both reads one way and names the other', () => {
    const both = Object.keys(TLS_ALERTS).map(Number).filter((n) => CURL_CODES[n] !== undefined)
    assert.deepEqual(both, [22, 43, 47, 51, 60, 80, 90])
    for (const n of both) {
      const e = explain(String(n))!
      const alts = alternatives(String(n))
      assert.equal(alts?.length, 1, String(n))
      assert.notEqual(alts?.[0]?.kind, e.kind)
      // an obsolete alert never wins over curl
      if (alertNotes(n).legacy) assert.equal(e.kind, 'curl', String(n))
    }
  })
})

describe('curl 8 wording, more exit codes', () => {
  test('"target hostname" (curl 8) and "target host name" (older) give the host', () => {
    for (const wording of ['target hostname', 'target host name']) {
      const e = matchCurl(`curl: (60) SSL: no alternative certificate subject name matches ${wording} 'api.example.com'`)
      assert.equal((e?.fields as Record<string, any>).targetHost, 'api.example.com', wording)
      assert.ok(e?.nextSteps.some((step) => step.includes('-servername api.example.com')), wording)
    }
    const ip = matchCurl("curl: (60) SSL: no alternative certificate subject name matches target ipv4 address '13.32.1.1'")
    assert.equal((ip?.fields as Record<string, any>).targetHost, '13.32.1.1')
    assert.ok(ip?.likelyCauses.some((cause) => cause.includes('IP address')))
  })

  test('exit codes 2, 43 and 99', () => {
    for (const [code, name] of [[2, 'CURLE_FAILED_INIT'], [43, 'CURLE_BAD_FUNCTION_ARGUMENT'], [99, 'CURLE_UNRECOVERABLE_POLL']] as const) {
      assert.equal(CURL_CODES[code]?.name, name)
      assert.equal((matchCurl(`curl: (${code}) something`)?.fields as Record<string, any>).name, name)
    }
    assert.equal(explain('2')?.kind, 'curl')
    assert.equal(explain('99')?.kind, 'curl')
  })
})

describe('error codes', () => {
  test('EPROTO, bare and with its OpenSSL reason', () => {
    const bare = matchCode('EPROTO')
    assert.ok(bare)
    assert.equal((bare.fields as Record<string, any>).code, 'EPROTO')
    assert.ok(bare.likelyCauses.some((cause) => cause.includes('wrong version number')))
    const full = matchCode('Error: write EPROTO 40E7F1B7E27F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number')
    assert.equal((full?.fields as Record<string, any>).outcome, 'tls-malformed')
    assert.equal(explain('EPROTO')?.kind, 'error-code')
  })

  test('every Node code of the brief is known', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      assert.ok(knownCodes().includes(code), code)
      const e = matchCode(code)
      assert.ok(e, code)
      assert.equal(e.kind, 'error-code')
      assert.equal((e.fields as {code: string}).code, code)
    }
  })

  test('ERR_SSL_* codes carry their alert or reason', () => {
    assert.deepEqual((matchCode('ERR_SSL_TLSV1_UNRECOGNIZED_NAME')?.fields as Record<string, any>).alert, {number: 112, name: 'unrecognized_name'})
    assert.deepEqual((matchCode('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')?.fields as Record<string, any>).alert, {number: 40, name: 'handshake_failure'})
    assert.equal((matchCode('ERR_SSL_WRONG_VERSION_NUMBER')?.fields as Record<string, any>).outcome, 'tls-malformed')
    assert.equal((matchCode('err_ssl_wrong_version_number')?.fields as Record<string, any>).code, 'ERR_SSL_WRONG_VERSION_NUMBER')
  })

  test('OpenSSL reason strings', () => {
    assert.equal((matchCode('wrong version number')?.fields as Record<string, any>).code, 'ERR_SSL_WRONG_VERSION_NUMBER')
    assert.equal((matchCode('unexpected eof while reading')?.fields as Record<string, any>).outcome, 'tls-closed')
    assert.deepEqual((matchCode('tlsv1 unrecognized name')?.fields as Record<string, any>).alert, {number: 112, name: 'unrecognized_name'})
  })

  test('Node messages', () => {
    const e = matchCode('Error: Client network socket disconnected before secure TLS connection was established')
    assert.equal((e?.fields as Record<string, any>).outcome, 'tls-closed')
    const stack = matchCode("Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: api.example.com. is not in the cert's altnames: DNS:*.cloudfront.net")
    assert.equal((stack?.fields as Record<string, any>).code, 'ERR_TLS_CERT_ALTNAME_INVALID')
    const dns = matchCode('Error: getaddrinfo ENOTFOUND abc.execute-api.eu-west-1.amazonaws.com')
    assert.equal((dns?.fields as Record<string, any>).targetHost, 'abc.execute-api.eu-west-1.amazonaws.com')
    assert.equal((matchCode('Error: connect ECONNREFUSED 127.0.0.1:443')?.fields as Record<string, any>).outcome, 'tcp-refused')
  })

  test('unknown text', () => {
    assert.equal(matchCode('hello world'), null)
    assert.equal(matchCode('ERR_SOMETHING_ELSE'), null)
  })
})

describe('apigw-doctor ids and HTTP statuses', () => {
  test('outcome, probe and diagnosis ids', () => {
    assert.equal((matchOutcome('tls-closed')?.fields as Record<string, any>).type, 'outcome')
    assert.equal((matchOutcome('tls-no-sni')?.fields as Record<string, any>).type, 'probe')
    assert.equal((matchOutcome('sni-required')?.fields as Record<string, any>).type, 'diagnosis')
    assert.equal(matchOutcome('constructor'), null)
    assert.equal(matchOutcome('__proto__'), null)
  })

  test('statuses', () => {
    assert.ok(matchStatus('403')?.likelyCauses.some((cause) => cause.includes('Host')))
    assert.ok(matchStatus('HTTP 503'))
    assert.equal(matchStatus('299'), null)
  })
})
