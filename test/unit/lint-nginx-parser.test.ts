import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {parseNginx, walkNginx} from '../../src/lint/nginx-parser.js'

describe('nginx parser', () => {
  test('blocks, directives, comments, quotes and line numbers', () => {
    const config = parseNginx(
      [
        'events {}',
        'http {',
        '    log_format main \'$remote_addr "$request"\'',
        '                    \'$status\';  # two strings',
        '    server {',
        '        listen 80;',
        '        location /',
        '            {',
        '            proxy_pass https://api.example.test/a;b;',
        '            proxy_set_header "X-A" "v;{}" ;',
        '        }',
        '    }',
        '}',
      ].join('\n'),
    )
    const all = [...walkNginx(config.directives)]
    assert.deepEqual(
      all.map((directive) => [directive.name, directive.line]),
      [
        ['events', 1],
        ['http', 2],
        ['log_format', 3],
        ['server', 5],
        ['listen', 6],
        ['location', 7],
        ['proxy_pass', 9],
        ['b', 9],
        ['proxy_set_header', 10],
      ],
    )
    const header = all.find((directive) => directive.name === 'proxy_set_header')
    assert.deepEqual(header?.args, ['X-A', 'v;{}'])
    assert.equal(header?.parent?.name, 'location')
    assert.equal(header?.parent?.parent?.name, 'server')
    assert.deepEqual(config.problems, [])
  })

  test('variables keep their braces; template placeholders are words', () => {
    const config = parseNginx('location ${API_PATH}/ {\n  limit_except ${METHODS} {}\n  client_max_body_size {{ size }};\n  server_name {your_domain_name};\n}\n')
    const all = [...walkNginx(config.directives)]
    assert.deepEqual(all[0]?.args, ['${API_PATH}/'])
    assert.deepEqual(all[1]?.args, ['${METHODS}'])
    assert.deepEqual(all[2]?.args, ['{{ size }}'])
    assert.deepEqual(all[3]?.args, ['{your_domain_name}'])
    assert.equal(all[3]?.parent?.name, 'location')
  })

  test('multi-line quoted strings keep the line count right', () => {
    const config = parseNginx("set_by_lua $x '\n  return 1\n';\nreturn 200;\n")
    assert.deepEqual(config.directives.map((directive) => directive.line), [1, 4])
  })

  test('unbalanced braces and a missing final ";" do not throw', () => {
    for (const text of ['}}} server { listen 80', 'http { server { location / {', '"unterminated', '{ ; } ; {', 'a b c']) {
      const config = parseNginx(text)
      assert.ok(Array.isArray(config.directives))
      assert.ok(config.problems.length > 0, text)
    }
  })
})
