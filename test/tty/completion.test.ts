// Shell completion (@oclif/plugin-autocomplete) in a real interactive bash in tmux: the set-up lines
// the README gives, then Tab after a partial command and after a partial flag. zsh is not installed
// here: its completion function is checked as generated.
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, symlinkSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {REPO_ROOT, runCli} from '../support/cli.js'
import {Tmux} from './tmux.js'

let tmux: Tmux
let env: Record<string, string>

before(() => {
  tmux = new Tmux()
  // `apigw-doctor` on PATH, as `npm install -g` would put it; the completion cache in a private dir.
  const binDir = join(tmux.dir, 'bin')
  mkdirSync(binDir)
  symlinkSync(join(REPO_ROOT, 'bin', 'run.js'), join(binDir, 'apigw-doctor'))
  env = {PATH: `${binDir}:${Tmux.baseEnv().PATH}`, XDG_CACHE_HOME: join(tmux.dir, 'cache'), HOME: tmux.dir, PS1: '$ '}
})

after(() => tmux?.close())

describe('shell completion', {concurrency: false}, () => {
  test('bash: the README set-up lines, then Tab completes a command and a flag', async () => {
    const screen = await tmux.interactive({
      command: 'bash --norc --noprofile -i',
      env,
      settleMs: 1500,
      keys: [
        ['apigw-doctor autocomplete bash > /dev/null', 'Enter'],
        ['printf "$(apigw-doctor autocomplete script bash)" >> ~/.bashrc; source ~/.bashrc', 'Enter'],
        ['apigw-doctor pro', 'Tab'],
        ['--conc', 'Tab'],
      ],
    })
    const last = screen.filter((line) => line.startsWith('$ ')).at(-1)
    assert.equal(last, '$ apigw-doctor probe --concurrency', screen.join('\n'))
  })

  test('zsh: the completion function lists every command and its flags', async () => {
    const r = await runCli(['autocomplete', 'zsh'], {env: {XDG_CACHE_HOME: join(tmux.dir, 'zsh-cache'), HOME: tmux.dir}})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /autocomplete script zsh/)
    const fn = readFileSync(join(tmux.dir, 'zsh-cache', 'apigw-doctor', 'autocomplete', 'functions', 'zsh', '_apigw-doctor'), 'utf8')
    assert.match(fn, /^#compdef apigw-doctor/)
    for (const command of ['probe', 'lint', 'explain', 'diagnose']) assert.match(fn, new RegExp(`"${command}\\[`))
    assert.match(fn, /--proxy-kind/)
  })
})
