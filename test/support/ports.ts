import net from 'node:net'

/**
 * A port that refuses, below the ephemeral range (32768-60999 on Linux) where every test server's
 * listen(0) lands: a port freed from that range could be handed to a concurrent test's peer.
 */
export async function refusingPort(host: string): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect({host, port})
      socket.once('connect', () => {
        socket.destroy()
        resolve(false)
      })
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
    })
    if (refused) return port
  }
}
