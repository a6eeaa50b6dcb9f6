#!/usr/bin/env node
import {fileURLToPath} from 'node:url'

// Entry point: oclif reads oclif.manifest.json, so only the command being run is imported. oclif and
// the commands are bundled (scripts/build.js): dist/cli/oclif-entry.js is the one copy of oclif.
// One colour decision for everything, oclif's help included: NO_COLOR, TERM=dumb, CI or --no-color.
const {colourOff} = await import('../dist/cli/colour.js')
if (colourOff(process.argv.includes('--no-color'))) process.env.FORCE_COLOR = '0'

const COMMANDS = ['probe', 'lint', 'explain', 'diagnose', 'help', 'autocomplete']
const args = process.argv.slice(2)
const {run, flush} = await import('../dist/cli/oclif-entry.js')

/** Errors raised before a command runs (an unknown command) get the same one-line, exit-2 treatment. */
function usageError(error) {
  let message = String(error?.message ?? error).split('\n')[0].replace(/^\s*›?\s*(Error:\s*)?/, '')
  const unknown = /^command (\S+) not found/i.exec(message)?.[1]
  if (unknown) {
    const guess = COMMANDS.find((c) => c.startsWith(unknown.slice(0, 3)))
    message = `unknown command ${JSON.stringify(unknown.slice(0, 40))}${guess ? `: did you mean '${guess}'?` : ''} (commands: ${COMMANDS.join(', ')})`
  }
  if (args.includes('--json')) process.stdout.write(JSON.stringify({error: {code: 'usage', message}}) + '\n')
  else process.stderr.write(`apigw-doctor: ${message}\n`)
  process.exitCode = 2
}

// Shell completion is a plugin loaded only for its own command: no other start-up pays for it.
const completion = args.some((arg) => arg.startsWith('autocomplete'))
const options = completion ? {root: fileURLToPath(import.meta.url), pluginAdditions: {core: ['@oclif/plugin-autocomplete']}} : import.meta.url

try {
  await run(args, options)
  await flush()
} catch (error) {
  if (error?.oclif?.exit !== undefined && (error.code === 'EEXIT' || error.oclif.exit === 0)) process.exitCode = error.oclif.exit
  else usageError(error)
}
