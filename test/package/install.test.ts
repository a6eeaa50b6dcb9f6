// The package as a user gets it: `npm pack` from a clean copy of this checkout, the tarball installed
// into an empty prefix (`npm install -g --prefix`), then the installed `apigw-doctor` run from outside
// the repository with a minimal environment (no NODE_PATH, no repository node_modules within reach)
// against a loopback test edge. Also `npm exec --package <tarball>` (npx-style).
// Nothing here talks to the public registry: npm resolves the dependencies against a registry on
// loopback that serves the runtime tree of this checkout's lock file (./local-registry.ts), with an
// empty cache and config of its own.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {REPO_ROOT} from '../support/cli.js'
import {run, type RunResult} from '../support/e2e/util.js'
import {startLocalRegistry, type LocalRegistry} from './local-registry.js'
import {startTestEdge, type TestEdge} from '../support/test-edge.js'

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string
  version: string
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/** What the tarball may hold at its top level: what runs, and what a user reads. */
const SHIPPED = ['bin', 'dist', 'schema', 'oclif.manifest.json', 'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].sort()

let work = ''
let tarball = ''
let prefix = ''
let outside = ''
let edge: TestEdge
let caFile = ''
let registry: LocalRegistry

/**
 * npm's environment without what `npm run` adds (npm_config_*, npm_lifecycle_*…) or a NODE_PATH,
 * pointed at the loopback registry through config files of its own (so no .npmrc can send it elsewhere).
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'NODE_PATH' || key === 'NODE_OPTIONS' || key === 'INIT_CWD') continue
    env[key] = value
  }
  const npmrc = join(work, 'npmrc')
  writeFileSync(npmrc, `registry=${registry.url}/\naudit=false\nfund=false\nupdate-notifier=false\n`)
  writeFileSync(join(work, 'global-npmrc'), '')
  return {...env, npm_config_userconfig: npmrc, npm_config_globalconfig: join(work, 'global-npmrc'), npm_config_cache: join(work, 'npm-cache')}
}

async function npm(args: string[], cwd: string): Promise<RunResult> {
  const r = await run('npm', [...args, '--registry', `${registry.url}/`], {cwd, env: npmEnv(), timeoutMs: 240_000})
  assert.equal(r.code, 0, `npm ${args.join(' ')} failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`)
  return r
}

/** The installed tool, the way a user's shell runs it: from PATH, a directory outside the repository, nothing but PATH and HOME. */
function tool(args: string[]): Promise<RunResult> {
  return run('apigw-doctor', args, {
    cwd: outside,
    env: {
      PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
      HOME: outside,
      XDG_CACHE_HOME: join(outside, '.cache'),
      NO_COLOR: '1',
    },
    timeoutMs: 30_000,
  })
}

const show = (r: RunResult) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 3000)}\n--- stderr\n${r.stderr.slice(0, 3000)}`

/** Every package name in a node_modules tree, nested ones included. */
function installedPackages(nodeModules: string): Set<string> {
  const names = new Set<string>()
  const walk = (dir: string) => {
    if (!existsSync(dir)) return
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue
      const path = join(dir, entry)
      if (entry.startsWith('@')) {
        for (const scoped of readdirSync(path)) {
          names.add(`${entry}/${scoped}`)
          walk(join(path, scoped, 'node_modules'))
        }
      } else {
        names.add(entry)
        walk(join(path, 'node_modules'))
      }
    }
  }
  walk(nodeModules)
  return names
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'apigw-doctor-package-'))
  registry = await startLocalRegistry(REPO_ROOT)
  // A clean copy of the checkout (tracked and new files, nothing ignored: no dist/, no manifest) so
  // that `npm pack` builds from scratch through its prepack script and never touches this worktree.
  const source = join(work, 'source')
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {cwd: REPO_ROOT, encoding: 'utf8'})
  for (const file of files.split('\0').filter(Boolean)) {
    if (!existsSync(join(REPO_ROOT, file))) continue // deleted in the worktree, not yet committed
    mkdirSync(dirname(join(source, file)), {recursive: true})
    cpSync(join(REPO_ROOT, file), join(source, file))
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'), 'dir')
  await npm(['pack', '--pack-destination', work], source)
  tarball = join(work, `${pkg.name}-${pkg.version}.tgz`)
  assert.ok(existsSync(tarball), `npm pack wrote no ${tarball}`)

  prefix = join(work, 'prefix')
  outside = join(work, 'elsewhere')
  mkdirSync(outside)
  await npm(['install', '--global', '--prefix', prefix, tarball], outside)

  edge = await startTestEdge({hostnames: ['api.test'], paths: ['/prod/health'], httpListener: 'none'})
  caFile = join(work, 'edge-ca.pem')
  writeFileSync(caFile, edge.caCert)
})

after(async () => {
  await edge?.close()
  await registry?.close()
  if (work) rmSync(work, {recursive: true, force: true})
})

describe('the packed tarball, installed into an empty prefix', {concurrency: false}, () => {
  test('the tarball holds only what runs and what a user reads: no sources, tests or TypeScript', () => {
    const entries = execFileSync('tar', ['-tzf', tarball], {encoding: 'utf8'}).split('\n').filter(Boolean)
    assert.ok(entries.every((entry) => entry.startsWith('package/')), entries.join('\n'))
    const top = [...new Set(entries.map((entry) => entry.split('/')[1]!))].sort()
    assert.deepEqual(top, SHIPPED)
    assert.deepEqual(
      entries.filter((entry) => /\.ts$|\/test\/|\/src\/|node_modules|\.map$/.test(entry)),
      [],
    )
    for (const needed of ['package/bin/run.js', 'package/dist/commands/probe.js', 'package/schema/report.schema.json', 'package/oclif.manifest.json']) {
      assert.ok(entries.includes(needed), `${needed} is missing from the tarball`)
    }
  })

  test('npm found every dependency on the loopback registry, and no dev dependency there', () => {
    // What npm asked for, not what the registry was given to serve: a dev dependency asked for is one the package pulls in.
    const documents = registry.requests.filter((path) => !path.includes('/-/'))
    const devOnly = Object.keys(pkg.devDependencies)
    assert.deepEqual(documents.filter((name) => devOnly.includes(name)), [], `npm asked for dev dependencies: ${documents.join(' ')}`)
    for (const name of Object.keys(pkg.dependencies)) assert.ok(documents.includes(name), `npm never asked for ${name}: ${documents.join(' ')}`)
  })

  test('no dev dependency is installed, every runtime one is', () => {
    const root = join(prefix, 'lib', 'node_modules', pkg.name)
    assert.ok(statSync(join(root, 'bin', 'run.js')).isFile())
    const installed = installedPackages(join(root, 'node_modules'))
    const dev = Object.keys(pkg.devDependencies).filter((name) => installed.has(name))
    assert.deepEqual(dev, [], `dev dependencies in the installed tree: ${dev.join(', ')}`)
    for (const name of Object.keys(pkg.dependencies)) assert.ok(installed.has(name), `${name} is not installed`)
  })

  test('apigw-doctor --version, from PATH, outside the repository', async () => {
    const r = await tool(['--version'])
    assert.equal(r.code, 0, show(r))
    assert.match(r.stdout, new RegExp(`^${pkg.name}/${pkg.version.replaceAll('.', '\\.')} `))
  })

  test('probe --help and help: the installed manifest and help class', async () => {
    const help = await tool(['probe', '--help'])
    assert.equal(help.code, 0, show(help))
    assert.match(help.stdout, /EXAMPLES/)
    assert.match(help.stdout, /--timeout=<value>\s+\[default: 5000\]/)
    const root = await tool(['help'])
    assert.equal(root.code, 0, show(root))
    assert.match(root.stdout, /FIND WHY A PROXY CANNOT REACH AN HTTPS ENDPOINT/)
  })

  test('a real probe of the loopback test edge: healthy, the classic requirements found, exit 0', async () => {
    const args = ['probe', 'api.test', '--port', String(edge.port), '--http-port', String(edge.httpPort), '--resolve', `api.test:*:${edge.host}`, '--ca-file', caFile, '--path', '/prod/health']
    const json = await tool([...args, '--json'])
    assert.equal(json.code, 0, show(json))
    const report = JSON.parse(json.stdout) as {tool: {version: string}; verdict: string; diagnoses: {id: string}[]}
    assert.equal(report.tool.version, pkg.version)
    assert.equal(report.verdict, 'healthy')
    assert.deepEqual(
      ['tls-required', 'sni-required', 'host-header-required'].filter((id) => !report.diagnoses.some((d) => d.id === id)),
      [],
      JSON.stringify(report.diagnoses.map((d) => d.id)),
    )
    const human = await tool(args)
    assert.equal(human.code, 0, show(human))
    assert.match(human.stdout, /verdict: healthy/)
    assert.match(human.stdout, /sni str\(api\.test\)/)
  })

  test('shell completion comes from the installed plugin', async () => {
    const r = await tool(['autocomplete', 'script', 'bash'])
    assert.equal(r.code, 0, show(r))
    assert.match(r.stdout, /APIGW_DOCTOR_AC_BASH_SETUP_PATH=/)
  })

  test('npx-style: npm exec --package <tarball> -- apigw-doctor --version, in an empty directory', async () => {
    const empty = mkdtempSync(join(work, 'npx-'))
    const r = await npm(['exec', '--yes', '--package', tarball, '--', 'apigw-doctor', '--version'], empty)
    assert.match(r.stdout, new RegExp(`${pkg.name}/${pkg.version.replaceAll('.', '\\.')} `))
  })
})
