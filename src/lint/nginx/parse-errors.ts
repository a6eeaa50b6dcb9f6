// config-parse-error: what nginx -t would refuse before looking at anything else (unterminated
// strings and directives, braces).

import type {NginxRule} from './rule.js'

const MAX_PARSE_FINDINGS = 10

export const parseErrors: NginxRule = {
  name: 'parse-errors',
  create: ({config, findings}) => ({
    start() {
      const problems = config.problems
      for (const [index, problem] of problems.slice(0, MAX_PARSE_FINDINGS).entries()) {
        const more = index === MAX_PARSE_FINDINGS - 1 && problems.length > MAX_PARSE_FINDINGS ? ` (and ${problems.length - MAX_PARSE_FINDINGS} more parse problems)` : ''
        findings.push({
          line: problem.line,
          severity: 'error',
          id: 'config-parse-error',
          message: `${problem.message}: nginx refuses the configuration (nginx -t fails), and lint may misread what follows${more}`,
          fix: problem.fix ?? null,
          fixAction: problem.fix ? 'replace' : null,
        })
      }
    },
  }),
}
