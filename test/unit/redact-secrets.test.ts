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

test('redactSecrets: a response header named like a secret header we sent (--redact) keeps no value', () => {
  const http: HttpObservation = {
    status: 200,
    statusText: 'OK',
    httpVersion: '1.1',
    headers: {'x-amzn-requestid': 'req-1', server: 'edge'},
    contentType: null,
    bodyExcerpt: '',
    bodyTruncated: false,
    bodyBytes: 0,
  }
  const scrubbed = redactSecrets(http, [{name: 'X-Amzn-RequestId', value: 'whatever', secret: true}])
  assert.deepEqual(scrubbed.headers, {'x-amzn-requestid': '[redacted]', server: 'edge'})
  assert.deepEqual(redactSecrets(http, [{name: 'X-Amzn-RequestId', value: 'whatever', secret: false}]).headers, http.headers)
})
