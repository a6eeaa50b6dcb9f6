/** Exit status after Ctrl-C, as a shell reports a process killed by SIGINT (128 + 2). */
export const INTERRUPTED_EXIT = 130

export interface Interrupt {
  /** Aborts on the first SIGINT. */
  signal: AbortSignal
  /** Restores the default handling. */
  dispose(): void
}

/**
 * The first Ctrl-C aborts the signal: the caller stops starting work, reports what finished and
 * exits with INTERRUPTED_EXIT. A second Ctrl-C (the caller is stuck, or the user is impatient)
 * exits at once.
 */
export function catchInterrupt(): Interrupt {
  const controller = new AbortController()
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
    },
  }
}

/**
 * Exits now, once what was written to stdout and stderr is handed to the OS. Used after an
 * interrupt: abandoned probes may hold sockets and timers for up to --timeout, and the process
 * exiting is what closes them promptly.
 */
export async function exitAfterOutput(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))))
  process.exit(code)
}
