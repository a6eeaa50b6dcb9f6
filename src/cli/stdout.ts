// stdout as a stream with a reader that may be slower than us or may leave (`| head`): waiting for
// room without hanging once it is gone, and telling a batch to stop when nobody reads any more.

/** Settles once `stream` can take more output, or once it is gone (closed, or failed: EPIPE). */
export function drained(stream: NodeJS.WritableStream & {destroyed: boolean}): Promise<void> {
  if (stream.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error']) stream.off(event, done)
      resolve()
    }
    for (const event of ['drain', 'close', 'error']) stream.on(event, done)
  })
}

/**
 * Waits until what was written to stdout is handed to the OS, or stdout is gone. oclif's flush()
 * waits for a 'drain' that never comes once the reader has left (`apigw-doctor help | head -1`:
 * EPIPE), and its timer does not hold the process, so Node ended with exit 13 (an unsettled
 * top-level await) instead of the command's own status.
 */
export async function flush(stdout: NodeJS.WriteStream = process.stdout): Promise<void> {
  if (stdout.writableLength > 0) await drained(stdout)
}

/** Exit status of a batch whose reader left before the end, as a shell reports a writer killed by SIGPIPE (128 + 13). */
export const READER_GONE_EXIT = 141

/**
 * Aborts once stdout fails (EPIPE: the reader has left), so that a batch stops starting targets
 * whose reports nobody would read. oclif already swallows EPIPE; this only listens.
 */
export function watchReaderGone(stdout: NodeJS.WriteStream = process.stdout): {signal: AbortSignal; dispose(): void} {
  const controller = new AbortController()
  const onError = () => controller.abort()
  stdout.on('error', onError)
  return {signal: controller.signal, dispose: () => stdout.off('error', onError)}
}

/**
 * The width tables are laid out for: the terminal's, or 120 columns when piped or when the terminal
 * reports no size (a pty without one says 0: a table 0 wide would be all wrapping).
 */
export function tableWidth(stdout: NodeJS.WriteStream = process.stdout): number {
  return stdout.columns || 120
}
