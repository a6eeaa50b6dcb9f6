export interface BatchRunOptions<T, R> {
  items: readonly T[]
  /** At most this many items in flight at once (each target opens its own few sockets, nothing more). */
  concurrency: number
  work: (item: T, index: number) => Promise<R>
  /**
   * Called as each item finishes, in completion order: a long batch streams. A promise returned
   * holds this worker's next item back until it settles (the output cannot take more yet).
   */
  onResult: (result: R, index: number) => void | Promise<void>
  /** Aborting stops starting new items and stops waiting for those in flight. */
  signal?: AbortSignal
}

export interface BatchRunResult {
  /** Items whose onResult was called. */
  finished: number
  /** The signal fired before every item finished. */
  interrupted: boolean
}

/**
 * Runs `work` over the items with at most `concurrency` in flight. Nothing is kept here: results go
 * to onResult as they come, and a slow consumer slows the batch down (onResult's promise) rather
 * than letting results pile up, so memory does not grow with the batch. When the signal aborts, no
 * new item starts and the batch returns at once; results that arrive later are dropped.
 */
export async function runBatch<T, R>(options: BatchRunOptions<T, R>): Promise<BatchRunResult> {
  const {items, work, onResult, signal} = options
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, not ${options.concurrency}`)
  let next = 0
  let finished = 0
  const aborted = () => signal?.aborted === true

  const worker = async (): Promise<void> => {
    while (next < items.length && !aborted()) {
      const index = next++
      const result = await work(items[index]!, index)
      if (aborted()) return
      finished++
      await onResult(result, index)
    }
  }
  const workers = Promise.all(Array.from({length: Math.min(options.concurrency, items.length)}, worker))
  if (!signal) {
    await workers
    return {finished, interrupted: false}
  }
  let onAbort: () => void = () => {}
  const abortedPromise = new Promise<void>((resolve) => {
    onAbort = resolve
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', onAbort, {once: true})
  })
  try {
    await Promise.race([workers, abortedPromise])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  // A work item that throws after the abort has nobody left to tell.
  workers.catch(() => {})
  return {finished, interrupted: aborted() && finished < items.length}
}
