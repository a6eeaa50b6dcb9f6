import {CONTROLS, escapeCodePoint} from '../text/controls.js'

const LAYOUT_ESCAPES: Record<string, string> = {'\r': '\\r', '\n': '\\n', '\t': '\\t'}

/**
 * Text from a peer or a saved report, made safe for one terminal line: control characters become
 * visible escapes (so a peer cannot add a fake `verdict:` line or drive the terminal), and bidi
 * overrides and line separators are shown as code points (so text cannot be made to read backwards).
 */
export function escapeForTerminal(text: string): string {
  return text.replaceAll(CONTROLS, (c) => LAYOUT_ESCAPES[c] ?? escapeCodePoint(c))
}
