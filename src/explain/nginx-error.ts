// nginx error-log lines about upstreams:
//   2026/11/26 05:10:01 [error] 1234#1234: *1 <message>, client: …, server: …, request: "…", upstream: "…", host: "…"
// The message is matched against what nginx writes for each upstream failure.

import {check, nginx} from './advice.js'
import {alertNotes, SNI_ALERTS} from './tls-alerts.js'
import {sslAdvice, sslFacts, verifyErrorByNumber, verifySteps, VERIFY_ERRORS, type SslFacts} from './openssl.js'
import {hostForUrl} from '../target/hostname.js'
import {clean, echo, hostFromUrl, isIpLiteral, probeCommand, safeHostFrom, syslogFields, unique} from './text.js'
import type {Explanation} from './types.js'

/** `nginx: [emerg] …` as `nginx -t` and a failed start print it. */
const NGINX_T = /nginx: \[(debug|info|notice|warn|error|crit|alert|emerg)\] /
/** `2026/11/26 05:10:01 [error] 1234#1234: *1 `: the head of an error-log line. */
const HEAD = /(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[(debug|info|notice|warn|error|crit|alert|emerg)\] (\d{1,10})#(\d{1,10}): (?:\*(\d{1,20}) )?/
/** How far into the line the head may start: a syslog or journald prefix, never more. */
const MAX_PREFIX = 300
const CONTEXT_KEYS = ['client', 'server', 'request', 'subrequest', 'upstream', 'host', 'referrer', 'login'] as const

export interface NginxLine {
  /** A syslog / journald prefix before the nginx line (`<187>Nov 26 05:10:01 host nginx:`). */
  syslog?: Record<string, unknown>
  date?: string
  level?: string
  pid?: number
  tid?: number
  connection?: number
  message: string
  context: Record<string, string>
}

/** Splits an nginx error-log line; the context pairs are read from the first ", client: " on. */
export function parseNginxLine(line: string): NginxLine | null {
  // The head may follow a syslog or journald prefix (`Nov 26 05:10:01 host nginx[1234]: 2026/11/26 …`).
  const start = line.slice(0, MAX_PREFIX + 80)
  const headAt = HEAD.exec(start)
  const head = headAt && headAt.index <= MAX_PREFIX ? headAt : null
  const shortAt = head ? null : NGINX_T.exec(start)
  const short = shortAt && shortAt.index <= MAX_PREFIX ? shortAt : null
  const found = head ?? short
  const prefix = found ? line.slice(0, found.index) : ''
  const body = found ? line.slice(found.index + found[0].length) : line
  const at = body.indexOf(', client: ')
  const message = (at >= 0 ? body.slice(0, at) : body).trim()
  const context: Record<string, string> = {}
  if (at >= 0) {
    let rest = body.slice(at + 2)
    for (let guard = 0; guard < 12 && rest.length > 0; guard++) {
      const colon = rest.indexOf(': ')
      if (colon <= 0 || colon > 20) break
      const key = rest.slice(0, colon)
      rest = rest.slice(colon + 2)
      let value: string
      if (rest.startsWith('"')) {
        const end = rest.indexOf('", ')
        value = end >= 0 ? rest.slice(1, end) : rest.slice(1, rest.endsWith('"') ? -1 : undefined)
        rest = end >= 0 ? rest.slice(end + 3) : ''
      } else {
        const end = rest.indexOf(', ')
        value = end >= 0 ? rest.slice(0, end) : rest
        rest = end >= 0 ? rest.slice(end + 2) : ''
      }
      if ((CONTEXT_KEYS as readonly string[]).includes(key)) context[key] = value.trim()
    }
  }
  if (!head && Object.keys(context).length === 0 && !/upstream|ssl_do_handshake|proxy_|resolv/i.test(message)) return null
  const syslog = syslogFields(prefix)
  return {
    ...(syslog ? {syslog} : {}),
    ...(head
      ? {date: head[1], level: head[2], pid: Number(head[3]), tid: Number(head[4]), ...(head[5] ? {connection: Number(head[5])} : {})}
      : short
        ? {level: short[1]}
        : {}),
    message,
    context,
  }
}

interface Case {
  id: string
  test: (lower: string, facts: SslFacts) => boolean
  summary: string
  outcome?: string
  /** What nginx answers the client; 502 unless said otherwise. */
  clientStatus?: number
  meaning: string[]
  causes: string[]
  steps: (host: string | null, upstreamIp: string | null) => string[]
  /** What the client gets, when it is not simply "nginx answers the client 502". */
  client?: (lower: string) => string
  /** Meaning, causes and steps that depend on the rest of the message (the phase, the reason). */
  more?: (lower: string, host: string | null, upstreamIp: string | null) => {meaning?: string[]; causes?: string[]; steps?: string[]}
}

const sniSteps = (host: string | null, ip: string | null): string[] => [nginx.sni(host), check.opensslNoSni(host), probeStep(host, ip)]

function probeStep(host: string | null, ip: string | null): string {
  if (host && !isIpLiteral(host)) return check.probe(host)
  if (ip) return `Run \`${probeCommand(null, `--resolve <host>:443:${hostForUrl(ip)}`)}\` (nginx logs the resolved address; give the API's name as <host>)`
  return check.probe(null)
}

const HANDSHAKING = 'while ssl handshaking to upstream'
/** `connect() failed (111: …)` and, in newer nginx, `connect() to 13.32.1.1:443 failed (111: …)`. */
const CONNECT_FAILED = /connect\(\) (?:to \S{1,300} )?failed/
const CONNECT_TO = /connect\(\) to (\S{1,300}) failed/

/** What the phase named at the end of the message ("while … upstream") says about an earlier failure. */
function phaseOf(lower: string, host: string | null, ip: string | null): {meaning: string[]; causes: string[]; steps: string[]} {
  if (lower.includes(HANDSHAKING)) {
    return {
      meaning: ['The failure behind it came during the TLS handshake with the upstream: against API Gateway or CloudFront that is most often no SNI (`proxy_ssl_server_name` is off by default).'],
      causes: ['The TLS handshake failed: `proxy_ssl_server_name` off (no SNI), or a certificate check that failed'],
      steps: sniSteps(host, ip).slice(0, -1),
    }
  }
  if (lower.includes('while connecting to upstream')) {
    return {
      meaning: ['The failure behind it came while connecting (TCP): refused, unreachable or timed out.'],
      causes: ['The TCP connection failed: nothing listening, a firewall, or a stale address of a rotating edge'],
      steps: [nginx.resolver(host)],
    }
  }
  if (lower.includes('while reading response header from upstream') || lower.includes('while sending request to upstream')) {
    return {
      meaning: ['The failure behind it came after the connection: the upstream closed, reset or timed out before answering.'],
      causes: ['The upstream closed, reset or timed out before answering (plain HTTP to a TLS port, a reused idle connection, a slow integration)'],
      steps: [],
    }
  }
  return {meaning: [], causes: [], steps: []}
}

const CASES: Case[] = [
  {
    id: 'upstream-disabled',
    test: (lower) => lower.includes('upstream server temporarily disabled'),
    summary: 'nginx took this upstream server out of rotation for `fail_timeout` because of the error logged just before it: a consequence, not the cause.',
    meaning: [
      'After `max_fails` failures (1 by default) within `fail_timeout` (10 s by default) nginx sends no request to the server for `fail_timeout`; once every server of the group is out, it logs "no live upstreams".',
    ],
    causes: [],
    client: () => 'The request goes to the next server of the group (`proxy_next_upstream`), or gets 502 when none is left.',
    more: phaseOf,
    steps: (host, ip) => [
      'Explain the error logged just before this one (same *N connection number): it is the real cause',
      'For a single-server upstream, `max_fails=0` keeps it in rotation: `server <host>:443 max_fails=0;`',
      probeStep(host, ip),
    ],
  },
  {
    id: 'ssl-io-failed',
    test: (lower) => lower.includes('ssl_read() failed') || lower.includes('ssl_write() failed'),
    summary: 'The TLS connection to the upstream broke after the handshake, while data was being exchanged: TLS and SNI were accepted; the upstream (or something in between) closed or cut the connection.',
    outcome: 'http-closed',
    meaning: ['SSL_read() and SSL_write() only run on an established TLS connection: this is not a handshake problem.'],
    causes: [
      'A kept-alive upstream connection that the edge had closed while idle (`keepalive` in the upstream block with a `keepalive_timeout` longer than the edge\'s idle timeout)',
      'The upstream or a middlebox cut the response (a reset, a crash, a timeout on its side)',
    ],
    client: (lower) =>
      lower.includes('while reading upstream')
        ? 'The response had started (nginx was reading its body): the client gets a truncated response, not a 502.'
        : lower.includes('while reading response header from upstream') || lower.includes('while sending request to upstream')
          ? 'No response headers had arrived: nginx answers the client 502 (or tries the next server).'
          : 'The client gets 502 if no response had started, a truncated response otherwise.',
    more: (lower) =>
      lower.includes('unexpected eof')
        ? {meaning: ['"unexpected eof while reading": the upstream closed the connection without a TLS close_notify (harmless only if the response was already complete).']}
        : lower.includes('connection reset') || lower.includes('(104:')
          ? {meaning: ['"Connection reset by peer": the upstream or a middlebox sent a TCP RST mid-exchange.']}
          : {},
    steps: (host, ip) => [
      'nginx: with `keepalive` in the upstream block, keep `keepalive_timeout` below the edge\'s idle timeout (e.g. `keepalive_timeout 50s;`)',
      'For idempotent requests, `proxy_next_upstream error timeout;` retries on another connection',
      probeStep(host, ip),
    ],
  },
  {
    id: 'ssl-handshake-alert-sni',
    test: (lower, facts) => lower.includes('ssl_do_handshake() failed') && facts.alert !== undefined && SNI_ALERTS.has(facts.alert.number),
    summary: 'The TLS handshake with the upstream was refused with an alert: nginx sent no SNI (or the wrong one) to a strict-SNI edge.',
    outcome: 'tls-alert',
    meaning: [
      'nginx does not send SNI to an https upstream unless `proxy_ssl_server_name on` is set (it is off by default).',
      'CloudFront and API Gateway refuse a ClientHello without SNI (alert 40 handshake_failure, or 112 unrecognized_name from servers that reject unknown names); nginx then answers the client 502.',
    ],
    causes: ['`proxy_ssl_server_name` is off (the default): no SNI sent', '`proxy_ssl_name` names a host the edge does not serve'],
    steps: sniSteps,
  },
  {
    id: 'ssl-handshake-wrong-version',
    test: (lower, facts) => lower.includes('ssl_do_handshake() failed') && (facts.reason?.reason === 'wrong version number' || facts.reason?.reason === 'packet length too long'),
    summary: 'The upstream answered the ClientHello with bytes that are not TLS: either CloudFront refusing a ClientHello without SNI, or a plain-HTTP port.',
    outcome: 'tls-malformed',
    meaning: [
      'OpenSSL says "wrong version number" when the first bytes back are not a TLS record of a known version.',
      'CloudFront answers a ClientHello without SNI with a malformed alert (record version 00 00) that reads exactly like this.',
    ],
    causes: ['`proxy_ssl_server_name` is off: no SNI sent to CloudFront', '`proxy_pass https://` to a port that speaks plain HTTP (80)'],
    steps: (host, ip) => [nginx.sni(host), 'Check that the upstream port is 443 (TLS), not 80', check.opensslNoSni(host), probeStep(host, ip)],
  },
  {
    id: 'ssl-handshake-closed',
    test: (lower, facts) =>
      (lower.includes('peer closed connection in ssl handshake') ||
        (lower.includes('ssl_do_handshake() failed') && facts.reason?.reason === 'unexpected eof while reading') ||
        (lower.includes(HANDSHAKING) && (lower.includes('connection reset by peer') || lower.includes('(104:')))),
    summary: 'The upstream closed or reset the connection during the TLS handshake: typically a strict-SNI edge dropping a ClientHello without SNI.',
    outcome: 'tls-closed',
    meaning: ['The peer closed without a TLS alert while nginx was handshaking; HAProxy would log the same thing as SC--.'],
    causes: ['`proxy_ssl_server_name` is off (the default): no SNI sent', 'A firewall or middlebox cutting TLS to that address'],
    steps: sniSteps,
  },
  {
    id: 'ssl-handshake-other-alert',
    test: (lower, facts) => lower.includes('ssl_do_handshake() failed') && facts.alert !== undefined,
    summary: 'The TLS handshake with the upstream was refused with an alert.',
    outcome: 'tls-alert',
    meaning: [],
    causes: [],
    steps: (host, ip) => [probeStep(host, ip)],
  },
  {
    id: 'ssl-verify',
    test: (lower) => lower.includes('upstream ssl certificate verify error'),
    summary: 'nginx verified the upstream certificate (`proxy_ssl_verify on`) and it failed.',
    meaning: ['The handshake reached the certificate and nginx refused it; the client gets 502.'],
    causes: [],
    steps: (host, ip) => [nginx.verify(), nginx.sni(host), check.opensslChain(host), probeStep(host, ip)],
  },
  {
    id: 'ssl-name',
    test: (lower) => lower.includes('upstream ssl certificate does not match'),
    summary: 'The upstream certificate does not cover the name nginx checks (`proxy_ssl_name`, by default the proxy_pass host).',
    meaning: ['With `proxy_ssl_verify on` nginx checks the certificate names against `proxy_ssl_name`.'],
    causes: [
      'No SNI sent (`proxy_ssl_server_name` off): the edge served its default certificate (`*.cloudfront.net`) instead of the custom domain\'s',
      '`proxy_ssl_name` / the proxy_pass host is not a name the certificate covers',
    ],
    steps: (host, ip) => [nginx.sni(host), check.opensslChain(host), probeStep(host, ip)],
  },
  {
    id: 'no-valid-header',
    test: (lower) => lower.includes('upstream sent no valid http/1.0 header') || lower.includes('upstream sent invalid header'),
    summary: 'The upstream answered with something that is not HTTP: typically nginx sent plain HTTP to a TLS port and got a TLS alert back.',
    outcome: 'http-malformed',
    meaning: ['A TLS server that receives plain HTTP answers with a TLS alert record (or an error in clear text): nginx cannot read it as an HTTP response and answers 502.'],
    causes: ['`proxy_pass http://<host>:443` — the scheme must be https:// for a TLS port'],
    steps: (host, ip) => [nginx.https(host), nginx.sni(host), probeStep(host, ip)],
  },
  {
    id: 'premature-close',
    test: (lower) => lower.includes('upstream prematurely closed connection'),
    summary: 'The upstream closed the connection before sending a complete response (502).',
    outcome: 'http-closed',
    meaning: ['nginx had sent the request; the upstream closed instead of answering.'],
    causes: [
      '`proxy_pass http://<host>:443`: plain HTTP sent to a TLS port whose server closes on it (use https://)',
      'A kept-alive connection the upstream had already closed (occasional errors only)',
      'The upstream refusing the request by closing (a WAF, a crash)',
    ],
    steps: (host, ip) => [nginx.https(host), nginx.sni(host), probeStep(host, ip)],
  },
  {
    id: 'no-live-upstreams',
    test: (lower) => lower.includes('no live upstreams'),
    summary: 'Every server of the upstream group is marked failed: nginx did not even try to connect (502).',
    meaning: ['After `max_fails` errors within `fail_timeout` nginx stops using a server; when all are marked, it logs "no live upstreams".'],
    causes: ['Earlier failures (look for the SSL_do_handshake or connect() errors just before) marked every server down', 'A single-server upstream block where one failure takes everything out'],
    steps: (host, ip) => ['Explain the first error before this one: it is the real cause', 'For a single server: `server <host>:443 max_fails=0;`', probeStep(host, ip)],
  },
  {
    id: 'connect-refused',
    test: (lower) => CONNECT_FAILED.test(lower) && (lower.includes('(111:') || lower.includes('connection refused')),
    summary: 'The TCP connection to the upstream was refused: nothing listens at that address and port.',
    outcome: 'tcp-refused',
    meaning: ['connect() got a RST back.'],
    causes: ['Wrong port (API Gateway listens only on 443)', 'A stale address of a rotating edge (nginx resolved proxy_pass once at start)'],
    steps: (host, ip) => ['Check the port in proxy_pass is 443 with https://', nginx.resolver(host), probeStep(host, ip)],
  },
  {
    id: 'connect-unreachable',
    test: (lower) => CONNECT_FAILED.test(lower) && (lower.includes('(113:') || lower.includes('(101:') || lower.includes('unreachable')),
    summary: 'The upstream address is unreachable from this host (no route).',
    outcome: 'tcp-refused',
    meaning: ['connect() failed with host or network unreachable.'],
    causes: ['An IPv6 address chosen without IPv6 connectivity (use `resolver … ipv6=off`)', 'Routing or firewall rules'],
    steps: (host, ip) => ['nginx: resolver <dns-ip> ipv6=off;', probeStep(host, ip)],
  },
  {
    id: 'connect-timeout',
    clientStatus: 504,
    test: (lower) => lower.includes('timed out') && lower.includes('while connecting to upstream'),
    summary: 'The TCP connection to the upstream timed out: packets are dropped on the way.',
    outcome: 'tcp-timeout',
    meaning: ['nginx waited `proxy_connect_timeout` (60 s by default) for the connection; the client gets 504.'],
    causes: ['A security group / NACL / firewall without egress to 443', 'A stale address: CloudFront and API Gateway addresses rotate, and a literal name in proxy_pass is resolved only at start', 'A private API reached from outside its VPC endpoint'],
    steps: (host, ip) => [nginx.resolver(host), 'Check egress from the nginx host to the edge on 443', probeStep(host, ip)],
  },
  {
    id: 'connect-failed',
    test: (lower) => CONNECT_FAILED.test(lower),
    summary: 'The TCP connection to the upstream failed.',
    outcome: 'tcp-refused',
    meaning: ['connect() failed for another reason than refused, unreachable or timed out: the errno in parentheses says which (99: no free local port, 13: permission denied…).'],
    causes: ['Local port exhaustion under load (99: Cannot assign requested address): enable `keepalive` to the upstream', 'A local policy (SELinux, a firewall) refusing the connection (13: Permission denied)'],
    steps: (host, ip) => ['nginx: keepalive 32; in the upstream block, with `proxy_http_version 1.1; proxy_set_header Connection "";`', probeStep(host, ip)],
  },
  {
    id: 'read-timeout',
    clientStatus: 504,
    test: (lower) => lower.includes('timed out') && lower.includes('while reading response header from upstream'),
    summary: 'The upstream accepted the request but sent no response headers within `proxy_read_timeout`.',
    outcome: 'http-timeout',
    meaning: ['Connection and TLS worked; the answer never came in time (the client gets 504).'],
    causes: ['A slow integration behind API Gateway (it gives up itself after 29 s with 504)', 'A request body the upstream is still waiting for'],
    steps: (host, ip) => ['nginx: proxy_read_timeout 35s; (above the integration timeout)', probeStep(host, ip)],
  },
  {
    id: 'reset-reading',
    test: (lower) => (lower.includes('recv() failed') || lower.includes('readv() failed')) && lower.includes('connection reset by peer'),
    summary: 'The upstream reset the connection while nginx was reading its response.',
    outcome: 'tcp-reset',
    meaning: ['A RST after the request was sent.'],
    causes: ['A reused keepalive connection the upstream had already closed', 'Plain HTTP sent to a TLS port that resets on garbage'],
    steps: (host, ip) => [nginx.https(host), probeStep(host, ip)],
  },
  {
    id: 'too-big-header',
    test: (lower) => lower.includes('upstream sent too big header'),
    summary: 'The upstream response headers do not fit in nginx\'s proxy buffer.',
    meaning: ['nginx answers 502 when the response headers exceed `proxy_buffer_size` (4k or 8k by default).'],
    causes: ['Large Set-Cookie or many headers (CloudFront and API Gateway add several x-amz-* headers)'],
    steps: () => ['nginx: proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;'],
  },
  {
    id: 'host-not-found',
    test: (lower) => lower.includes('host not found in upstream') || lower.includes('could not be resolved') || lower.includes('no resolver defined'),
    summary: 'nginx could not resolve the upstream host name.',
    outcome: 'dns-failed',
    meaning: ['A literal name in proxy_pass is resolved when the configuration loads ("host not found in upstream" stops nginx from starting); a name in a variable needs a `resolver`.'],
    causes: ['A typo in the API id, region or domain', 'No DNS at start-up (a container starting before the network)', '`proxy_pass` with a variable but no `resolver` directive', 'A private API name that only resolves inside its VPC'],
    steps: (host, ip) => [`\`dig +short ${host ?? '<host>'}\` from the nginx host`, nginx.resolver(host), probeStep(host, ip)],
  },
  {
    id: 'handshake-timeout',
    clientStatus: 504,
    test: (lower) => lower.includes('timed out') && lower.includes(HANDSHAKING),
    summary: 'TCP connected, but the TLS handshake with the upstream did not complete in time.',
    outcome: 'tls-timeout',
    meaning: ['The upstream never answered the ClientHello within `proxy_connect_timeout`.'],
    causes: ['A middlebox swallowing the ClientHello', 'A port that accepts TCP but speaks no TLS and waits for the client to talk first'],
    steps: sniSteps,
  },
  {
    id: 'ssl-other',
    test: (lower, facts) => lower.includes('ssl_do_handshake() failed') || lower.includes(HANDSHAKING) || facts.reason !== undefined,
    summary: 'The TLS handshake with the upstream failed.',
    outcome: 'tls-alert',
    meaning: [],
    causes: ['No SNI (`proxy_ssl_server_name` off by default)', 'No TLS version or cipher in common (`proxy_ssl_protocols`)'],
    steps: sniSteps,
  },
]

function hostsFrom(parsed: NginxLine): {host: string | null; upstreamIp: string | null; connectAddress: string | null} {
  const message = parsed.message
  const connectTo = CONNECT_TO.exec(message)?.[1] ?? null
  const connectHost = safeHostFrom(connectTo)
  const quoted = /(?:does not match|host not found in upstream|upstream) "([^"\s]{1,300})"/.exec(message)
  const resolved = /^([A-Za-z0-9.-]{1,253}) could not be resolved/.exec(message)
  const fromMessage = safeHostFrom(quoted?.[1]?.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '')) ?? safeHostFrom(resolved?.[1])
  const upstream = parsed.context.upstream ? hostFromUrl(parsed.context.upstream) : null
  const upstreamIp = upstream && isIpLiteral(upstream) ? upstream : connectHost && isIpLiteral(connectHost) ? connectHost : null
  // An upstream group name (`proxy_pass https://apigw`) is no host name: keep only dotted names.
  const host = fromMessage ?? (upstream && !isIpLiteral(upstream) && upstream.includes('.') ? upstream : null)
  return {host, upstreamIp, connectAddress: connectTo ? clean(connectTo, 300) : null}
}

function verifyDetails(message: string): {number: number; text: string; node: string} | null {
  const m = /verify error:? ?\((\d{1,3}):([^)]{1,100})\)/.exec(message)
  if (m?.[1]) {
    const known = verifyErrorByNumber(Number(m[1]))
    return {number: Number(m[1]), text: m[2] ?? known?.text ?? '', node: known?.node ?? ''}
  }
  return null
}

/** An nginx error-log line (or just its message) about an upstream. */
export function match(text: string): Explanation | null {
  const input = text.trim()
  if (input.length === 0) return null
  const line = input.split('\n', 1)[0] ?? ''
  const parsed = parseNginxLine(line.slice(0, 16384))
  if (!parsed) return null
  const lower = parsed.message.toLowerCase()
  const facts = sslFacts(parsed.message)
  const found = CASES.find((c) => c.test(lower, facts))
  if (!found) return null
  const {host, upstreamIp, connectAddress} = hostsFrom(parsed)
  const advice = sslAdvice(facts, host)
  const verify = verifyDetails(parsed.message)
  const more = found.more?.(lower, host, upstreamIp) ?? {}
  const meaning = [...found.meaning, ...(more.meaning ?? [])]
  const causes = [...found.causes, ...(more.causes ?? [])]
  const [firstStep, ...laterSteps] = found.steps(host, upstreamIp)
  const steps = [...(firstStep === undefined ? [] : [firstStep]), ...(more.steps ?? []), ...laterSteps]
  if (facts.alert) {
    const notes = alertNotes(facts.alert.number, host)
    meaning.unshift(`The upstream sent TLS alert ${facts.alert.number} ${notes.name}: ${notes.meaning}.`)
    if (found.id === 'ssl-handshake-other-alert') {
      causes.push(...notes.here)
      steps.unshift(...notes.steps)
    }
  } else if (advice && found.id === 'ssl-other') {
    meaning.unshift(...advice.meaning)
    causes.unshift(...advice.causes)
  }
  if (verify) {
    const known = VERIFY_ERRORS.find((error) => error.number === verify.number)
    meaning.push(`Verify error ${verify.number} (${clean(verify.text, 100)}${known ? `, Node: ${known.node}` : ''})${known ? `: ${known.meaning}` : ''}.`)
    if (known) {
      causes.push(...known.causes)
      steps.unshift(...verifySteps(known, host).filter((step) => !step.startsWith('Run') && !step.startsWith('HAProxy')))
    }
  }
  const plainToTls = /^http:\/\/[^/\s]{1,300}:443(?:\/|$)/i.test(parsed.context.upstream ?? '')
  if (plainToTls) {
    meaning.unshift('The upstream is http:// on port 443: nginx sent plain HTTP to the TLS port.')
    causes.unshift('`proxy_pass http://…:443`: plain HTTP to a TLS port — use https://')
  }
  const starting = parsed.level === 'emerg' || / in \/\S{1,300}:\d{1,6}$/.test(parsed.message)
  const status = found.clientStatus ?? 502
  const clientLine = starting
    ? 'Logged while loading the configuration: nginx refuses to start or reload until it is fixed.'
    : found.client
      ? found.client(lower)
      : // Said once: some explanations already name the status the client gets.
        meaning.some((line) => line.includes(String(status)) && /client|answers/.test(line))
        ? null
        : `nginx answers the client ${status}.`
  if (upstreamIp && !host) meaning.push(`The upstream is logged by address (${upstreamIp}): nginx shows the resolved address, not the name it should send as SNI.`)
  const contextFields = Object.fromEntries(Object.entries(parsed.context).map(([key, value]) => [key, clean(value, 1000)]))
  return {
    kind: 'nginx-error',
    input: echo(input),
    summary: found.summary,
    fields: {
      ...(parsed.syslog ? {syslog: parsed.syslog} : {}),
      ...(parsed.date ? {date: parsed.date} : {}),
      ...(parsed.level ? {level: parsed.level} : {}),
      ...(parsed.pid !== undefined ? {pid: parsed.pid, tid: parsed.tid} : {}),
      ...(parsed.connection !== undefined ? {connection: parsed.connection} : {}),
      message: clean(parsed.message, 2000),
      ...contextFields,
      case: found.id,
      ...(facts.alert ? {alert: facts.alert} : {}),
      ...(facts.codes.length > 0 ? {opensslErrors: facts.codes} : {}),
      ...(verify ? {verifyError: verify} : {}),
      ...(found.outcome ? {outcome: found.outcome} : {}),
      ...(host ? {targetHost: host} : {}),
      ...(upstreamIp ? {upstreamAddress: upstreamIp} : {}),
      ...(connectAddress ? {connectAddress} : {}),
    },
    meaning: unique([...meaning, ...(found.outcome ? [`A probe reports this as outcome \`${found.outcome}\`.`] : []), ...(clientLine ? [clientLine] : [])]),
    likelyCauses: unique(causes),
    nextSteps: unique(steps),
  }
}
