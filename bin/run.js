#!/usr/bin/env node
// Entry point: oclif reads oclif.manifest.json, so only the command being run is imported.
// One colour decision for everything, oclif's help included: NO_COLOR, TERM=dumb or --no-color.
if (process.env.TERM === 'dumb' || process.argv.includes('--no-color')) process.env.FORCE_COLOR = '0'

const {execute} = await import('@oclif/core/execute')
const args = process.argv.slice(2)
if (args.includes('--json')) {
  // Errors raised before a command runs (an unknown command) are JSON too under --json.
  const [{run}, {flush}] = await Promise.all([import('@oclif/core/run'), import('@oclif/core/flush')])
  try {
    await run(args, import.meta.url)
    await flush()
  } catch (error) {
    if (error?.code === 'EEXIT' || error?.oclif?.exit === 0) {
      process.exitCode = error?.oclif?.exit ?? 0
    } else {
      const message = String(error?.message ?? error).split('\n')[0].replace(/^\s*›?\s*(Error:\s*)?/, '')
      process.stdout.write(JSON.stringify({error: {code: 'usage', message}}) + '\n')
      process.exitCode = 2
    }
  }
} else {
  await execute({dir: import.meta.url})
}
