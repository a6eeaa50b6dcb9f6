// Property tests of the scrubber: a secret echoed back in any of its forms, anywhere in a text,
// with the text cut at any point (a bounded excerpt), leaves nothing of four characters or more.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import fc from 'fast-check'

import {fitRedacted, scrubberFor} from '../../src/observations/redaction.js'
import {REDACTED} from '../../src/target/headers.js'
import {hostileText, runs} from './arbitraries.js'

/** A secret as -H accepts it: Latin-1 printable, here at least 8 characters with a distinctive core. */
const secret = fc.tuple(fc.constantFrom('', 'Bearer ', 'Basic ', 'session='), fc.string({unit: fc.integer({min: 0x21, max: 0x7e}).map((c) => String.fromCharCode(c)), minLength: 8, maxLength: 40}))
  .map(([prefix, core]) => prefix + core)

const forms = (value: string): string[] => [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]

describe('fuzz: secret scrubber', () => {
  test('no form of the value survives, wherever the text is cut', () => {
    fc.assert(
      fc.property(secret, fc.nat(2), hostileText(4), hostileText(4), fc.nat(), (value, form, before, after, cut) => {
        const echoed = forms(value)[form]!
        const text = before + echoed + after
        const kept = text.slice(0, cut % (text.length + 1))
        const scrubbed = scrubberFor([value])(kept)
        assert.ok(!scrubbed.includes(value), scrubbed)
        // A whole echo in its form (JSON-escaped, URI-encoded) is gone too, not only the raw value.
        if (kept.length >= before.length + echoed.length) assert.ok(!scrubbed.includes(echoed), `${JSON.stringify(echoed)} survived: ${scrubbed}`)
        // Whatever of the echoed form the cut left at the end is gone when it is 4 characters or more.
        const start = before.length
        const inside = kept.length > start && kept.length < start + echoed.length ? kept.slice(start) : ''
        if (inside.length >= 4) assert.ok(!scrubbed.endsWith(inside), `${JSON.stringify(inside)} of ${JSON.stringify(echoed)} survived: ${scrubbed}`)
      }),
      runs(2000),
    )
  })

  test('fitting a scrubbed text to its bound never leaves half a [redacted]', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.stringMatching(/^x{1,12}$/), fc.constant(REDACTED))), fc.integer({min: REDACTED.length, max: 80}), (parts, max) => {
        const fitted = fitRedacted(parts.join(''), max)
        assert.ok(fitted.length <= max)
        assert.match(fitted, /^(?:x|\[redacted\])*$/)
      }),
      runs(1000),
    )
  })
})
