import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'

import {decideStyle, type OutputStyle} from './colour.js'
import {normaliseError, UsageError} from './errors.js'
import {drained} from './stdout.js'

/**
 * Owns what every command shares: the --json error shape of the spec, exit codes (2 for usage,
 * also under --json where oclif would say 1), one colour decision, plain JSON on stdout.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    // oclif's own json flag says only "Format output as json."; ours says what comes out.
    json: Flags.boolean({description: 'machine-readable output on stdout: one JSON document (a batch: one per line, NDJSON); errors as {"error": {code, message}}', helpGroup: 'GLOBAL'}),
    'no-color': Flags.boolean({description: 'never colour the output (NO_COLOR, TERM=dumb and CI do the same)', helpGroup: 'GLOBAL'}),
  }

  protected style(flags: {'no-color'?: boolean; json?: boolean; quiet?: boolean}): OutputStyle {
    return decideStyle({noColor: flags['no-color'], json: flags.json ?? this.jsonEnabled(), quiet: flags.quiet})
  }

  /** Writes a line of data to stdout (not through oclif, which colourises JSON on a TTY). */
  protected out(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : text + '\n')
  }

  /**
   * out(), for a stream of results: when stdout cannot take more yet (a pipe whose reader is slower
   * than we produce), the promise settles once it can, or once stdout is gone, so that the producer
   * waits instead of queueing its output in memory.
   */
  protected outPaced(text: string): Promise<void> | undefined {
    this.out(text)
    const stdout = process.stdout
    if (!stdout.writableNeedDrain || stdout.destroyed) return undefined
    // One wait shared by every producer that finds stdout full.
    this.stdoutDrained ??= drained(stdout).then(() => {
      this.stdoutDrained = undefined
    })
    return this.stdoutDrained
  }

  private stdoutDrained: Promise<void> | undefined

  override logJson(json: unknown): void {
    this.out(JSON.stringify(json, null, 2))
  }

  override async catch(err: Error & {exitCode?: number}): Promise<void> {
    // Whatever stops the parser (unknown flag, bad value, missing argument) is bad usage: exit 2.
    const normalised = normaliseError(this.parsed || err instanceof UsageError ? err : new UsageError(err.message))
    if (normalised.code === 'exit') {
      process.exitCode = normalised.exitCode
      return
    }
    process.exitCode = normalised.exitCode
    // Whatever code path built the message or the stack, a secret given with -H is not printed.
    const {redactRemembered} = await import('../observations/redaction.js')
    const message = redactRemembered(normalised.message)
    if (this.jsonEnabled()) {
      this.out(JSON.stringify({error: {code: normalised.code, message}}))
    } else {
      process.stderr.write(`apigw-doctor: ${message}\n`)
    }
    if (normalised.code === 'internal' && process.env.APIGW_DOCTOR_DEBUG) process.stderr.write(redactRemembered(String(err.stack)) + '\n')
  }
}
