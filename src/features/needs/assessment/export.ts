/**
 * Downloads of the assessment. Both read the view model, whose counts have already been through
 * the suppression function, so a hidden count is '<5' or '[c]' here exactly as on the page.
 * - One table: the table as the page shows it (its display strings), one column per column.
 * - The whole assessment: long format, one line per cell, with the machine value beside the
 *   display string and the cell's status.
 */
import { type CsvCell, toCsv } from '../../../lib/csv.js'
import { tableToCsv as writeTable } from '../../../lib/table.js'
import type { AssessmentView, TableView } from './types.js'

/** One table as the page shows it: the shared writer's display strings. */
export const tableToCsv = (table: TableView): string => writeTable(table, 'display')

export const LONG_CSV_HEADER = ['section', 'table', 'caption', 'row', 'column', 'value', 'display', 'status']

export function assessmentToCsv(view: AssessmentView): string {
  const lines: CsvCell[][] = []
  for (const section of view.sections) {
    for (const table of section.tables) {
      const [labelColumn, ...rest] = table.columns
      for (const row of table.rows) {
        const label = labelColumn ? (row[labelColumn.key]?.display ?? '') : ''
        for (const column of rest) {
          const cell = row[column.key]
          if (!cell) continue
          lines.push([section.id, table.id, table.caption, label, column.label, cell.value, cell.display, cell.status])
        }
      }
    }
  }
  return toCsv(LONG_CSV_HEADER, lines)
}

export function findTable(view: AssessmentView, id: string): TableView | undefined {
  for (const section of view.sections) {
    const table = section.tables.find((t) => t.id === id)
    if (table) return table
  }
  return undefined
}

/** The section a table belongs to. */
export function sectionOfTable(view: AssessmentView, id: string): string | undefined {
  return view.sections.find((s) => s.tables.some((t) => t.id === id))?.id
}

/** A neutral file name: needs-assessment-2021-22[-alcohol-only][-18-29][-table].csv */
export function downloadFileName(view: AssessmentView, extension: 'csv' | 'json', tableId?: string): string {
  const safe = (s: string) =>
    s
      .toLowerCase()
      .replace(/\+/g, '-plus')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
  const parts = ['needs-assessment', safe(view.selection.period || 'no-data')]
  if (view.selection.substanceGroup !== 'all') parts.push(safe(view.selection.substanceGroup))
  if (view.selection.ageGroup !== 'all') parts.push(safe(view.selection.ageGroup))
  if (tableId) parts.push(safe(tableId))
  return `${parts.filter((p) => p.length > 0).join('-')}.${extension}`
}
