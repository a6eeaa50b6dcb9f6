#!/usr/bin/env node
// Entry point: oclif reads oclif.manifest.json, so only the command being run is imported.
import {execute} from '@oclif/core/execute'

await execute({dir: import.meta.url})
