// Saves what the real proxies logged to test/e2e/.captured/<name>.log, so that the lines can be quoted
// in notes and fed to `apigw-doctor explain` by another suite.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './cli.js'

export const CAPTURE_DIR = join(REPO_ROOT, 'test/e2e/.captured')

export function saveCaptured(name: string, lines: string[], header?: string): string {
  mkdirSync(CAPTURE_DIR, { recursive: true })
  // the directory holds generated output only: keep it out of git without touching the root .gitignore
  writeFileSync(join(CAPTURE_DIR, '.gitignore'), '*\n')
  const file = join(CAPTURE_DIR, `${name}.log`)
  writeFileSync(file, (header ? header.split('\n').map((l) => `# ${l}`).join('\n') + '\n' : '') + lines.join('\n') + (lines.length ? '\n' : ''))
  return file
}
