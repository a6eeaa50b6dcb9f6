// YAML scalars for the Envoy and Traefik snippets: a value that YAML would read as something else
// (`::1` and `[::1]:8443` are not even valid plain scalars; `127.0.0.1` is fine but `on`, `null`,
// `1e3` are not strings) is written double-quoted. A JSON string is a valid YAML double-quoted scalar.

/** Plain scalars that are strings in YAML 1.1 and 1.2, in block and flow context alike. */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@+-]*$/
/** Words YAML 1.1 (PyYAML, older Go yaml) reads as booleans or null. */
const RESERVED = /^(?:y|yes|n|no|true|false|on|off|null)$/i

export function yamlScalar(value: string): string {
  return PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value)
}
