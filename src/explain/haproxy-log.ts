// HAProxy log lines: httplog and tcplog (configuration manual §8.2.2, §8.2.3; timers §8.4,
// termination state §8.5), the connection error format (§8.2.5), and the server state / health
// check messages. Parsed by scanning words: no regex here can backtrack over the whole line.

import {check, haproxy} from './advice.js'
import {sslAdvice, sslFacts} from './openssl.js'
import {decodeTermination, implications, terminationFields} from './termination-state.js'
import {clean, echo, hostFromUrl, isIpLiteral, safeHostFrom, unique, words} from './text.js'
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

const TIMER_NOTES: Record<string, string> = {
  TR: 'time to receive the full request headers from the client',
  Tq: 'time to receive the request, from the accept date (HAProxy ≤ 1.6 name; TR in 1.7+)',
  Tw: 'time spent in queues waiting for a connection slot',
  Tc: 'time to establish the connection to the server (for `ssl` servers, including the TLS handshake)',
  Tr: 'server response time: until the full response headers were received',
  Ta: 'total active time of the request, from the first byte received to the last byte sent',
  Tt: 'total session duration, from accept to close',
}

const NEVER: Record<string, string> = {
  TR: 'the client never sent complete request headers',
  Tq: 'the client never sent complete request headers',
  Tw: 'the request never reached a queue: denied, invalid, or no server available',
  Tc: 'the connection to the server (TCP and, with `ssl`, the TLS handshake) never completed',
  Tr: 'the server never sent complete response headers',
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

function syslogFields(prefix: string): Record<string, unknown> | undefined {
  if (!prefix) return undefined
  const process = /([A-Za-z][\w.-]{0,63})\[(\d{1,10})\]:?$/.exec(prefix)
  return {prefix: clean(prefix, 200), ...(process ? {process: process[1], pid: Number(process[2])} : {})}
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

function hostFrom(request: {uri?: string} | null, headers: string[][], server: string): string | null {
  const fromUri = request?.uri ? hostFromUrl(request.uri) : null
  if (fromUri) return fromUri
  for (const value of headers[0] ?? []) {
    const host = safeHostFrom(value)
    if (host && host.includes('.') && !isIpLiteral(host)) return host
  }
  const fromServer = safeHostFrom(server)
  return fromServer && fromServer.includes('.') && !isIpLiteral(fromServer) ? fromServer : null
}

interface ParsedLog {
  format: 'httplog' | 'tcplog'
  fields: Record<string, unknown>
  timers: Timer[]
  status?: number
  termination: string
  retries: number
  redispatched: boolean
  server: string
  backend: string
  frontend: string
  host: string | null
  bytes: number
}

/** Parses an httplog or tcplog line (syslog prefix optional); null when it is neither. */
export function parseTrafficLog(line: string): ParsedLog | null {
  const anchored = anchor(line)
  if (!anchored) return null
  const w = words(anchored.rest.slice(0, 4096))
  const [frontend, backendServer, timersToken] = w
  if (!frontend || !backendServer || !timersToken) return null
  const slash = backendServer.indexOf('/')
  if (slash <= 0) return null
  const backend = backendServer.slice(0, slash)
  const server = backendServer.slice(slash + 1)
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
  const info = decodeTermination(termination)
  if (!info || (format === 'httplog' && termination.length !== 4) || (format === 'tcplog' && termination.length !== 2)) return null
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
  const rc = conns[4] ?? '0'
  const retries = Number(rc.replace('+', ''))
  const host = hostFrom(request, headers, server)
  const timerFields = Object.fromEntries(timers.map((timer) => [timer.name, timer.value]))
  const fields: Record<string, unknown> = {
    format,
    ...(syslogFields(anchored.prefix) ? {syslog: syslogFields(anchored.prefix)} : {}),
    client: {address: clean(anchored.client.address, 100), port: anchored.client.port},
    acceptDate: anchored.acceptDate,
    frontend: clean(frontend.replace(/~$/, ''), 100),
    frontendSsl: frontend.endsWith('~'),
    backend: clean(backend, 100),
    server: clean(server, 100),
    timers: timerFields,
    ...(timers.some((timer) => timer.partial) ? {logasap: true} : {}),
    ...(status !== undefined ? {status} : {}),
    bytes: Number(bytesToken.replace('+', '')),
    ...(cookies ? {capturedCookies: cookies} : {}),
    termination: terminationFields(info),
    connections: {ac: Number(conns[0]), fc: Number(conns[1]), bc: Number(conns[2]), sc: Number(conns[3]), rc: retries},
    redispatched: rc.startsWith('+'),
    queues: {sq: Number(queues[0]), bq: Number(queues[1])},
    ...(headers.length > 0 ? {capturedHeaders: {request: headers[0] ?? [], ...(headers[1] ? {response: headers[1]} : {})}} : {}),
    ...(request ? {request} : {}),
    ...(host ? {targetHost: host} : {}),
  }
  return {
    format,
    fields,
    timers,
    ...(status !== undefined ? {status} : {}),
    termination,
    retries,
    redispatched: rc.startsWith('+'),
    server: clean(server, 100),
    backend: clean(backend, 100),
    frontend: clean(frontend, 100),
    host,
    bytes: Number(bytesToken.replace('+', '')),
  }
}

function timerLines(parsed: ParsedLog): string[] {
  const lines: string[] = []
  for (const timer of parsed.timers) {
    const note = TIMER_NOTES[timer.name] ?? ''
    if (timer.value === -1) lines.push(`${timer.name} = -1: ${NEVER[timer.name] ?? 'that phase never completed'}.`)
    else lines.push(`${timer.name} = ${timer.partial ? '+' : ''}${timer.value} ms: ${note}${timer.partial ? ' (logasap: logged before the end, so only a partial value)' : ''}.`)
  }
  if (parsed.format === 'httplog') {
    lines.push('On HAProxy ≤ 1.6 the default format had Tq/Tw/Tc/Tr/Tt in this field: the first is then Tq and the last Tt.')
    const [tr, tw, tc, trr, ta] = parsed.timers.map((timer) => timer.value)
    if (ta !== undefined && ta >= 0) {
      const parts = [tr, tw, tc, trr].filter((value): value is number => value !== undefined && value >= 0)
      const td = ta - parts.reduce((sum, value) => sum + value, 0)
      if (td >= 0 && parts.length === 4) lines.push(`Td = Ta - (TR+Tw+Tc+Tr) = ${td} ms spent transferring data.`)
    }
  }
  return lines
}

/** What the timers, status and state together say, beyond the state alone. */
function lineImplications(parsed: ParsedLog): {meaning: string[]; causes: string[]} {
  const meaning: string[] = []
  const causes: string[] = []
  const timer = (name: string): number | undefined => parsed.timers.find((t) => t.name === name)?.value
  const tc = timer('Tc')
  const total = timer('Ta') ?? timer('Tt')
  const pair = parsed.termination.slice(0, 2)
  if (tc === -1 && pair === 'SC' && parsed.server !== '<NOSRV>') {
    meaning.push(
      `Tc = -1 with SC${parsed.status ? ` and ${parsed.status}` : ''}: the connection to the server, including the TLS handshake, never completed after ${parsed.retries} retr${parsed.retries === 1 ? 'y' : 'ies'}; HAProxy gave up after ${total ?? '?'} ms and ${parsed.format === 'httplog' ? 'answered itself' : 'closed the client connection'}.`,
    )
    if (parsed.retries > 0 && total !== undefined && total >= 900 * parsed.retries) {
      meaning.push('About one second per retry: HAProxy waits up to 1 s between quick connection retries, the signature of a handshake refused at once rather than a timeout.')
    }
  }
  if (parsed.server === '<NOSRV>') meaning.push('Server <NOSRV>: no server could be selected (all DOWN, in maintenance, or none matched).')
  if (parsed.redispatched) meaning.push('rc has a `+` prefix: the request was redispatched to another server after the connection failed.')
  if (timer('Tw') === -1 && pair !== 'SC') meaning.push('Tw = -1: the request was never queued for a server (invalid, denied, or answered locally).')
  if (timer('TR') === -1) meaning.push('TR = -1: the client never sent complete request headers.')
  if (tc !== undefined && tc >= 0 && timer('Tr') === -1 && parsed.format === 'httplog') {
    meaning.push('The connection (and TLS handshake) completed, but no response headers came back: TLS and SNI were accepted.')
  }
  if (tc !== undefined && tc >= 2800 && tc <= 3300) causes.push('Tc close to 3000 ms usually means a lost SYN and a TCP retransmission between the proxy and the server')
  const responseCaptures = ((parsed.fields.capturedHeaders as {response?: string[]} | undefined)?.response ?? []).join(' ')
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
  return {meaning, causes}
}

function explainTrafficLog(parsed: ParsedLog, input: string): Explanation {
  const info = decodeTermination(parsed.termination)!
  const tc = parsed.timers.find((t) => t.name === 'Tc')?.value
  const uri = (parsed.fields.request as {uri?: string} | undefined)?.uri
  const path = uri && /^\/[A-Za-z0-9._~\/-]{0,200}$/.test(uri.split('?')[0] ?? '') ? uri.split('?')[0] : undefined
  const what = implications(info, {status: parsed.status, host: parsed.host, tc, retries: parsed.retries, server: parsed.server, bytes: parsed.bytes, path})
  const extra = lineImplications(parsed)
  const route = `${parsed.frontend} → ${parsed.backend}/${parsed.server}`
  const statusPart = parsed.status !== undefined ? `, ${parsed.status}` : ''
  return {
    kind: 'haproxy-log',
    input: echo(input),
    summary: `HAProxy ${parsed.format} line (${route}${statusPart}, ${parsed.termination}): ${what.summary}`,
    fields: parsed.fields,
    meaning: unique([
      ...extra.meaning,
      ...timerLines(parsed),
      `Termination state ${parsed.termination}: 1st '${info.first.char}' ${info.first.meaning}; 2nd '${info.second.char}' ${info.second.meaning}.`,
      ...(info.third && info.fourth
        ? [
            info.third.char === '-' && info.fourth.char === '-'
              ? "Cookie flags '--': no persistence cookie is configured."
              : `Cookie flags '${info.third.char}${info.fourth.char}': ${info.third.meaning}; ${info.fourth.meaning}.`,
          ]
        : []),
      ...(info.combination ? [`'${info.first.char}${info.second.char}': ${info.combination}.`] : []),
      ...what.meaning,
      `Connections ac/fc/bc/sc/rc: process-wide, frontend, backend, server, and ${parsed.retries} retr${parsed.retries === 1 ? 'y' : 'ies'}.`,
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
  const host = server ? safeHostFrom(server) : null
  const namedHost = host && host.includes('.') && !isIpLiteral(host) ? host : null
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
