/**
 * Text from a peer or a saved report, made safe for one terminal line: control characters become
 * visible escapes (so a peer cannot add a fake `verdict:` line or drive the terminal), and bidi
 * overrides and line separators are shown as code points (so text cannot be made to read backwards).
 */
export function escapeForTerminal(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g, (c) => {
    if (c === '\r') return '\\r'
    if (c === '\n') return '\\n'
    if (c === '\t') return '\\t'
    const code = c.charCodeAt(0)
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`
  })
}
