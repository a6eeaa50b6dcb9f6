import type {Paint} from '../cli/colour.js'
import type {AddressResults} from '../observations/address-results.js'

/**
 * --all-addresses in the human output: one line when every address answered alike; otherwise
 * which probes differ, what each address saw, and each address's verdict, as aligned columns.
 */
export function renderAddressResults(results: AddressResults, paint: Paint): string {
  if (results.agree) return paint('dim', `addresses: ${results.note}`)
  const addresses = results.results.map((r) => r.address)
  const rows: string[][] = [['', ...addresses]]
  for (const difference of results.differences ?? []) rows.push([difference.probe, ...addresses.map((a) => difference.seen[a] ?? '-')])
  rows.push(['verdict', ...results.results.map((r) => r.verdict)])
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  const lines = rows.map((row) => '  ' + row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd())
  return [paint('yellow', `addresses differ: ${results.note}`), ...lines, paint('dim', `  (the probe table above is ${addresses[0]}'s)`)].join('\n')
}
