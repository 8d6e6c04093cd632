/**
 * Formula-safe CSV (OWASP CSV injection): every text cell is quoted, and a text cell that begins
 * with =, +, -, @, tab, carriage return or line feed is prefixed with an apostrophe so that
 * spreadsheet programs show it as text. csv-stringify's own escape_formulas misses line feed.
 * Numbers stay numbers. The output starts with a UTF-8 byte order mark for Excel.
 */
import { stringify } from 'csv-stringify/sync'

export type CsvCell = string | number | boolean | null | undefined | Date

const dangerous = /^[=+\-@\t\r\n]/

/** A missing value becomes an unquoted empty cell, unlike an empty string (""). */
export function safeCell(value: CsvCell): string | number | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const text = value instanceof Date ? value.toISOString() : value
  return dangerous.test(text) ? `'${text}` : text
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  const body = stringify([header.map(safeCell), ...rows.map((r) => r.map(safeCell))], {
    quoted_string: true,
    record_delimiter: 'windows',
  })
  return `\uFEFF${body}`
}
