import type {Socket} from 'node:net'
import {Duplex} from 'node:stream'

/**
 * Sits between the TCP socket and TLS so that the bytes a peer sent instead of a ServerHello
 * (plain HTTP, a malformed alert) can be kept as evidence, and so that a FIN and an RST
 * during the handshake can be told apart.
 */
export class RecordingStream extends Duplex {
  private firstBytes: Buffer = Buffer.alloc(0)
  peerEnded = false
  peerReset = false
  bytesReceived = 0

  constructor(
    private readonly socket: Socket,
    keep = 64,
  ) {
    super()
    socket.on('data', (chunk: Buffer) => {
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
