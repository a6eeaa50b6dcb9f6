import type {ConfigKind} from './types.js'

const HAPROXY_SECTION = /^\s*(?:global|defaults|frontend|backend|listen|resolvers|peers|userlist|program|http-errors|ring|cache|mailers|log-forward|fcgi-app)(?:\s|$)/
const HAPROXY_DIRECTIVE = /^\s*(?:server|server-template|default-server|bind|use_backend|default_backend|acl|mode|balance|option|http-request|http-response|timeout|maxconn|stats|tcp-request)\s/
const NGINX_BLOCK_KEYWORD = /^(?:http|server|location|upstream|events|stream|map|if|types|limit_except)\b/
const NGINX_DIRECTIVE = /;\s*(?:#.*)?$/
const NGINX_KEYWORD = /^(?:proxy_pass|proxy_set_header|listen|server_name|location|root|include|worker_processes|error_log|access_log|return|rewrite|try_files|add_header|upstream)\b/

/**
 * The nginx score of one line, statement by statement: `name ... {` opening a known block, `name
 * ...;`, a lone `}`. A whole config on one line (`events {} http { server { ... } }`) counts too.
 */
function nginxScore(line: string): number {
  let score = 0
  // Statements end at ; { or }; quoted strings may hold those characters.
  const statement = /((?:[^;{}"'#]|"[^"]*"|'[^']*')*)([;{}])/gy
  let match: RegExpExecArray | null
  while ((match = statement.exec(line)) !== null) {
    const text = (match[1] as string).trim()
    const end = match[2]
    if (end === '{') score += NGINX_BLOCK_KEYWORD.test(text) ? 3 : 0
    else if (end === ';') score += text.length === 0 ? 0 : NGINX_KEYWORD.test(text) ? 2 : 1
    else if (text.length === 0) score += 1
    if (statement.lastIndex >= line.length) break
  }
  return score
}

/** Guesses the kind of a configuration from its text; null when neither reading is convincing. */
export function detectKind(text: string): ConfigKind | null {
  let haproxy = 0
  let nginx = 0
  for (const rawLine of text.split('\n').slice(0, 5000)) {
    const line = rawLine.replace(/\r$/, '')
    if (/^\s*(?:#|$)/.test(line)) continue
    if (HAPROXY_SECTION.test(line) && !line.includes('{') && !NGINX_DIRECTIVE.test(line)) haproxy += 3
    else if (HAPROXY_DIRECTIVE.test(line) && !NGINX_DIRECTIVE.test(line) && !line.includes('{')) haproxy += 1
    nginx += nginxScore(line)
  }
  if (haproxy === 0 && nginx === 0) return null
  if (haproxy > nginx * 1.5) return 'haproxy'
  if (nginx > haproxy * 1.5) return 'nginx'
  return null
}
