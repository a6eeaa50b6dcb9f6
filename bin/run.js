#!/usr/bin/env node
// Entry point: oclif reads oclif.manifest.json, so only the command being run is imported.
// One colour decision for everything, oclif's help included: NO_COLOR, TERM=dumb or --no-color.
if (process.env.TERM === 'dumb' || process.argv.includes('--no-color')) process.env.FORCE_COLOR = '0'

const {execute} = await import('@oclif/core/execute')
await execute({dir: import.meta.url})
