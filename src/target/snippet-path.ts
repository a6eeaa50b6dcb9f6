import {isAbsolute, resolve} from 'node:path'

/** A file path that can sit unquoted in any proxy's config and in a shell command. */
const SAFE_PATH = /^\/[A-Za-z0-9._/@+-]{1,1024}$/

export function isSnippetSafePath(path: string): boolean {
  return SAFE_PATH.test(path) && !path.split('/').includes('..')
}

/**
 * The absolute form of a path that will be written into config snippets (--ca-file), or null
 * when it holds a character that a config or shell would read as syntax (space, quote, ;, #…).
 */
export function snippetPath(path: string): string | null {
  const absolute = isAbsolute(path) ? path : resolve(path)
  return isSnippetSafePath(absolute) ? absolute : null
}
