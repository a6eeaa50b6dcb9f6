// TLS on the server lines: no ssl to a TLS port or endpoint (400), TLS to a plain-HTTP port,
// ssl without ca-file (HAProxy refuses to start), ssl without sni (503 SC--), and verify none
// (on a server, a default-server or a global line).

import {haproxyCaFile, haproxyHasSniAuto} from '../../fixes/haproxy.js'
import type {HaproxySection} from '../haproxy-parser.js'
import {keepableCaFile, parseServerOptions, safeCaFile, type ServerSettings} from '../haproxy-server.js'
import {edgeName, hostlessContext, isApiGateway, isCloudFront, isSnippetSafe} from '../hosts.js'
import type {RawFinding} from '../types.js'
import {first, originalLine, type ProxyInfo} from './context.js'
import type {HaproxyRule} from './rule.js'
import {describeServer, type ServerCheck} from './servers.js'

export const serverTls: HaproxyRule = {
  name: 'server-tls',
  create: ({config, version, findings}) => {
    /** default-server / global lines whose verify none was reported already. */
    const verifyReported = new Set<number>()
    return {
      start: () => checkGlobal(config.sections.find((section) => section.keyword === 'global') ?? null, findings, version),
      server: (check) => checkServer(check, findings, version, verifyReported),
    }
  },
}

/** `ssl-server-verify none` and `httpclient.ssl.verify none` in the global section. */
function checkGlobal(global: HaproxySection | null, findings: RawFinding[], version: string | null): void {
  if (!global) return
  const ctx = hostlessContext(version)
  for (const directive of global.directives) {
    const [keyword, value] = [directive.words[0]?.value, directive.words[1]?.value]
    if (keyword === 'ssl-server-verify' && value === 'none') {
      findings.push({
        line: directive.line,
        severity: 'warning',
        id: 'haproxy-verify-none',
        message: 'ssl-server-verify none turns off certificate verification for every server: a wrong or intercepted certificate goes unnoticed (and a certificate problem then looks like an SNI one in the logs)',
        fix: `ssl-server-verify required\n# and on each ssl server line: ca-file ${haproxyCaFile(ctx)}`,
        fixAction: 'replace',
      })
    }
    if (keyword === 'httpclient.ssl.verify' && value === 'none') {
      findings.push({
        line: directive.line,
        severity: 'warning',
        id: 'haproxy-verify-none',
        message: 'httpclient.ssl.verify none: the internal HTTP client (Lua httpclient, ACME, resolvers over HTTPS) accepts any certificate',
        fix: `httpclient.ssl.verify required\nhttpclient.ssl.ca-file ${haproxyCaFile(ctx)}`,
        fixAction: 'replace',
      })
    }
  }
}

function checkServer({info, server, settings, tls}: ServerCheck, findings: RawFinding[], version: string | null, verifyReported: Set<number>): void {
  if (!tls) return
  const line = server.directive.line
  const address = server.address
  const {host, cloud, corrected} = tls
  const label = describeServer(server)
  const edge = edgeName(host)

  // Plain HTTP to a TLS port, or to an endpoint that only speaks TLS.
  if (tls.plainToTls) {
    const toPort80 = cloud && address.port === 80
    const reason = toPort80
      ? isApiGateway(host)
        ? 'API Gateway has no plain-HTTP listener (port 80 is refused or times out)'
        : isCloudFront(host)
          ? 'CloudFront answers port 80 with a redirect to https or 403, depending on the viewer policy'
          : `${edge} expects HTTPS`
      : `HAProxy sends plain HTTP to a TLS port and ${edge} answers 400 Bad Request`
    findings.push({
      line,
      severity: 'error',
      id: 'haproxy-server-missing-ssl',
      message: `${label} has no ssl: ${reason}. Add ssl with verification and SNI`,
      fix: corrected,
      fixAction: tls.ctx ? 'replace' : null,
    })
  }

  // TLS to port 80: the server's plain-HTTP listener gets a ClientHello.
  if (settings.ssl && address.port === 80) {
    const fromDefault = settings.sslLine !== line
    const safeOriginal = isSnippetSafe(host) && !/[$%{}]/.test(server.directive.text)
    const fix = !tls.tlsOff ? corrected : safeOriginal ? `${originalLine(server.directive)} no-ssl` : null
    findings.push({
      line,
      severity: cloud ? 'error' : 'warning',
      id: 'haproxy-ssl-to-plain-port',
      message: `${label} speaks TLS (ssl${fromDefault && settings.sslLine !== null ? ` from default-server at line ${settings.sslLine}` : ''}) to port 80, a plain-HTTP port: the server reads the ClientHello as a broken HTTP request and answers 400 or closes, and HAProxy logs SC-- and answers 503. ${cloud ? `${edge} serves TLS on 443: connect there` : fromDefault ? 'Turn TLS off for this server (no-ssl), or connect to its TLS port' : 'Connect to the TLS port (443), or drop ssl if the server only speaks plain HTTP'}`,
      fix,
      fixAction: fix ? 'replace' : null,
    })
  }

  // The fix turns TLS off for this server (ssl came from default-server): nothing TLS to say about it.
  if (tls.tlsOff) return

  // verify required is the default: without ca-file HAProxy refuses to start.
  if (settings.ssl && settings.verify !== 'none' && !settings.caFile) {
    const ca = haproxyCaFile(hostlessContext(version))
    const safeOriginal = isSnippetSafe(host) && !/[$%{}]/.test(server.directive.text)
    const fix = corrected ?? (safeOriginal ? `${originalLine(server.directive)} ca-file ${ca}` : null)
    findings.push({
      line,
      severity: 'error',
      id: 'haproxy-ssl-without-ca-file',
      message: `${label} has ssl with certificate verification on (${settings.verify === 'required' ? `verify required${settings.verifyLine !== null && settings.verifyLine !== line ? ` from line ${settings.verifyLine}` : ''}` : 'verify required is the default'}) but no ca-file: HAProxy refuses to start ("verify is enabled by default but no CA file specified"). Name the CA store with ca-file ${ca}${ca === '@system-ca' ? ' (HAProxy >= 2.6)' : ''}`,
      fix,
      fixAction: fix ? 'replace' : null,
    })
  }

  // A server line without ssl to a TLS endpoint lacks SNI too: adding ssl alone trades the 400 for a 503.
  if ((settings.ssl || tls.plainToTls) && !settings.sni) {
    const autoCovers = haproxyHasSniAuto({...hostlessContext(version)}) && info.hostRewrite !== null && !settings.noSniAuto
    const ipOnly = address.kind === 'ipv4' || address.kind === 'ipv6'
    const what = settings.ssl ? 'speaks TLS without sni' : 'has no sni either (once ssl is added)'
    const effect = 'a ClientHello without server_name is refused by a strict-SNI edge (CloudFront, API Gateway): HAProxy logs SC-- and answers 503'
    const unknownName = tls.ctx ? '' : '; the server name is not known here: add sni str(<host name>)'
    const message = autoCovers
      ? `${label} ${what}: HAProxy >= 3.3 takes SNI from the rewritten Host (sni-auto), so with --proxy-version ${version} this works; older versions, or no-sni-auto, send none and ${effect}. Naming sni keeps it explicit${unknownName}`
      : settings.noSniAuto
        ? `${label} ${what} and sets no-sni-auto: ${effect}${unknownName}`
        : `${label} ${what}: ${effect} (HAProxy >= 3.3 sends SNI from the Host header by itself, sni-auto; older versions send none)${unknownName}`
    findings.push({
      line,
      severity: autoCovers || (ipOnly && !tls.ctx) ? 'warning' : 'error',
      id: 'haproxy-ssl-without-sni',
      message,
      fix: corrected,
      fixAction: corrected ? 'replace' : null,
    })
  }

  if (settings.ssl && settings.verify === 'none') {
    const onThisLine = server.options.some((option) => option.key === 'verify')
    if (onThisLine) {
      findings.push({
        line,
        severity: 'warning',
        id: 'haproxy-verify-none',
        message: `${label}: verify none, the server certificate is not checked, so a wrong or intercepted certificate goes unnoticed; verify it against the system store`,
        fix: corrected,
        fixAction: corrected ? 'replace' : null,
      })
    } else if (settings.verifyLine !== null && !verifyReported.has(settings.verifyLine)) {
      // A default-server line (or the global ssl-server-verify, already reported): once per line.
      verifyReported.add(settings.verifyLine)
      const fix = verifyFixForLine(settings.verifyLine, info, version, settings)
      if (fix) {
        findings.push({
          line: settings.verifyLine,
          severity: 'warning',
          id: 'haproxy-verify-none',
          message: `default-server verify none: the certificates of the servers it applies to (${label} and those after it) are not checked, so a wrong or intercepted certificate goes unnoticed`,
          fix,
          fixAction: 'replace',
        })
      }
    }
  }
}

/** For a default-server line with verify none: the same line verifying against the CA store. */
function verifyFixForLine(line: number, info: ProxyInfo, version: string | null, settings: ServerSettings): string | null {
  const directive = [...info.section.directives, ...(info.defaults?.directives ?? [])].find((candidate) => candidate.line === line)
  if (!directive || first(directive) !== 'default-server') return null
  const options = parseServerOptions(directive.words.slice(1))
  const ca = keepableCaFile(settings.caFileRaw) ?? haproxyCaFile({...hostlessContext(version), caFile: safeCaFile(settings.caFile)})
  const kept = options.filter((option) => option.key !== 'verify' && option.key !== 'ca-file').flatMap((option) => option.words.map((word) => word.raw))
  return ['default-server', ...kept, 'verify', 'required', 'ca-file', ca].join(' ')
}
