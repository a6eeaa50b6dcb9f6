// Input hygiene shared by the explainers: bounded input, escaped control characters, and host
// names that are only ever put into a snippet after validation.

import {classifyHost, HOST_PLACEHOLDER, hostForUrl} from '../target/hostname.js'
import {CONTROLS, escapeCodePoint} from '../text/controls.js'

/** Input beyond this is ignored: no log line or error message is anywhere near it. */
export const MAX_INPUT = 64 * 1024
/** How much of the input is echoed back in `input`. */
export const MAX_ECHO = 2048

/** Caps the input at MAX_INPUT characters (never splitting a surrogate pair). */
export function capInput(text: string): string {
  if (text.length <= MAX_INPUT) return text
  let end = MAX_INPUT
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end -= 1
  return text.slice(0, end)
}

/** Escapes control characters so that echoing text cannot drive the terminal. Tabs become spaces. */
export function escapeControls(text: string): string {
  return text.replace(/\t/g, ' ').replaceAll(CONTROLS, escapeCodePoint)
}

/** A piece of the input as it may appear in output: escaped and bounded. */
export function clean(text: string, max = 512): string {
  const escaped = escapeControls(text)
  return escaped.length > max ? escaped.slice(0, max) + `…[${escaped.length - max} more]` : escaped
}

/** The input as echoed in an Explanation. */
export function echo(text: string): string {
  return clean(text.trim(), MAX_ECHO)
}

/** Applies escapeControls to every string in a JSON-like value. */
export function deepClean<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return escapeControls(value) as T
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((item) => deepClean(item, depth + 1)) as T
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[escapeControls(key)] = deepClean(item, depth + 1)
  return out as T
}

/**
 * A host name or IP literal taken from the input, if it is safe to put in a snippet or command;
 * a port or brackets around it are removed. Anything else gives null.
 */
export function safeHostFrom(candidate: string | null | undefined): string | null {
  if (!candidate) return null
  let host = candidate.trim().toLowerCase()
  if (host.length === 0 || host.length > 260) return null
  if (host.startsWith('[')) {
    const close = host.indexOf(']')
    if (close < 0) return null
    host = host.slice(1, close)
  } else {
    const colon = host.indexOf(':')
    if (colon >= 0 && colon === host.lastIndexOf(':')) host = host.slice(0, colon)
  }
  if (host.endsWith('.')) host = host.slice(0, -1)
  return classifyHost(host) === null ? null : host
}

/** The host part of a URL given in the input (https://host:port/path), validated. */
export function hostFromUrl(url: string | null | undefined): string | null {
  if (!url) return null
  const match = /^[a-z][a-z0-9+.-]{0,15}:\/\/([^/?#\s]{1,300})/i.exec(url.trim())
  if (!match?.[1]) return null
  const authority = match[1].includes('@') ? match[1].slice(match[1].lastIndexOf('@') + 1) : match[1]
  return safeHostFrom(authority)
}

/** True when the host is an IP literal rather than a name. */
export function isIpLiteral(host: string): boolean {
  const kind = classifyHost(host)
  return kind === 'ipv4' || kind === 'ipv6'
}

/** The placeholder used in snippets when the input named no usable host. */
// The same placeholder the fix generators accept: advice built from them and probe hints agree.
export {HOST_PLACEHOLDER}

/** `apigw-doctor probe <host>`, with an IP written as a URL authority would need it. */
export function probeCommand(host: string | null | undefined, extra = ''): string {
  const target = host ? hostForUrl(host) : HOST_PLACEHOLDER
  return `apigw-doctor probe ${target}${extra ? ' ' + extra : ''}`
}

/** Splits on runs of spaces/tabs without a regex that could backtrack. */
export function words(text: string): string[] {
  return text.split(/[ \t]+/).filter((word) => word.length > 0)
}

/** Removes duplicate lines, keeping the first occurrence. */
export function unique(lines: string[]): string[] {
  return [...new Set(lines)]
}

/**
 * What a syslog or journald prefix before a log message says: RFC 3164 / BSD
 * (`<134>Nov 26 05:10:01 host haproxy[1234]:`, `Nov 26 05:10:01 host nginx:`) or RFC 5424
 * (`<134>1 2026-11-26T05:10:01.533465+00:00 host haproxy 1234 - -`). Undefined for an empty prefix.
 */
export function syslogFields(prefix: string): Record<string, unknown> | undefined {
  const text = prefix.trim().slice(0, 512)
  if (!text) return undefined
  const out: Record<string, unknown> = {prefix: clean(text, 200)}
  const rfc5424 = /^(?:<(\d{1,3})>)?1 (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32})(?: (.{0,300}))?$/.exec(text)
  if (rfc5424) {
    const [, priority, timestamp, hostname, app, procid, msgid] = rfc5424
    if (priority !== undefined) out.priority = Number(priority)
    if (timestamp && timestamp !== '-') out.timestamp = clean(timestamp, 64)
    if (hostname && hostname !== '-') out.hostname = clean(hostname, 255)
    if (app && app !== '-') out.process = clean(app, 48)
    if (procid && /^\d{1,10}$/.test(procid)) out.pid = Number(procid)
    if (msgid && msgid !== '-') out.msgid = clean(msgid, 32)
    return out
  }
  const priority = /^<(\d{1,3})>/.exec(text)
  if (priority?.[1]) out.priority = Number(priority[1])
  const process = /(?:^|[\s>])([A-Za-z][\w./-]{0,63})(?:\[(\d{1,10})\])?:$/.exec(text)
  if (process?.[1]) {
    out.process = process[1]
    if (process[2]) out.pid = Number(process[2])
  }
  return out
}
