// HAProxy's session state at disconnection (configuration manual, section 8.5): 2 characters in
// tcplog, 4 in httplog. Each character is explained, then what the pair implies for a proxy in
// front of API Gateway / CloudFront.

import {check, haproxy} from './advice.js'
import {echo} from './text.js'
import type {Explanation} from './types.js'

export const FIRST: Record<string, string> = {
  C: 'the TCP session was unexpectedly aborted by the client',
  S: 'the TCP session was unexpectedly aborted by the server, or the server explicitly refused it',
  P: 'the session was prematurely aborted by the proxy (connection limit, a deny rule, or a security check on the response)',
  L: 'the session was locally processed by HAProxy and not passed to a server (redirect, stats, `http-request return`)',
  R: 'a resource on the proxy has been exhausted (memory, sockets, source ports…)',
  I: 'an internal error was identified by the proxy during a self-check (should never happen: a bug)',
  D: 'the session was killed by HAProxy because the server was detected as down (on-marked-down shutdown-sessions)',
  U: 'the session was killed by HAProxy on this backup server because an active server came back up (on-marked-up shutdown-backup-sessions)',
  K: 'the session was actively killed by an admin operating on HAProxy',
  c: 'the client-side timeout expired while waiting for the client to send or receive data',
  s: 'the server-side timeout expired while waiting for the server to send or receive data',
  '-': 'normal session completion, both the client and the server closed with nothing left in the buffers',
}

export const SECOND: Record<string, string> = {
  R: 'the proxy was waiting for a complete, valid REQUEST from the client (HTTP mode only); nothing was sent to any server',
  Q: 'the proxy was waiting in the QUEUE for a connection slot (servers with maxconn, or the global queue after a redispatch)',
  C: 'the proxy was waiting for the CONNECTION to establish on the server (for a server with `ssl`, this includes the TLS handshake)',
  H: 'the proxy was waiting for complete, valid response HEADERS from the server (HTTP only)',
  D: 'the session was in the DATA phase',
  L: 'the proxy was still transmitting LAST data to the client while the server had already finished',
  T: 'the request was tarpitted (held open for `timeout tarpit`)',
  '-': 'normal session completion after end of data transfer',
}

export const THIRD: Record<string, string> = {
  N: 'the client provided NO persistence cookie',
  I: 'the client provided an INVALID persistence cookie matching no known server',
  D: 'the client provided a cookie designating a server which was DOWN',
  V: 'the client provided a VALID cookie and was sent to the associated server',
  E: 'the client provided a valid cookie whose last date was too old for `maxidle` (EXPIRED, ignored)',
  O: 'the client provided a valid cookie whose first date was too old for `maxlife` (too OLD, ignored)',
  U: 'a cookie was present but not USED to select the server (another mechanism such as `use-server` chose it)',
  '-': 'does not apply (no persistence cookie configured)',
}

export const FOURTH: Record<string, string> = {
  N: 'NO cookie was provided by the server, and none was inserted either',
  I: 'no cookie was provided by the server, and the proxy INSERTED one',
  U: 'the proxy UPDATED the last date in the cookie presented by the client (insert mode with maxidle)',
  P: 'a cookie was PROVIDED by the server and transmitted as-is',
  R: 'the cookie provided by the server was REWRITTEN by the proxy (cookie rewrite or prefix mode)',
  D: 'the cookie provided by the server was DELETED by the proxy',
  '-': 'does not apply (no persistence cookie configured)',
}

/** The manual's notes on the common first-two-character combinations. */
export const COMBINATIONS: Record<string, string> = {
  '--': 'normal termination',
  CC: 'the client aborted before the connection to the server was established',
  CD: 'the client unexpectedly aborted during data transfer',
  cD: 'the client did not send nor acknowledge any data for as long as `timeout client`',
  CH: 'the client aborted while waiting for the server to start responding',
  cH: '`timeout client` struck while waiting for client data (e.g. during a POST)',
  CQ: 'the client aborted while its session was queued',
  CR: 'the client aborted before sending a full HTTP request (the status is likely 400)',
  cR: '`timeout http-request` struck before the client sent a full request (the status is likely 408)',
  CT: 'the client aborted while its session was tarpitted',
  LR: 'the request was intercepted and locally handled by HAProxy (redirect, stats, http-request return)',
  SC: 'the server or an equipment between it and HAProxy refused the connection (TCP RST, ICMP, or a failed TLS handshake); in HTTP mode the status is likely 502 or 503',
  sC: '`timeout connect` struck before a connection to the server could complete; the status is likely 503 or 504',
  SD: 'the connection to the server died with an error during the data transfer (RST or ICMP)',
  sD: 'the server did not send nor acknowledge any data for as long as `timeout server` during the data phase',
  SH: 'the server aborted before sending its full response headers, or crashed while processing the request',
  sH: '`timeout server` struck before the server returned its response headers; the status is likely 504',
  sQ: 'the session spent too long in the queue (`timeout queue`) and was expired; the status is likely 503',
  PC: 'the proxy refused to connect to the server because the process\' socket limit was reached (global maxconn, ulimit-n)',
  PD: 'the proxy blocked an incorrectly formatted chunked message after the server emitted its headers',
  PH: 'the proxy blocked the server\'s response because it was invalid, incomplete or dangerous; a 502 is sent',
  PR: 'the proxy blocked the client\'s request: invalid HTTP syntax (400) or a deny rule (403)',
  PT: 'the proxy blocked and tarpitted the client\'s request before returning an error; nothing was sent to the server',
  RC: 'a local resource was exhausted (memory, sockets, source ports), preventing the connection to the server',
}

export interface TerminationInfo {
  code: string
  mode: 'tcp' | 'http'
  first: {char: string; meaning: string}
  second: {char: string; meaning: string}
  third?: {char: string; meaning: string}
  fourth?: {char: string; meaning: string}
  /** The manual's note on the first two characters together, when it has one. */
  combination?: string
}

/** Decodes a 2- or 4-character termination state; null if any character is not a documented code. */
export function decodeTermination(code: string): TerminationInfo | null {
  if (code.length !== 2 && code.length !== 4) return null
  const [a = '', b = '', c = '', d = ''] = [...code]
  const first = FIRST[a]
  const second = SECOND[b]
  if (first === undefined || second === undefined) return null
  const info: TerminationInfo = {code, mode: code.length === 4 ? 'http' : 'tcp', first: {char: a, meaning: first}, second: {char: b, meaning: second}}
  if (code.length === 4) {
    const third = THIRD[c]
    const fourth = FOURTH[d]
    if (third === undefined || fourth === undefined) return null
    info.third = {char: c, meaning: third}
    info.fourth = {char: d, meaning: fourth}
  }
  const combination = COMBINATIONS[a + b]
  if (combination) info.combination = combination
  return info
}

/** What else is known about the session, from a log line or from the user's words. */
export interface TerminationContext {
  status?: number
  host?: string | null
  /** Tc from the log: -1 means the connection (incl. TLS handshake) never completed. */
  tc?: number
  retries?: number
  server?: string
  /** Bytes sent to the client. */
  bytes?: number
  /** Request path, already checked to be safe in a command line. */
  path?: string
}

export interface Implication {
  summary: string
  meaning: string[]
  likelyCauses: string[]
  nextSteps: string[]
}

/** What the state means for this product's problem: the SNI / TLS / Host failures at the edge. */
export function implications(info: TerminationInfo, ctx: TerminationContext = {}): Implication {
  const host = ctx.host ?? null
  const pair = info.first.char + info.second.char
  const status = ctx.status
  const noServer = ctx.server === '<NOSRV>'
  const retries = ctx.retries !== undefined && ctx.retries > 0 ? ` after ${ctx.retries} retr${ctx.retries === 1 ? 'y' : 'ies'}` : ''

  if (pair === 'SC' && noServer) {
    return {
      summary: `No server was available (<NOSRV>): HAProxy answered ${status ?? 503} itself; the server is marked DOWN, most likely by failing health checks.`,
      meaning: ['<NOSRV> means no server was selected: every server of the backend was DOWN or in maintenance, so no connection was even attempted.'],
      likelyCauses: [
        'Health checks with `check` over TLS send their own ClientHello: without `check-sni` they carry no SNI and a strict-SNI edge fails them, marking the server DOWN',
        'Health checks without `check-ssl` speaking plain HTTP to port 443, or an HTTP check (`option httpchk`) without the right Host',
        'The server was put in maintenance, or its address no longer resolves',
      ],
      nextSteps: [
        haproxy.checkSni(host),
        'HAProxy ≥ 2.2: `option httpchk` with `http-check send meth GET uri /<stage>/<path> hdr Host <host>`',
        'Look for "Server <backend>/<server> is DOWN, reason: Layer6 …" in the HAProxy log and explain that line too',
        check.probe(host),
      ],
    }
  }
  if (pair === 'SC') {
    return {
      summary: `The server refused or cut the connection while HAProxy was connecting${retries}; for a server with \`ssl\` this includes the TLS handshake${status ? `, so HAProxy answered ${status} itself` : ''}.`,
      meaning: [
        // A log line with Tc = -1 already says this, with its numbers.
        ...(ctx.tc === -1 ? [] : ['HAProxy never got a usable connection to the server: a TCP RST/ICMP, or, with `ssl` on the server line, a TLS handshake that failed.']),
        'The log alone cannot tell a missing SNI from a failed certificate check: a probe can.',
      ],
      likelyCauses: [
        'No SNI sent to a strict-SNI edge (CloudFront, API Gateway): it closes the connection or sends an alert, HAProxy retries, then answers 503',
        'Certificate verification failed: `verify required` with a `ca-file` that does not hold the edge\'s CA (HAProxy logs the same SC--)',
        '`ssl` on a server line that points at a plain-HTTP port (TLS sent to port 80)',
        'Nothing listening or a firewall rejecting (TCP RST / ICMP unreachable) at that address and port',
      ],
      nextSteps: [haproxy.serverLine(host), haproxy.sni(host), haproxy.caFile(), check.opensslNoSni(host), check.probe(host)],
    }
  }
  if (pair === 'sC') {
    return {
      summary: `\`timeout connect\` struck before the connection to the server (incl. the TLS handshake) completed${retries}.`,
      meaning: ['The server never answered in time: packets dropped rather than refused.'],
      likelyCauses: [
        'A firewall, security group or NACL silently dropping traffic to the edge on 443',
        'A stale address: CloudFront and API Gateway addresses rotate, and HAProxy resolved the name once at start',
        'A TLS handshake the peer never finished (a middlebox swallowing the ClientHello)',
      ],
      nextSteps: [haproxy.resolvers(), 'Check egress to the edge on 443 from the proxy host', check.probe(host)],
    }
  }
  if (info.first.char === '-' && info.second.char === '-') return normalCompletion(status, host, ctx.path)
  if (pair === 'SH' || pair === 'sH') {
    const timeout = pair === 'sH'
    return {
      summary: timeout
        ? 'The server accepted the request but sent no response headers before `timeout server`.'
        : 'The server (or something in between) closed the connection after the request, before sending full response headers.',
      meaning: [timeout ? 'HAProxy answers 504 itself.' : 'HAProxy answers 502 itself.'],
      likelyCauses: timeout
        ? ['A slow integration: API Gateway itself answers 504 after 29 s, so a shorter `timeout server` fires first', 'A request body the server waits for and never gets']
        : [
            'The edge closed the connection instead of answering: a plain-HTTP request on a TLS port of a server that closes rather than answering 400',
            'A reused idle connection the edge had already closed (set `http-reuse safe`, or a shorter `timeout server` than the edge idle timeout)',
            'A crash or reset in the backend application',
          ],
      nextSteps: timeout ? ['Raise `timeout server` above the integration timeout (e.g. 30s)', check.probe(host)] : [haproxy.ssl(), check.probe(host)],
    }
  }
  if (pair === 'PR') {
    return {
      summary: `HAProxy itself blocked the request${status ? ` with ${status}` : ''}; it never reached the server.`,
      meaning: ['A 400 here is HAProxy rejecting invalid HTTP; a 403 is one of your own `http-request deny` rules — not the edge.'],
      likelyCauses: ['An `http-request deny` / ACL in your own config (a 403 from HAProxy, not from API Gateway)', 'A malformed request (bad header characters, too large for tune.bufsize)'],
      nextSteps: ['Review `http-request deny` rules and ACLs of the frontend and backend', 'For a 400: `show errors` on the HAProxy runtime API shows the rejected request'],
    }
  }
  if (pair === 'PH') {
    return {
      summary: 'HAProxy blocked the server\'s response (invalid, incomplete or dangerous) and sent 502.',
      meaning: ['The server answered, but HAProxy refused to forward what it sent.'],
      likelyCauses: ['An invalid header in the response, or response headers larger than tune.bufsize', 'A response rule (`http-response deny`)'],
      nextSteps: ['`show errors` on the HAProxy runtime API shows the rejected response', check.probe(host)],
    }
  }
  if (pair === 'LR') {
    return {
      summary: 'HAProxy answered locally (redirect, stats, `http-request return`); no server was involved.',
      meaning: ['Nothing was sent to the edge: the answer came from your own frontend rules.'],
      likelyCauses: ['A redirect (http → https, or a path rule) or `http-request return` in the frontend'],
      nextSteps: ['Check `http-request redirect` / `return` rules that match this request'],
    }
  }
  if (info.first.char === 'C' || info.first.char === 'c') {
    return {
      summary: `The client side ended the session (${COMBINATIONS[pair] ?? info.first.meaning}); this is not a failure towards the edge.`,
      meaning: ['Client aborts and client timeouts do not say anything about the connection to API Gateway / CloudFront.'],
      likelyCauses: ['A client that gave up (a user, a health checker, a load balancer before HAProxy), or a slow network on the client side'],
      nextSteps: ['Check `timeout client` / `timeout http-request` if this is frequent', 'If clients give up because the upstream is slow, look at Tr/Ta of the same lines'],
    }
  }
  if (pair === 'SD' || pair === 'sD') {
    return {
      summary: pair === 'SD' ? 'The server connection died with an error during the data transfer.' : '`timeout server` struck during the data transfer.',
      meaning: ['The response had started: TLS, SNI and Host were fine for this request.'],
      likelyCauses: pair === 'SD' ? ['A reset by the edge or a middlebox mid-response'] : ['A streaming response idle for longer than `timeout server`'],
      nextSteps: [check.probe(host)],
    }
  }
  if (pair === 'sQ' || pair === 'CQ') {
    return {
      summary: 'The request waited in the queue for a server slot (maxconn) and never got one.',
      meaning: ['No connection to the edge was attempted for this request.'],
      likelyCauses: ['`maxconn` on the server line too low for the traffic', 'Slow responses holding every slot'],
      nextSteps: ['Raise `maxconn` on the server, or check why responses are slow'],
    }
  }
  if (info.first.char === 'P' || info.first.char === 'R' || info.first.char === 'I') {
    return {
      summary: `HAProxy itself ended the session: ${COMBINATIONS[pair] ?? info.first.meaning}.`,
      meaning: ['This is a limit or a rule on the proxy, not an answer from the edge.'],
      likelyCauses: [info.first.char === 'I' ? 'A bug in HAProxy: report it, and consider a restart' : 'Process limits (maxconn, ulimit-n, memory) or proxy rules'],
      nextSteps: ['Check the HAProxy system logs around this time'],
    }
  }
  if (info.first.char === 'D' || info.first.char === 'U' || info.first.char === 'K') {
    return {
      summary: `HAProxy killed the session: ${info.first.meaning}.`,
      meaning: ['The session was cut on purpose by HAProxy or an operator.'],
      likelyCauses: info.first.char === 'D' ? ['The server went DOWN (failing health checks): with TLS checks, check `check-sni`'] : ['An operator or server-state change'],
      nextSteps: info.first.char === 'D' ? [haproxy.checkSni(host), check.probe(host)] : ['Check the HAProxy admin actions and server state changes at that time'],
    }
  }
  return {
    summary: `${info.first.meaning}; ${info.second.meaning}.`,
    meaning: [],
    likelyCauses: [],
    nextSteps: [check.probe(host)],
  }
}

/** `----` (or `--`): HAProxy did nothing wrong at its level; the status tells what the server said. */
function normalCompletion(status: number | undefined, host: string | null, path?: string): Implication {
  const pathFlag = `--path ${path ?? '/<stage>/<resource>'}`
  const meaning = ['The session ended normally at HAProxy\'s level: whatever status was logged came from the server (or from HAProxy rules), not from a connection failure.']
  if (status === 400) {
    return {
      summary: 'A normal session that ended with 400 from the server: the usual cause is plain HTTP sent to the TLS port (`server … :443` without `ssl`).',
      meaning: [...meaning, 'API Gateway and CloudFront answer 400 to a plain-HTTP request on port 443; HAProxy logs a normal ---- because at its level nothing failed.'],
      likelyCauses: ['The server line has no `ssl`: plain HTTP goes to port 443', 'A genuinely malformed request that the edge refused'],
      nextSteps: [haproxy.serverLine(host), haproxy.hostHeader(host), check.probe(host)],
    }
  }
  if (status === 403) {
    return {
      summary: 'A normal session that ended with 403 from the edge: most often the Host header was not rewritten to the API\'s name (or the path lacks the stage).',
      meaning: [...meaning, 'With SNI right but Host wrong, CloudFront answers 403 "The request could not be satisfied" and API Gateway 403 {"message":"Forbidden"}; a missing stage gives 403 {"message":"Missing Authentication Token"}.'],
      likelyCauses: ['Host not rewritten: the edge received the proxy\'s own Host', 'The path lacks the stage (/prod/…) or the resource: Missing Authentication Token', 'A resource policy, private API, WAF or missing x-api-key'],
      nextSteps: [haproxy.hostHeader(host), 'Capture the response headers (`capture response header x-amzn-ErrorType len 64`) to tell Forbidden from MissingAuthenticationToken', check.probe(host, pathFlag)],
    }
  }
  if (status === 421) {
    return {
      summary: 'A normal session that ended with 421 Misdirected Request: SNI and Host name different hosts.',
      meaning,
      likelyCauses: ['SNI set to one name and Host to another (or a reused connection for another host)'],
      nextSteps: ['Keep SNI and Host equal: `sni req.hdr(host)` after `http-request set-header Host <host>`, or both literal', check.probe(host)],
    }
  }
  if (status === 404) {
    return {
      summary: 'A normal session that ended with 404 from the server: for an HTTP API, the route or stage does not exist.',
      meaning,
      likelyCauses: ['An HTTP API answers 404 {"message":"Not Found"} for an unknown route or stage', 'A path rewritten wrongly by the proxy'],
      nextSteps: [check.probe(host, pathFlag)],
    }
  }
  if (status !== undefined && status >= 500) {
    return {
      summary: `A normal session that ended with ${status} from the server: the edge or the integration behind it failed, not the proxy.`,
      meaning,
      likelyCauses: ['API Gateway 502: a Lambda returned a malformed response; 504: the integration timed out (29 s)', 'CloudFront 502/504: it could not reach its origin'],
      nextSteps: ['Look at the response headers (x-amzn-ErrorType, x-cache) and the API Gateway execution logs'],
    }
  }
  return {
    summary: status !== undefined && status >= 200 && status < 400 ? `A normal, successful session (${status}).` : 'A normal session: nothing failed at HAProxy\'s level.',
    meaning,
    likelyCauses: [],
    nextSteps: status === undefined ? ['Give the status too (e.g. `---- 400`) for a more precise answer, or paste the whole log line'] : [],
  }
}

/** Builds the full explanation of a state, with context when known. */
export function explainTermination(code: string, ctx: TerminationContext, input: string): Explanation | null {
  const info = decodeTermination(code)
  if (!info) return null
  const what = implications(info, ctx)
  const charLines = [
    `1st '${info.first.char}': ${info.first.meaning}.`,
    `2nd '${info.second.char}': ${info.second.meaning}.`,
    ...(info.third ? [`3rd '${info.third.char}' (persistence cookie from the client): ${info.third.meaning}.`] : []),
    ...(info.fourth ? [`4th '${info.fourth.char}' (persistence cookie from the server): ${info.fourth.meaning}.`] : []),
  ]
  return {
    kind: 'haproxy-termination-state',
    input: echo(input),
    summary: `${code}: ${what.summary}`,
    fields: {termination: terminationFields(info), ...(ctx.status !== undefined ? {status: ctx.status} : {})},
    meaning: [
      `HAProxy termination state (${info.mode === 'http' ? 'httplog, 4 characters' : '2 characters: a tcplog state, or the first two of an httplog one'}; configuration manual §8.5).`,
      ...charLines,
      ...(info.combination ? [`Together '${info.first.char}${info.second.char}': ${info.combination}.`] : []),
      ...what.meaning,
    ],
    likelyCauses: what.likelyCauses,
    nextSteps: what.nextSteps,
  }
}

export function terminationFields(info: TerminationInfo): Record<string, unknown> {
  return {
    code: info.code,
    mode: info.mode,
    first: info.first,
    second: info.second,
    ...(info.third ? {third: info.third} : {}),
    ...(info.fourth ? {fourth: info.fourth} : {}),
    ...(info.combination ? {combination: info.combination} : {}),
  }
}

const STATE = /^[A-Za-z-]{2}(?:[A-Za-z-]{2})?$/
const STATUS = /^[1-5]\d\d$/

/** `SC--`, `sH`, `---- 400`, `503 SC--`, `termination state SC--`. */
export function match(text: string): Explanation | null {
  const input = text.trim()
  if (input.length === 0 || input.length > 60) return null
  const tokens = input
    .replace(/^(?:haproxy[ \t]+)?(?:termination[ \t_]*state|session[ \t]+state|tsc|ts)[ \t:=]*/i, '')
    .split(/[ \t,/]+/)
    .filter(Boolean)
  if (tokens.length === 0 || tokens.length > 2) return null
  const state = tokens.find((token) => STATE.test(token) && decodeTermination(token) !== null)
  if (!state) return null
  const other = tokens.find((token) => token !== state)
  if (other !== undefined && !STATUS.test(other)) return null
  return explainTermination(state, {status: other === undefined ? undefined : Number(other)}, input)
}
