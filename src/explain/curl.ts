// curl exit codes (libcurl CURLcode) and curl's error lines, `curl: (35) …`.

import {check, haproxy, nginx} from './advice.js'
import {sslAdvice, sslFacts} from './openssl.js'
import {clean, echo, hostFromUrl, isIpLiteral, safeHostFrom, unique} from './text.js'
import type {Explanation} from './types.js'

interface CurlCode {
  name: string
  meaning: string
  outcome?: string
  causes: string[]
  steps: (host: string | null) => string[]
}

const IP_NO_SNI = 'curl sends no SNI when the URL holds an IP address: use `--resolve <host>:443:<ip>` or `--connect-to` so that SNI and Host carry the name'

export const CURL_CODES: Record<number, CurlCode> = {
  1: {name: 'CURLE_UNSUPPORTED_PROTOCOL', meaning: 'unsupported protocol (a typo in the scheme, or https:// in a curl built without TLS)', causes: ['A malformed URL scheme'], steps: () => ['Check the URL starts with https://']},
  2: {name: 'CURLE_FAILED_INIT', meaning: 'curl failed to initialise (an internal setup error, before any connection)', causes: ['A broken libcurl install, or an option this build does not support'], steps: () => ['Run `curl -V` to check the build and its TLS library']},
  3: {name: 'CURLE_URL_MALFORMAT', meaning: 'the URL is malformed', causes: ['Unquoted special characters or a missing scheme/host'], steps: () => ['Quote the URL in the shell']},
  5: {name: 'CURLE_COULDNT_RESOLVE_PROXY', meaning: 'the proxy name (https_proxy, -x) could not be resolved', outcome: 'dns-failed', causes: ['A proxy set in the environment that does not resolve here'], steps: () => ['Check `env | grep -i proxy`; `--noproxy \'*\'` to bypass it']},
  6: {
    name: 'CURLE_COULDNT_RESOLVE_HOST',
    meaning: 'the host name could not be resolved',
    outcome: 'dns-failed',
    causes: ['A typo in the API id, region or domain', 'A private API name resolved outside its VPC', 'No working DNS resolver'],
    steps: (host) => [`\`dig +short ${host ?? '<host>'}\``, check.probe(host)],
  },
  7: {
    name: 'CURLE_COULDNT_CONNECT',
    meaning: 'the TCP connection failed (refused, or no route)',
    outcome: 'tcp-refused',
    causes: ['Wrong port: API Gateway has no plain-HTTP listener on 80', 'A firewall rejecting, or a stale address'],
    steps: (host) => ['Use https:// and port 443', check.probe(host)],
  },
  8: {name: 'CURLE_WEIRD_SERVER_REPLY', meaning: 'the server reply could not be parsed', outcome: 'http-malformed', causes: ['A non-HTTP service, or HTTP sent to a TLS port'], steps: (host) => [check.probe(host)]},
  16: {name: 'CURLE_HTTP2', meaning: 'a problem in the HTTP/2 framing layer', causes: ['A proxy or server with a broken HTTP/2 implementation'], steps: () => ['Retry with `--http1.1` to isolate it']},
  18: {name: 'CURLE_PARTIAL_FILE', meaning: 'the transfer ended before the announced length', outcome: 'http-closed', causes: ['The server or a proxy closed mid-body'], steps: (host) => [check.probe(host)]},
  22: {name: 'CURLE_HTTP_RETURNED_ERROR', meaning: 'HTTP status ≥ 400 with --fail', outcome: 'http-error', causes: ['The request reached a server that refused it: look at the status (403 Host / stage problems are common)'], steps: (host) => ['Re-run without --fail and with -i to see the status and x-amzn-ErrorType', check.probe(host)]},
  23: {name: 'CURLE_WRITE_ERROR', meaning: 'writing the received data locally failed', causes: ['A full disk or a closed pipe'], steps: () => []},
  26: {name: 'CURLE_READ_ERROR', meaning: 'reading a local file (upload, -d @file) failed', causes: ['A missing file'], steps: () => []},
  27: {name: 'CURLE_OUT_OF_MEMORY', meaning: 'out of memory', causes: [], steps: () => []},
  28: {
    name: 'CURLE_OPERATION_TIMEDOUT',
    meaning: 'a timeout expired (connect timeout, --max-time, or a TLS handshake that never finished)',
    causes: ['"Connection timed out": a firewall or security group dropping SYNs, or a stale address', '"SSL connection timeout": TCP opened but the handshake stalled', '"Operation timed out … 0 bytes received": the server accepted the request and never answered (API Gateway gives up after 29 s)'],
    steps: (host) => ['Check egress to the edge on 443', check.probe(host)],
  },
  35: {
    name: 'CURLE_SSL_CONNECT_ERROR',
    meaning: 'the TLS handshake failed',
    outcome: 'tls-alert',
    causes: ['An alert from the server (112 unrecognized_name, 40 handshake_failure): wrong or no SNI', 'The server closed or reset the handshake (SSL_ERROR_SYSCALL, unexpected eof)', '"wrong version number": the port does not speak TLS, or the edge refused a ClientHello without SNI', IP_NO_SNI],
    steps: (host) => [check.opensslNoSni(host), check.probe(host)],
  },
  43: {name: 'CURLE_BAD_FUNCTION_ARGUMENT', meaning: 'a libcurl function got a bad argument (an internal error of the program using libcurl)', causes: ['A bug in the program or script calling libcurl, not a network problem'], steps: () => ['Reproduce with the curl command line to take the program out of the picture']},
  47: {name: 'CURLE_TOO_MANY_REDIRECTS', meaning: 'the redirect limit was reached', causes: ['A redirect loop (http → https → http behind a proxy)'], steps: () => ['Run with -v and without -L to see the first Location']},
  51: {
    name: 'CURLE_PEER_FAILED_VERIFICATION (before curl 7.62)',
    meaning: 'the server certificate or its name was not OK (curl ≥ 7.62 reports this as 60)',
    causes: ['The certificate does not name the host: often no SNI and a default certificate', IP_NO_SNI],
    steps: (host) => [check.opensslChain(host), check.probe(host)],
  },
  52: {
    name: 'CURLE_GOT_NOTHING',
    meaning: 'the server closed the connection without sending any reply ("Empty reply from server")',
    outcome: 'http-closed',
    causes: ['Plain HTTP sent to a TLS port of a server that then closes (use https://)', 'A proxy in front that drops requests it cannot route (e.g. HAProxy with a missing backend, or a crash)'],
    steps: (host) => ['Use https:// for port 443', check.probe(host)],
  },
  53: {name: 'CURLE_SSL_ENGINE_NOTFOUND', meaning: 'the crypto engine was not found', causes: ['A local OpenSSL build issue'], steps: () => []},
  55: {name: 'CURLE_SEND_ERROR', meaning: 'sending data failed', outcome: 'tcp-reset', causes: ['The peer closed or reset the connection while curl was sending'], steps: (host) => [check.probe(host)]},
  56: {
    name: 'CURLE_RECV_ERROR',
    meaning: 'receiving data failed (reset, or a TLS error while reading)',
    outcome: 'tcp-reset',
    causes: ['"Connection reset by peer": a server or middlebox reset the connection', '"unexpected eof while reading": the server closed without close_notify (mid-response, or right after the handshake)', 'A proxy (https_proxy) refusing the CONNECT'],
    steps: (host) => [check.probe(host)],
  },
  58: {name: 'CURLE_SSL_CERTPROBLEM', meaning: 'a problem with the local client certificate (--cert/--key)', causes: ['Wrong path, format or password of the client certificate for mutual TLS'], steps: () => ['Check --cert/--key (PEM) and --cert-type']},
  59: {name: 'CURLE_SSL_CIPHER', meaning: 'the cipher list given could not be used', causes: ['An invalid --ciphers value'], steps: () => ['Remove --ciphers']},
  60: {
    name: 'CURLE_PEER_FAILED_VERIFICATION',
    meaning: 'the server certificate could not be verified against the CA store, or does not name the host',
    causes: ['"certificate has expired" / "not yet valid": a real expiry, a wrong clock, or a default certificate served without SNI', '"unable to get local issuer certificate": a missing CA bundle or a TLS-inspecting proxy', '"no alternative certificate subject name matches": the wrong certificate (no SNI, or connecting by IP)', IP_NO_SNI],
    steps: (host) => [check.opensslChain(host), check.probe(host)],
  },
  61: {name: 'CURLE_BAD_CONTENT_ENCODING', meaning: 'an unknown content encoding', causes: [], steps: () => []},
  67: {name: 'CURLE_LOGIN_DENIED', meaning: 'login denied', causes: [], steps: () => []},
  75: {name: 'CURLE_CONV_FAILED', meaning: 'character conversion failed', causes: [], steps: () => []},
  77: {
    name: 'CURLE_SSL_CACERT_BADFILE',
    meaning: 'the CA certificate file or directory could not be read (--cacert, CURL_CA_BUNDLE, the default bundle)',
    causes: ['A wrong --cacert path or permissions', 'A container without the ca-certificates package'],
    steps: () => ['Install ca-certificates, or point --cacert at /etc/ssl/certs/ca-certificates.crt'],
  },
  80: {name: 'CURLE_SSL_SHUTDOWN_FAILED', meaning: 'the TLS connection could not be shut down cleanly', causes: ['The peer closed without close_notify'], steps: () => []},
  83: {name: 'CURLE_SSL_ISSUER_ERROR', meaning: 'the issuer check (--crlfile/issuer) failed', causes: [], steps: () => []},
  90: {name: 'CURLE_SSL_PINNEDPUBKEYNOTMATCH', meaning: 'the server public key does not match --pinnedpubkey', causes: ['The edge rotated its certificate or key: do not pin CloudFront/API Gateway keys'], steps: () => ['Remove the pin or update it']},
  91: {name: 'CURLE_SSL_INVALIDCERTSTATUS', meaning: 'the certificate status (OCSP stapling, --cert-status) was invalid', causes: ['A missing or stale OCSP staple'], steps: () => ['Retry without --cert-status']},
  92: {
    name: 'CURLE_HTTP2_STREAM',
    meaning: 'an HTTP/2 stream error (e.g. "stream 1 was not closed cleanly: PROTOCOL_ERROR" or INTERNAL_ERROR)',
    causes: ['A proxy or server resetting the stream, often over a header it refuses (a Host/:authority mismatch, a forbidden connection-specific header)'],
    steps: (host) => ['Retry with `--http1.1` to see the real status', check.probe(host)],
  },
  95: {name: 'CURLE_HTTP3', meaning: 'an HTTP/3 layer error', causes: [], steps: () => ['Retry without --http3']},
  97: {name: 'CURLE_PROXY', meaning: 'the proxy handshake failed (CONNECT to an https_proxy)', causes: ['A proxy refusing the CONNECT'], steps: () => ['Check `env | grep -i proxy`']},
  98: {name: 'CURLE_SSL_CLIENTCERT', meaning: 'the server asked for a client certificate (mutual TLS) and none was accepted', causes: ['An API Gateway custom domain with mutual TLS'], steps: () => ['Pass --cert/--key with a certificate from the truststore\'s CA']},
  99: {name: 'CURLE_UNRECOVERABLE_POLL', meaning: 'waiting on the sockets (poll/select) failed in a way curl cannot recover from', causes: ['A local resource problem (file descriptors, memory), not the server'], steps: () => ['Check `ulimit -n` and retry']},
}

function hostFromMessage(message: string): string | null {
  const patterns = [
    /could not resolve host: ([^\s,]{1,260})/i,
    /failed to connect to ([^\s,]{1,260}) port/i,
    /in connection to ([^\s,]{1,260})/i,
    // curl < 8: "target host name 'x'"; curl 8: "target hostname 'x'" (or "target ipv4 address '1.2.3.4'").
    /target (?:host ?name|ipv[46] address) '([^'\s]{1,260})'/i,
    /host ?name '([^'\s]{1,260})'/i,
  ]
  for (const pattern of patterns) {
    const m = pattern.exec(message)
    const host = safeHostFrom(m?.[1])
    if (host) return host
  }
  const url = /https?:\/\/[^\s"'<>]{1,300}/i.exec(message)
  return url ? hostFromUrl(url[0]) : null
}

const LINE = /^(?:curl: )?\((\d{1,3})\) ?(.*)$/s
const BARE = /^(?:curl(?:[ \t]+(?:exit(?:[ \t]+(?:code|status))?|error|code))?|exit(?:[ \t]+(?:code|status))?)[ \t:#]*\(?(\d{1,3})\)?$/i

/** Explains one curl exit code with an optional message. */
export function explainCurl(code: number, message: string, input: string): Explanation | null {
  const info = CURL_CODES[code]
  if (!info) return null
  const host = hostFromMessage(message)
  const facts = message ? sslFacts(message) : undefined
  const advice = facts ? sslAdvice(facts, host) : null
  const lower = message.toLowerCase()
  const causes: string[] = []
  const meaning = [`curl exit code ${code} (${info.name}): ${info.meaning}.`]
  if (message) meaning.push(`curl's message: ${clean(message, 300)}`)
  let outcome = info.outcome
  if (advice) {
    meaning.push(...advice.meaning)
    causes.push(...advice.causes)
    outcome = advice.outcome ?? outcome
  }
  if (code === 28 && (lower.includes('connection timed out') || lower.includes('failed to connect'))) outcome = 'tcp-timeout'
  if (code === 28 && lower.includes('ssl connection timeout')) outcome = 'tls-timeout'
  if (code === 28 && /operation timed out.*\b0 bytes received/.test(lower)) outcome = 'http-timeout'
  if (code === 35 && (lower.includes('ssl_error_syscall') || lower.includes('connection reset'))) {
    outcome = 'tls-closed'
    if (!advice) causes.push('The server closed or reset the connection during the handshake: most often a ClientHello without SNI (or with a name it does not serve)')
  }
  if (code === 52) outcome = 'http-closed'
  if (host && isIpLiteral(host) && (code === 35 || code === 60 || code === 51)) causes.unshift(IP_NO_SNI)
  if (!advice) causes.push(...info.causes)
  else if (code === 35 || code === 60 || code === 51) causes.push(IP_NO_SNI)
  const steps = [...(advice?.steps ?? []), ...info.steps(host)]
  if ((code === 35 || advice?.outcome === 'tls-alert' || advice?.outcome === 'tls-closed' || advice?.outcome === 'tls-malformed') && code !== 60) {
    steps.push(haproxy.sni(host), nginx.sni(host))
  }
  return {
    kind: 'curl',
    input: echo(input),
    summary: advice ? `curl ${code} (${info.name}): ${advice.summary}.` : `curl ${code} (${info.name}): ${info.meaning}.`,
    fields: {
      exitCode: code,
      name: info.name,
      ...(message ? {message: clean(message, 1000)} : {}),
      ...(facts?.alert ? {alert: facts.alert} : {}),
      ...(facts && facts.codes.length > 0 ? {opensslErrors: facts.codes} : {}),
      ...(facts?.verify ? {verifyError: {number: facts.verify.number, text: facts.verify.text, node: facts.verify.node}} : {}),
      ...(outcome ? {outcome} : {}),
      ...(host ? {targetHost: host} : {}),
    },
    meaning: unique([...meaning, ...(outcome ? [`A probe reports this as outcome \`${outcome}\`.`] : [])]),
    likelyCauses: unique(causes),
    nextSteps: unique(steps.length > 0 ? steps : [check.probe(host)]),
  }
}

/** `curl: (35) …`, `(60) SSL certificate problem: …`, `curl exit 28`, `curl 52`. */
export function match(text: string): Explanation | null {
  const input = text.trim()
  if (input.length === 0) return null
  const firstLine = input.split('\n', 1)[0] ?? ''
  const line = LINE.exec(firstLine.trim())
  if (line?.[1] !== undefined && (firstLine.startsWith('curl: ') || /^\(\d{1,3}\) \S/.test(firstLine))) {
    return explainCurl(Number(line[1]), (line[2] ?? '').trim(), input)
  }
  // A curl line somewhere in pasted output (after `* ` verbose lines, for instance).
  const at = input.indexOf('curl: (')
  if (at >= 0) {
    const rest = input.slice(at).split('\n', 1)[0] ?? ''
    const inner = LINE.exec(rest)
    if (inner?.[1] !== undefined) return explainCurl(Number(inner[1]), (inner[2] ?? '').trim(), input)
  }
  if (input.length <= 40) {
    const bare = BARE.exec(input)
    if (bare?.[1] !== undefined) return explainCurl(Number(bare[1]), '', input)
  }
  return null
}

/** A bare number as a curl exit code (the index tries TLS alerts first). */
export function matchNumber(text: string): Explanation | null {
  const input = text.trim()
  return /^\d{1,3}$/.test(input) ? explainCurl(Number(input), '', input) : null
}
