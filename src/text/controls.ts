// Text from a peer, a file or a saved report may hold characters that make a terminal act, or show
// something other than what is there. One list of them for the whole tool, two ways to defuse them:
// replaced by U+FFFD where the text is kept (a report), escaped visibly where it is printed.

const CLASS = '\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069'

/** C0 controls, DEL, C1 controls, line and paragraph separators, bidi marks, overrides and isolates. */
export const CONTROLS = new RegExp(`[${CLASS}]`, 'g')
/** The same but tab, line feed and carriage return: for text whose lines are kept (a body excerpt). */
export const CONTROLS_BUT_LAYOUT = new RegExp(`(?![\\t\\n\\r])[${CLASS}]`, 'g')

/** For a report: every such character but tabs and line breaks becomes U+FFFD. */
export function printable(text: string): string {
  return text.replaceAll(CONTROLS_BUT_LAYOUT, '\uFFFD')
}

/** For one-line fields (certificate names, keys): line breaks and tabs go too. */
export function printableLine(text: string): string {
  return text.replaceAll(CONTROLS, '\uFFFD')
}

/** `\x1b`, `\u202e`: a character written so that it can be read and not obeyed. */
export function escapeCodePoint(char: string): string {
  const code = char.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}
