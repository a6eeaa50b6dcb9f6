// A package registry on loopback that serves exactly the runtime dependency tree this checkout has
// installed (package-lock.json entries that are not dev-only, packed from node_modules). It lets
// `npm install -g <tarball>` resolve and fetch the dependencies the way it does against a real
// registry, without any packet leaving the machine and whatever the npm cache holds: `npm ci` fills
// the cache with tarballs but not with the package documents a fresh resolution needs, so
// `--offline` alone fails on a clean machine (ENOTCACHED).
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import http from 'node:http'
import {basename, dirname, join} from 'node:path'

interface LockEntry {
  version?: string
  dev?: boolean
  link?: boolean
}

interface Published {
  manifest: Record<string, unknown>
  tarball: Buffer
}

export interface LocalRegistry {
  url: string
  /** name@version of every package served */
  served: string[]
  /** package documents and tarballs asked for, in order */
  requests: string[]
  close(): Promise<void>
}

const MANIFEST_FIELDS = ['name', 'version', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines', 'os', 'cpu', 'type']

/** The package directory as npm publishes it: `package/…`, without its own node_modules. */
function pack(dir: string): Buffer {
  const base = basename(dir)
  return execFileSync('tar', ['-czf', '-', '-C', dirname(dir), `--exclude=${base}/node_modules`, '--transform', `s,^${base},package,`, base], {maxBuffer: 256 * 1024 * 1024})
}

export async function startLocalRegistry(root: string): Promise<LocalRegistry> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {packages: Record<string, LockEntry>}
  const packages = new Map<string, Map<string, Published>>()
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`

  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.link || !path.includes('node_modules/')) continue
    const dir = join(root, path)
    if (!existsSync(join(dir, 'package.json'))) continue // an optional dependency for another platform
    const pjson = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>
    const name = String(pjson.name)
    const version = String(pjson.version)
    const tarball = pack(dir)
    const manifest: Record<string, unknown> = {}
    for (const field of MANIFEST_FIELDS) if (pjson[field] !== undefined) manifest[field] = pjson[field]
    manifest.dist = {
      tarball: `${url}/${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`,
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      shasum: createHash('sha1').update(tarball).digest('hex'),
    }
    if (!packages.has(name)) packages.set(name, new Map())
    packages.get(name)!.set(version, {manifest, tarball})
  }

  const requests: string[] = []
  server.on('request', (req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1))
    requests.push(path)
    const tarballMatch = /^(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(path)
    if (tarballMatch) {
      const published = packages.get(tarballMatch[1]!)?.get(tarballMatch[2]!)
      if (!published) return void res.writeHead(404).end()
      return void res.writeHead(200, {'content-type': 'application/octet-stream', 'content-length': published.tarball.length}).end(published.tarball)
    }
    const versions = packages.get(path)
    if (!versions) return void res.writeHead(404, {'content-type': 'application/json'}).end('{"error":"not found"}')
    const latest = [...versions.keys()].at(-1)!
    const document = {name: path, 'dist-tags': {latest}, versions: Object.fromEntries([...versions].map(([v, p]) => [v, p.manifest]))}
    res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(document))
  })

  return {
    url,
    served: [...packages].flatMap(([name, versions]) => [...versions.keys()].map((v) => `${name}@${v}`)),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
