// The strict edge of an e2e suite: started before the suite's tests, stopped after them.
// A throwing `before` hook would only cancel the tests (reported cancelled, not failed): the setup error
// is kept instead, and every test that needs the edge FAILS with it. Nothing skips. (For the same
// reason the hook has no timeout of its own: strictEdge() bounds each of its waits.)
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { strictEdge, type StrictEdge, type StrictEdgeOptions } from './strict-edge.js'

export interface UseStrictEdgeOptions extends StrictEdgeOptions {
  /** runs in the `after` hook while the edge still runs (its logs still there); undefined when it never started */
  beforeStop?(edge: StrictEdge | undefined): void | Promise<void>
}

export interface StrictEdgeFixture {
  /** The running edge, or the setup error thrown (the test FAILS with it): every test that uses the edge starts here. */
  needEdge(): StrictEdge
}

/** Registers the before/after hooks of the suite it is called in (at the top of a test file: the file's). */
export function useStrictEdge(opts: UseStrictEdgeOptions = {}): StrictEdgeFixture {
  const { beforeStop, ...edgeOptions } = opts
  let edge: StrictEdge | undefined
  let setupError: Error | undefined

  before(async () => {
    try {
      edge = await strictEdge(edgeOptions)
    } catch (err) {
      setupError = err as Error
    }
  })

  after(async () => {
    try {
      await beforeStop?.(edge)
    } finally {
      await edge?.stop()
    }
  })

  return {
    needEdge() {
      if (setupError) throw new Error(`setup failed (the strict edge is a real nginx): ${setupError.message}`, { cause: setupError })
      assert.ok(edge, 'the strict edge did not start')
      return edge
    },
  }
}
