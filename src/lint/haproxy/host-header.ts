// The Host header an edge routes on: not rewritten (or set back to the client's own, 403), and
// rewritten to another name than the SNI sent (421 / 403). One finding of each per section.

import {haproxyHostRewrite} from '../../fixes/haproxy.js'
import type {HaproxyDirective, HaproxySection} from '../haproxy-parser.js'
import {edgeName, isCloudEndpoint, isSnippetSafe} from '../hosts.js'
import type {RawFinding} from '../types.js'
import {HOST_PASSTHROUGH, first, replaceWord, sectionLabel} from './context.js'
import type {HaproxyRule} from './rule.js'
import {describeServer, fixContext, tlsPortOverride, type ServerCheck} from './servers.js'

export const hostHeader: HaproxyRule = {
  name: 'host-header',
  create: ({version, findings}) => {
    const rewriteReported = new Set<HaproxySection>()
    const mismatchReported = new Set<HaproxySection>()
    return {
      server(check) {
        const {section} = check.info
        if (!rewriteReported.has(section) && checkHostRewrite(check, findings, version)) rewriteReported.add(section)
        if (!mismatchReported.has(section) && checkHostSniMismatch(check, findings)) mismatchReported.add(section)
      },
    }
  },
}

/** A cloud endpoint (or an sni server) whose Host is not rewritten. */
function checkHostRewrite({info, server, settings}: ServerCheck, findings: RawFinding[], version: string | null): boolean {
  if (info.mode !== 'http') return false
  if (info.hostRewrite !== null) return false
  const host = server.address.host
  const cloud = isCloudEndpoint(host)
  if (!cloud && !settings.sni) return false
  if (server.address.kind === 'socket' || server.address.host === null) return false
  const ctx = fixContext(info, server, settings, version, server.address.port === 80 && cloud ? 443 : tlsPortOverride(server, settings))
  const sniNote = settings.sni && !/^str\(/.test(settings.sni) ? ` (and sni ${settings.sni} then names the client's Host too)` : ''
  // Our own rewrite would be ignored in a section HAProxy runs in TCP mode: the fix turns HTTP mode on with it.
  const tcp = info.effectiveMode === 'tcp'
  const label = sectionLabel(info.section)
  // `set-header Host %[req.hdr(host)]` only passes the client's Host on: that line is the one to change.
  const passthrough = tcp ? null : (info.section.directives.filter((directive) => isHostPassthrough(directive)).at(-1) ?? null)
  const fix = ctx ? [...(tcp ? ['mode http'] : []), haproxyHostRewrite(ctx)].join('\n') : null
  findings.push({
    line: passthrough ? passthrough.line : server.directive.line,
    severity: 'error',
    id: 'haproxy-missing-host-rewrite',
    message: `${label} sends the client's Host header to ${cloud ? edgeName(host) : 'an SNI-routed server'}${sniNote}${
      passthrough ? ` (${passthrough.text.trim().replace(/\s+/g, ' ')} at line ${passthrough.line} sets Host to the client's own)` : ''
    }: the edge routes on Host and answers 403 (ForbiddenException, or CloudFront's "The request could not be satisfied"). Rewrite Host in the ${info.section.keyword}${
      tcp ? `, and add mode http with it: ${label} has no mode in it or its defaults, so HAProxy runs it in TCP mode and would ignore the rewrite` : ''
    }`,
    fix,
    fixAction: fix ? (passthrough ? 'replace' : 'insert') : null,
  })
  return true
}

/** `http-request set-header Host %[req.hdr(host)]` and the like: no rewrite at all. */
function isHostPassthrough(directive: HaproxyDirective): boolean {
  const words = directive.words.map((word) => word.value)
  return words[0] === 'http-request' && words[1] === 'set-header' && words[2]?.toLowerCase() === 'host' && HOST_PASSTHROUGH.test((words[3] ?? '').trim())
}

/** sni str(a) with Host rewritten to b: the edge matches the certificate by one and routes by the other. */
function checkHostSniMismatch({info, server, settings}: ServerCheck, findings: RawFinding[]): boolean {
  if (info.mode !== 'http' || !settings.ssl) return false
  const rewrite = info.hostRewrite
  if (!rewrite?.host) return false
  const sniMatch = settings.sni ? /^str\(([^()\s]+)\)$/.exec(settings.sni) : null
  if (!sniMatch) return false
  const sni = (sniMatch[1] as string).toLowerCase().replace(/\.$/, '')
  if (sni === rewrite.host.toLowerCase()) return false
  const safe = isSnippetSafe(sni)
  const inSection = rewrite.section === info.section && first(rewrite.directive) === 'http-request' && rewrite.directive.words[1]?.value === 'set-header'
  const valueWord = rewrite.directive.words[3]
  const fix = !safe ? null : inSection && valueWord ? replaceWord(rewrite.directive, valueWord, sni) : `http-request set-header Host ${sni}`
  findings.push({
    line: inSection ? rewrite.directive.line : server.directive.line,
    severity: 'warning',
    id: 'haproxy-host-sni-mismatch',
    message: `${describeServer(server)} sends SNI ${sni} but Host is rewritten to ${rewrite.host} (line ${rewrite.directive.line}): the edge picks the certificate by SNI and routes by Host, and answers 421 Misdirected Request (CloudFront) or 403 when they name different hosts. Keep both equal: the fix sets Host to the SNI name (or change sni str() to the Host name if that is the endpoint)`,
    fix,
    fixAction: fix ? (inSection ? 'replace' : 'insert') : null,
  })
  return true
}
