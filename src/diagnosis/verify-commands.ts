import type {TargetInfo} from '../observations/types.js'
import {hostForUrl} from '../target/hostname.js'
import {safePath} from '../fixes/context.js'

// Commands a support engineer can paste to see the same thing by hand. Host and address were
// validated when the target was parsed; the path is filtered and single-quoted.

const resolveFlag = (t: TargetInfo, port: number): string => (t.pinnedAddress ? ` --resolve ${hostForUrl(t.host)}:${port}:${hostForUrl(t.pinnedAddress)}` : '')

function url(t: TargetInfo, scheme: 'http' | 'https', port: number): string {
  const defaultPort = scheme === 'https' ? 443 : 80
  return `'${scheme}://${hostForUrl(t.host)}${port === defaultPort ? '' : `:${port}`}${safePath(t.path)}'`
}

export function curlReference(t: TargetInfo): string {
  return `curl -sS -o /dev/null -w '%{http_code}\\n'${resolveFlag(t, t.port)} ${url(t, 'https', t.port)}`
}

export function curlPlainToTlsPort(t: TargetInfo): string {
  return `curl -sS -o /dev/null -w '%{http_code}\\n'${resolveFlag(t, t.port)} ${url(t, 'http', t.port)}   # then compare: ${curlReference(t)}`
}

export function curlWrongHost(t: TargetInfo): string {
  return `curl -sS -o /dev/null -w '%{http_code}\\n' -H 'Host: ${t.wrongName}'${resolveFlag(t, t.port)} ${url(t, 'https', t.port)}`
}

export function curlVerbose(t: TargetInfo): string {
  return `curl -sv${resolveFlag(t, t.port)} ${url(t, 'https', t.port)}`
}

function connectArg(t: TargetInfo): string {
  return `${hostForUrl(t.pinnedAddress ?? t.host)}:${t.port}`
}

export function opensslNoSni(t: TargetInfo): string {
  return `openssl s_client -connect ${connectArg(t)} -noservername </dev/null   # then with -servername ${t.host}`
}

export function opensslVerify(t: TargetInfo): string {
  return `openssl s_client -connect ${connectArg(t)} -servername ${t.host} -verify_hostname ${t.host} -verify_return_error </dev/null`
}

export function opensslWrongSni(t: TargetInfo): string {
  return `openssl s_client -connect ${connectArg(t)} -servername ${t.wrongName} </dev/null`
}
