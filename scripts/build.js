// Builds dist/ with esbuild: the CLI entry (oclif) and one entry per command, bundled with their
// dependencies and split into shared chunks. Start-up reads a handful of files instead of ~100
// (oclif alone is ~100 CommonJS modules), and each command still loads only what it uses: heavy
// modules behind `await import()` become chunks of their own, loaded when the command needs them.
// Type checking is tsc's job (npm run build runs it first); esbuild only strips the types.
import {readdirSync, rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const commands = readdirSync(join(root, 'src/commands')).filter((f) => f.endsWith('.ts')).map((f) => `src/commands/${f}`)

// CommonJS dependencies (oclif) call require() and use __dirname: give every output file its own.
const banner = [
  "import {createRequire as __createRequire} from 'node:module'",
  "import {fileURLToPath as __fileURLToPath} from 'node:url'",
  'const require = __createRequire(import.meta.url)',
  'const __filename = __fileURLToPath(import.meta.url)',
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'))",
].join('; ')

/** `undici` → scripts/undici-client.js, for the CLI's own imports (see that file). */
const undiciClientOnly = {
  name: 'undici-client-only',
  setup(builder) {
    builder.onResolve({filter: /^undici$/}, (args) => (args.importer.includes('/src/') ? {path: join(root, 'scripts/undici-client.js')} : undefined))
  },
}

rmSync(join(root, 'dist'), {recursive: true, force: true})
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/oclif-entry.ts', ...commands],
  outdir: 'dist',
  outbase: 'src',
  // Every output file sits two levels below the package root, as tsc laid them out, so that
  // paths relative to import.meta.url (the shipped schema: ../../schema/) still resolve.
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: {js: banner},
  // oclif requires typescript only to run a plugin from its .ts sources (development of oclif plugins).
  external: ['typescript'],
  plugins: [undiciClientOnly],
  logLevel: 'warning',
  metafile: true,
})
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0)
console.error(`dist: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB`)
