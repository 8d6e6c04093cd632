/**
 * Helpers the importers share: a streaming CSV reader that fails fast on files that are not CSV,
 * header matching through alias tables (case and spacing ignored), and cell parsers that say what
 * is wrong in plain words.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'

/** A record longer than this (characters) is not a row of a statistics file: stop reading. */
export const MAX_RECORD_SIZE = 1_000_000
/** More columns than this is not a statistics file either. */
export const MAX_COLUMNS = 5_000

export interface CsvRecord {
  /** The file line the record ends on (header = 1). */
  line: number
  cells: string[]
}

/** A structural problem that stops the file being read at all. */
export class CsvStructureError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
  }
}

export interface CsvReader {
  /** The records of the file in order, a chunk's worth at a time. */
  records: AsyncGenerator<CsvRecord[]>
  /** Bytes of the file read so far, and its size. */
  readonly bytesRead: number
  readonly size: number
  /** Stops reading (closes the file). */
  close(): void
}

const QUOTE = 34
const COMMA = 44
const LF = 10
const CR = 13

/**
 * A strict RFC 4180 CSV reader (comma, double quotes, CRLF or LF, UTF-8 with or without a byte
 * order mark). It is written here rather than taken from csv-parse because csv-parse reads about
 * 12 MB a second and a million-row Fingertips file is 350 MB; this reads several times faster.
 * Strict like csv-parse with relax_column_count false: every record must have as many cells as
 * the first, a quote may only open a cell and must be closed, and a record longer than
 * MAX_RECORD_SIZE stops the read, so a large file that is not CSV fails within the first megabyte.
 * Blank lines are skipped.
 */
export class CsvParser {
  private carry = ''
  private line = 1
  private expected = -1
  private bomChecked = false

  /** Parses as many whole records as `text` (after what was carried over) holds. */
  push(text: string, final: boolean): CsvRecord[] {
    let buf = this.carry + text
    if (!this.bomChecked && buf.length > 0) {
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1)
      this.bomChecked = true
    }
    const out: CsvRecord[] = []
    const n = buf.length
    let pos = 0
    while (pos < n) {
      const recordStart = pos
      const recordLine = this.line
      let newlines = 0
      const cells: string[] = []
      let complete = false
      let i = pos
      for (;;) {
        // One cell starts at i.
        if (i < n && buf.charCodeAt(i) === QUOTE) {
          let j = i + 1
          let value = ''
          let closed = false
          for (;;) {
            const q = buf.indexOf('"', j)
            if (q === -1) break
            if (q + 1 < n && buf.charCodeAt(q + 1) === QUOTE) {
              value += buf.slice(j, q + 1)
              j = q + 2
              continue
            }
            if (q + 1 >= n && !final) break // the next chunk may start with a second quote
            value += buf.slice(j, q)
            j = q + 1
            closed = true
            break
          }
          if (!closed) {
            if (final) {
              throw new CsvStructureError(
                'A quoted value is never closed (a " is missing). This does not look like a complete CSV file.',
                recordLine,
              )
            }
            break // wait for more text
          }
          for (let k = i + 1; k < j; k++) if (buf.charCodeAt(k) === LF) newlines++
          cells.push(value)
          i = j
          if (i >= n) {
            if (final) complete = true
            break
          }
          const c = buf.charCodeAt(i)
          if (c === COMMA) {
            i++
            continue
          }
          if (c === LF || c === CR) {
            complete = true
            break
          }
          throw new CsvStructureError(
            `Row ${String(recordLine + newlines)} has text after a closing quote. Quotes must surround a whole value.`,
            recordLine + newlines,
          )
        }
        // An unquoted cell: up to the next comma or line end.
        let j = i
        while (j < n) {
          const c = buf.charCodeAt(j)
          if (c === COMMA || c === LF || c === CR) break
          if (c === QUOTE) {
            throw new CsvStructureError(
              `Row ${String(recordLine + newlines)} has a quote inside a value that does not start with one. Quote the whole value and double the quote inside it.`,
              recordLine + newlines,
            )
          }
          j++
        }
        if (j >= n && !final) break // the cell may go on in the next chunk
        cells.push(buf.slice(i, j))
        i = j
        if (i >= n) {
          complete = true
          break
        }
        if (buf.charCodeAt(i) === COMMA) {
          i++
          continue
        }
        complete = true
        break
      }
      if (!complete) {
        if (n - recordStart > MAX_RECORD_SIZE) throw this.tooLong(recordLine)
        this.carry = buf.slice(recordStart)
        return out
      }
      if (i - recordStart > MAX_RECORD_SIZE) throw this.tooLong(recordLine)
      // Consume the line ending (CRLF, LF or a lone CR).
      let terminated = false
      if (i < n) {
        if (buf.charCodeAt(i) === CR) {
          if (i + 1 >= n && !final) {
            this.carry = buf.slice(recordStart)
            return out
          }
          i++
          if (i < n && buf.charCodeAt(i) === LF) i++
        } else {
          i++
        }
        terminated = true
      }
      pos = i
      // `newlines` counted line breaks inside quoted cells: the record ends on this line.
      const endLine = recordLine + newlines
      this.line = endLine + (terminated ? 1 : 0)
      if (cells.length === 1 && cells[0] === '' && buf.charCodeAt(recordStart) !== QUOTE) continue // blank line
      if (this.expected === -1) {
        if (cells.length > MAX_COLUMNS) {
          throw new CsvStructureError(
            `The first row has ${String(cells.length)} columns, which is more than a data file of this kind can have.`,
            recordLine,
          )
        }
        this.expected = cells.length
      } else if (cells.length !== this.expected) {
        throw new CsvStructureError(
          `Row ${String(endLine)} has ${String(cells.length)} column${cells.length === 1 ? '' : 's'}, but the header has ${String(this.expected)}. Every row must have the same columns as the header.`,
          endLine,
        )
      }
      out.push({ line: endLine, cells })
    }
    this.carry = ''
    return out
  }

  private tooLong(line: number): CsvStructureError {
    return new CsvStructureError(
      `Row ${String(line)} is longer than ${String(MAX_RECORD_SIZE / 1_000_000)} million characters. This does not look like a CSV data file.`,
      line,
    )
  }
}

/** Opens `filePath` for streaming. Records come in chunks; a structural problem throws CsvStructureError. */
export async function openCsv(filePath: string): Promise<CsvReader> {
  const { size } = await stat(filePath)
  const stream = createReadStream(filePath, { highWaterMark: 1024 * 1024 })
  let bytesRead = 0

  async function* records(): AsyncGenerator<CsvRecord[]> {
    const parser = new CsvParser()
    const decoder = new StringDecoder('utf8')
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytesRead += chunk.length
        const batch = parser.push(decoder.write(chunk), false)
        if (batch.length > 0) yield batch
      }
      const last = parser.push(decoder.end(), true)
      if (last.length > 0) yield last
    } finally {
      stream.destroy()
    }
  }

  return {
    records: records(),
    get bytesRead() {
      return bytesRead
    },
    size,
    close() {
      stream.destroy()
    },
  }
}

/** Lower case, spaces, underscores, dots and hyphens collapsed to one underscore: for header matching. */
export function headerKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s._-]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

export interface ColumnSpec {
  /** The name shown in messages (the documented name). */
  name: string
  /** Accepted spellings; matched through headerKey. The documented name is always accepted. */
  aliases?: string[]
  required: boolean
}

export type ColumnMap<K extends string> = Record<K, number | undefined>

/**
 * Finds each wanted column in the header. Returns the positions and a problem for each required
 * column that is missing or each column that appears twice.
 */
export function matchColumns<K extends string>(
  header: string[],
  spec: Record<K, ColumnSpec>,
): { columns: ColumnMap<K>; missing: string[]; repeated: string[] } {
  const positions = new Map<string, number[]>()
  header.forEach((name, i) => {
    const key = headerKey(name)
    positions.set(key, [...(positions.get(key) ?? []), i])
  })
  const columns = {} as ColumnMap<K>
  const missing: string[] = []
  const repeated: string[] = []
  for (const key of Object.keys(spec) as K[]) {
    const column = spec[key]
    const candidates = [column.name, ...(column.aliases ?? [])].map(headerKey)
    const found = candidates.flatMap((c) => positions.get(c) ?? [])
    const unique = [...new Set(found)]
    if (unique.length > 1) repeated.push(column.name)
    columns[key] = unique[0]
    if (unique.length === 0 && column.required) missing.push(column.name)
  }
  return { columns, missing, repeated }
}

/**
 * Matches a header row against a column spec and reports each missing or repeated column through
 * `problem`, with `whereToFind` saying where a file with every column comes from.
 */
export function checkHeader<K extends string>(
  header: string[],
  spec: Record<K, ColumnSpec>,
  problem: (column: string, reason: string) => void,
  whereToFind: string,
): ColumnMap<K> {
  const matched = matchColumns(header, spec)
  for (const name of matched.missing) problem(name, `The column "${name}" is missing. ${whereToFind}`)
  for (const name of matched.repeated) problem(name, `Two columns mean "${name}". Keep one.`)
  return matched.columns
}

/** Wraps a row's refuse callback so the row knows whether anything in it was refused. */
export function rowRefusals(refuse: (column: string, value: string, reason: string) => void): {
  fail: (column: string, value: string, reason: string) => void
  readonly ok: boolean
} {
  let ok = true
  return {
    fail(column, value, reason) {
      ok = false
      refuse(column, value, reason)
    },
    get ok() {
      return ok
    },
  }
}

export function cell(cells: string[], index: number | undefined): string {
  if (index === undefined) return ''
  return (cells[index] ?? '').trim()
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/** A number as written, or an explanation of why the text is not one. */
export function parseNumber(text: string): { value: number } | { problem: string } {
  const cleaned = text.replace(/,/g, '')
  if (!NUMBER.test(cleaned)) return { problem: 'is not a number' }
  const value = Number(cleaned)
  if (!Number.isFinite(value)) return { problem: 'is not a number' }
  return { value }
}

/** Normalises a category label for alias tables: lower case, '&' as 'and', single spaces. */
export function labelKey(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[\s_]+/g, ' ')
    .trim()
}

export const SEX_LABELS: Record<string, 'F' | 'M' | 'Persons'> = {
  f: 'F',
  female: 'F',
  females: 'F',
  women: 'F',
  m: 'M',
  male: 'M',
  males: 'M',
  men: 'M',
  total: 'Persons',
  persons: 'Persons',
  person: 'Persons',
  all: 'Persons',
  'all persons': 'Persons',
}

export function parseSex(text: string): 'F' | 'M' | 'Persons' | null {
  return SEX_LABELS[labelKey(text)] ?? null
}

/** "3 rows" / "1 row". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`
}

/** A list for a sentence: "a, b and c", shortened after `max` items. */
export function listText(items: string[], max = 10): string {
  const shown = items.slice(0, max)
  const more = items.length - shown.length
  const parts = more > 0 ? [...shown, `${String(more)} more`] : shown
  if (parts.length <= 1) return parts.join('')
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`
}

/** Period labels sort as text except that '2009/10' < '2010/11' works anyway; numbers first. */
export function sortPeriods(periods: Iterable<string>): string[] {
  return [...periods].sort((a, b) => a.localeCompare(b, 'en-GB', { numeric: true }))
}

/** The example rows shipped in the templates say so in their source; they must not be imported. */
export function isExampleRow(source: string): boolean {
  return /^example row\b/i.test(source.trim())
}

export const EXAMPLE_ROW_REASON = 'This is an example row from the template. Delete it before you import.'
