/**
 * The one table model of WTC: the needs assessment and the service-map analysis pages build their
 * tables as a `TableView` of `Cell`s, and one partial (src/platform/views/partials/table.njk), one
 * CSV writer and one JSON writer read it, so the page, the CSV and the JSON always carry the same
 * figures. A cell carries its machine value, exactly what the page shows, and how the value came to
 * be what is shown; a hidden count has `value: null` and its symbol ('<5', '[c]') as `display`, so
 * no writer can print what the suppression function hid. Pure.
 */
import { type CsvCell, toCsv } from './csv.js'

/** How a cell's value came to be what is shown. */
export type CellStatus =
  | 'shown'
  /** a count of 1 to 4, hidden */
  | 'primary'
  /** hidden so a primary-suppressed cell cannot be recovered by subtraction */
  | 'secondary'
  /** suppressed by the publisher (`*`, `c`, empty Fingertips value) */
  | 'publisher'
  /** not available (NULL, no data for that year) */
  | 'not-available'

export interface Cell {
  /** Machine value for CSV/JSON: a number when shown, otherwise null (text columns: the text). */
  value: number | string | null
  /** Exactly what the page shows: "455", "31.1%", "<5", "[c]", "n/a". */
  display: string
  status: CellStatus
  /** Built on a stated assumption (e.g. a female share of a Persons estimate). */
  modelled?: boolean
  /** For a count-and-share cell ("2 of 3 (66.7%)"): the share in percent to 1 decimal place. */
  share?: number | null
}

export type ColumnKind = 'text' | 'count' | 'percent' | 'ratio' | 'number' | 'km' | 'count-share'

export interface Column {
  key: string
  label: string
  kind: ColumnKind
  /** Wide data: in the CSV and JSON downloads but not on the page (a page table has at most 6 columns). */
  downloadOnly?: boolean
  /** What a count-and-share column counts, for its CSV heading ('services' unless said). */
  unit?: string
}

export interface TableView {
  /** Unique within its page or assessment; used in `?format=csv&table=<id>`. */
  id: string
  caption: string
  columns: Column[]
  rows: Record<string, Cell>[]
  /** Plain-English notes shown under the table (rounding, method, suppression). */
  notes: string[]
}

/** The most columns a table shows on the page; wider data goes in the downloads. */
export const MAX_PAGE_COLUMNS = 6

export const isHidden = (cell: Cell): boolean =>
  cell.status === 'primary' || cell.status === 'secondary' || cell.status === 'publisher'

/** The columns the page shows. */
export const pageColumns = (table: TableView): Column[] => table.columns.filter((c) => c.downloadOnly !== true)

/**
 * One table as CSV, one column per column.
 * - 'display' (the needs assessment): exactly the strings the page shows.
 * - 'values' (the analysis pages): machine values, so numbers stay numbers; a count-and-share
 *   column becomes two, '<label>: services' and '<label>: share (%)'. A hidden cell still prints
 *   its symbol, never a value; a cell with nothing to show is empty.
 * Text is made formula-safe by src/lib/csv.ts either way.
 */
export function tableToCsv(table: TableView, values: 'display' | 'values' = 'display'): string {
  if (values === 'display') {
    return toCsv(
      table.columns.map((c) => c.label),
      table.rows.map((row) => table.columns.map((c) => row[c.key]?.display ?? '')),
    )
  }
  const header: string[] = []
  for (const c of table.columns) {
    if (c.kind === 'count-share') header.push(`${c.label}: ${c.unit ?? 'services'}`, `${c.label}: share (%)`)
    else header.push(c.label)
  }
  const rows = table.rows.map((row) => {
    const out: CsvCell[] = []
    for (const c of table.columns) {
      const cell = row[c.key]
      const value = machineValue(cell)
      if (c.kind === 'count-share') out.push(value, cell && !isHidden(cell) ? (cell.share ?? null) : null)
      else out.push(value)
    }
    return out
  })
  return toCsv(header, rows)
}

function machineValue(cell: Cell | undefined): CsvCell {
  if (!cell) return null
  if (isHidden(cell)) return cell.display
  if (cell.status === 'not-available') return null
  return cell.value
}
