// The one list of characters that may not reach a terminal or a report raw, and its two uses.
import assert from 'node:assert/strict'
import {test} from 'node:test'

import {CONTROLS, CONTROLS_BUT_LAYOUT, escapeCodePoint, printable, printableLine} from '../../src/text/controls.js'

const HOSTILE = ['\u0000', '\u0007', '\u001B', '\u007F', '\u0085', '\u009B', '\u061C', '\u200E', '\u200F', '\u2028', '\u2029', '\u202A', '\u202E', '\u2066', '\u2069']
const LAYOUT = ['\t', '\n', '\r']

test('every hostile character is caught by both sets; tab and line breaks only by the full one', () => {
  for (const char of HOSTILE) {
    assert.equal(printable(`a${char}b`), 'a\uFFFDb', escapeCodePoint(char))
    assert.equal(printableLine(`a${char}b`), 'a\uFFFDb', escapeCodePoint(char))
  }
  for (const char of LAYOUT) {
    assert.equal(printable(`a${char}b`), `a${char}b`)
    assert.equal(printableLine(`a${char}b`), 'a\uFFFDb')
  }
  // Ordinary text, accents and other scripts are left alone.
  assert.equal(printableLine('Zürich — 東京 ok'), 'Zürich — 東京 ok')
  assert.equal(CONTROLS.flags, 'g')
  assert.equal(CONTROLS_BUT_LAYOUT.flags, 'g')
})

test('escapes read as what they are: \\x for one byte, \\u beyond', () => {
  assert.equal(escapeCodePoint('\u001B'), '\\x1b')
  assert.equal(escapeCodePoint('\u202E'), '\\u202e')
})
