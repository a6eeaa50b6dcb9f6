// A batch keeps nothing of a finished target but its summary row: reports, sockets, TLS state and
// peer certificates are released as each target finishes, so memory depends on the concurrency,
// not on the length of the list. Measured as the heap that survives a full GC after a batch of N
// targets and after one four times as long, against an edge whose certificate names 200 hosts.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

import {probeBatch} from '../../src/pipeline/probe-batch.js'
import {probeTarget} from '../../src/pipeline/probe-target.js'
import {parseTarget} from '../../src/target/parse-target.js'
import {edgeFor, probeOptionsFor, sharedPki, TOOL} from '../support/probe-helpers.js'
import type {TestEdge} from '../support/test-edge.js'

// node:test gives no way to pass --expose-gc to one file: the flag is set here, and a fresh context
// picks the gc function up.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Heap in use after a full GC, without what the test edge itself logs of each connection. */
async function retainedHeap(edge: TestEdge): Promise<number> {
  edge.requests.length = 0
  edge.handshakes.length = 0
  // Twice, with a turn of the event loop between: sockets closing and undici's teardown finish first.
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    gc()
  }
  return process.memoryUsage().heapUsed
}

test('the heap left after a batch does not grow with the number of targets', async (t) => {
  const names = Array.from({length: 200}, (_, i) => `t${i}.fleet.test`)
  const edge = await edgeFor(t, {hostnames: names})
  const {secureContext} = await sharedPki()
  // Every name is the edge (a lookup that never leaves the process).
  const options = probeOptionsFor(edge, {resolve: [], lookup: async () => [edge.host]})
  const batch = async (count: number) => {
    const reports: string[] = []
    await probeBatch({
      targets: names.slice(0, count).map((name) => parseTarget(name)),
      concurrency: 10,
      probe: (target) => probeTarget(target, options, secureContext, TOOL),
      onReport: (report) => void reports.push(report.verdict),
    })
    assert.deepEqual(new Set(reports), new Set(['healthy']), 'every target probed for real')
    assert.equal(reports.length, count)
  }

  await batch(200) // warm-up: modules, undici, compiled and optimised code
  const before = await retainedHeap(edge)
  await batch(40)
  const afterShort = await retainedHeap(edge)
  await batch(160)
  const afterLong = await retainedHeap(edge)
  const kb = (bytes: number) => Math.round(bytes / 1024)
  t.diagnostic(`retained heap: ${kb(before)} KiB; after 40 more targets ${kb(afterShort - before)} KiB more; after 160 more on top ${kb(afterLong - before)} KiB more`)
  // A report of this edge is ~14 KB of JSON (its certificate names 200 hosts), a TLS socket ~10 KB
  // of heap: keeping those of 200 targets would add several MB (reports alone: 8.7 MB). Compiled
  // code and caches may still grow a little (~0.1 MB measured).
  assert.ok(afterLong - before < 1024 * 1024, `the heap grew by ${kb(afterLong - before)} KiB over 200 targets`)
})
