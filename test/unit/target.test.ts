import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {UsageError} from '../../src/cli/errors.js'
import {isSecretHeader, parseHeader} from '../../src/target/headers.js'
import {classifyHost, isValidHostname} from '../../src/target/hostname.js'
import {applyConnectTo, findResolve, parseConnectTo, parseResolve} from '../../src/target/overrides.js'
import {parseTarget} from '../../src/target/parse-target.js'

const refused = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof UsageError && err.exitCode === 2 && pattern.test(err.message) && !err.message.includes('\n'))

describe('parseTarget', () => {
  test('host names, host:port, IP literals and URLs', () => {
    assert.deepEqual(parseTarget('ABC123.execute-api.eu-west-1.amazonaws.com'), {input: 'ABC123.execute-api.eu-west-1.amazonaws.com', host: 'abc123.execute-api.eu-west-1.amazonaws.com', hostKind: 'name'})
    assert.equal(parseTarget('api.example.com:8443').port, 8443)
    assert.equal(parseTarget('api.example.com.').host, 'api.example.com')
    assert.equal(parseTarget('192.0.2.1').hostKind, 'ipv4')
    assert.deepEqual({...parseTarget('[::1]:8443')}, {input: '[::1]:8443', host: '::1', hostKind: 'ipv6', port: 8443})
    assert.equal(parseTarget('::1').hostKind, 'ipv6')
    const url = parseTarget('https://d111.cloudfront.net:8443/prod/x?y=1')
    assert.equal(url.host, 'd111.cloudfront.net')
    assert.equal(url.port, 8443)
    assert.equal(url.path, '/prod/x?y=1')
    assert.equal(parseTarget('http://api.test:8080/').httpPort, 8080)
    assert.equal(parseTarget('https://[::1]/').host, '::1')
  })

  test('hostile or malformed targets are refused with one line', () => {
    refused(() => parseTarget(''), /empty target/)
    refused(() => parseTarget('bad host'), /spaces or control/)
    refused(() => parseTarget('evil\u001b[31m.com'), /control/)
    refused(() => parseTarget('a..b'), /not a host name/)
    refused(() => parseTarget('x'.repeat(64) + '.com'), /not a host name/)
    refused(() => parseTarget(('a'.repeat(60) + '.').repeat(5) + 'com'), /not a host name/)
    refused(() => parseTarget('host:0'), /port/)
    refused(() => parseTarget('host:99999'), /^invalid port in target "host:99999": expected a number from 1 to 65535$/)
    refused(() => parseTarget('host:http'), /port/)
    refused(() => parseTarget('https://host.test:0/prod'), /^invalid port in target "https:\/\/host\.test:0\/prod"/)
    refused(() => parseTarget('http://host.test:00/'), /invalid port/)
    refused(() => parseTarget('[::1'), /not a host name/)
    refused(() => parseTarget('[api.test]:443'), /brackets/)
    refused(() => parseTarget('ftp://x.test'), /only http/)
    refused(() => parseTarget('https://user:pw@host.test/'), /credentials/)
    refused(() => parseTarget('host.test/prod'), /path needs a URL/)
    // As a batch row prints a target: the path is the problem, not the port.
    refused(() => parseTarget('host.test:8443/prod/health'), /^invalid target "host\.test:8443\/prod\/health": a path needs a URL/)
    refused(() => parseTarget('sni;str(x)'), /not a host name/)
    refused(() => parseTarget('a'.repeat(3000)), /longer than/)
    refused(() => parseTarget('1.2.3'), /not a host name/)
  })
})

describe('host names that may reach a config snippet', () => {
  test('only letters, digits, hyphens, underscores and dots', () => {
    for (const good of ['api.test', 'a-b.c_d.example', 'xn--bcher-kva.example', 'localhost']) assert.ok(isValidHostname(good), good)
    for (const bad of ['a b', 'a;b', 'a{b', 'a"b', "a'b", 'a#b', 'a(b)', '-a.b', 'a-.b', '.a', 'a..b', '', 'a\nb', '${HOST}', '%[req.hdr(host)]'])
      assert.equal(classifyHost(bad), null, JSON.stringify(bad))
  })
})

describe('headers', () => {
  test('parses Name: value and recognises secret names', () => {
    assert.deepEqual(parseHeader('x-api-key:  s3cret '), {name: 'x-api-key', value: 's3cret', secret: true})
    assert.deepEqual(parseHeader('X-Trace: abc'), {name: 'X-Trace', value: 'abc', secret: false})
    assert.equal(parseHeader('X-Tenant: t1', new Set(['x-tenant'])).secret, true, '--redact makes any header a secret')
    for (const name of ['Authorization', 'Cookie', 'X-Api-Key', 'x-amz-security-token', 'X-Auth-Token', 'X-Session-Id', 'X-Functions-Key', 'Ocp-Apim-Subscription-Key']) assert.ok(isSecretHeader(name), name)
  })

  test('refuses malformed headers without echoing the value', () => {
    refused(() => parseHeader('no colon here'), /Name: value/)
    refused(() => parseHeader('bad name: x'), /invalid header name/)
    refused(() => parseHeader('X-Token: a\r\nInjected: 1'), /control or non-Latin-1/)
    refused(() => parseHeader('Host: other'), /set by each probe/)
    refused(() => parseHeader('Authorization: a\u0001b'), /control or non-Latin-1/)
    refused(() => parseHeader('X-Foo: \u{1F600}'), /control or non-Latin-1/)
    assert.equal(isSecretHeader('Accept'), false)
    assert.throws(() => parseHeader('X-Secret: TOP\nSECRET'), (err: Error) => !err.message.includes('TOP') && !err.message.includes('SECRET'))
  })
})

describe('--resolve and --connect-to', () => {
  test("curl's meaning", () => {
    const rule = parseResolve('api.test:443:127.0.0.2')
    assert.deepEqual(findResolve([rule], 'api.test', 443), ['127.0.0.2'])
    assert.equal(findResolve([rule], 'api.test', 80), null)
    assert.deepEqual(findResolve([parseResolve('api.test:*:[::1],127.0.0.3')], 'api.test', 80), ['::1', '127.0.0.3'])
    assert.deepEqual(parseResolve('api.test:*:127.0.0.3,[::1],127.0.0.3,[::1]').addresses, ['127.0.0.3', '::1'], 'an address listed twice is one address')
    const connectTo = parseConnectTo('api.test:443:127.0.0.2:8443')
    assert.deepEqual(applyConnectTo([connectTo], 'api.test', 443), {host: '127.0.0.2', port: 8443, pinned: true})
    assert.deepEqual(applyConnectTo([connectTo], 'api.test', 80), {host: 'api.test', port: 80, pinned: false})
    assert.deepEqual(applyConnectTo([parseConnectTo('::[::1]:')], 'any.test', 443), {host: '::1', port: 443, pinned: true})
  })

  test('malformed rules are usage errors', () => {
    refused(() => parseResolve('api.test:443'), /wrong number of fields/)
    refused(() => parseResolve('api.test:443:not-an-ip'), /IP literals/)
    refused(() => parseResolve('api.test:70000:127.0.0.1'), /port/)
    refused(() => parseConnectTo('a:b:c'), /wrong number of fields/)
    refused(() => parseConnectTo('api.test:443:bad host:1'), /bad ADDR/)
  })
})

describe('secrets echoed back by a peer', () => {
  test('are scrubbed from the kept headers and body excerpt', async () => {
    const {redactSecrets} = await import('../../src/probes/http-exchange.js')
    const http = {status: 200, statusText: 'OK', httpVersion: '1.1', headers: {server: 'echo', via: 'token=Bearer abc123'}, contentType: null, bodyExcerpt: '{"authorization":"Bearer abc123","x-api-key":"k3y-value"}', bodyTruncated: false, bodyBytes: 60}
    const scrubbed = redactSecrets(http, [{name: 'Authorization', value: 'Bearer abc123'}, {name: 'x-api-key', value: 'k3y-value'}, {name: 'Accept', value: 'echo'}])
    assert.ok(!JSON.stringify(scrubbed).includes('abc123'))
    assert.ok(!JSON.stringify(scrubbed).includes('k3y-value'))
    assert.equal(scrubbed.headers.server, 'echo', 'values of ordinary headers are kept')
  })
})
