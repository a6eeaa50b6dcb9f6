import type {Requirements} from '../../fixes/types.js'
import {saw} from '../facts.js'
import type {Rule} from '../rule.js'
import {curlReference} from '../verify-commands.js'

export function describeRequirements(requirements: Requirements): string {
  const found = [requirements.tls && 'TLS', requirements.sni && 'SNI', requirements.hostHeader && 'its own Host header'].filter(Boolean)
  return found.length > 0 ? `it requires ${found.join(', ')}` : 'no special requirement was found'
}

/** healthy reads the requirements the other rules found; diagnose() passes them in. */
export function healthyRule(requirements: Requirements): Rule {
  return {
    id: 'healthy',
    severity: 'info',
    reads: ['tls-sni'],
    applies({probes, target}) {
      const reference = probes['tls-sni']
      if (reference?.outcome !== 'ok') return null
      return {
        summary: `${target.host} answers the reference request with ${reference.status}; ${describeRequirements(requirements)}: the recommended configuration below satisfies all of it.`,
        details: [{probe: 'tls-sni', saw: saw(reference)}],
      }
    },
    verify: curlReference,
  }
}
