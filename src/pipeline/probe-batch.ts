import {exitCodeFor} from '../diagnosis/diagnose.js'
import type {Report} from '../observations/report.js'
import {batchRow, type BatchRow} from '../render/batch-summary.js'
import type {ParsedTarget} from '../target/parse-target.js'
import {runBatch} from './batch-run.js'

export interface ProbeBatchOptions {
  targets: readonly ParsedTarget[]
  concurrency: number
  /** Runs the matrix against one target and diagnoses it. */
  probe: (target: ParsedTarget) => Promise<Report>
  /**
   * Each report as soon as its target is done (NDJSON lines, or the one report of a single run).
   * A promise returned (stdout is full) holds the next target back until it settles.
   */
  onReport: (report: Report, target: ParsedTarget, index: number) => void | Promise<void>
  /** After each report: how far the batch is (a progress line). */
  onProgress?: (progress: {done: number; failing: number; total: number}) => void
  /** Ctrl-C: no new target starts, and the run returns with what finished. */
  signal?: AbortSignal
}

export interface ProbeBatchResult {
  /** One row per finished target, in the order the targets were given. */
  rows: BatchRow[]
  /** Targets whose reference request failed (or whose proxy, with --via, is misconfigured). */
  failing: number
  interrupted: boolean
}

/** Probes every target, at most `concurrency` at once, keeping only a summary row of each. */
export async function probeBatch(options: ProbeBatchOptions): Promise<ProbeBatchResult> {
  const {targets} = options
  const rows: Array<BatchRow | undefined> = new Array(targets.length)
  let failing = 0
  let done = 0
  const {interrupted} = await runBatch({
    items: targets,
    concurrency: options.concurrency,
    work: (target) => options.probe(target),
    signal: options.signal,
    onResult: (report, index) => {
      const target = targets[index]!
      const failed = exitCodeFor(report) === 1
      if (failed) failing++
      done++
      rows[index] = batchRow(target.input, report)
      const written = options.onReport(report, target, index)
      options.onProgress?.({done, failing, total: targets.length})
      return written
    },
  })
  return {rows: rows.filter((row): row is BatchRow => row !== undefined), failing, interrupted}
}
