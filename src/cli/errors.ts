import {CONTROLS} from '../text/controls.js'

/** An error the user caused (bad target, flag, file): one line, exit 2, never a stack trace. */
export class UsageError extends Error {
  readonly exitCode = 2
  constructor(
    message: string,
    readonly code: string = 'usage',
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Parse errors thrown by oclif's parser are usage errors too; they are recognised by class name. */
const OCLIF_PARSE_ERRORS = new Set([
  'RequiredArgsError',
  'UnexpectedArgsError',
  'NonExistentFlagsError',
  'FailedFlagValidationError',
  'ArgInvalidOptionError',
  'FlagInvalidOptionError',
  'CLIParseError',
])

export interface NormalisedError {
  code: string
  message: string
  exitCode: number
}

/** Turns anything thrown into the spec's error shape, with a one-line message. */
export function normaliseError(err: unknown): NormalisedError {
  if (err instanceof UsageError) return {code: err.code, message: oneLine(stripHelpHint(err.message)), exitCode: 2}
  if (err instanceof Error) {
    const ctor = err.constructor?.name ?? ''
    if (OCLIF_PARSE_ERRORS.has(ctor) || OCLIF_PARSE_ERRORS.has(err.name)) {
      return {code: 'usage', message: oneLine(stripHelpHint(err.message)), exitCode: 2}
    }
    const code = (err as {code?: unknown}).code
    if (code === 'EEXIT') {
      const exit = (err as {oclif?: {exit?: number}}).oclif?.exit ?? 0
      return {code: 'exit', message: '', exitCode: exit}
    }
    return {code: typeof code === 'string' ? code : 'internal', message: oneLine(err.message) || 'unexpected error', exitCode: 1}
  }
  return {code: 'internal', message: oneLine(String(err)), exitCode: 1}
}

function stripHelpHint(message: string): string {
  return message.replace(/\n?\s*See more help with --help\s*$/i, '')
}

/** One printable line: lines joined with spaces, anything a terminal would act on written as \uXXXX. */
function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
    .replaceAll(CONTROLS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
