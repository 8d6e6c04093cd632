/** What every importer shares: refusals, the summary and the error that carries it. */
import type { ImportKind } from '../../../db/schema/needs.js'

export type { ImportKind }

/**
 * One problem with the file. `row` is the line of the file the row ends on (the header is row 1,
 * the first data row row 2); 0 means the file as a whole. `column` is the column's name in the
 * file, or '' when the problem is not about one column.
 */
export interface Refusal {
  row: number
  column: string
  value: string
  reason: string
}

export interface ImportSummary {
  importId: string | null
  kind: ImportKind
  fileName: string
  rowsRead: number
  rowsStored: number
  rowsRefused: number
  /** The first 100 problems; rowsRefused counts every refused row. */
  refusals: Refusal[]
  warnings: string[]
  coverage: Record<string, unknown>
  /** Rows of earlier imports that this import replaced (same source and period). */
  replacedRows: number
}

/** The file was not imported: nothing was written. The summary names every problem found. */
export class ImportRefusedError extends Error {
  constructor(readonly summary: ImportSummary) {
    super(refusalMessage(summary))
    this.name = 'ImportRefusedError'
  }
}

function refusalMessage(summary: ImportSummary): string {
  const first = summary.refusals[0]
  if (first && summary.rowsRefused === 0) return `The file was not imported. ${first.reason}`
  const rows = summary.rowsRefused
  return `The file was not imported because ${String(rows)} row${rows === 1 ? ' has' : 's have'} problems. Nothing was changed.`
}

/** At most this many problems are kept for the summary; the rest are only counted. */
export const MAX_REFUSALS = 100

/** Collects refusals, keeping the first MAX_REFUSALS and counting refused rows. */
export class Refusals {
  readonly list: Refusal[] = []
  /** Problems with the file as a whole (header, structure, missing council). */
  fileProblems = 0
  private readonly rows = new Set<number>()
  private overflowRows = 0
  private lastOverflowRow = -1

  /** A problem with one data row. */
  add(row: number, column: string, value: string, reason: string): void {
    if (this.list.length < MAX_REFUSALS) {
      this.list.push({ row, column, value: clip(value), reason })
      this.rows.add(row)
    } else if (!this.rows.has(row) && row !== this.lastOverflowRow) {
      this.overflowRows++
      this.lastOverflowRow = row
    }
  }

  /** A problem with the file as a whole. */
  file(row: number, column: string, value: string, reason: string): void {
    this.fileProblems++
    if (this.list.length < MAX_REFUSALS) this.list.push({ row, column, value: clip(value), reason })
  }

  get rowsRefused(): number {
    return this.rows.size + this.overflowRows
  }

  any(): boolean {
    return this.fileProblems > 0 || this.rowsRefused > 0
  }
}

function clip(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value
}

/** Reports a problem with one cell of the current row. */
export type RefuseCell = (column: string, value: string, reason: string) => void

/** One kind of file: how to read its header and rows, where its rows go, what it replaces. */
export interface KindImporter {
  table: import('./writer.js').TableSpec
  /** Rows per INSERT statement. */
  batchSize: number
  /** The key in words, for the message about repeated rows ("period, area, sex, ..."). */
  keyDescription: string
  /** Reads the header row; reports missing or repeated columns through `problem`. */
  header(cells: string[], problem: (column: string, reason: string) => void): void
  /**
   * After the header: the positions of the columns every data row must reach. A row that ends
   * before one of them is refused; a row that lacks only later (optional) columns is read with
   * those cells empty, and the import warns once.
   */
  requiredColumns(): number[]
  /**
   * One data row: its values to store (several rows for a wide file, such as single years of age
   * in columns), 'skip' to leave it out (with a warning), or null when refused.
   */
  row(
    cells: string[],
    line: number,
    refuse: RefuseCell,
  ): import('./writer.js').RowValues | import('./writer.js').RowValues[] | 'skip' | null
  /** After the last row: problems with the file as a whole, warnings, coverage and the citation. */
  finish(rowsRead: number): {
    problems: string[]
    warnings: string[]
    coverage: Record<string, unknown>
    source: string
  }
}
