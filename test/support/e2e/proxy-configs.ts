// The proxy configurations the e2e suites put in front of the strict edge (strict-edge.ts): each classic
// mistake on its own, then the config that works. HAProxy: a `backend be_gw` section (haproxyConfigWithBackend
// adds the preamble and a frontend); nginx: a `location /` (startNginxProxy puts it in a server block).
import type { StrictEdge } from './strict-edge.js'

type Config = (edge: StrictEdge) => string

export const haproxyBackend = {
  /** `server gw <edge>`, no ssl: plain HTTP on the TLS port, the edge answers 400 */
  noSsl: (e) => `backend be_gw\n    server gw ${e.upstream}\n`,
  /** `ssl verify none`, no sni: the edge refuses the handshake (alert 112 unrecognized_name) */
  noSni: (e) => `backend be_gw\n    server gw ${e.upstream} ssl verify none\n`,
  /** `sni str(api.test)`, Host not rewritten: the edge's 403 Forbidden */
  noHostRewrite: (e) => `backend be_gw\n    server gw ${e.upstream} ssl verify none sni str(${e.hostname})\n`,
  /** `sni str(api.test)` and `http-request set-header Host api.test`: 200 */
  sniAndHost: (e) => `backend be_gw\n    http-request set-header Host ${e.hostname}\n    server gw ${e.upstream} ssl verify none sni str(${e.hostname})\n`,
} satisfies Record<string, Config>

export const nginxLocation = {
  /** `proxy_pass https://<edge>` without proxy_ssl_server_name: alert 112, nginx answers 502 */
  noSni: (e) => `location / {\n    proxy_pass https://${e.upstream};\n}\n`,
  /** `proxy_pass http://<edge>`: plain HTTP on the TLS port, the edge answers 400 */
  plainHttp: (e) => `location / {\n    proxy_pass http://${e.upstream};\n}\n`,
  /** SNI right, but `proxy_set_header Host $host` (the client's Host): the edge's 403 Forbidden */
  clientHost: (e) => `location / {\n    proxy_pass https://${e.upstream};\n    proxy_ssl_server_name on;\n    proxy_ssl_name ${e.hostname};\n    proxy_set_header Host $host;\n}\n`,
  /** `proxy_ssl_server_name on`, `proxy_ssl_name api.test` and `proxy_set_header Host api.test`: 200 */
  sniAndHost: (e) =>
    `location / {\n    proxy_pass https://${e.upstream};\n    proxy_ssl_server_name on;\n    proxy_ssl_name ${e.hostname};\n    proxy_set_header Host ${e.hostname};\n}\n`,
} satisfies Record<string, Config>
