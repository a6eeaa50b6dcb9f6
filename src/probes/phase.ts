import type {Outcome, ProbeError} from '../observations/types.js'

/** A phase that did not succeed: the outcome it maps to and the error that says why. */
export class PhaseFailure extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly error: ProbeError,
    readonly extra: {alert?: {number: number; name: string}; firstBytesHex?: string} = {},
  ) {
    super(error.message)
  }
}

/** Milliseconds with one decimal: enough for humans, stable in JSON. */
export const ms = (value: number): number => Math.round(value * 10) / 10

/** Runs `start` and fails with `onTimeout()` if it has not settled within timeoutMs. */
export function withDeadline<T>(timeoutMs: number, start: (settle: {resolve: (v: T) => void; reject: (e: unknown) => void}) => () => void, onTimeout: () => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false
    let cleanup: () => void = () => {}
    const finish = (fn: () => void) => {
      if (done) return
      done = true
      clearTimeout(timer)
      cleanup()
      fn()
    }
    const timer = setTimeout(() => finish(() => reject(onTimeout())), timeoutMs)
    cleanup = start({resolve: (v) => finish(() => resolve(v)), reject: (e) => finish(() => reject(e))})
  })
}
