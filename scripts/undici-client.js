// What the CLI uses of undici, for the bundle (scripts/build.js maps `undici` here): Client and its
// request() (HTTP/1.1 over a socket we hand it), wired the way undici's own index.js does it
// (`Object.assign(Dispatcher.prototype, api)`, request only). The index also loads fetch,
// WebSocket, caches and mocks: twice the start-up of a probe, for nothing. The CLI tests run the
// bundle, so a change in undici's layout fails them.
import Client from 'undici/lib/dispatcher/client.js'
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js'
import request from 'undici/lib/api/api-request.js'

Dispatcher.prototype.request ??= request

export {Client}
