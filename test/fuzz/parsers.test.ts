// Property tests of the command-line parsers: every input either parses into something safe or is
// refused with a one-line UsageError (exit 2) that echoes nothing dangerous and no secret.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import fc from 'fast-check'

import {normaliseError, UsageError} from '../../src/cli/errors.js'
import {parseHeader} from '../../src/target/headers.js'
import {classifyHost} from '../../src/target/hostname.js'
import {parseConnectTo, parseResolve} from '../../src/target/overrides.js'
import {parseTarget} from '../../src/target/parse-target.js'
import {hostileChar, hostileHost, hostileText, hostName, runs} from './arbitraries.js'

/** What a message may hold: printable text on one line, no terminal controls, no bidi overrides. */
const SAFE_MESSAGE = /^[^\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]+$/

/** Runs fn; it must return a value or throw a UsageError with a one-line, printable message. */
function outcome<T>(fn: () => T): {value: T} | {error: UsageError} {
  try {
    return {value: fn()}
  } catch (error) {
    assert.ok(error instanceof UsageError, `not a UsageError: ${(error as Error)?.stack ?? String(error)}`)
    // What the user sees is the normalised message (both the human and the --json error use it).
    const shown = normaliseError(error)
    assert.equal(shown.exitCode, 2)
    assert.match(shown.message, SAFE_MESSAGE, `message is not one printable line: ${JSON.stringify(shown.message)}`)
    return {error}
  }
}

/** Characters no accepted host may carry (the snippet-breaking set). */
const SNIPPET_SAFE_HOST = /^[a-z0-9_.:-]+$/

describe('fuzz: targets', () => {
  test('any text: a safe host or a one-line refusal', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(), hostileHost, fc.string({unit: 'binary', maxLength: 40})), (raw) => {
        const result = outcome(() => parseTarget(raw))
        if ('value' in result) {
          const target = result.value
          assert.match(target.host, SNIPPET_SAFE_HOST)
          assert.equal(classifyHost(target.host), target.hostKind)
          for (const port of [target.port, target.httpPort]) if (port !== undefined) assert.ok(Number.isInteger(port) && port >= 1 && port <= 65_535)
          if (target.path !== undefined) assert.ok(target.path.startsWith('/') && !/[\s\u0000-\u001f]/.test(target.path), target.path)
        }
      }),
      runs(2000),
    )
  })

  test('a host with a hostile character in it is always refused', () => {
    // What URL syntax gives a meaning: "a/b" is host a and path /b, "a:1" a port, "a%41" a percent-
    // escape, é an international name (punycode). Anything else inside a host must be refused.
    const meaningful = new Set(['/', ':', '?', '#', '@', '\\', '%', '[', ']', '\u00e9', '\u{1F600}'])
    let refusals = 0
    fc.assert(
      fc.property(hostName, fc.array(hostileChar, {minLength: 1, maxLength: 3}), fc.nat(), fc.constantFrom('', 'https://', 'http://'), (name, bad, at, scheme) => {
        const cut = at % (name.length + 1)
        const result = outcome(() => parseTarget(scheme + name.slice(0, cut) + bad.join('') + name.slice(cut)))
        // Blanks around the whole target are trimmed (a pasted line): not inside the host.
        const trimmedAway = bad.join('').trim() === '' && ((cut === 0 && scheme === '') || cut === name.length)
        if (trimmedAway || bad.some((char) => meaningful.has(char))) {
          // The host it keeps is clean.
          if ('value' in result) assert.match(result.value.host, SNIPPET_SAFE_HOST)
        } else {
          assert.ok('error' in result, `${JSON.stringify(bad.join(''))} inside ${name} was accepted as ${'value' in result ? result.value.host : ''}`)
          refusals++
        }
      }),
      runs(1000),
    )
    assert.ok(refusals > 100, `only ${refusals} runs without a URL delimiter`)
  })

  test('credentials in a target are never echoed', () => {
    const password = 'S3CRETpw'
    fc.assert(
      fc.property(fc.constantFrom('', 'https://', 'http://', 'ftp://'), fc.stringMatching(/^[a-z]{0,6}$/), hostileText(4), hostName, (scheme, user, junk, host) => {
        const result = outcome(() => parseTarget(`${scheme}${user}:${password}${junk}@${host}`))
        if ('error' in result) assert.ok(!result.error.message.includes(password), result.error.message)
      }),
      runs(500),
    )
  })
})

describe('fuzz: --resolve and --connect-to', () => {
  test('any text: pinned loopback-safe rules or a one-line refusal', () => {
    const spec = fc.oneof(
      hostileText(16),
      fc.tuple(fc.oneof(hostName, hostileHost, fc.constant('')), fc.constantFrom('*', '443', '0', '', '70000', 'x'), fc.array(fc.oneof(fc.constantFrom('127.0.0.1', '[::1]', '::1', '[127.0.0.1]', '[::1', ''), hostileText(3)), {maxLength: 3}))
        .map(([host, port, addrs]) => `${host}:${port}:${addrs.join(',')}`),
    )
    fc.assert(
      fc.property(spec, (raw) => {
        const resolved = outcome(() => parseResolve(raw))
        if ('value' in resolved) {
          assert.match(resolved.value.host, SNIPPET_SAFE_HOST)
          assert.ok(resolved.value.addresses.length > 0)
          for (const address of resolved.value.addresses) assert.notEqual(classifyHost(address), null, address)
          for (const address of resolved.value.addresses) assert.notEqual(classifyHost(address), 'name', address)
        }
        const moved = outcome(() => parseConnectTo(raw + ':443'))
        if ('value' in moved) {
          for (const host of [moved.value.host, moved.value.toHost]) if (host !== null) assert.match(host, SNIPPET_SAFE_HOST)
        }
      }),
      runs(2000),
    )
  })
})

describe('fuzz: -H headers', () => {
  const CANARY = 'CANARY7731'
  const secretValue = fc.tuple(hostileText(4), hostileText(4)).map(([a, b]) => `${a}${CANARY}${b}`)

  test('any header: a clean name and value or a refusal that never echoes the value', () => {
    const name = fc.oneof(fc.constantFrom('Authorization', 'x-api-key', 'Cookie', 'X-Trace', 'Host', ''), hostileText(3))
    // Without a colon the whole text is refused unseen; with one, whatever follows it is the value.
    const separator = fc.constantFrom(': ', ':', ' ', '', '\n', ':\t', ' : ')
    fc.assert(
      fc.property(name, separator, secretValue, (headerName, sep, value) => {
        fc.pre(sep.includes(':') || !(headerName + value).includes(':'))
        const result = outcome(() => parseHeader(`${headerName}${sep}${value}`))
        if ('error' in result) assert.ok(!normaliseError(result.error).message.includes(CANARY), `the value was echoed: ${result.error.message}`)
        else {
          assert.match(result.value.name, /^[!#$%&'*+\-.^_`|~0-9a-z]+$/i)
          assert.ok(!/[\u0000-\u0008\u000a-\u001f\u007f]/.test(result.value.value), JSON.stringify(result.value.value))
        }
      }),
      runs(2000),
    )
  })
})
