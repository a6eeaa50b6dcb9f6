/** Peers are hostile: no terminal escapes or other control characters (C0, DEL, C1) survive into a report. */
export function printable(text: string): string {
  return text.replaceAll(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '\uFFFD')
}

/** For one-line fields (certificate names): line breaks and tabs go too. */
export function printableLine(text: string): string {
  return text.replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, '\uFFFD')
}
