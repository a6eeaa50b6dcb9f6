import type {Paint} from '../cli/colour.js'
import type {PasteReport} from '../explain/index.js'
import type {Explanation} from '../explain/types.js'

const KIND_LABEL: Record<Explanation['kind'], string> = {
  'haproxy-termination-state': 'HAProxy termination state',
  'haproxy-log': 'HAProxy log line',
  'nginx-error': 'nginx error log',
  'tls-alert': 'TLS alert',
  curl: 'curl error',
  'error-code': 'error code',
  outcome: 'apigw-doctor id / HTTP status',
}

/**
 * Greedy word wrap with a hanging indent: `first` before the first line, `rest` before the others.
 * A `code span` is kept on one line where it fits; a word longer than the width is left whole.
 */
export function wrap(text: string, width: number, first = '', rest = first): string[] {
  const tokens: string[] = []
  let open = ''
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    const joined = open ? `${open} ${word}` : word
    const ticks = (joined.match(/`/g) ?? []).length
    if (ticks % 2 === 1 && joined.length < width / 2) open = joined
    else {
      tokens.push(joined)
      open = ''
    }
  }
  if (open) tokens.push(open)
  const lines: string[] = []
  let line = ''
  for (const token of tokens) {
    if (line === '') line = first + token
    else if (line.length + 1 + token.length > width) {
      lines.push(line)
      line = rest + token
    } else line = `${line} ${token}`
  }
  lines.push(line === '' ? first : line)
  return lines
}

/** Human output: the summary, then the sections that have something in them; wrapped (bullets indented) when `width` is given. */
export function render(e: Explanation, paint: Paint, width?: number): string {
  const label = `[${KIND_LABEL[e.kind]}]`
  const head = width ? wrap(`${label} ${e.summary}`, width, '', '  ') : [`${label} ${e.summary}`]
  const lines = head.map((line, i) => (i === 0 ? `${paint('dim', label)} ${paint('bold', line.slice(label.length + 1))}` : paint('bold', line)))
  const section = (title: string, items: string[], colour: 'cyan' | 'yellow' | 'green'): void => {
    if (items.length === 0) return
    lines.push('', paint(colour, title))
    for (const item of items) lines.push(...(width ? wrap(item, width, '  - ', '    ') : [`  - ${item}`]))
  }
  section('What it means', e.meaning, 'cyan')
  section('Likely causes', e.likelyCauses, 'yellow')
  section('Next steps', e.nextSteps, 'green')
  return lines.join('\n')
}

/** Human output for a log excerpt: a count, then each distinct problem under its line number. */
export function renderPaste(report: PasteReport, paint: Paint, width?: number): string {
  const shown = report.explanations.length
  const out: string[] = []
  if (report.recognised === 0) {
    out.push(paint('dim', `${report.lines} lines, none recognised on its own; read as a whole:`))
  } else if (report.problems === 0) {
    out.push(paint('dim', `${report.lines} lines, ${report.recognised} recognised: no failure among them; the first recognised line:`))
  } else {
    const more = report.problems > shown ? ` (the first ${shown} shown)` : ''
    out.push(paint('dim', `${report.lines} lines, ${report.recognised} recognised, ${report.problems} distinct problem${report.problems === 1 ? '' : 's'}${more}:`))
  }
  for (const [index, e] of report.explanations.entries()) {
    const f = (e.fields ?? {}) as Record<string, unknown>
    const occurrences = Number(f.occurrences ?? 1)
    const where = f.lineNumber !== undefined ? `line ${String(f.lineNumber)}` : 'the whole text'
    const again = occurrences > 1 ? ` (and ${occurrences - 1} more line${occurrences === 2 ? '' : 's'} like it)` : ''
    out.push('', paint('dim', `── ${report.problems > 1 ? `${index + 1}/${shown}: ` : ''}${where}${again} ──`), render(e, paint, width))
  }
  if (report.problems > shown) out.push('', paint('dim', `… ${report.problems - shown} more distinct problems not shown: explain those lines one at a time.`))
  return out.join('\n')
}
