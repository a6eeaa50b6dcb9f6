// HAProxy log lines: httplog and tcplog (configuration manual §8.2.2, §8.2.3; timers §8.4,
// termination state §8.5), the connection error format (§8.2.5), and the server state / health
// check messages. Parsed by scanning words: no regex here can backtrack over the whole line.

import {check, haproxy} from './advice.js'
import {sslAdvice, sslFacts} from './openssl.js'
import {decodeTermination, implications, terminationFields} from './termination-state.js'
import {clean, echo, isIpLiteral, safeHostFrom, syslogFields, unique, words} from './text.js'
import type {Explanation} from './types.js'

/** ` [26/Nov/2026:05:10:01.123] `: the accept date, the anchor of every HAProxy log line. */
const ACCEPT_DATE = / \[(\d{1,2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)\] /
const TIMER = /^\+?-?\d{1,10}$/
const COUNT = /^\+?\d{1,10}$/
const SIGNED = /^-?\d{1,10}$/

export interface Timer {
  name: string
  value: number
  /** `+` prefix: logasap, the value is a partial one. */
  partial: boolean
}

function parseTimers(token: string, names: string[]): Timer[] | null {
  const parts = token.split('/')
  if (parts.length !== names.length || !parts.every((part) => TIMER.test(part))) return null
  return parts.map((part, i) => ({name: names[i] ?? `T${i}`, value: Number(part.replace('+', '')), partial: part.startsWith('+')}))
}

function parseCounts(token: string | undefined, size: number): string[] | null {
  if (token === undefined) return null
  const parts = token.split('/')
  return parts.length === size && parts.every((part) => COUNT.test(part)) ? parts : null
}

/** A line cut into what precedes the accept date, the client, the date, and what follows. */
interface Anchored {
  prefix: string
  client: {address: string; port: number | null}
  acceptDate: string
  rest: string
}

function anchor(line: string): Anchored | null {
  const m = ACCEPT_DATE.exec(line)
  if (!m?.[1]) return null
  const before = line.slice(0, m.index)
  const lastSpace = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\t'))
  const clientToken = before.slice(lastSpace + 1)
  if (clientToken.length === 0 || clientToken.length > 100) return null
  const colon = clientToken.lastIndexOf(':')
  const portText = colon >= 0 ? clientToken.slice(colon + 1) : ''
  const client = /^\d{1,5}$/.test(portText)
    ? {address: clientToken.slice(0, colon), port: Number(portText)}
    : {address: clientToken, port: null}
  return {prefix: before.slice(0, Math.max(lastSpace, 0)).trim(), client, acceptDate: m[1], rest: line.slice(m.index + m[0].length)}
}

/** Reads `{…}` capture blocks and the quoted request from the end of an httplog line. */
function parseTail(tail: string): {headers: string[][]; request: string | null} {
  const headers: string[][] = []
  let rest = tail.trimStart()
  while (rest.startsWith('{') && headers.length < 2) {
    const close = rest.indexOf('}')
    if (close < 0) break
    headers.push(rest.slice(1, close).split('|').map((value) => clean(value, 200)))
    rest = rest.slice(close + 1).trimStart()
  }
  let request: string | null = null
  if (rest.startsWith('"')) {
    const end = rest.lastIndexOf('"')
    request = end > 0 ? rest.slice(1, end) : rest.slice(1)
  }
  return {headers, request}
}

function parseRequest(raw: string): {raw: string; method?: string; uri?: string; version?: string} {
  const parts = words(raw)
  if (parts.length >= 2 && /^[A-Z]{1,20}$/.test(parts[0] ?? '')) {
    return {raw: clean(raw, 1000), method: parts[0], uri: clean(parts[1] ?? '', 1000), ...(parts[2] ? {version: clean(parts[2], 20)} : {})}
  }
  return {raw: clean(raw, 1000)}
}

/**
 * The host the server line talks to, when the log names it: HAProxy logs the server's *name*
 * (`be_api/gw`), which is a host name only when the configuration used one. The Host the client
 * sent (a `{…}` capture, an absolute URI) is the client-facing name, not the edge's: never used.
 */
function hostFrom(server: string): string | null {
  const fromServer = safeHostFrom(server)
  return fromServer && fromServer.includes('.') && !isIpLiteral(fromServer) ? fromServer : null
}

interface ParsedLog {
  format: 'httplog' | 'tcplog'
  /** `option httplog clf`: the same fields in the Common Log Format order. */
  clf: boolean
  fields: Record<string, unknown>
  timers: Timer[]
  status?: number
  termination: string
  retries: number
  connections: string[]
  queues: string[]
  redispatched: boolean
  server: string
  backend: string
  frontend: string
  host: string | null
  bytes: number
}

/** What both layouts (default and CLF) give, before it is turned into fields. */
interface RawLog {
  format: 'httplog' | 'tcplog'
  clf: boolean
  prefix: string
  client: {address: string; port: number | null}
  acceptDate: string
  frontend: string
  backend: string
  server: string
  timers: Timer[]
  status?: number
  bytesToken: string
  cookies?: {request: string; response: string}
  termination: string
  conns: string[]
  queues: string[]
  headers: {request?: string[]; response?: string[]; unsplit?: string[]}
  request: ReturnType<typeof parseRequest> | null
}

/** Parses an httplog or tcplog line (syslog prefix optional); null when it is neither. */
export function parseTrafficLog(line: string): ParsedLog | null {
  const raw = parseDefaultLayout(line) ?? parseClfLayout(line)
  return raw ? build(raw) : null
}

/** `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r` and the tcplog one. */
function parseDefaultLayout(line: string): RawLog | null {
  const anchored = anchor(line)
  if (!anchored) return null
  const w = words(anchored.rest.slice(0, 4096))
  const [frontend, backendServer, timersToken] = w
  if (!frontend || !backendServer || !timersToken) return null
  const slash = backendServer.indexOf('/')
  if (slash <= 0) return null
  const timerCount = timersToken.split('/').length
  const format = timerCount === 5 ? 'httplog' : timerCount === 3 ? 'tcplog' : null
  if (!format) return null
  const timers = parseTimers(timersToken, format === 'httplog' ? ['TR', 'Tw', 'Tc', 'Tr', 'Ta'] : ['Tw', 'Tc', 'Tt'])
  if (!timers) return null

  let i = 3
  let status: number | undefined
  if (format === 'httplog') {
    const statusToken = w[i++] ?? ''
    if (!SIGNED.test(statusToken)) return null
    status = Number(statusToken)
  }
  const bytesToken = w[i++] ?? ''
  if (!COUNT.test(bytesToken)) return null
  let cookies: {request: string; response: string} | undefined
  if (format === 'httplog') {
    cookies = {request: clean(w[i++] ?? '', 200), response: clean(w[i++] ?? '', 200)}
  }
  const termination = w[i++] ?? ''
  const conns = parseCounts(w[i++], 5)
  const queues = parseCounts(w[i++], 2)
  if (!conns || !queues) return null

  let headers: string[][] = []
  let request: ReturnType<typeof parseRequest> | null = null
  if (format === 'httplog') {
    // Find where the queue token ends in the original text, then read captures and the request.
    let offset = 0
    for (let k = 0; k < i; k++) offset = anchored.rest.indexOf(w[k] ?? '', offset) + (w[k] ?? '').length
    const tail = parseTail(anchored.rest.slice(offset))
    headers = tail.headers
    if (tail.request !== null) request = parseRequest(tail.request)
  }
  return {
    format,
    clf: false,
    prefix: anchored.prefix,
    client: anchored.client,
    acceptDate: anchored.acceptDate,
    frontend,
    backend: backendServer.slice(0, slash),
    server: backendServer.slice(slash + 1),
    timers,
    ...(status !== undefined ? {status} : {}),
    bytesToken,
    ...(cookies ? {cookies} : {}),
    termination,
    conns,
    queues,
    headers: headers.length > 0 ? {request: headers[0] ?? [], ...(headers[1] ? {response: headers[1]} : {})} : {},
    request,
  }
}

/** ` - - [26/Nov/2026:05:45:07 +0000] `: where a CLF line's date sits. */
const CLF_DATE = /^ - - \[(\d{1,2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d{1,6})? [+-]\d{4})\] /

/** Space-separated tokens, a "…" token being one (quotes removed); null when a quote is not closed. */
function quotedTokens(text: string, max: number): string[] | null {
  const out: string[] = []
  let i = 0
  while (out.length < max) {
    while (text[i] === ' ' || text[i] === '\t') i++
    if (i >= text.length) break
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1)
      if (end < 0) return null
      out.push(text.slice(i + 1, end))
      i = end + 1
    } else {
      let end = i
      while (end < text.length && text[end] !== ' ' && text[end] !== '\t') end++
      out.push(text.slice(i, end))
      i = end
    }
  }
  return out
}

/**
 * `option httplog clf` (configuration manual §8.2.3):
 * `%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl`
 * e.g. `127.0.0.1 - - [26/Nov/2026:05:45:07 +0000] "GET /prod/health HTTP/1.1" 503 217 "" "" 59144 336 "fe_main" "be_api" "gw" 0 0 -1 -1 501 SC-- 1 1 0 0 1 0 0 "" "" "api.example.com"`
 */
function parseClfLayout(line: string): RawLog | null {
  const head = line.slice(0, 4096)
  let at = head.indexOf(' - - [')
  for (let guard = 0; at >= 0 && guard < 4; guard++) {
    const date = CLF_DATE.exec(head.slice(at))
    if (date?.[1]) {
      const before = head.slice(0, at)
      const lastSpace = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\t'))
      const address = before.slice(lastSpace + 1)
      const t = quotedTokens(head.slice(at + date[0].length), 64)
      if (address.length > 0 && address.length <= 100 && t && t.length >= 25) {
        const [request, statusToken, bytesToken, , , portToken, msToken, frontend, backend, server] = t
        const timers = parseTimers(t.slice(10, 15).join('/'), ['TR', 'Tw', 'Tc', 'Tr', 'Ta'])
        const conns = parseCounts(t.slice(16, 21).join('/'), 5)
        const queues = parseCounts(t.slice(21, 23).join('/'), 2)
        if (
          request !== undefined && SIGNED.test(statusToken ?? '') && COUNT.test(bytesToken ?? '') && /^\d{1,5}$/.test(portToken ?? '') &&
          /^\d{1,3}$/.test(msToken ?? '') && frontend && backend && server && timers && conns && queues
        ) {
          return {
            format: 'httplog',
            clf: true,
            prefix: before.slice(0, Math.max(lastSpace, 0)).trim(),
            client: {address, port: Number(portToken)},
            acceptDate: date[1],
            frontend,
            backend,
            server,
            timers,
            status: Number(statusToken),
            bytesToken: bytesToken ?? '0',
            cookies: {request: clean(t[23] ?? '', 200), response: clean(t[24] ?? '', 200)},
            termination: t[15] ?? '',
            conns,
            queues,
            // %hrl and %hsl follow each other without a separator: which is which depends on the captures configured.
            headers: t.length > 25 ? {unsplit: t.slice(25).map((value) => clean(value, 200))} : {},
            request: request.length > 0 ? parseRequest(request) : null,
          }
        }
      }
    }
    at = head.indexOf(' - - [', at + 1)
  }
  return null
}

function build(raw: RawLog): ParsedLog | null {
  const {format, timers, conns, queues, status} = raw
  const info = decodeTermination(raw.termination)
  if (!info || (format === 'httplog' && raw.termination.length !== 4) || (format === 'tcplog' && raw.termination.length !== 2)) return null
  const rc = conns[4] ?? '0'
  const retries = Number(rc.replace('+', ''))
  const host = hostFrom(raw.server)
  const timerFields = Object.fromEntries(timers.map((timer) => [timer.name, timer.value]))
  const syslog = syslogFields(raw.prefix)
  const bytes = Number(raw.bytesToken.replace('+', ''))
  const hasHeaders = raw.headers.request !== undefined || raw.headers.unsplit !== undefined
  const fields: Record<string, unknown> = {
    format,
    ...(raw.clf ? {layout: 'clf'} : {}),
    ...(syslog ? {syslog} : {}),
    client: {address: clean(raw.client.address, 100), port: raw.client.port},
    acceptDate: raw.acceptDate,
    frontend: clean(raw.frontend.replace(/~$/, ''), 100),
    frontendSsl: raw.frontend.endsWith('~'),
    backend: clean(raw.backend, 100),
    server: clean(raw.server, 100),
    timers: timerFields,
    ...(timers.some((timer) => timer.partial) ? {logasap: true} : {}),
    ...(status !== undefined ? {status} : {}),
    bytes,
    ...(raw.cookies ? {capturedCookies: raw.cookies} : {}),
    termination: terminationFields(info),
    connections: {ac: Number(conns[0]), fc: Number(conns[1]), bc: Number(conns[2]), sc: Number(conns[3]), rc: retries},
    redispatched: rc.startsWith('+'),
    queues: {sq: Number(queues[0]), bq: Number(queues[1])},
    ...(hasHeaders ? {capturedHeaders: raw.headers} : {}),
    ...(raw.request ? {request: raw.request} : {}),
    ...(host ? {targetHost: host} : {}),
  }
  return {
    format,
    clf: raw.clf,
    fields,
    timers,
    ...(status !== undefined ? {status} : {}),
    termination: raw.termination,
    retries,
    connections: conns,
    queues,
    redispatched: rc.startsWith('+'),
    server: clean(raw.server, 100),
    backend: clean(raw.backend, 100),
    frontend: clean(raw.frontend, 100),
    host,
    bytes,
  }
}

/** A timer's value by name (Tc, Ta…), when the layout logs it. */
function timerValue(parsed: ParsedLog, name: string): number | undefined {
  return parsed.timers.find((timer) => timer.name === name)?.value
}

const NEVER: Record<string, string> = {
  TR: 'the client never sent complete request headers',
  Tq: 'the client never sent complete request headers',
  Tw: 'the request never reached a queue: denied, invalid, answered locally, or no server available',
  Tc: 'the connection to the server (TCP and, with `ssl`, the TLS handshake) never completed',
  Tr: 'the server never sent complete response headers',
}

/** The timers in one line, then what each -1 means unless an earlier line already said it. */
function timerLines(parsed: ParsedLog, said: ReadonlySet<string>): string[] {
  const names = parsed.timers.map((timer) => timer.name).join('/')
  const values = parsed.timers.map((timer) => `${timer.partial ? '+' : ''}${timer.value}`).join('/')
  const notes =
    parsed.format === 'httplog'
      ? 'receive the request / wait in queues / connect to the server (incl. the TLS handshake) / receive the response headers / total active time'
      : 'wait in queues / connect to the server (incl. the TLS handshake) / whole session'
  const partial = parsed.timers.some((timer) => timer.partial) ? '; a + prefix (logasap) marks a value logged before the end' : ''
  const old = parsed.format === 'httplog' && !parsed.clf ? ' (HAProxy ≤ 1.6 logged Tq/Tw/Tc/Tr/Tt here: the first is then Tq and the last Tt)' : ''
  const lines = [`Timers ${names} = ${values} ms: ${notes}${partial}${old}.`]
  const value = (name: string) => timerValue(parsed, name)
  for (const timer of parsed.timers) {
    if (timer.value !== -1 || said.has(timer.name)) continue
    // A phase after one that was never reached was not reached either: say it once.
    if (timer.name === 'Tr' && value('Tc') === -1) continue
    if ((timer.name === 'Tc' || timer.name === 'Tr') && value('Tw') === -1 && said.has('Tw')) continue
    lines.push(`${timer.name} = -1: ${NEVER[timer.name] ?? 'that phase was never reached'}.`)
  }
  if (parsed.format === 'httplog') {
    const [tr, tw, tc, trr, ta] = parsed.timers.map((timer) => timer.value)
    if (ta !== undefined && ta >= 0) {
      const parts = [tr, tw, tc, trr].filter((v): v is number => v !== undefined && v >= 0)
      const td = ta - parts.reduce((sum, v) => sum + v, 0)
      if (td >= 0 && parts.length === 4) lines.push(`Td = Ta - (TR+Tw+Tc+Tr) = ${td} ms spent transferring data.`)
    }
  }
  return lines
}

/** What the timers, status and state together say, beyond the state alone; `said` gets the timers explained. */
function lineImplications(parsed: ParsedLog): {meaning: string[]; causes: string[]; said: Set<string>} {
  const meaning: string[] = []
  const causes: string[] = []
  const said = new Set<string>()
  const timer = (name: string) => timerValue(parsed, name)
  const tc = timer('Tc')
  const total = timer('Ta') ?? timer('Tt')
  const pair = parsed.termination.slice(0, 2)
  if (tc === -1 && pair === 'SC' && parsed.server !== '<NOSRV>') {
    meaning.push(
      `Tc = -1 with SC${parsed.status ? ` and ${parsed.status}` : ''}: the connection to the server, including the TLS handshake, never completed after ${parsed.retries} retr${parsed.retries === 1 ? 'y' : 'ies'}; HAProxy gave up after ${total ?? '?'} ms and ${parsed.format === 'httplog' ? 'answered itself' : 'closed the client connection'}.`,
    )
    said.add('Tc')
    if (parsed.retries > 0 && total !== undefined && total >= 900 * parsed.retries) {
      meaning.push('About one second per retry: HAProxy waits up to 1 s between quick connection retries, the signature of a handshake refused at once rather than a timeout.')
    }
  }
  if (parsed.server === '<NOSRV>') {
    meaning.push('Server <NOSRV>: no server could be selected (all DOWN, in maintenance, or none matched), so Tw, Tc and Tr are -1: nothing was queued or connected.')
    said.add('Tw').add('Tc').add('Tr')
  }
  if (parsed.redispatched) meaning.push('rc has a `+` prefix: the request was redispatched to another server after the connection failed.')
  if (timer('TR') === -1) {
    meaning.push('TR = -1: the client never sent complete request headers.')
    said.add('TR')
  }
  if (tc !== undefined && tc >= 0 && timer('Tr') === -1 && parsed.format === 'httplog') {
    meaning.push('The connection (and TLS handshake) completed, but no response headers came back: TLS and SNI were accepted.')
  }
  if (tc !== undefined && tc >= 2800 && tc <= 3300) causes.push('Tc close to 3000 ms usually means a lost SYN and a TCP retransmission between the proxy and the server')
  const captured = parsed.fields.capturedHeaders as {response?: string[]; unsplit?: string[]} | undefined
  const responseCaptures = [...(captured?.response ?? []), ...(captured?.unsplit ?? [])].join(' ')
  if (responseCaptures.includes('MissingAuthenticationTokenException')) {
    meaning.push('A captured response header says MissingAuthenticationTokenException: the path lacks the stage or resource (or an IAM-authorised API got no signature).')
  } else if (responseCaptures.includes('ForbiddenException')) {
    meaning.push('A captured response header says ForbiddenException: API Gateway refused the request, typically because the Host (and so the API) it names is not this one.')
  } else if (responseCaptures.includes('AccessDeniedException')) {
    meaning.push('A captured response header says AccessDeniedException: a resource policy refuses this caller.')
  } else if (/error from cloudfront/i.test(responseCaptures)) {
    meaning.push('A captured response header says "Error from cloudfront": CloudFront itself answered, not the origin.')
  }
  if (parsed.status === 400 && tc !== undefined && tc >= 0 && pair === '--') {
    meaning.push('The 400 came back from the server over a completed connection: with port 443 this is the edge refusing plain HTTP.')
  }
  return {meaning, causes, said}
}

function explainTrafficLog(parsed: ParsedLog, input: string): Explanation {
  const info = decodeTermination(parsed.termination)!
  const tc = timerValue(parsed, 'Tc')
  const uri = (parsed.fields.request as {uri?: string} | undefined)?.uri
  const path = uri && /^\/[A-Za-z0-9._~\/-]{0,200}$/.test(uri.split('?')[0] ?? '') ? uri.split('?')[0] : undefined
  const what = implications(info, {status: parsed.status, host: parsed.host, tc, retries: parsed.retries, server: parsed.server, bytes: parsed.bytes, path})
  const extra = lineImplications(parsed)
  const route = `${parsed.frontend} → ${parsed.backend}/${parsed.server}`
  const statusPart = parsed.status !== undefined ? `, ${parsed.status}` : ''
  const cookie =
    info.third && info.fourth
      ? info.third.char === '-' && info.fourth.char === '-'
        ? "; '--' no persistence cookie"
        : `; '${info.third.char}' ${info.third.meaning}; '${info.fourth.char}' ${info.fourth.meaning}`
      : ''
  const [ac, fc, bc, sc] = parsed.connections
  const retries = `${parsed.retries} retr${parsed.retries === 1 ? 'y' : 'ies'}${parsed.redispatched ? ', redispatched' : ''}`
  return {
    kind: 'haproxy-log',
    input: echo(input),
    summary: `HAProxy ${parsed.format}${parsed.clf ? ' (CLF)' : ''} line (${route}${statusPart}, ${parsed.termination}): ${what.summary}`,
    fields: parsed.fields,
    meaning: unique([
      ...extra.meaning,
      ...timerLines(parsed, extra.said),
      info.first.char === '-' && info.second.char === '-'
        ? `Termination state ${parsed.termination}: normal completion${cookie}.`
        : `Termination state ${parsed.termination}: '${info.first.char}' ${info.first.meaning}; '${info.second.char}' ${info.second.meaning}${cookie}.`,
      // The manual's note on the pair adds nothing when the implication below says more.
      ...(info.combination && what.meaning.length === 0 ? [`'${info.first.char}${info.second.char}': ${info.combination}.`] : []),
      ...what.meaning,
      `Connections ac/fc/bc/sc/rc = ${parsed.connections.join('/')}: ${ac} in the whole process, ${fc} on the frontend, ${bc} on the backend, ${sc} on the server; ${retries}. Queues sq/bq = ${parsed.queues.join('/')}.`,
    ]),
    likelyCauses: unique([...what.likelyCauses, ...extra.causes]),
    nextSteps: unique(what.nextSteps),
  }
}

/** Frontend connection errors: `fe_main/1: SSL handshake failure` (between the client and HAProxy). */
function explainConnectionError(anchored: Anchored, input: string): Explanation | null {
  const m = /^([^\s/:]{1,100})\/([^\s:]{1,100}): (.{1,500})$/.exec(anchored.rest.trim())
  if (!m?.[3]) return null
  const message = m[3].trim()
  const lower = message.toLowerCase()
  const tlsProblem = lower.includes('ssl') || lower.includes('handshake')
  return {
    kind: 'haproxy-log',
    input: echo(input),
    summary: `HAProxy connection error on the client side (frontend ${clean(m[1] ?? '', 100)}, bind ${clean(m[2] ?? '', 100)}): ${clean(message, 200)}.`,
    fields: {
      format: 'connection-error',
      ...(syslogFields(anchored.prefix) ? {syslog: syslogFields(anchored.prefix)} : {}),
      client: {address: clean(anchored.client.address, 100), port: anchored.client.port},
      acceptDate: anchored.acceptDate,
      frontend: clean(m[1] ?? '', 100),
      bind: clean(m[2] ?? '', 100),
      message: clean(message, 500),
    },
    meaning: [
      'This is HAProxy\'s connection error format (§8.2.5): a client connection to one of HAProxy\'s own `bind` lines failed before any request.',
      'It concerns the client ↔ HAProxy side, not the connection from HAProxy to API Gateway / CloudFront.',
    ],
    likelyCauses: tlsProblem
      ? [
          'A client speaking plain HTTP to a `bind … ssl` port, or a scanner',
          'A client that does not trust HAProxy\'s certificate, or has no TLS version/cipher in common with it',
          'A client that closed the connection during the handshake (health checkers often do)',
        ]
      : ['A client that connected and left, or a timeout on the client side'],
    nextSteps: ['Test the frontend yourself: `openssl s_client -connect <haproxy>:443 -servername <name>`', 'For the upstream side, explain an httplog line of a failed request instead'],
  }
}

const CHECK_LINE = /(?:Health check for (?:backup )?server|Server) ([^\s/]{1,100})\/([^\s,]{1,100})(?: (?:is (UP|DOWN)|(failed|succeeded)))?,? ?(?:reason: ([^,]{1,80}))?(?:, code: (\d{3}))?(?:, info: "([^"]{0,300})")?/
const NO_SERVER = /backend '?([^\s']{1,100})'? has no server available!/

/** `Server be/srv is DOWN, reason: Layer6 invalid response, info: "SSL handshake failure"` and friends. */
function explainServerState(line: string, input: string): Explanation | null {
  const noServer = NO_SERVER.exec(line)
  const m = noServer ? null : CHECK_LINE.exec(line)
  if (!noServer && (!m || (!m[3] && !m[4] && !line.includes('Health check')))) return null
  const backend = noServer ? clean(noServer[1] ?? '', 100) : clean(m?.[1] ?? '', 100)
  const server = m ? clean(m[2] ?? '', 100) : null
  const reason = m?.[5]?.trim() ?? ''
  // A check that passed says so in its verb, its reason ("Layer6 check passed") or its "status: n/m UP".
  const passed = m?.[4] === 'succeeded' || /check passed/i.test(reason) || /status: \d+\/\d+ UP/.test(line)
  const state = m?.[3] ?? (noServer ? 'DOWN' : passed ? 'UP' : m?.[4] === 'failed' || line.includes('failed') ? 'failing' : undefined)
  const code = m?.[6] ? Number(m[6]) : undefined
  const info = m?.[7] ?? ''
  const namedHost = server ? hostFrom(server) : null
  const lowerReason = reason.toLowerCase()
  const causes: string[] = []
  const steps: string[] = []
  const meaning: string[] = []

  if (noServer) {
    meaning.push('Every server of this backend is DOWN: each request now gets 503 with server <NOSRV> and termination state SC--.')
    causes.push('Health checks failing against the edge (see the "Server … is DOWN" lines before it)')
    steps.push(haproxy.checkSni(namedHost), check.probe(namedHost))
  } else if (passed) {
    meaning.push(`The health check passed${reason ? ` (${clean(reason, 80)})` : ''}: the server is in service.`)
  } else if (lowerReason.startsWith('layer6')) {
    const facts = sslFacts(info)
    const advice = sslAdvice(facts, namedHost)
    meaning.push('Layer6 = the TLS layer of the health check failed: TCP connected, the handshake did not complete.')
    if (advice) meaning.push(...advice.meaning)
    causes.push(
      'The check sends a ClientHello without SNI: `check-sni` is separate from `sni` and takes a plain string, so a strict-SNI edge refuses the check while traffic would work',
      'The check verifies the certificate against a `ca-file` without the edge\'s CA',
    )
    steps.push(haproxy.checkSni(namedHost), haproxy.caFile(), check.probe(namedHost))
  } else if (lowerReason.startsWith('layer7')) {
    meaning.push(`Layer7 = the HTTP check completed but its answer was refused${code ? ` (status ${code})` : ''}.`)
    if (code === 403) causes.push('The check request carries no (or the wrong) Host: the edge answers 403; or the path lacks the stage (Missing Authentication Token)')
    else if (code === 400) causes.push('The check speaks plain HTTP to the TLS port (no `check-ssl`), or sends no Host header')
    else if (code === 404) causes.push('The check path does not exist on the API (stage or route missing)')
    else causes.push('The check path or expected status does not match what the API answers')
    steps.push(
      'HAProxy ≥ 2.2: `option httpchk` + `http-check send meth GET uri /<stage>/<path> ver HTTP/1.1 hdr Host <host>` + `http-check expect status 200`'.replace(/<host>/g, namedHost ?? '<host>'),
      haproxy.checkSni(namedHost),
      check.probe(namedHost, '--path /<stage>/<path>'),
    )
  } else if (lowerReason.startsWith('layer4')) {
    meaning.push('Layer4 = the TCP connection of the health check failed (refused or timed out).')
    causes.push('Wrong port or address, a firewall, or stale addresses of a rotating edge')
    steps.push(haproxy.resolvers(), check.probe(namedHost))
  } else if (state === 'UP') {
    meaning.push('The server passed its health check and is in service again.')
  } else if (state === 'DOWN') {
    meaning.push('The server failed enough health checks to be taken out of service: requests go to other servers, or get 503 <NOSRV> when none is left.')
    causes.push('Health checks failing against a strict-SNI edge: `check-sni` missing (see the Layer6 line before it)', 'Wrong port or address, or stale addresses of a rotating edge')
    steps.push(haproxy.checkSni(namedHost), check.probe(namedHost))
  } else {
    meaning.push(`Health check result${reason ? `: ${clean(reason, 80)}` : ''}.`)
    steps.push(check.probe(namedHost))
  }
  return {
    kind: 'haproxy-log',
    input: echo(input),
    summary: noServer
      ? `HAProxy backend ${backend} has no server left: requests get 503 <NOSRV> until a health check passes again.`
      : `HAProxy health check: server ${backend}/${server} ${passed ? 'passed its check' : state === 'UP' ? 'is UP' : state === 'DOWN' ? 'is DOWN' : 'failed a check'}${reason ? ` (${clean(reason, 80)}${info ? `: ${clean(info, 120)}` : ''})` : ''}.`,
    fields: {
      format: 'server-state',
      backend,
      ...(server ? {server} : {}),
      ...(state ? {state} : {}),
      ...(reason ? {reason: clean(reason, 80)} : {}),
      ...(code !== undefined ? {code} : {}),
      ...(info ? {info: clean(info, 300)} : {}),
      ...(namedHost ? {targetHost: namedHost} : {}),
    },
    meaning,
    likelyCauses: causes,
    nextSteps: unique(steps),
  }
}

/** Partial reading of a custom log format: finds the termination state by its neighbours. */
function explainCustom(anchored: Anchored, input: string): Explanation | null {
  const w = words(anchored.rest.slice(0, 4096))
  for (let k = 0; k < w.length - 1; k++) {
    const token = w[k] ?? ''
    if (token.length !== 4 && token.length !== 2) continue
    if (!decodeTermination(token) || !parseCounts(w[k + 1], 5)) continue
    const status = w.slice(Math.max(0, k - 5), k).find((candidate) => /^[1-5]\d\d$/.test(candidate))
    const rc = Number((parseCounts(w[k + 1], 5)?.[4] ?? '0').replace('+', ''))
    const explained = decodeTermination(token)!
    const what = implications(explained, {status: status ? Number(status) : undefined, retries: rc})
    return {
      kind: 'haproxy-log',
      input: echo(input),
      summary: `HAProxy log line in a custom format (${token}${status ? `, ${status}` : ''}): ${what.summary}`,
      fields: {format: 'custom', acceptDate: anchored.acceptDate, termination: terminationFields(explained), ...(status ? {status: Number(status)} : {}), connections: {rc}},
      meaning: ['Only partly parsed: the line does not follow the default httplog/tcplog layout.', ...what.meaning],
      likelyCauses: what.likelyCauses,
      nextSteps: what.nextSteps,
    }
  }
  return null
}

/** A whole HAProxy log line, with or without its syslog prefix. */
export function match(text: string): Explanation | null {
  const input = text.trim()
  if (input.length === 0) return null
  const line = input.split('\n', 1)[0] ?? ''
  const parsed = parseTrafficLog(line)
  if (parsed) return explainTrafficLog(parsed, input)
  const anchored = anchor(line)
  if (anchored) {
    return explainConnectionError(anchored, input) ?? explainCustom(anchored, input)
  }
  if (line.includes('Health check for') || line.includes('Server ') || line.includes('has no server available')) {
    return explainServerState(line.slice(0, 4096), input)
  }
  return null
}
