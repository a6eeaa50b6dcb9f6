// The README is a runbook with real output: its captured blocks and docs/probe.svg match a fresh run
// of scripts/readme-output.ts (real CLI, loopback test edge, real HAProxy, tmux), its diagnosis table
// names every diagnosis id, and scripts/render-svg.ts turns colours into SVG fills.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'

import {ansiToSvg, svgText} from '../../scripts/render-svg.js'
import {DIAGNOSIS_IDS} from '../../src/diagnosis/types.js'
import {REPO_ROOT} from '../support/cli.js'
import {run} from '../support/e2e/util.js'

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')

describe('README.md', () => {
  test('its captured output and docs/probe.svg match a fresh run (npm run readme -- --check)', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'readme-output.ts'), '--check'], {cwd: REPO_ROOT, timeoutMs: 120_000})
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`)
    assert.match(r.stderr, /README\.md \(\d+ blocks\) and docs\/probe\.svg match a fresh run/)
  })

  test('the diagnosis table has a row for every diagnosis id', () => {
    const rows = new Set([...README.matchAll(/^\| `([a-z-]+)` \| (?:info|warning|error) \|/gm)].map((m) => m[1]))
    assert.deepEqual(DIAGNOSIS_IDS.filter((id) => !rows.has(id)), [])
  })

  test('it starts with the two set-up commands, and links the screenshot, the schema, the changelog and the licence', () => {
    const setUp = /```sh\nnpm ci[^\n]*\nnpm test[^\n]*\n```/.exec(README)
    assert.ok(setUp, 'no `npm ci` then `npm test` block')
    assert.ok(README.indexOf(setUp[0]) < README.indexOf('## The classic case'))
    for (const link of ['docs/probe.svg', 'schema/report.schema.json', 'CHANGELOG.md', 'LICENSE']) assert.ok(README.includes(`(${link})`), `no link to ${link}`)
    for (const section of ['## Batch and fleets', '## Performance', '## Safety', '## Exit codes', '## Tests and bench']) assert.ok(README.includes(section), section)
  })
})

describe('render-svg', () => {
  test('colours become fills, bold stays bold, text is escaped, other escapes dropped', () => {
    const svg = ansiToSvg(['\u001B[1mbold\u001B[22m \u001B[32mok\u001B[39m <x> & \u001B[?25lmore', '\u001B[31;1mred\u001B[0m'], {columns: 40})
    assert.match(svg, /<tspan font-weight="bold">bold<\/tspan> <tspan fill="#23d18b">ok<\/tspan> &lt;x&gt; &amp; more/)
    assert.match(svg, /<tspan fill="#f14c4c" font-weight="bold">red<\/tspan>/)
    assert.deepEqual(svgText(svg), ['bold ok <x> & more', 'red'])
    assert.match(svg, /width="368"/) // 40 columns of 8.4 px plus padding
  })
})
