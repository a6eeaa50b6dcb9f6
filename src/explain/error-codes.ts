// Node.js / undici / OpenSSL error codes and OpenSSL reason strings, as seen in application
// logs and in `probe --json` (`error.code`), explained for a client of API Gateway / CloudFront.

import {check, haproxy, nginx} from './advice.js'
import {alertNotes} from './tls-alerts.js'
import {alertReasonText, nodeCodeForReason, SSL_REASONS, sslAdvice, sslFacts, verifyErrorByNode, verifySteps, VERIFY_ERRORS} from './openssl.js'
import {echo, hostFromUrl, safeHostFrom, unique} from './text.js'
import type {Explanation} from './types.js'

interface CodeNotes {
  meaning: string
  outcome?: string
  causes: string[]
  steps: (host: string | null) => string[]
}

const SOCKET_CODES: Record<string, CodeNotes> = {
  ECONNRESET: {
    meaning: 'the peer (or something in between) reset the TCP connection (RST)',
    outcome: 'tcp-reset',
    causes: [
      'During a TLS handshake ("Client network socket disconnected before secure TLS connection was established"): the edge dropped a ClientHello it would not serve, usually one without SNI (outcome `tls-closed`)',
      'After the request ("socket hang up"): the server or a load balancer closed a kept-alive connection, or a middlebox cut it',
    ],
    steps: (host) => ['In Node, pass `servername: \'<host>\'` to tls.connect (the `host` option alone never sends SNI)', haproxy.sni(host), check.probe(host)],
  },
  ECONNREFUSED: {
    meaning: 'nothing accepted the TCP connection at that address and port (RST to the SYN)',
    outcome: 'tcp-refused',
    causes: ['Wrong port (API Gateway has no port 80 listener)', 'A stale or wrong address (edge addresses rotate)', 'A local firewall rejecting'],
    steps: (host) => ['Check host and port; API Gateway and CloudFront listen on 443', haproxy.resolvers(), check.probe(host)],
  },
  ETIMEDOUT: {
    meaning: 'an operation (usually the TCP connect) got no answer before the OS or the client gave up',
    outcome: 'tcp-timeout',
    causes: ['A security group, NACL or firewall dropping packets (egress to 443 not allowed)', 'A stale address for a rotating edge', 'No route (a private API reached from outside its VPC endpoint)'],
    steps: (host) => ['Check egress rules to the edge on 443', haproxy.resolvers(), check.probe(host)],
  },
  ENOTFOUND: {
    meaning: 'DNS says the name does not exist (NXDOMAIN) or has no address',
    outcome: 'dns-failed',
    causes: ['A typo in the API id, region or domain', 'A private API name resolved outside its VPC (private DNS)', 'A custom domain whose DNS record was removed'],
    steps: (host) => [`Check the name: \`dig +short ${host ?? '<host>'}\``, check.probe(host)],
  },
  EAI_AGAIN: {
    meaning: 'the DNS lookup failed temporarily (no answer from the resolver)',
    outcome: 'dns-failed',
    causes: ['The resolver is unreachable or slow (containers without DNS, a VPC resolver limit)'],
    steps: (host) => [`Check the resolver: \`getent hosts ${host ?? '<host>'}\``, check.probe(host)],
  },
  EHOSTUNREACH: {
    meaning: 'no route to the host (ICMP host unreachable)',
    outcome: 'tcp-refused',
    causes: ['Routing or firewall; an IPv6 address without IPv6 connectivity'],
    steps: (host) => [check.probe(host)],
  },
  ENETUNREACH: {
    meaning: 'the network is unreachable from this host',
    outcome: 'tcp-refused',
    causes: ['No route (often IPv6 on an IPv4-only host)'],
    steps: (host) => [check.probe(host)],
  },
  EPROTO: {
    meaning: 'a protocol error; in Node it wraps a TLS error from OpenSSL ("write EPROTO …:error:0A00010B:…:wrong version number"), whose reason says what failed',
    causes: [
      '"wrong version number" after it: the port does not speak TLS (http:// port, plain-HTTP server), or CloudFront refused a ClientHello without SNI',
      '"alert … unrecognized name" / "handshake failure" after it: the peer refused the handshake, usually no or the wrong SNI',
      'Without OpenSSL text: paste the whole message, the reason after EPROTO tells which',
    ],
    steps: (host) => ['In Node, pass `servername: \'<host>\'` to tls.connect (the `host` option alone never sends SNI)', check.opensslNoSni(host), check.probe(host)],
  },
  ECONNABORTED: {meaning: 'the connection was aborted locally', causes: ['A local timeout or cancellation'], steps: (host) => [check.probe(host)]},
  EPIPE: {
    meaning: 'the peer had already closed the connection when data was written',
    outcome: 'http-closed',
    causes: ['The server closed first (a plain-HTTP request to a TLS port is closed this way)', 'A reused idle connection the server had dropped'],
    steps: (host) => [check.probe(host)],
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    meaning: 'the certificate does not name the host ("Hostname/IP does not match certificate\'s altnames")',
    causes: [
      'No SNI or the wrong SNI: the edge served its default certificate (`*.cloudfront.net`)',
      'Connecting by IP address, or with a Host/servername that is not the certificate\'s name',
    ],
    steps: (host) => ['In Node, set `servername` to the host name (undici/https derive it from Host unless pinned)', check.opensslChain(host), check.probe(host)],
  },
  ERR_TLS_HANDSHAKE_TIMEOUT: {
    meaning: 'the TLS handshake did not complete in time',
    outcome: 'tls-timeout',
    causes: ['The TCP connection opened but the peer never answered the ClientHello: a middlebox, a non-TLS service, or a silent drop of a ClientHello'],
    steps: (host) => [check.opensslNoSni(host), check.probe(host)],
  },
  UND_ERR_CONNECT_TIMEOUT: {
    meaning: 'undici could not connect (TCP and TLS) within its connect timeout (10 s by default)',
    outcome: 'tcp-timeout',
    causes: ['Firewall/egress rules, stale addresses, or a handshake the peer never completed'],
    steps: (host) => [check.probe(host)],
  },
  UND_ERR_SOCKET: {
    meaning: 'undici\'s socket closed or failed unexpectedly ("other side closed")',
    outcome: 'http-closed',
    causes: ['The server closed the connection before a full response', 'A kept-alive connection reused after the server dropped it'],
    steps: (host) => [check.probe(host)],
  },
  UND_ERR_HEADERS_TIMEOUT: {
    meaning: 'no response headers arrived before undici\'s headersTimeout',
    outcome: 'http-timeout',
    causes: ['A slow integration (API Gateway gives up after 29 s by default with 504)', 'A proxy that never forwards the answer'],
    steps: (host) => [check.probe(host)],
  },
  HPE_INVALID_CONSTANT: {
    meaning: 'Node\'s HTTP parser expected "HTTP/" and got something else ("Parse Error: Expected HTTP/")',
    outcome: 'http-malformed',
    causes: ['A plain-HTTP request sent to a TLS port: the answer was a TLS alert record, not HTTP (use https://)'],
    steps: (host) => ['Use https:// for port 443', haproxy.ssl(), nginx.https(host), check.probe(host)],
  },
}

/** Messages that identify a code even when the code itself is missing. */
const MESSAGES: [string, string][] = [
  ['client network socket disconnected before secure tls connection was established', 'ECONNRESET'],
  ['socket hang up', 'ECONNRESET'],
  ["hostname/ip does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'],
  ['parse error: expected http/', 'HPE_INVALID_CONSTANT'],
  ['connection reset by peer', 'ECONNRESET'],
  ['connection refused', 'ECONNREFUSED'],
  ['connection timed out', 'ETIMEDOUT'],
  ['getaddrinfo enotfound', 'ENOTFOUND'],
  ['getaddrinfo eai_again', 'EAI_AGAIN'],
  ['temporary failure in name resolution', 'EAI_AGAIN'],
  ['name or service not known', 'ENOTFOUND'],
]

/** Looks a code up in every table, case-insensitively. */
function lookupCode(code: string): string | null {
  const upper = code.toUpperCase().replace('SSL/TLS_ALERT', 'SSLV3_ALERT')
  if (upper in SOCKET_CODES) return upper
  if (verifyErrorByNode(upper)) return upper
  if (upper.startsWith('ERR_SSL_')) {
    const reason = upper.slice('ERR_SSL_'.length).toLowerCase().replace(/_/g, ' ')
    if (SSL_REASONS.some((r) => r.reason === reason)) return upper
    for (let n = 0; n < 256; n++) if (alertReasonText(n) === reason) return upper
  }
  return null
}

const TOKEN = /[A-Za-z][A-Za-z0-9_/]{3,63}/g

/** Codes found in the text, in order of appearance, most specific first. */
function findCodes(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(TOKEN)) {
    const code = lookupCode(m[0])
    if (code && !found.includes(code)) found.push(code)
    if (found.length >= 8) break
  }
  const lower = text.toLowerCase()
  for (const [message, code] of MESSAGES) if (lower.includes(message) && !found.includes(code)) found.push(code)
  const rank = (code: string): number => (code.startsWith('ERR_SSL_') ? 0 : verifyErrorByNode(code) ? 1 : code.startsWith('ERR_') || code.startsWith('HPE_') ? 2 : 3)
  return found.sort((a, b) => rank(a) - rank(b))
}

function hostIn(text: string): string | null {
  const url = /https?:\/\/[^\s"'<>]{1,300}/i.exec(text)
  if (url) return hostFromUrl(url[0])
  const getaddrinfo = /getaddrinfo [A-Z_]+ ([A-Za-z0-9.-]{1,253})/.exec(text)
  if (getaddrinfo?.[1]) return safeHostFrom(getaddrinfo[1])
  const connect = /connect [A-Z]+ ([0-9a-f.:]{2,45}):(\d{1,5})/i.exec(text)
  if (connect?.[1]) return safeHostFrom(connect[1])
  return null
}

/** The OpenSSL reason text behind an ERR_SSL_* code, so that sslFacts() can read it. */
function reasonOfNodeCode(code: string): string | null {
  return code.startsWith('ERR_SSL_') ? code.slice('ERR_SSL_'.length).toLowerCase().replace(/_/g, ' ') : null
}

/** A Node/undici/OpenSSL error code, or an OpenSSL reason string, anywhere in the text. */
export function match(text: string): Explanation | null {
  const input = text.trim()
  if (input.length === 0) return null
  const codes = findCodes(input)
  const sslCode = codes.find((code) => code.startsWith('ERR_SSL_'))
  const sslReason = sslCode ? reasonOfNodeCode(sslCode) : null
  const facts = sslFacts(sslReason ? `${input} ${sslReason}` : input)
  const host = hostIn(input)
  const verifyCode = codes.map((code) => verifyErrorByNode(code)).find((error) => error !== undefined)
  const socketCode = codes.find((code) => code in SOCKET_CODES)
  const base = {kind: 'error-code' as const, input: echo(input)}

  // 1. Something TLS-specific: an alert received or a handshake-level reason.
  if (facts.alert || facts.reason || sslCode) {
    const advice = sslAdvice(facts, host)
    if (advice) {
      const reasonText = facts.alert ? alertReasonText(facts.alert.number) : facts.reason?.reason
      const code = sslCode ?? (reasonText ? nodeCodeForReason(reasonText) : undefined)
      return {
        ...base,
        summary: `${advice.summary.charAt(0).toUpperCase()}${advice.summary.slice(1)}.`,
        fields: {
          ...(code ? {code} : {}),
          codes,
          ...(facts.codes.length > 0 ? {opensslErrors: facts.codes} : {}),
          ...(facts.reasons.length > 0 ? {reasons: facts.reasons} : {}),
          ...(facts.alert ? {alert: facts.alert} : {}),
          ...(advice.outcome ? {outcome: advice.outcome} : {}),
          ...(host ? {targetHost: host} : {}),
        },
        meaning: unique([
          ...advice.meaning,
          ...(facts.alert
            ? [
                `Node reports it as ${code ?? 'ERR_SSL_…'}, OpenSSL as "${reasonText ?? alertNotes(facts.alert.number).name}" (reason ${1000 + facts.alert.number} = 1000 + alert number).`,
              ]
            : code
              ? [`Node reports it as ${code}.`]
              : []),
          ...(advice.outcome ? [`A probe reports this as outcome \`${advice.outcome}\`.`] : []),
        ]),
        likelyCauses: advice.causes,
        nextSteps: advice.steps,
      }
    }
  }
  // 2. A certificate the client refused.
  const verify = verifyCode ?? facts.verify
  if (verify) {
    return {
      ...base,
      summary: `${verify.node}: ${verify.meaning} (OpenSSL verify error ${verify.number}, "${verify.text}").`,
      fields: {code: verify.node, codes, verifyError: {number: verify.number, text: verify.text, node: verify.node}, ...(host ? {targetHost: host} : {})},
      meaning: [
        `${verify.node} is X.509 verify error ${verify.number} ("${verify.text}"): ${verify.meaning}.`,
        'The TLS handshake reached the certificate; the client refused what it was shown.',
      ],
      likelyCauses: verify.causes,
      nextSteps: verifySteps(verify, host),
    }
  }
  // 3. A socket or HTTP-level code.
  if (socketCode) {
    const notes = SOCKET_CODES[socketCode]!
    const lower = input.toLowerCase()
    const inHandshake = socketCode === 'ECONNRESET' && lower.includes('before secure tls connection')
    const outcome = inHandshake ? 'tls-closed' : notes.outcome
    return {
      ...base,
      summary: inHandshake
        ? 'ECONNRESET during the TLS handshake: the peer closed or reset the connection before answering the ClientHello.'
        : `${socketCode}: ${notes.meaning}.`,
      fields: {code: socketCode, codes, ...(outcome ? {outcome} : {}), ...(host ? {targetHost: host} : {})},
      meaning: [`${socketCode}: ${notes.meaning}.`, ...(outcome ? [`A probe reports this as outcome \`${outcome}\`.`] : [])],
      likelyCauses: inHandshake ? notes.causes.slice(0, 1) : notes.causes,
      nextSteps: notes.steps(host),
    }
  }
  return null
}

/** Every code this module knows, for tests and documentation. */
export function knownCodes(): string[] {
  return [...Object.keys(SOCKET_CODES), ...VERIFY_ERRORS.map((error) => error.node)]
}
