import assert from 'node:assert/strict'
import {test} from 'node:test'

import type {HttpObservation} from '../../src/observations/types.js'
import {redactSecrets} from '../../src/probes/http-exchange.js'

test('redactSecrets: a secret echoed into Content-Type is scrubbed from contentType too', () => {
  const secret = 'Bearer s3cr3t-t0ken-value'
  const http: HttpObservation = {
    status: 200,
    statusText: 'OK',
    httpVersion: '1.1',
    headers: {'content-type': `text/plain; echo=${secret}`},
    contentType: `text/plain; echo=${secret}`,
    bodyExcerpt: '',
    bodyTruncated: false,
    bodyBytes: 0,
  }
  const scrubbed = redactSecrets(http, [{name: 'Authorization', value: secret}])
  assert.equal(scrubbed.headers['content-type'], 'text/plain; echo=[redacted]')
  assert.equal(scrubbed.contentType, 'text/plain; echo=[redacted]')
})
