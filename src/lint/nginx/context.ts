// nginx's inheritance as the rules need it: which directive is in effect where, and what the
// fixes may add to a block without making it a duplicate.

import {nginxSniLines} from '../../fixes/nginx.js'
import type {FixContext} from '../../fixes/types.js'
import {hostlessContext, isSnippetSafe} from '../hosts.js'
import type {NginxDirective} from '../nginx-parser.js'

/** The directive lists that apply to a directive, innermost first (nginx inheritance order). */
function scopes(directive: NginxDirective, root: NginxDirective[]): NginxDirective[][] {
  const out: NginxDirective[][] = []
  let parent = directive.parent
  while (parent) {
    if (parent.block) out.push(parent.block)
    parent = parent.parent
  }
  out.push(root)
  return out
}

export function hasHttpAncestor(directive: NginxDirective): boolean {
  for (let parent = directive.parent; parent; parent = parent.parent) if (parent.name === 'http') return true
  return false
}

/** Directives of one block by name, built once per block (a big file must not go quadratic). */
const byNameCache = new WeakMap<NginxDirective[], Map<string, NginxDirective[]>>()
export function named(list: NginxDirective[], name: string): NginxDirective[] {
  let index = byNameCache.get(list)
  if (!index) {
    index = new Map()
    for (const directive of list) {
      const same = index.get(directive.name)
      if (same) same.push(directive)
      else index.set(directive.name, [directive])
    }
    byNameCache.set(list, index)
  }
  return index.get(name) ?? []
}

/** The directive in effect: the innermost block that sets it wins. */
export function effective(directive: NginxDirective, name: string, root: NginxDirective[]): NginxDirective | null {
  for (const list of scopes(directive, root)) {
    const found = named(list, name).at(-1)
    if (found) return found
  }
  return null
}

/** proxy_set_header in effect: a block with ANY proxy_set_header does not inherit the outer ones. */
export function effectiveHeaders(directive: NginxDirective, root: NginxDirective[]): NginxDirective[] {
  for (const list of scopes(directive, root)) {
    const headers = named(list, 'proxy_set_header')
    if (headers.length > 0) return headers
  }
  return []
}

/** Files that hold MIME types or CGI parameters: they cannot change TLS or Host settings. */
export function harmlessInclude(directive: NginxDirective): boolean {
  const path = directive.args[0] ?? ''
  // modules-enabled/*.conf holds load_module lines only.
  return /(?:^|\/)(?:mime\.types|[\w.-]+\.types|fastcgi_params|fastcgi\.conf|uwsgi_params|scgi_params|koi-utf|koi-win|win-utf)$/.test(path) || /(?:^|\/)modules-enabled\/\*(?:\.conf)?$/.test(path)
}

export function includesInScope(directive: NginxDirective, root: NginxDirective[]): NginxDirective[] {
  return scopes(directive, root).flatMap((list) => named(list, 'include').filter((candidate) => !harmlessInclude(candidate)))
}

/** `set $name value` in an enclosing block. */
export function variableValue(directive: NginxDirective, name: string, root: NginxDirective[]): string | null {
  for (const list of scopes(directive, root)) {
    const found = named(list, 'set').filter((candidate) => candidate.args[0] === `$${name}`).at(-1)
    if (found) return found.args[1] ?? null
  }
  return null
}

/** The block a directive sits in (the top level for none). */
export function blockOf(directive: NginxDirective, root: NginxDirective[]): NginxDirective[] {
  return directive.parent?.block ?? root
}

/**
 * Generated lines minus those whose directive the block already has (nginx refuses a second
 * proxy_ssl_name, proxy_ssl_verify... in one block: "directive is duplicate"). `replacing` is the
 * directive the lines take the place of: its name does not count.
 */
export function withoutDuplicates(lines: string[], block: NginxDirective[], replacing: NginxDirective | null = null): string[] {
  return lines.filter((line) => {
    const name = /^([a-z_][a-z0-9_]*)\s/i.exec(line)?.[1]
    if (!name || line.startsWith('#') || name === 'proxy_set_header' || name === 'set') return true
    return !named(block, name).some((existing) => existing !== replacing)
  })
}

export function ctxFor(host: string | null, port: number, address: string | null, version: string | null): FixContext | null {
  if (!isSnippetSafe(host)) return null
  if (address !== null && !isSnippetSafe(address)) return null
  return {host, port, address: address === host ? null : address, path: '/', caFile: null, version}
}

/** The host-independent first line of the generator's SNI lines (`proxy_ssl_server_name on;`). */
export function sniSwitchLine(version: string | null): string {
  return nginxSniLines(hostlessContext(version))[0] as string
}
