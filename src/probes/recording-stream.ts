import type {Socket} from 'node:net'
import {Duplex} from 'node:stream'

/** The stream's error when a peer sends more than the phase reading it allows. */
export class ReadLimitError extends Error {
  readonly code = 'ERR_READ_LIMIT'
  constructor(readonly limit: number) {
    super(`the peer sent more than ${limit} bytes`)
  }
}

export interface RecordingOptions {
  /** How many of the first bytes to keep as evidence. */
  keep?: number
  /** At most this many bytes are passed on; the chunk that would cross it fails the stream with ReadLimitError. */
  limit?: number
}

/**
 * Sits between a socket and its reader (TLS, or the HTTP parser) so that the bytes a peer sent
 * instead of a ServerHello (plain HTTP, a malformed alert) can be kept as evidence, so that a FIN
 * and an RST during the handshake can be told apart, and so that a peer that never stops sending
 * (a flood of records the reader skips, an endless status line) is cut off after `limit` bytes
 * instead of being read until the deadline.
 */
export class RecordingStream extends Duplex {
  private firstBytes: Buffer = Buffer.alloc(0)
  peerEnded = false
  peerReset = false
  bytesReceived = 0
  /** Set when the peer sent more than `limit`: whatever the reader then reports, this is why. */
  limitExceeded = false
  /** Settable: a phase that hands the stream on (handshake → HTTP) lifts or moves it. */
  limit: number

  constructor(
    private readonly socket: Socket,
    {keep = 64, limit = Number.POSITIVE_INFINITY}: RecordingOptions = {},
  ) {
    super()
    this.limit = limit
    socket.on('data', (chunk: Buffer) => {
      if (this.destroyed) return
      if (this.bytesReceived + chunk.length > this.limit) {
        // Stop reading at once: the kernel buffers what the peer keeps sending, we do not.
        socket.pause()
        this.limitExceeded = true
        this.destroy(new ReadLimitError(this.limit))
        return
      }
      this.bytesReceived += chunk.length
      if (this.firstBytes.length < keep) this.firstBytes = Buffer.concat([this.firstBytes, chunk.subarray(0, keep - this.firstBytes.length)])
      if (!this.push(chunk)) socket.pause()
    })
    socket.on('end', () => {
      this.peerEnded = true
      this.push(null)
    })
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') this.peerReset = true
      this.destroy(err)
    })
    socket.on('close', () => {
      if (!this.destroyed) this.destroy()
    })
  }

  get firstBytesHex(): string {
    return this.firstBytes.toString('hex')
  }

  /** The first bytes received (at most `keep`). */
  get firstBytesReceived(): Buffer {
    return this.firstBytes
  }

  override _read(): void {
    this.socket.resume()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.destroyed) return callback()
    this.socket.write(chunk, (err) => callback(err ?? null))
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(() => callback())
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy()
    callback(error)
  }
}
