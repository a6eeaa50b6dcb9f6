// Reads the fields the suite asserts on out of an HAProxy httplog line (configuration manual 8.2.3):
//   client:port [date] frontend backend/server TR/Tw/Tc/Tr/Ta status bytes req_cookie res_cookie TERM actconn/... srv_queue/backend_queue "request"
export interface HttplogLine {
  line: string
  frontend: string
  backend: string
  server: string
  timers: string
  status: number
  bytes: number
  termination: string
  request: string
}

const HTTPLOG = /^(?:.*?\s)?\S+:\d+ \[[^\]]+\] (\S+) ([^/\s]+)\/(\S+) (-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+) (-?\d+) \+?(\d+) \S+ \S+ (\S{4}) \S+ \S+ "(.*)"\s*$/

export function parseHttplog(line: string): HttplogLine | undefined {
  const m = HTTPLOG.exec(line)
  if (!m) return undefined
  return {
    line,
    frontend: m[1]!,
    backend: m[2]!,
    server: m[3]!,
    timers: m[4]!,
    status: Number(m[5]),
    bytes: Number(m[6]),
    termination: m[7]!,
    request: m[8]!,
  }
}
