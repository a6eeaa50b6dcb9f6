import type {ConfigKind} from './types.js'

const HAPROXY_SECTION = /^\s*(?:global|defaults|frontend|backend|listen|resolvers|peers|userlist|program|http-errors|ring|cache|mailers|log-forward|fcgi-app)(?:\s|$)/
const HAPROXY_DIRECTIVE = /^\s*(?:server|server-template|default-server|bind|use_backend|default_backend|acl|mode|balance|option|http-request|http-response|timeout|maxconn|stats|tcp-request)\s/
const NGINX_BLOCK = /^\s*(?:http|server|location|upstream|events|stream|map|if|types|limit_except)\b[^;]*\{\s*(?:#.*)?$/
const NGINX_DIRECTIVE = /;\s*(?:#.*)?$/
const NGINX_KEYWORD = /^\s*(?:proxy_pass|proxy_set_header|listen|server_name|location|root|include|worker_processes|error_log|access_log|return|rewrite|try_files|add_header|upstream)\b/

/** Guesses the kind of a configuration from its text; null when neither reading is convincing. */
export function detectKind(text: string): ConfigKind | null {
  let haproxy = 0
  let nginx = 0
  for (const rawLine of text.split('\n').slice(0, 5000)) {
    const line = rawLine.replace(/\r$/, '')
    if (/^\s*(?:#|$)/.test(line)) continue
    if (HAPROXY_SECTION.test(line) && !line.includes('{') && !NGINX_DIRECTIVE.test(line)) haproxy += 3
    else if (HAPROXY_DIRECTIVE.test(line) && !NGINX_DIRECTIVE.test(line) && !line.includes('{')) haproxy += 1
    if (NGINX_BLOCK.test(line)) nginx += 3
    else if (NGINX_DIRECTIVE.test(line)) nginx += NGINX_KEYWORD.test(line) ? 2 : 1
    else if (/^\s*\}\s*$/.test(line)) nginx += 1
  }
  if (haproxy === 0 && nginx === 0) return null
  if (haproxy > nginx * 1.5) return 'haproxy'
  if (nginx > haproxy * 1.5) return 'nginx'
  return null
}
