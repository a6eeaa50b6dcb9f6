import {connect, type Socket} from 'node:net'

import {PhaseFailure, withDeadline} from './phase.js'

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EACCES', 'EPERM'])

/** Opens a TCP connection within timeoutMs, or fails as tcp-refused, tcp-reset or tcp-timeout. */
export function connectTcp(address: string, port: number, timeoutMs: number): Promise<Socket> {
  let socket: Socket | undefined
  return withDeadline<Socket>(
    timeoutMs,
    ({resolve, reject}) => {
      socket = connect({host: address, port, noDelay: true})
      const onConnect = () => resolve(socket!)
      const onError = (err: NodeJS.ErrnoException) => {
        const code = err.code ?? 'ECONNECT'
        const outcome = REFUSED.has(code) ? 'tcp-refused' : code === 'ETIMEDOUT' ? 'tcp-timeout' : 'tcp-reset'
        socket!.destroy()
        reject(new PhaseFailure(outcome, {code, message: err.message, phase: 'connect'}))
      }
      socket.once('connect', onConnect)
      socket.once('error', onError)
      return () => {
        socket!.off('connect', onConnect)
        socket!.off('error', onError)
      }
    },
    () => {
      socket?.destroy()
      return new PhaseFailure('tcp-timeout', {code: 'ETIMEDOUT', message: `no TCP connection to ${address}:${port} within ${timeoutMs} ms`, phase: 'connect'})
    },
  )
}
