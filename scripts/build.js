// Builds dist/ with esbuild: the CLI entry (oclif) and one entry per command, bundled with their
// dependencies and split into shared chunks. Start-up reads a handful of files instead of ~100
// (oclif alone is ~100 CommonJS modules), and each command still loads only what it uses: heavy
// modules behind `await import()` become chunks of their own, loaded when the command needs them.
// Type checking is tsc's job (npm run build runs it first); esbuild only strips the types.
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {createRequire, isBuiltin} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const commands = readdirSync(join(root, 'src/commands')).filter((f) => f.endsWith('.ts')).map((f) => `src/commands/${f}`)
// What oclif imports by path at run time besides the commands (package.json "oclif": helpClass,
// hooks): each must be an entry at the path oclif expects, sharing the bundle's one copy of oclif.
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const hooks = Object.values(pjson.oclif?.hooks ?? {}).flat().map((hook) => (typeof hook === 'string' ? hook : hook.target))
const runtimePaths = [pjson.oclif?.helpClass, ...hooks].filter(Boolean).map((path) => (typeof path === 'string' ? path : path.target))
const sources = runtimePaths.map((path) => {
  const source = path.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')
  if (!existsSync(join(root, source))) throw new Error(`package.json names ${path}, but ${source} does not exist`)
  return source
})

// CommonJS dependencies (oclif) call require() and use __dirname: give every output file its own.
const banner = [
  "import {createRequire as __createRequire} from 'node:module'",
  "import {fileURLToPath as __fileURLToPath} from 'node:url'",
  'const require = __createRequire(import.meta.url)',
  'const __filename = __fileURLToPath(import.meta.url)',
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'))",
].join('; ')

/**
 * In a split bundle, `await import('pkg')` of a CommonJS package yields only `default`, where Node
 * also gives the named exports (`const {loadHelpClass} = await import('@oclif/core/help')`). Such an
 * import gets an ES module that re-exports module.exports under its names, as Node would.
 */
const commonJsNamedExports = {
  name: 'commonjs-named-exports',
  setup(builder) {
    builder.onResolve({filter: /^[^./]/}, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.includes('/src/') || isBuiltin(args.path)) return undefined
      let exported
      try {
        exported = createRequire(args.importer)(args.path)
      } catch {
        return undefined
      }
      // An ES module's namespace is right as it is.
      if (exported === null || !['object', 'function'].includes(typeof exported) || exported[Symbol.toStringTag] === 'Module') return undefined
      const names = Object.keys(exported).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name))
      return {path: args.path, namespace: 'commonjs-named-exports', pluginData: {names, resolveDir: dirname(args.importer)}}
    })
    builder.onLoad({filter: /.*/, namespace: 'commonjs-named-exports'}, (args) => ({
      // require(), not a default import: esbuild would take `exports.default` of a module marked __esModule.
      contents: [`const exported = require(${JSON.stringify(args.path)})`, 'export default exported', `export const {${args.pluginData.names.join(', ')}} = exported`].join('\n'),
      resolveDir: args.pluginData.resolveDir,
    }))
  },
}

/**
 * oclif sorts the commands of every plugin with localeCompare on each start: the first call builds
 * ICU's collator, ~5 ms of a ~50 ms start-up budget. Command ids are ASCII (lower case, digits, ':'
 * and '-'), which sort the same by code unit. The build fails if the line is not found.
 */
const oclifCommandSort = {
  name: 'oclif-command-sort',
  setup(builder) {
    builder.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/}, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const sort = '.sort((a, b) => a.id.localeCompare(b.id));'
      if (source.split(sort).length !== 2) throw new Error(`${args.path}: the command sort this build replaces is not there (oclif changed): update scripts/build.js`)
      return {contents: source.replace(sort, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));'), loader: 'js'}
    })
  },
}

/**
 * `undici` → scripts/undici-client.js, for the CLI's own imports (see that file). Its Client
 * speaks HTTP/2 only on a socket that negotiated h2 by ALPN: ours never do (they offer http/1.1),
 * so its HTTP/2 half, which loads node:http2 (~2.5 ms at every probe), is left out.
 */
const undiciClientOnly = {
  name: 'undici-client-only',
  setup(builder) {
    builder.onResolve({filter: /^undici$/}, (args) => (args.importer.includes('/src/') ? {path: join(root, 'scripts/undici-client.js')} : undefined))
    builder.onLoad({filter: /undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/}, () => ({
      contents: "module.exports = function connectH2() { throw new Error('apigw-doctor speaks HTTP/1.1 only: an h2 socket reached undici') }",
      loader: 'js',
    }))
  },
}

rmSync(join(root, 'dist'), {recursive: true, force: true})
const result = await build({
  absWorkingDir: root,
  // colour.ts: bin/run.js decides colour with it before oclif loads.
  entryPoints: ['src/cli/oclif-entry.ts', 'src/cli/colour.ts', ...commands, ...sources],
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
  plugins: [undiciClientOnly, commonJsNamedExports, oclifCommandSort],
  logLevel: 'warning',
  metafile: true,
})
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0)
console.error(`dist: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB`)
