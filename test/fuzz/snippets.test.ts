// Property tests of the fix generators and verify commands: a hostile host never gets into a
// snippet (the generator refuses it), and what does get in from the request path, the CA file or
// the port never adds a line or a piece of syntax to a config or a shell command.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import fc from 'fast-check'

import {diagnose} from '../../src/diagnosis/diagnose.js'
import * as verify from '../../src/diagnosis/verify-commands.js'
import {FIXES, perKind} from '../../src/fixes/index.js'
import {shellQuote} from '../../src/fixes/shell.js'
import {PROXY_KINDS, type CertificateProblem, type FixContext, type ProxyFixes, type Requirements} from '../../src/fixes/types.js'
import {probeOptions} from '../../src/pipeline/probe-options.js'
import {snippetPath} from '../../src/target/snippet-path.js'
import {parseTarget} from '../../src/target/parse-target.js'
import {classicEdge, OBSERVED_AT, target} from '../support/observations.js'
import {hostileHost, hostileText, hostName, MARKER, MARKER_END, runs} from './arbitraries.js'

const PROBLEMS: CertificateProblem[] = ['expired', 'not-yet-valid', 'untrusted', 'name-mismatch']

/** Every snippet a kind's module can write for this context. */
function allSnippets(fixes: ProxyFixes, ctx: FixContext): string[] {
  const requirements: Requirements[] = [
    {tls: true, sni: true, hostHeader: true, stagePath: true},
    {tls: false, sni: false, hostHeader: false, stagePath: false},
  ]
  return [
    fixes.tls(ctx),
    fixes.sni(ctx),
    fixes.hostHeader(ctx),
    fixes.sniHostMatch(ctx),
    fixes.stagePath(ctx),
    ...PROBLEMS.map((problem) => fixes.certificate(ctx, problem)),
    ...requirements.map((r) => fixes.recommended(ctx, r)),
  ]
}

const context = (overrides: Partial<FixContext>): FixContext => ({host: 'api.test', port: 443, address: null, addressPort: null, path: '/prod/x', caFile: null, version: null, ...overrides})

/** Hostile text between two markers: whatever survives between them in an output is what the input became. */
const sandwiched = (maxPieces: number) => hostileText(maxPieces).map((text) => `${MARKER}${text}${MARKER_END}`)

/** Between the markers only what no config syntax reads (percent-encoding included); markers come in pairs. */
function assertSandwichInert(text: string, where: string, allowed = /^[A-Za-z0-9._~/%@+-]*$/): void {
  assert.equal(text.split(MARKER).length, text.split(MARKER_END).length, `${where}: a marker lost its pair:\n${text}`)
  for (const match of text.matchAll(new RegExp(`${MARKER}([\\s\\S]*?)${MARKER_END}`, 'g'))) {
    assert.match(match[1]!, allowed, `${where}: syntax between the markers: ${JSON.stringify(match[0])}\n${text}`)
  }
}

describe('fuzz: fix generators', () => {
  test('a hostile host or pinned address is refused by every generator of every kind', () => {
    fc.assert(
      fc.property(hostileHost, fc.constantFrom(...PROXY_KINDS), fc.boolean(), (bad, kind, asAddress) => {
        const ctx = context(asAddress ? {address: bad} : {host: bad})
        const fixes = FIXES[kind]
        const generators: Array<() => string> = [
          () => fixes.tls(ctx),
          () => fixes.sni(ctx),
          () => fixes.hostHeader(ctx),
          () => fixes.recommended(ctx, {tls: true, sni: true, hostHeader: true, stagePath: false}),
        ]
        for (const generate of generators) {
          let snippet: string | undefined
          try {
            snippet = generate()
          } catch {
            continue // refused: what must happen
          }
          // A generator that does not name the host at all may return; it must not contain the hostile text.
          assert.ok(!snippet.includes(bad), `${kind}: hostile ${asAddress ? 'address' : 'host'} ${JSON.stringify(bad)} reached a snippet:\n${snippet}`)
        }
      }),
      runs(300),
    )
  })

  test('a hostile CA file never reaches a snippet: the context is refused before any generator runs', () => {
    fc.assert(
      fc.property(hostileText(6), (junk) => {
        const caFile = `/etc/${junk}${MARKER}.pem`
        fc.pre(/[^A-Za-z0-9._/@+-]/.test(caFile))
        assert.throws(() => perKind(() => context({caFile}), (fixes, ctx) => fixes.recommended(ctx, {tls: true, sni: true, hostHeader: true, stagePath: true})))
      }),
      runs(200),
    )
  })

  test('a request path or CA file accepted on the command line never adds a line or syntax to a snippet', async () => {
    const paths = fc.tuple(hostileText(6), sandwiched(8), hostileText(4)).map(([a, b, c]) => `/${a}${b}${c}`)
    const caPaths = fc.tuple(hostileText(4), sandwiched(4)).map(([a, b]) => `/etc/${a}${b}.pem`)
    await fc.assert(
      fc.asyncProperty(paths, fc.option(caPaths), fc.integer({min: 1, max: 65_535}), fc.constantFrom(...PROXY_KINDS), async (path, caPath, port, kind) => {
        // Only what --path validation lets through can reach a snippet.
        const accepted = await probeOptions({path, method: 'GET', timeout: 1000, 'proxy-kind': kind}).then(
          () => true,
          () => false,
        )
        fc.pre(accepted)
        const caFile = caPath === null ? null : snippetPath(caPath)
        const plain = allSnippets(FIXES[kind], context({port, caFile: caFile === null ? null : '/etc/ca.pem'}))
        const hostile = allSnippets(FIXES[kind], context({path, port, caFile}))
        hostile.forEach((snippet, i) => {
          assert.equal(snippet.split('\n').length, plain[i]!.split('\n').length, `${kind}: the path added lines:\n${snippet}`)
          assertSandwichInert(snippet, kind)
        })
      }),
      runs(300),
    )
  })
})

describe('fuzz: verify commands', () => {
  /** Reads a POSIX shell word as written by shellQuote: bare, or single-quoted with '\'' for a quote. */
  function unquote(word: string): string {
    if (!word.startsWith("'")) return word
    assert.match(word, /^'(?:[^']|'\\'')*'$/)
    return word.slice(1, -1).replaceAll(`'\\''`, "'")
  }

  test('shellQuote gives one word the shell reads back as the value', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(10), fc.string({unit: 'binary', maxLength: 30})), (value) => {
        const word = shellQuote(value)
        assert.equal(unquote(word), value)
        if (!word.startsWith("'")) assert.match(word, /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/)
      }),
      runs(1000),
    )
  })

  /** Splits a command as a POSIX shell does for bare words, single quotes and backslash escapes; stops at a # comment. */
  function shellWords(command: string): string[] {
    const words: string[] = []
    let word: string | null = null
    for (let i = 0; i < command.length; i++) {
      const char = command[i]!
      if (char === "'") {
        const end = command.indexOf("'", i + 1)
        assert.ok(end > i, `unterminated quote in ${command}`)
        word = (word ?? '') + command.slice(i + 1, end)
        i = end
      } else if (char === '\\') {
        word = (word ?? '') + (command[++i] ?? '')
      } else if (/\s/.test(char)) {
        if (word !== null) words.push(word)
        word = null
      } else if (char === '#' && word === null) {
        break
      } else {
        assert.ok(!/[;&|`$()"<>{}*?[\]!]/.test(char) || char === '<' || char === '%' , `unquoted shell syntax ${JSON.stringify(char)} in ${command}`)
        word = (word ?? '') + char
      }
    }
    if (word !== null) words.push(word)
    return words
  }

  test('a hostile path never breaks out of its word in a verify command', () => {
    const paths = fc.tuple(hostileText(6), sandwiched(8)).map(([a, b]) => `/${a}${b}`)
    fc.assert(
      fc.property(paths, hostName, (path, host) => {
        const t = target({host, path, pinnedAddress: '127.0.0.1', pinnedPort: 8443, caFile: '/etc/ca.pem'})
        for (const command of [verify.curlReference(t), verify.curlWrongHost(t), verify.curlVerbose(t)]) {
          assert.ok(!command.includes('\n'), command)
          const url = shellWords(command).filter((word) => word.includes(MARKER))
          // The path lives in the URL, one word, percent-encoded where RFC 3986 asks it.
          assert.equal(url.length, 1, command)
          assert.ok(url[0]!.startsWith(`https://`), command)
          assertSandwichInert(url[0]!, 'verify', /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/)
        }
      }),
      runs(500),
    )
  })
})

describe('fuzz: diagnose with a hostile target', () => {
  test('a target that parseTarget refuses can never be diagnosed into snippets', () => {
    fc.assert(
      fc.property(hostileHost, (bad) => {
        let refusedByParser = false
        try {
          parseTarget(bad)
        } catch {
          refusedByParser = true
        }
        fc.pre(refusedByParser)
        const t = target({host: bad})
        assert.throws(() => diagnose({target: t, probes: classicEdge({}, t), observedAt: OBSERVED_AT}, {proxyKind: 'all', proxyVersion: null}))
      }),
      runs(200),
    )
  })
})
