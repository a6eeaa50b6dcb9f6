// POSIX shell quoting for the commands printed for a user to paste (verify commands).

/**
 * Words made only of these need no quotes in a POSIX shell (the set Python's shlex.quote uses);
 * not starting with = either, which zsh would expand to a command's path.
 */
const PLAIN_WORD = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/

/**
 * One shell word that the shell reads back as exactly `value`: left bare when it is plain,
 * otherwise in single quotes, each ' written as '\'' (close, escaped quote, reopen). Nothing
 * inside single quotes is special to a POSIX shell, so no value can run anything.
 */
export function shellQuote(value: string): string {
  if (PLAIN_WORD.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}
