import type {Rule} from '../rule.js'
import {certificateExpired, certificateNameMismatch, certificateNotYetValid, certificateUntrusted} from './certificate.js'
import {tlsTimeout, unreachable} from './reachability.js'
import {clientError, forbidden, httpNoAnswer, missingAuthenticationToken, serverError} from './reference.js'
import {sniRejected} from './sni-rejected.js'
import {hostHeaderRequired, sniHostMismatchRejected, sniRequired, tlsRequired} from './requirements.js'

/** Rules about the reference request itself: order is the order of the report. */
export const PROBLEM_RULES: Rule[] = [
  unreachable,
  tlsTimeout,
  sniRejected,
  certificateExpired,
  certificateNotYetValid,
  certificateUntrusted,
  certificateNameMismatch,
  missingAuthenticationToken,
  forbidden,
  clientError,
  serverError,
  httpNoAnswer,
]

/** What a proxy in front of the target must do. */
export const REQUIREMENT_RULES: Rule[] = [tlsRequired, sniRequired, hostHeaderRequired, sniHostMismatchRejected]
