// Renders a terminal screen (text with ANSI colour codes, as `tmux capture-pane -e` prints it) as an
// SVG: one <text> per row, a <tspan> per coloured run, a monospace font. No dependency.
//   node --import tsx scripts/render-svg.ts [--title TITLE] < screen.ansi > screen.svg
// scripts/readme-output.ts uses it for docs/probe.svg from a real run in tmux.
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

interface Style {
  fg: string | null
  bold: boolean
  dim: boolean
}

export interface SvgOptions {
  title?: string
  /** columns of the terminal (the width of the picture); default: the longest row */
  columns?: number
}

const FOREGROUND = '#d4d4d4'
const BACKGROUND = '#1e1e1e'
const PALETTE: Record<number, string> = {
  30: '#666666',
  31: '#f14c4c',
  32: '#23d18b',
  33: '#e5e510',
  34: '#3b8eea',
  35: '#d670d6',
  36: '#29b8db',
  37: '#e5e5e5',
  90: '#8a8a8a',
  91: '#f14c4c',
  92: '#23d18b',
  93: '#f5f543',
  94: '#3b8eea',
  95: '#d670d6',
  96: '#29b8db',
  97: '#ffffff',
}
const CHAR_WIDTH = 8.4
const LINE_HEIGHT = 18
const FONT_SIZE = 14
const PADDING = 16
const TITLE_BAR = 28

const SGR = /\u001B\[([0-9;]*)m/g

function applySgr(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(';').map(Number)
  const next = {...style}
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!
    if (code === 0) Object.assign(next, {fg: null, bold: false, dim: false})
    else if (code === 1) next.bold = true
    else if (code === 2) next.dim = true
    else if (code === 22) Object.assign(next, {bold: false, dim: false})
    else if (code === 39) next.fg = null
    else if (PALETTE[code]) next.fg = PALETTE[code]!
    else if (code === 38 && codes[i + 1] === 5) i += 2 // 256-colour: not used by the tool; skipped
  }
  return next
}

const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

/** One row: its coloured runs. */
function runs(line: string): Array<{text: string; style: Style}> {
  const out: Array<{text: string; style: Style}> = []
  let style: Style = {fg: null, bold: false, dim: false}
  let last = 0
  for (const match of line.matchAll(SGR)) {
    if (match.index! > last) out.push({text: line.slice(last, match.index), style})
    style = applySgr(style, match[1]!)
    last = match.index! + match[0].length
  }
  if (last < line.length) out.push({text: line.slice(last), style})
  // Any other escape sequence (cursor moves…) has no place in a picture.
  return out.map((run) => ({...run, text: run.text.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')}))
}

export function visibleText(line: string): string {
  return line.replace(SGR, '').replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')
}

export function ansiToSvg(lines: string[], options: SvgOptions = {}): string {
  while (lines.length > 0 && visibleText(lines.at(-1)!).trim() === '') lines = lines.slice(0, -1)
  const columns = options.columns ?? Math.max(...lines.map((line) => [...visibleText(line)].length), 20)
  const width = Math.ceil(columns * CHAR_WIDTH + 2 * PADDING)
  const height = TITLE_BAR + lines.length * LINE_HEIGHT + 2 * PADDING
  const rows = lines.map((line, row) => {
    const y = TITLE_BAR + PADDING + (row + 1) * LINE_HEIGHT - 4
    const spans = runs(line)
      .filter((run) => run.text.length > 0)
      .map(({text, style}) => {
        const attributes = [
          style.fg ? `fill="${style.fg}"` : '',
          style.bold ? 'font-weight="bold"' : '',
          style.dim ? 'fill-opacity="0.6"' : '',
        ].filter(Boolean)
        return attributes.length > 0 ? `<tspan ${attributes.join(' ')}>${escapeXml(text)}</tspan>` : escapeXml(text)
      })
      .join('')
    return `  <text x="${PADDING}" y="${y}">${spans}</text>`
  })
  const title = options.title ? `  <text x="${width / 2}" y="19" text-anchor="middle" fill="#9d9d9d" font-size="12">${escapeXml(options.title)}</text>\n` : ''
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"${options.title ? ` aria-label="${escapeXml(options.title)}"` : ''}>
  <rect width="100%" height="100%" rx="8" fill="${BACKGROUND}"/>
  <circle cx="18" cy="14" r="6" fill="#ff5f56"/><circle cx="38" cy="14" r="6" fill="#ffbd2e"/><circle cx="58" cy="14" r="6" fill="#27c93f"/>
${title}  <g font-family="'DejaVu Sans Mono', 'Cascadia Mono', Menlo, Consolas, monospace" font-size="${FONT_SIZE}" fill="${FOREGROUND}" xml:space="preserve">
${rows.join('\n')}
  </g>
</svg>
`
}

/** The text an SVG made by ansiToSvg shows, row by row (what a check compares). */
export function svgText(svg: string): string[] {
  return [...svg.matchAll(/<text x="\d+" y="[\d.]+">(.*?)<\/text>/g)].map((m) =>
    m[1]!.replace(/<[^>]+>/g, '').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'),
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const {values} = parseArgs({options: {title: {type: 'string'}, columns: {type: 'string'}}})
  const input = readFileSync(0, 'utf8').replace(/\n$/, '')
  process.stdout.write(ansiToSvg(input.split('\n'), {title: values.title, columns: values.columns ? Number(values.columns) : undefined}))
}
