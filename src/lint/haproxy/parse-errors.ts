// config-parse-error: an unmatched quote, which HAProxy refuses.

import type {HaproxyRule} from './rule.js'

export const parseErrors: HaproxyRule = {
  name: 'parse-errors',
  create: ({config, findings}) => ({
    start() {
      for (const problem of config.problems) {
        findings.push({
          line: problem.line,
          severity: 'error',
          id: 'config-parse-error',
          message: `${problem.message}; HAProxy refuses to start ("unmatched quote"). Close the quote on this line`,
          fix: null,
          fixAction: null,
        })
      }
    },
  }),
}
