import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {parseHaproxy, splitHaproxyWords, values} from '../../src/lint/haproxy-parser.js'

describe('HAProxy words', () => {
  test('quotes, escapes and comments follow HAProxy', () => {
    const words = splitHaproxyWords(`http-response set-header X-A "a b # c" 'x\\ y' p\\ q r\\#s # comment "not a word"`)
    assert.deepEqual(
      words.map((word) => word.value),
      ['http-response', 'set-header', 'X-A', 'a b # c', 'x\\ y', 'p q', 'r#s'],
    )
    assert.equal(words[3]?.quoted, true)
    assert.equal(words[3]?.raw, '"a b # c"')
  })

  test('unknown escapes are kept (regular expressions), \\x escapes decoded', () => {
    assert.deepEqual(
      splitHaproxyWords('acl r path_reg ^/a\\.b$ \\x41').map((word) => word.value),
      ['acl', 'r', 'path_reg', '^/a\\.b$', 'A'],
    )
  })

  test('a # inside a word outside quotes starts a comment', () => {
    assert.deepEqual(
      splitHaproxyWords('acl is_excluded path /favicon.ico /pow-icon #add more').map((word) => word.value),
      ['acl', 'is_excluded', 'path', '/favicon.ico', '/pow-icon'],
    )
  })

  test('an unterminated quote does not throw', () => {
    assert.deepEqual(splitHaproxyWords('log-format "%ci:%cp').map((word) => word.value), ['log-format', '%ci:%cp'])
  })
})

describe('HAProxy sections', () => {
  const text = [
    '# banner',
    'global',
    '    log stdout format raw local0',
    '',
    'defaults web',
    '    mode http',
    '.if defined(FOO)',
    '    timeout client 5s',
    '.endif',
    'frontend fe from web',
    '    bind :80',
    'backend be',
    '    server s1 127.0.0.1:80 check \\',
    '        inter 2s',
    '    server s2 127.0.0.2:80',
    'listen stats :1936',
    '    stats enable',
    'resolvers dns',
    '    nameserver local 127.0.0.53:53',
  ].join('\r\n')
  const config = parseHaproxy(text)

  test('splits sections with names, from and line numbers (CRLF)', () => {
    assert.deepEqual(
      config.sections.map((section) => [section.keyword, section.name, section.header.line]),
      [
        ['global', null, 2],
        ['defaults', 'web', 5],
        ['frontend', 'fe', 10],
        ['backend', 'be', 12],
        ['listen', 'stats', 16],
        ['resolvers', 'dns', 18],
      ],
    )
    assert.equal(config.sections[2]?.from, 'web')
    assert.equal(config.lineCount, 19)
  })

  test('.if/.endif are transparent', () => {
    assert.deepEqual(config.sections[1]?.directives.map(values), [['mode', 'http'], ['timeout', 'client', '5s']])
  })

  test('a trailing backslash joins lines and is recorded', () => {
    const backend = config.sections[3]
    assert.deepEqual(backend?.directives.map((directive) => [directive.line, directive.endLine]), [[13, 14], [15, 15]])
    assert.deepEqual(values(backend!.directives[0]!), ['server', 's1', '127.0.0.1:80', 'check', 'inter', '2s'])
    assert.deepEqual(config.continuations.map((item) => item.line), [13])
  })

  test('an escaped backslash at the end of a line is not a continuation', () => {
    const parsed = parseHaproxy('backend b\n    http-request set-header X a\\\\\n    server s 127.0.0.1:80\n')
    assert.equal(parsed.continuations.length, 0)
    assert.equal(parsed.sections[0]?.directives.length, 2)
  })

  test('directives before any section are kept in the preamble', () => {
    const parsed = parseHaproxy('{{ range . }}\nbackend b\n')
    assert.equal(parsed.preamble.length, 1)
    assert.equal(parsed.sections.length, 1)
  })
})
