/**
 * Peers are hostile: no terminal escapes or other control characters (C0, DEL, C1) and no bidi
 * overrides (text that reads backwards on screen) survive into a report.
 */
export function printable(text: string): string {
  return text.replaceAll(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g, '\uFFFD')
}

/** For one-line fields (certificate names): line breaks and tabs go too. */
export function printableLine(text: string): string {
  return text.replaceAll(/[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g, '\uFFFD')
}
