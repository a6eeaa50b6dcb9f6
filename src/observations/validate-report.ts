import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'

import {UsageError} from '../cli/errors.js'
import type {Report} from './report.js'

const MAX_REPORT_BYTES = 10 * 1024 * 1024

/** Loads the schema that ships with the package (schema/report.schema.json). */
export function reportSchema(): object {
  return createRequire(import.meta.url)('../../schema/report.schema.json') as object
}

type Validator = ((data: unknown) => boolean) & {errors?: Array<{instancePath: string; message?: string}> | null}
let validator: Validator | undefined

export async function reportValidator(): Promise<Validator> {
  if (!validator) {
    const [{default: Ajv}, {default: addFormats}] = await Promise.all([import('ajv'), import('ajv-formats')])
    const ajv = new (Ajv as unknown as typeof Ajv.default)({allErrors: false, strict: false})
    ;(addFormats as unknown as typeof addFormats.default)(ajv)
    validator = ajv.compile(reportSchema()) as Validator
  }
  return validator
}

/** Reads a saved `probe --json` report; anything else is a usage error with a one-line reason. */
export async function readReport(path: string): Promise<Report> {
  let text: string
  try {
    text = path === '-' ? await readAll(process.stdin) : await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`, 'bad-report')
  }
  if (text.length > MAX_REPORT_BYTES) throw new UsageError(`${path}: larger than 10 MiB, not a probe report`, 'bad-report')
  let data: unknown
  try {
    // A batch file holds one report per line: take the first non-empty line if the whole is not one document.
    data = JSON.parse(text)
  } catch {
    throw new UsageError(`${path}: not JSON (expected the output of 'apigw-doctor probe --json')`, 'bad-report')
  }
  if (typeof data !== 'object' || data === null || (data as {schemaVersion?: unknown}).schemaVersion === undefined) {
    throw new UsageError(`${path}: not an apigw-doctor report (no schemaVersion)`, 'bad-report')
  }
  if ((data as {schemaVersion: unknown}).schemaVersion !== 1) {
    throw new UsageError(`${path}: schemaVersion ${JSON.stringify((data as {schemaVersion: unknown}).schemaVersion)} is not supported (this version reads 1)`, 'bad-report')
  }
  const validate = await reportValidator()
  if (!validate(data)) {
    const first = validate.errors?.[0]
    throw new UsageError(`${path}: not a valid report: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`, 'bad-report')
  }
  return data as Report
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > MAX_REPORT_BYTES) throw new UsageError('stdin: larger than 10 MiB, not a probe report', 'bad-report')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
