// A TCP relay on loopback in front of a test edge: what a client connecting to it sees is the edge,
// further away. Every chunk is held `delayMs` in each direction (so a round trip costs 2 × delayMs,
// a TLS 1.3 request two round trips), ends and resets follow the data with the same delay, and the
// relay counts connections (current and peak) so that a test can see how many sockets a client
// opens at once. Used by the batch CLI tests and by `npm run bench`.
import net from 'node:net'

export interface RelayOptions {
  /** Where the edge listens. */
  targetHost: string
  targetPort: number
  /** Held in each direction, per chunk (ms). Default 0. */
  delayMs?: number
  /** Loopback address to listen on. Default 127.0.0.1. */
  host?: string
}

export interface Relay {
  host: string
  port: number
  /** Client connections open right now, the most open at once, and all accepted so far. */
  connections: {current: number; peak: number; total: number}
  close(): Promise<void>
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const delayMs = options.delayMs ?? 0
  const host = options.host ?? '127.0.0.1'
  if (!(host === '::1' || (net.isIPv4(host) && host.startsWith('127.')))) throw new Error(`startRelay: ${host} is not a loopback address`)
  const connections = {current: 0, peak: 0, total: 0}
  const open = new Set<net.Socket>()
  const later = (fn: () => void) => (delayMs > 0 ? setTimeout(fn, delayMs) : setImmediate(fn))

  /** Forwards from → to with the delay; an end or reset of `from` reaches `to` after the same delay. */
  const pipeDelayed = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => later(() => to.destroyed || to.write(chunk)))
    from.on('end', () => later(() => to.destroyed || to.end()))
    // A reset (ECONNRESET) arrives as a reset; a plain close as an end.
    from.on('error', () => later(() => to.destroyed || to.resetAndDestroy()))
    from.on('close', () => later(() => to.destroyed || to.end()))
  }

  const server = net.createServer((client) => {
    connections.current++
    connections.total++
    connections.peak = Math.max(connections.peak, connections.current)
    client.once('close', () => connections.current--)
    const upstream = net.connect({host: options.targetHost, port: options.targetPort})
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true)
      open.add(socket)
      socket.once('close', () => open.delete(socket))
      socket.on('error', () => {})
    }
    pipeDelayed(client, upstream)
    pipeDelayed(upstream, client)
  })
  server.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve())
  })
  return {
    host,
    port: (server.address() as net.AddressInfo).port,
    connections,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of open) socket.destroy()
      await closed
    },
  }
}
