// E2E infrastructure: real nginx/HAProxy on loopback, and the built CLI.
export { strictEdge, probeEdgeArgs, type StrictEdge, type StrictEdgeOptions } from './strict-edge.js'
export { startHaproxy, haproxyPreamble, haproxyConfigWithBackend, backendNameOf, haproxyCheck, type HaproxyInstance, type HaproxyContext, type PreambleOptions } from './haproxy.js'
export { startNginxProxy, type NginxProxyInstance, type NginxProxyContext } from './nginx-proxy.js'
export { runCli, cliDir, build, REPO_ROOT, type CliResult } from './cli.js'
export { httpGet, type HttpAnswer } from './http-client.js'
export { saveCaptured, CAPTURE_DIR } from './capture.js'
export { freePort, freePorts, requireBinary, run, eventually, waitForPort, waitForListening, makeTmpDir, startDaemon, type Daemon, type RunResult } from './util.js'
export { parseHttplog, type HttplogLine } from './httplog.js'
