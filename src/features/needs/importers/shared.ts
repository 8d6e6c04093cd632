/**
 * Helpers the importers share: a streaming CSV reader that fails fast on files that are not CSV,
 * header matching through alias tables (case and spacing ignored), and cell parsers that say what
 * is wrong in plain words.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { isAscii, isUtf8 } from 'node:buffer'
import { listInWords } from '../../../lib/words.js'

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
  /** How the text was read, when it was not plain UTF-8 (complete after the last record). */
  readonly warnings: string[]
  /** Stops reading (closes the file). */
  close(): void
}

const QUOTE = 34
const COMMA = 44
const TAB = 9
const LF = 10
const CR = 13

/**
 * A strict RFC 4180 CSV reader (comma, or tab for Excel "Unicode text", double quotes, CRLF or LF).
 * It is written here rather than taken from csv-parse because csv-parse reads about 12 MB a second
 * and a million-row Fingertips file is 350 MB; this reads several times faster. Strict like
 * csv-parse with relax_column_count_less: no record may have more cells than the first (the
 * header), a quote may only open a cell and must be closed, and a record longer than
 * MAX_RECORD_SIZE stops the read, so a large file that is not CSV fails within the first megabyte.
 * A record with fewer cells than the header is passed on as it is: publishers leave trailing
 * optional columns out of their rows, and the import engine decides (by the columns it needs)
 * whether such a row can be read. Blank lines are skipped.
 */
export class CsvParser {
  private carry = ''
  private line = 1
  private expected = -1
  private bomChecked = false
  private delimiter = COMMA

  /** Reads tab-separated text instead of commas (call before the first push). */
  useTabs(): void {
    this.delimiter = TAB
  }

  /** The file line that the next unread character is on (for messages about the text itself). */
  pendingLine(): number {
    let n = 0
    for (let i = this.carry.indexOf('\n'); i !== -1; i = this.carry.indexOf('\n', i + 1)) n++
    return this.line + n
  }

  /** Parses as many whole records as `text` (after what was carried over) holds. */
  push(text: string, final: boolean): CsvRecord[] {
    let buf = this.carry + text
    const SEP = this.delimiter
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
          if (c === SEP) {
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
          if (c === SEP || c === LF || c === CR) break
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
        if (buf.charCodeAt(i) === SEP) {
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
      } else if (cells.length > this.expected) {
        throw new CsvStructureError(
          `Row ${String(endLine)} has ${String(cells.length)} columns, but the header has ${String(this.expected)}. A row may not have more columns than the header.`,
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

/** What a chunk of bytes decoded to. */
interface Decoded {
  text: string
  /** Set on the chunk where the file turned out not to be UTF-8: the rest, read as Windows-1252. */
  fallback?: string
  /** Set when bytes that are not UTF-8 follow text that was valid UTF-8 with accented letters. */
  mixed?: boolean
}

const EMPTY = Buffer.alloc(0)

/** How many bytes at the end of `buf` begin a UTF-8 sequence that the next chunk may complete. */
function incompleteUtf8Tail(buf: Buffer): number {
  const n = buf.length
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = buf[n - back] ?? 0
    if (b < 0x80) return 0
    if (b >= 0xc0) {
      const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2
      return back < needed ? back : 0
    }
  }
  return 0
}

/** The offset of the first byte that is not part of a valid UTF-8 sequence (buf.length if none). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  const n = buf.length
  let i = 0
  while (i < n) {
    const b = buf[i] ?? 0
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min = 0x80
    let max = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) min = 0xa0
      if (b === 0xed) max = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) min = 0x90
      if (b === 0xf4) max = 0x8f
    } else return i
    if (i + need >= n) return i
    const second = buf[i + 1] ?? 0
    if (second < min || second > max) return i
    for (let k = 2; k <= need; k++) {
      const c = buf[i + k] ?? 0
      if (c < 0x80 || c > 0xbf) return i
    }
    i += need + 1
  }
  return n
}

/** Windows-1252's characters for the bytes 0x80 to 0x9F (where ISO-8859-1 has control codes). */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'

/**
 * Windows-1252 bytes as text. Node's own TextDecoder('windows-1252') decodes as ISO-8859-1 on
 * some versions (0x92 as a control code instead of ’), so the 32 bytes that differ are mapped here.
 */
export function decodeWindows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c)
}

/**
 * Turns the file's bytes into text. UTF-8 (with or without a byte order mark) is expected. A file
 * that starts with a UTF-16 byte order mark (Excel's "Unicode text") is read as UTF-16. A file
 * that is not valid UTF-8 is, from its first bad byte, read as Windows-1252 (what Excel's plain
 * "CSV (Comma delimited)" writes on English Windows, and a superset of ISO-8859-1's letters), and
 * the reader warns; this is exact as long as nothing before that byte was outside ASCII, which is
 * checked: text that was valid UTF-8 with accented letters followed by bytes that are not is a
 * mixed file and is refused. Null bytes without a UTF-16 mark mean a file that is not text.
 */
export class InputDecoder {
  private mode: 'start' | 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be' = 'start'
  private carry: Buffer = EMPTY
  private nonAscii = false
  private utf16: TextDecoder | undefined
  private readonly cp1252 = { decode: decodeWindows1252 }

  get encoding(): string {
    return this.mode === 'start' ? 'utf-8' : this.mode
  }

  decode(chunk: Buffer, final: boolean): Decoded {
    let buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk
    this.carry = EMPTY
    if (this.mode === 'start') {
      if (buf.length < 3 && !final) {
        this.carry = Buffer.from(buf)
        return { text: '' }
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        buf = buf.subarray(3)
        this.mode = 'utf-8'
      } else if (buf[0] === 0xff && buf[1] === 0xfe) {
        this.mode = 'utf-16le'
        this.utf16 = new TextDecoder('utf-16le')
        buf = buf.subarray(2)
      } else if (buf[0] === 0xfe && buf[1] === 0xff) {
        this.mode = 'utf-16be'
        this.utf16 = new TextDecoder('utf-16be')
        buf = buf.subarray(2)
      } else {
        const nul = buf.subarray(0, 4096).indexOf(0)
        if (nul !== -1) {
          throw new CsvStructureError(
            'The file holds null bytes, so it is not CSV text: it may be a spreadsheet (.xlsx), or Unicode text saved without its byte order mark. Save it from your spreadsheet as "CSV UTF-8 (Comma delimited)".',
            1,
          )
        }
        this.mode = 'utf-8'
      }
    }
    if (this.utf16) return { text: this.utf16.decode(buf, { stream: !final }) }
    if (this.mode === 'windows-1252') return { text: this.cp1252.decode(buf) }
    const end = final ? buf.length : buf.length - incompleteUtf8Tail(buf)
    const body = end === buf.length ? buf : buf.subarray(0, end)
    if (end < buf.length) this.carry = Buffer.from(buf.subarray(end))
    if (isUtf8(body)) {
      const text = body.toString('utf8')
      if (!this.nonAscii && !isAscii(body)) this.nonAscii = true
      return { text }
    }
    const bad = firstInvalidUtf8(body)
    const valid = body.subarray(0, bad)
    const text = valid.toString('utf8')
    if (!this.nonAscii && !isAscii(valid)) this.nonAscii = true
    if (this.nonAscii) return { text, mixed: true }
    this.mode = 'windows-1252'
    const rest = this.carry.length > 0 ? Buffer.concat([body.subarray(bad), this.carry]) : body.subarray(bad)
    this.carry = EMPTY
    return { text, fallback: this.cp1252.decode(rest) }
  }
}

/**
 * Opens `filePath` for streaming. Records come in chunks; a structural problem throws
 * CsvStructureError. `warnings` says how the text was read when it was not plain UTF-8 (complete
 * once the records have been read).
 */
export async function openCsv(filePath: string): Promise<CsvReader> {
  const { size } = await stat(filePath)
  const stream = createReadStream(filePath, { highWaterMark: 1024 * 1024 })
  let bytesRead = 0
  const warnings: string[] = []

  async function* records(): AsyncGenerator<CsvRecord[]> {
    const parser = new CsvParser()
    const decoder = new InputDecoder()
    let first = true
    const read = (chunk: Buffer, final: boolean): CsvRecord[] => {
      const decoded = decoder.decode(chunk, final)
      if (first && (decoded.text !== '' || final)) {
        first = false
        if (decoder.encoding.startsWith('utf-16')) {
          const firstLine = decoded.text.slice(0, decoded.text.indexOf('\n') >>> 0)
          const tabs = firstLine.split('\t').length
          if (tabs > firstLine.split(',').length) parser.useTabs()
          warnings.push(
            `The file is ${decoder.encoding.toUpperCase()} text${tabs > 1 ? ' separated by tabs' : ''} (what Excel saves as "Unicode text"); it was read as such.`,
          )
        }
      }
      const out = parser.push(decoded.text, final && decoded.fallback === undefined)
      if (decoded.mixed) {
        throw new CsvStructureError(
          `Row ${String(parser.pendingLine())} has characters that are not UTF-8, but earlier rows are UTF-8: the file mixes two text encodings. Save it again from your spreadsheet as "CSV UTF-8 (Comma delimited)".`,
          parser.pendingLine(),
        )
      }
      if (decoded.fallback !== undefined) {
        const line = parser.pendingLine()
        warnings.push(
          `The file is not UTF-8 (the first character that is not is on row ${String(line)}). It was read as Windows-1252, the encoding of Excel’s "CSV (Comma delimited)", which also covers ISO-8859-1: check that accented letters (such as é in Café) look right, and save as "CSV UTF-8" next time.`,
        )
        out.push(...parser.push(decoded.fallback, final))
      }
      return out
    }
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytesRead += chunk.length
        const batch = read(chunk, false)
        if (batch.length > 0) yield batch
      }
      const last = read(EMPTY, true)
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
    warnings,
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

/** The positions of the spec's required columns that the header has (every row must reach them). */
export function requiredPositions<K extends string>(spec: Record<K, ColumnSpec>, columns: ColumnMap<K>): number[] {
  const out: number[] = []
  for (const key of Object.keys(spec) as K[]) {
    const index = columns[key]
    if (spec[key].required && index !== undefined) out.push(index)
  }
  return out.sort((a, b) => a - b)
}

/**
 * Rows shorter than the header. Publishers' downloads often leave trailing optional columns out of
 * every data row (a Fingertips download's header can have one more column than its rows). Such a
 * row is read with the missing cells empty, and the import warns once; a row that ends before a
 * column the importer needs is refused, naming that column.
 */
export class RowShape {
  private header: string[] = []
  private required: number[] = []
  private lastRequired = -1
  private short = 0
  private firstShort = 0
  private fewest = Number.POSITIVE_INFINITY
  private most = 0

  setHeader(header: string[], required: number[]): void {
    this.header = header
    this.required = [...required].sort((a, b) => a - b)
    this.lastRequired = this.required[this.required.length - 1] ?? -1
  }

  private name(index: number): string {
    const name = this.header[index]?.trim() ?? ''
    return name === '' ? `column ${String(index + 1)}` : name
  }

  /** The row's cells, padded to the header's width; null when the row was refused. */
  check(
    cells: string[],
    line: number,
    refuse: (column: string, value: string, reason: string) => void,
  ): string[] | null {
    const width = this.header.length
    if (cells.length >= width) return cells
    if (cells.length <= this.lastRequired) {
      const missing = this.required.find((i) => i >= cells.length) ?? this.lastRequired
      const name = this.name(missing)
      refuse(
        name,
        '',
        `This row has ${plural(cells.length, 'column')} and ends before the "${name}" column, which every row needs. Check that no value is missing from the row.`,
      )
      return null
    }
    if (this.short === 0) this.firstShort = line
    this.short++
    if (cells.length < this.fewest) this.fewest = cells.length
    if (cells.length > this.most) this.most = cells.length
    const padded = cells.slice()
    while (padded.length < width) padded.push('')
    return padded
  }

  /** One warning when any row lacked trailing columns. */
  warnings(): string[] {
    if (this.short === 0) return []
    const names = this.header.slice(this.fewest).map((_h, i) => `"${this.name(this.fewest + i)}"`)
    const one = this.short === 1
    const oneColumn = names.length === 1
    const rows = `${plural(this.short, 'row')} (the first is row ${String(this.firstShort)}) ${one ? 'has' : 'have'} fewer columns than the header`
    if (this.most > this.fewest) {
      const least = this.header.length - this.most
      return [
        `${rows}: between ${String(least)} and ${String(names.length)} of the last columns (${listText(names)}) are missing from them and were read as empty.`,
      ]
    }
    return [
      `${rows}: the last ${oneColumn ? 'column' : 'columns'}, ${listText(names)}, ${oneColumn ? 'is' : 'are'} missing from ${one ? 'it' : 'them'} and ${oneColumn ? 'was' : 'were'} read as empty.`,
    ]
  }
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
  return listInWords(parts)
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
