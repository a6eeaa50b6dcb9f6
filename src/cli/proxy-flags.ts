// The flags that choose whose fixes are printed, shared by probe and diagnose (lint has its own
// --proxy-version description: its fixes follow the version of the config's own proxy).
import * as Flags from '@oclif/core/flags'

import {PROXY_KINDS} from '../fixes/types.js'
import {UsageError} from './errors.js'

export const proxyFlags = {
  'proxy-kind': Flags.string({description: "which proxy's fixes to print", options: [...PROXY_KINDS, 'all'], default: 'haproxy'}),
  'proxy-version': Flags.string({description: 'version of that proxy, e.g. 2.4 or 3.3: fixes follow it (default: fixes for HAProxy 2.6 or later)'}),
}

/** --proxy-version: null when not given; a usage error (exit 2) unless it reads like 2, 2.4 or 2.4.1. */
export function parseProxyVersion(raw: string | undefined): string | null {
  if (raw === undefined) return null
  if (!/^\d{1,2}(?:\.\d{1,3}){0,2}$/.test(raw)) throw new UsageError(`invalid --proxy-version ${JSON.stringify(raw.slice(0, 20))}: expected e.g. 2.6 or 3.3`, 'bad-version')
  return raw
}
