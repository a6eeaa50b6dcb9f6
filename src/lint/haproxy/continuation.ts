// haproxy-line-continuation: HAProxy has no line continuation; a trailing backslash is an unknown keyword.

import type {HaproxyRule} from './rule.js'

export const lineContinuation: HaproxyRule = {
  name: 'continuation',
  create: ({config, findings}) => ({
    start() {
      for (const continuation of config.continuations) {
        findings.push({
          line: continuation.line,
          severity: 'error',
          id: 'haproxy-line-continuation',
          message: `line ends with a backslash: HAProxy does not join it with line ${continuation.line + 1}; it rejects the backslash as an unknown keyword and reads the next line as a directive of its own (HAProxy 2.6 refuses to start). Write the directive on one line (the fix replaces lines ${continuation.line}-${continuation.endLine})`,
          fix: continuation.text.trim(),
          fixAction: 'replace',
        })
      }
    },
  }),
}
