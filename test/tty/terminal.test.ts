// The built CLI in a real pseudo-terminal (tmux): spinner and colour on a terminal and never
// otherwise, stdout for data and stderr for progress and errors, --quiet, --verbose with secrets
// redacted, and a probe table that follows the terminal's width. Run `npm run build` first
// (`npm run test:tty` does). Every probe is pinned to the loopback test edge.
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {REPO_ROOT} from '../support/cli.js'
import {startTestEdge, type TestEdge} from '../support/test-edge.js'
import {nonBlank, Tmux, type PaneOptions} from './tmux.js'

const ESC = '\u001B'
const SPINNER_FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] probing api\.test…/
const HIDE_CURSOR = `${ESC}[?25l`
const GREEN = `${ESC}[32m`

let tmux: Tmux
let edge: TestEdge
let caFile = ''

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

/** `node bin/run.js probe api.test` pinned to the edge, as a shell command line; `extra` is appended verbatim. */
function probeCommand(target: TestEdge, extra = '', host = 'api.test'): string {
  const pin = `--port ${target.port} --http-port ${target.httpPort} --resolve ${quote(`${host}:*:${target.host}`)} --ca-file ${quote(caFile)} --path /prod/health`
  return `node ${quote(join(REPO_ROOT, 'bin', 'run.js'))} probe ${host} ${pin} ${extra}`.trim()
}

const pane = (opts: PaneOptions) => tmux.run({cwd: tmux.dir, ...opts})
const show = (r: {raw: string; screen: string[]; exit: number}) => `exit ${r.exit}\n--- screen\n${nonBlank(r.screen).join('\n')}\n--- raw\n${JSON.stringify(r.raw.slice(0, 1500))}`

before(async () => {
  tmux = new Tmux()
  // Like API Gateway: alert 112 without SNI, Host routing, no plain-HTTP listener.
  edge = await startTestEdge({hostnames: ['api.test'], noSni: 'alert-112', paths: ['/prod/health'], httpListener: 'none'})
  caFile = join(tmux.dir, 'edge-ca.pem')
  writeFileSync(caFile, edge.caCert)
})

after(async () => {
  await edge?.close()
  tmux?.close()
})

describe('apigw-doctor probe in a pseudo-terminal', {concurrency: false}, () => {
  test('on a terminal: a spinner on stderr while probing, colours, the report, exit 0', async () => {
    const r = await pane({command: probeCommand(edge)})
    assert.equal(r.exit, 0, show(r))
    assert.match(r.raw.replace(/\u001B\[\d*m/g, ''), SPINNER_FRAME, show(r))
    assert.ok(r.raw.includes(HIDE_CURSOR), 'ora hides the cursor while it spins')
    assert.ok(r.raw.includes(`${GREEN}ok${ESC}[39m`), 'the ok outcome is green')
    assert.ok(nonBlank(r.screen).some((line) => line.includes('verdict: healthy')), show(r))
    // The spinner's line is gone from the screen once the report is there.
    assert.ok(!r.screen.some((line) => line.includes('probing api.test')), show(r))
  })

  for (const [label, env, extra] of [
    ['NO_COLOR=1', {NO_COLOR: '1'}, ''],
    ['--no-color', {}, '--no-color'],
    ['TERM=dumb', {TERM: 'dumb'}, ''],
    ['CI=true', {CI: 'true'}, ''],
  ] as const) {
    test(`${label}: no spinner and no colour, not one escape sequence, the same report`, async () => {
      const r = await pane({command: probeCommand(edge, extra), env})
      assert.equal(r.exit, 0, show(r))
      assert.ok(!r.raw.includes(ESC), `an escape sequence was written:\n${show(r)}`)
      assert.ok(!r.raw.includes('probing'), show(r))
      assert.ok(nonBlank(r.screen).some((line) => line.startsWith('verdict: healthy')), show(r))
    })
  }

  test('probe - and diagnose - with stdin on the terminal: refused at once with one line, exit 2 (no silent wait)', async () => {
    const cli = `node ${quote(join(REPO_ROOT, 'bin', 'run.js'))}`
    for (const command of [`${cli} probe - --timeout 500`, `${cli} diagnose -`]) {
      const r = await pane({command})
      assert.equal(r.exit, 2, show(r))
      assert.match(nonBlank(r.screen).join('\n'), /^apigw-doctor: .*stdin is a terminal: pipe (a list of targets|a probe report) in/m, show(r))
    }
  })

  test('NO_COLOR empty and CI=false turn nothing off (no-color.org: only a non-empty NO_COLOR counts)', async () => {
    const r = await pane({command: probeCommand(edge), env: {NO_COLOR: '', CI: 'false'}})
    assert.equal(r.exit, 0, show(r))
    assert.ok(r.raw.includes(`${GREEN}ok${ESC}[39m`), show(r))
  })

  test('stdout to a file: no spinner on the terminal, no escape sequence in the data', async () => {
    const out = join(tmux.dir, 'report.txt')
    const r = await pane({command: `${probeCommand(edge)} > ${quote(out)}`})
    assert.equal(r.exit, 0, show(r))
    assert.equal(r.raw, '', 'nothing reaches the terminal: the data went to the file, and nothing spins')
    const data = readFileSync(out, 'utf8')
    assert.ok(!data.includes(ESC), data.slice(0, 500))
    assert.match(data, /│ tls-no-sni\s+│/)
    assert.match(data, /^verdict: healthy/m)
  })

  test('piped into a pager-like reader: no spinner, no colour', async () => {
    const out = join(tmux.dir, 'piped.txt')
    const r = await pane({command: `${probeCommand(edge)} | cat > ${quote(out)}`})
    assert.equal(r.exit, 0, show(r))
    assert.equal(r.raw, '')
    assert.ok(!readFileSync(out, 'utf8').includes(ESC))
  })

  test('stderr to a file: the report on the terminal in colour, no spinner in the file', async () => {
    const err = join(tmux.dir, 'stderr.txt')
    const r = await pane({command: `${probeCommand(edge)} 2> ${quote(err)}`})
    assert.equal(r.exit, 0, show(r))
    assert.ok(r.raw.includes(GREEN), show(r))
    assert.equal(readFileSync(err, 'utf8'), '')
  })

  test('an error goes to stderr as one line, stdout stays empty, exit 2', async () => {
    const out = join(tmux.dir, 'error-out.txt')
    const r = await pane({command: `${probeCommand(edge, '--timeout nope')} > ${quote(out)}`})
    assert.equal(r.exit, 2, show(r))
    assert.equal(readFileSync(out, 'utf8'), '')
    assert.deepEqual(nonBlank(r.screen).length, 1, show(r))
    assert.match(nonBlank(r.screen)[0]!, /^apigw-doctor: .*--timeout/)
  })

  test('--quiet prints the verdict line and nothing else; the exit status still says it', async () => {
    const r = await pane({command: probeCommand(edge, '--quiet'), width: 250})
    assert.equal(r.exit, 0, show(r))
    assert.deepEqual(nonBlank(r.screen), ['verdict: healthy — the reference request gets 200; 3 requirement(s) your proxy must meet'], show(r))
    assert.ok(!r.raw.includes('probing'), 'no spinner under --quiet')

    const expired = await startTestEdge({hostnames: ['api.test'], certificate: 'expired', paths: ['/prod/health'], httpListener: 'none'})
    try {
      writeFileSync(join(tmux.dir, 'expired-ca.pem'), expired.caCert)
      const failing = await pane({command: probeCommand(expired, '-q').replace(quote(caFile), quote(join(tmux.dir, 'expired-ca.pem'))), width: 250})
      assert.equal(failing.exit, 1, show(failing))
      assert.equal(nonBlank(failing.screen).length, 1, show(failing))
      assert.match(nonBlank(failing.screen)[0]!, /^verdict: problems — /)
    } finally {
      await expired.close()
    }
  })

  test('--verbose shows each exchange (ClientHello, alert, request, status line), secret values redacted', async () => {
    const secret = 'sk-live-DO-NOT-PRINT-1234'
    const r = await pane({command: probeCommand(edge, `--verbose -H ${quote(`x-api-key: ${secret}`)} -H 'x-trace: visible-trace-id'`), height: 200})
    assert.equal(r.exit, 0, show(r))
    assert.ok(!r.raw.includes(secret), 'the secret reached the terminal')
    const screen = nonBlank(r.screen).join('\n')
    assert.match(screen, /^tls-no-sni {2}TLS without SNI/m)
    assert.match(screen, /> TCP 127\.0\.0\.1:\d+, TLS ClientHello without SNI/)
    assert.match(screen, /< TLS alert 112 unrecognized_name/)
    assert.match(screen, /> TCP 127\.0\.0\.1:\d+, TLS ClientHello SNI api\.test/)
    assert.match(screen, /> GET \/prod\/health HTTP\/1\.1/)
    assert.match(screen, /> x-api-key: \[redacted\]/)
    assert.match(screen, /> x-trace: visible-trace-id/)
    assert.match(screen, /< HTTP\/1\.1 200 OK/)
    assert.match(screen, /< HTTP\/1\.1 403 Forbidden/)
    // http-to-tls-port is plain HTTP: the secret header was held back, and it says so.
    assert.match(screen, /> x-api-key: \[not sent: /)
    assert.match(screen, /= ok 200, \d+ ms/)
  })
})

describe('apigw-doctor probe as a job of a terminal', {concurrency: false}, () => {
  test('under timeout(1), in the background of the terminal: not stopped (the terminal modes are left alone), the same report', async () => {
    // timeout(1) puts the CLI in a process group of its own, not the terminal's foreground one,
    // while the pane's shell waits for it: the kernel stops such a process (SIGTTOU) if it changes
    // the terminal's modes, as a spinner putting stdin in raw mode would.
    const r = await pane({command: `timeout -s KILL 20 ${probeCommand(edge)}`, timeoutMs: 25_000})
    assert.equal(r.exit, 0, show(r))
    assert.match(r.raw.replace(/\u001B\[\d*m/g, ''), SPINNER_FRAME, 'the spinner still runs: stderr is the terminal')
    assert.ok(nonBlank(r.screen).some((line) => line.includes('verdict: healthy')), show(r))
  })

  test('Ctrl-C typed during a batch: the kernel\'s SIGINT stops it at once, what finished is printed, the cursor comes back, exit 130', async () => {
    const hole = await startTestEdge({hostnames: ['api.test'], mode: 'black-hole'})
    try {
      // Each target carries its port (--port would apply to all three); the black holes never answer.
      const targets = [`api.test:${edge.port}`, `hole1.test:${hole.port}`, `hole2.test:${hole.port}`].join(' ')
      const pins = ['api.test', 'hole1.test', 'hole2.test'].map((name) => `--resolve ${quote(`${name}:*:127.0.0.1`)}`).join(' ')
      const command = `node ${quote(join(REPO_ROOT, 'bin', 'run.js'))} probe ${targets} ${pins} --http-port ${edge.httpPort} --ca-file ${quote(caFile)} --path /prod/health --timeout 20000`
      const started = Date.now()
      const r = await pane({command, type: {when: /probed 1\/3/, keys: ['C-c']}, timeoutMs: 15_000})
      assert.equal(r.exit, 130, show(r))
      assert.ok(Date.now() - started < 12_000, `took ${Date.now() - started} ms: the black holes were waited for`)
      const screen = nonBlank(r.screen).join('\n')
      assert.match(screen, /1 of 3 targets probed, 1 healthy, 0 problems, 0 unreachable \(interrupted\)/, show(r))
      assert.match(screen, /^apigw-doctor: interrupted: 1 of 3 targets probed$/m, show(r))
      assert.ok(r.raw.lastIndexOf(`${ESC}[?25h`) > r.raw.lastIndexOf(HIDE_CURSOR), `the cursor stayed hidden:\n${show(r)}`)
    } finally {
      await hole.close()
    }
  })
})

describe('the probe table follows the terminal width', {concurrency: false}, () => {
  const LONG = 'payments-platform-internal-api.eu-west-1.example-corp.test'
  let longEdge: TestEdge

  before(async () => {
    longEdge = await startTestEdge({hostnames: [LONG], noSni: 'alert-112', paths: ['/prod/health'], httpListener: 'none', pki: undefined})
    writeFileSync(join(tmux.dir, 'long-ca.pem'), longEdge.caCert)
  })
  after(async () => {
    await longEdge?.close()
  })

  const longProbe = () => probeCommand(longEdge, '', LONG).replace(quote(caFile), quote(join(tmux.dir, 'long-ca.pem')))
  const tableRows = (screen: string[]) => screen.filter((line) => /^[┌│├└]/.test(line))

  /** The text of one column across the rows of one probe (cells wrap over several lines). */
  function cellText(screen: string[], probe: string, column: number): string {
    const rows = tableRows(screen)
    const start = rows.findIndex((line) => line.split('│')[1]?.trim() === probe)
    assert.ok(start >= 0, `no row for ${probe}`)
    const parts: string[] = []
    for (let i = start; i < rows.length && rows[i]!.startsWith('│'); i++) parts.push(rows[i]!.split('│')[column]!.trim())
    return parts.join('')
  }

  for (const width of [64, 80, 110, 160]) {
    test(`${width} columns: every table line fits and has the same width; long certificate names wrap, whole`, async () => {
      const r = await pane({command: longProbe(), width, height: 120})
      assert.equal(r.exit, 0, show(r))
      const rows = tableRows(r.screen)
      assert.ok(rows.length >= 13, show(r))
      const widths = new Set(rows.map((line) => [...line].length))
      assert.equal(widths.size, 1, `table lines of different widths ${[...widths]}:\n${rows.join('\n')}`)
      const [tableWidth] = widths
      assert.ok(tableWidth! <= width, `a ${tableWidth}-column table in a ${width}-column terminal`)
      assert.ok(tableWidth! >= Math.min(width, 100) - 4, `the table does not use the room it has (${tableWidth} of ${width})`)
      const head = rows[1]!
      if (width >= 104) {
        assert.match(head, /│ certificate +│/)
        assert.equal(cellText(r.screen, 'tls-sni', 5).replace(/trusted,.*$/, ''), LONG)
      } else {
        assert.doesNotMatch(head, /certificate/)
        assert.match(head, /│ status \/ alert +│/)
      }
      assert.ok(!rows.some((line) => line.includes('…')), `a cell was cut off:\n${rows.join('\n')}`)
    })
  }
})
