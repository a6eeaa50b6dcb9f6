// readBoundedText: the one reader of user-given files (diagnose, --file, --ca-file, lint). It must
// stop at the bound however much the input holds, and refuse everything it cannot use with one line.
import assert from 'node:assert/strict'
import {execFileSync, spawn} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'

import {UsageError} from '../../src/cli/errors.js'
import {formatBytes, inputLabel, isBinary, readBoundedText, type BoundedReadOptions} from '../../src/cli/read-input.js'

let dir = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apigw-read-input-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

const OPTS: BoundedReadOptions = {what: 'report', maxBytes: 1024, code: 'bad-thing', expected: 'a thing'}

/** Rejects with a one-line UsageError carrying the code, naming the input, matching `reason`. */
async function refused(promise: Promise<unknown>, reason: RegExp, names = ''): Promise<UsageError> {
  let caught: unknown
  try {
    await promise
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof UsageError, `expected a UsageError, got ${String(caught)}`)
  assert.equal(caught.code, 'bad-thing')
  assert.equal(caught.exitCode, 2)
  assert.doesNotMatch(caught.message, /\n/)
  assert.match(caught.message, reason)
  if (names) assert.ok(caught.message.includes(names), `${caught.message} names ${names}`)
  return caught
}

describe('readBoundedText', () => {
  test('reads a text file; a UTF-8 BOM is dropped; exactly maxBytes is accepted', async () => {
    const path = join(dir, 'ok.json')
    await writeFile(path, '\uFEFF{"a": "Hệ Thống"}\n')
    assert.equal(await readBoundedText(path, OPTS), '{"a": "Hệ Thống"}\n')
    const full = join(dir, 'full.txt')
    await writeFile(full, 'x'.repeat(1024))
    assert.equal((await readBoundedText(full, OPTS)).length, 1024)
  })

  test('one byte over the bound is refused, with the size when the file says it', async () => {
    const path = join(dir, 'big.txt')
    await writeFile(path, 'x'.repeat(1025))
    await refused(readBoundedText(path, OPTS), /larger than 1 KiB \(1025 bytes\), not a thing/, path)
  })

  test('missing file, directory, empty or NUL-bearing name', async () => {
    await refused(readBoundedText(join(dir, 'nope.json'), OPTS), /no such file/, 'nope.json')
    await refused(readBoundedText(join(dir, 'nope', 'deeper.json'), OPTS), /no such file/)
    await refused(readBoundedText(dir, OPTS), /is a directory/, dir)
    await refused(readBoundedText('', OPTS), /no file name/)
    await refused(readBoundedText('a\u0000b', OPTS), /invalid file name/)
  })

  test('binary content: a NUL byte anywhere, or mostly control bytes', async () => {
    const nul = join(dir, 'nul.bin')
    await writeFile(nul, Buffer.concat([Buffer.from('{"a":1}'.repeat(20_000)), Buffer.from([0])]))
    await refused(readBoundedText(nul, {...OPTS, maxBytes: 1024 * 1024}), /binary content, not a thing/)
    const controls = join(dir, 'controls.bin')
    await writeFile(controls, Buffer.from([1, 2, 3, 4, 5, 6, 0x61, 0x62]))
    await refused(readBoundedText(controls, OPTS), /binary/)
    assert.equal(isBinary(Buffer.from('# Hệ Thống → ok\r\n\tglobal\f\n')), false)
  })

  test('invalid UTF-8 is refused unless lenient', async () => {
    const latin1 = join(dir, 'latin1.cfg')
    await writeFile(latin1, Buffer.from('# caf\u00e9\n', 'latin1'))
    await refused(readBoundedText(latin1, OPTS), /not UTF-8 text/)
    assert.equal(await readBoundedText(latin1, {...OPTS, utf8: 'lenient'}), '# caf\uFFFD\n')
  })

  test('/dev/zero fails at the first chunk, not after reading it all', async () => {
    const started = performance.now()
    await refused(readBoundedText('/dev/zero', {...OPTS, maxBytes: 512 * 1024 * 1024}), /binary content/, '/dev/zero')
    assert.ok(performance.now() - started < 2000)
  })

  test('a pipe is read; an endless one stops at the bound; regularOnly refuses it without opening it', async (t) => {
    const fifo = join(dir, 'targets.fifo')
    execFileSync('mkfifo', [fifo])
    const writer = spawn('sh', ['-c', 'printf "api.test\\nalt.test\\n" > "$1"', 'sh', fifo], {stdio: 'ignore'})
    const written = new Promise((resolve) => writer.once('exit', resolve))
    t.after(() => {
      if (writer.exitCode === null && writer.signalCode === null) writer.kill()
    })
    assert.equal(await readBoundedText(fifo, OPTS), 'api.test\nalt.test\n')
    await written

    const endless = spawn('sh', ['-c', 'exec yes api.test > "$1"', 'sh', fifo], {stdio: 'ignore'})
    t.after(() => {
      if (endless.exitCode === null && endless.signalCode === null) endless.kill()
    })
    await refused(readBoundedText(fifo, {...OPTS, maxBytes: 256 * 1024}), /larger than 256 KiB/, fifo)

    // Refused by stat(): no open(), which would wait for a writer that never comes.
    await refused(readBoundedText(fifo, {...OPTS, regularOnly: true}), /not a regular file/)
  })

  test("with regularOnly, '-' is a file name, not stdin", async () => {
    await refused(readBoundedText('-', {...OPTS, regularOnly: true}), /report -: no such file/)
  })

  test('labels name stdin, and quote names that would not read as one word', () => {
    assert.equal(inputLabel('-', 'report'), 'report on stdin')
    assert.equal(inputLabel('r.json', 'report'), 'report r.json')
    assert.equal(inputLabel('a b\nc', '--file'), '--file "a b\\nc"')
    assert.equal(formatBytes(5 * 1024 * 1024), '5 MiB')
    assert.equal(formatBytes(1000), '1000 bytes')
  })
})
