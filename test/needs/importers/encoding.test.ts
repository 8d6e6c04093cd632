/**
 * Text encodings (issue 10, point 12; ADR 16). UTF-8 with or without a byte order mark is read as
 * it is. A file that is not UTF-8 (Excel's plain "CSV" on Windows writes Windows-1252, older
 * systems ISO-8859-1) is read as Windows-1252 from its first bad byte, with a warning naming that
 * row, and never stored with replacement characters; bytes that are not UTF-8 after accented
 * UTF-8 text (a mixed file) are refused naming the row. UTF-16 with a byte order mark (Excel's
 * "Unicode text", tab-separated) is read; null bytes without one are refused.
 */
import { parse } from 'csv-parse/sync'
import { eq } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localIndicators } from '../../../src/db/schema/index.js'
import { CsvParser, firstInvalidUtf8, InputDecoder, openCsv } from '../../../src/features/needs/importers/shared.js'
import { looksLikeCsv } from '../../../src/platform/uploads/upload.js'
import { type Setup, setup } from './helpers.js'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(async () => {
  await s.close()
})

const HEADER = 'indicator,area_code,period,sex,age_group,count,denominator,value,lower_95,upper_95,unit,source'
const line = (period: string, source: string) =>
  `alcohol-admissions,E09000003,${period},F,all,300,200000,150,133.5,168,per 100000,${source}`

async function storedSources(): Promise<string[]> {
  const rows = await s.database.db
    .select({ source: localIndicators.source })
    .from(localIndicators)
    .where(eq(localIndicators.tenantId, s.barnet.tenantId))
    .orderBy(localIndicators.period)
  return rows.map((r) => r.source)
}

describe('imports in other encodings', () => {
  it('reads an ISO-8859-1 / Windows-1252 file as Windows-1252 with a warning naming the first such row', async () => {
    // "Café" in ISO-8859-1 is 43 61 66 E9; 0x92 is Windows-1252's right single quotation mark.
    const text = [
      HEADER,
      line('2019/20', 'Plain ASCII source'),
      line('2020/21', 'Café survey'),
      line('2021/22', 'Women\x92s centre'),
    ].join('\r\n')
    const bytes = Buffer.from(text, 'latin1')
    expect(bytes.includes(Buffer.from([0x43, 0x61, 0x66, 0xe9]))).toBe(true)
    const summary = await s.run('indicator', s.file('latin1.csv', bytes))
    expect(summary.rowsStored).toBe(3)
    expect(summary.warnings[0]).toBe(
      'The file is not UTF-8 (the first character that is not is on row 3). It was read as Windows-1252, the encoding of Excel’s "CSV (Comma delimited)", which also covers ISO-8859-1: check that accented letters (such as é in Café) look right, and save as "CSV UTF-8" next time.',
    )
    const sources = await storedSources()
    expect(sources).toEqual(['Plain ASCII source', 'Café survey', 'Women’s centre'])
    expect(sources.join('')).not.toContain('\uFFFD')
  })

  it('refuses a file that mixes UTF-8 and another encoding, naming the row, and changes nothing', async () => {
    const before = await s.digest()
    const bytes = Buffer.concat([
      Buffer.from(`${HEADER}\n${line('2022/23', 'Café in UTF-8')}\n`, 'utf8'),
      Buffer.from(`${line('2023/24', 'Café in Latin-1')}\n`, 'latin1'),
    ])
    const summary = await s.refused('indicator', s.file('mixed.csv', bytes))
    expect(summary.refusals).toEqual([
      {
        row: 3,
        column: '',
        value: '',
        reason:
          'Row 3 has characters that are not UTF-8, but earlier rows are UTF-8: the file mixes two text encodings. Save it again from your spreadsheet as "CSV UTF-8 (Comma delimited)".',
      },
    ])
    expect(await s.digest()).toBe(before)
  })

  it('reads UTF-8 with a byte order mark without a warning', async () => {
    const fresh = await setup()
    try {
      const summary = await fresh.run(
        'indicator',
        fresh.file('bom.csv', `\uFEFF${HEADER}\n${line('2019/20', 'Café')}\n`),
      )
      expect(summary.rowsStored).toBe(1)
      expect(summary.warnings).toEqual([])
    } finally {
      await fresh.close()
    }
  })

  it.each([
    { name: 'UTF-16LE', encoding: 'utf16le', sep: '\t', what: 'tabs' },
    { name: 'UTF-16LE', encoding: 'utf16le', sep: ',', what: 'commas' },
    { name: 'UTF-16BE', encoding: 'utf16be', sep: '\t', what: 'tabs' },
  ] as const)('reads $name text separated by $what (Excel "Unicode text")', async ({ name, encoding, sep }) => {
    const fresh = await setup()
    try {
      const cells = [HEADER.split(','), [...line('2019/20', 'x').split(',').slice(0, -1), 'Café, and more']]
      const quote = (c: string) => (sep === ',' && c.includes(',') ? `"${c}"` : c)
      const text = `\uFEFF${cells.map((r) => r.map(quote).join(sep)).join('\r\n')}\r\n`
      const le = Buffer.from(text, 'utf16le')
      const bytes = encoding === 'utf16le' ? le : Buffer.from(le).swap16()
      expect(bytes[0]).toBe(encoding === 'utf16le' ? 0xff : 0xfe)
      const summary = await fresh.run('indicator', fresh.file('unicode.txt', bytes))
      expect(summary.rowsStored).toBe(1)
      expect(summary.warnings[0]).toContain(`The file is ${name} text`)
      const rows = await fresh.database.db.select({ source: localIndicators.source }).from(localIndicators)
      expect(rows).toEqual([{ source: 'Café, and more' }])
    } finally {
      await fresh.close()
    }
  })

  it('lets Excel "Unicode text" through the upload check, but not a UTF-16 file that is not text', () => {
    const tsv = Buffer.from('\uFEFFindicator\tarea_code\r\nx\tE09000003\r\n', 'utf16le')
    expect(looksLikeCsv(tsv)).toBe(true)
    expect(looksLikeCsv(Buffer.from(tsv).swap16())).toBe(true)
    // Cut in the middle of a character, as the first bytes of an upload may be.
    expect(looksLikeCsv(tsv.subarray(0, 23))).toBe(true)
    expect(looksLikeCsv(Buffer.from('\uFEFFno separators here\n', 'utf16le'))).toBe(false)
    expect(looksLikeCsv(Buffer.from('\uFEFFa,b\u0001\n', 'utf16le'))).toBe(false)
    // Without the mark, UTF-16 is refused (null bytes).
    expect(looksLikeCsv(Buffer.from('a,b\n', 'utf16le'))).toBe(false)
  })

  it('refuses null bytes without a UTF-16 byte order mark', async () => {
    const bytes = Buffer.from(`${HEADER}\n${line('2019/20', 'x')}\n`, 'utf16le')
    const summary = await s.refused('indicator', s.file('nobom.csv', bytes))
    expect(summary.refusals[0]?.reason).toContain('The file holds null bytes, so it is not CSV text')
  })
})

describe('the reader across chunk boundaries', () => {
  it('finds the first non-UTF-8 row beyond the first megabyte and converts from there', async () => {
    const rows = Array.from({ length: 100_000 }, (_v, i) => `row${String(i)},plain`)
    rows[90_000] = 'row90000,Caf\u00e9'
    const bytes = Buffer.from(['id,name', ...rows].join('\n') + '\n', 'latin1')
    // The bad byte is past the reader's first 1 MB chunk.
    expect(bytes.indexOf(0xe9)).toBeGreaterThan(1024 * 1024)
    const file = s.file('long.csv', bytes)
    const reader = await openCsv(file)
    const records = []
    for await (const chunk of reader.records) records.push(...chunk)
    // The header is row 1, so row90000 is on line 90,002.
    expect(records.find((r) => r.cells[0] === 'row90000')).toEqual({ line: 90_002, cells: ['row90000', 'Café'] })
    expect(records).toHaveLength(1 + 100_000)
    expect(reader.warnings).toHaveLength(1)
    expect(reader.warnings[0]).toContain('on row 90002')
  })

  it('decodes any UTF-8 text the same however the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ',', '\n', 'é', '€', '𝄞', 'ß', '"', '\u00a0') }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }),
        (text, sizes) => {
          const bytes = Buffer.from(text, 'utf8')
          const decoder = new InputDecoder()
          let out = ''
          let at = 0
          let i = 0
          while (at < bytes.length) {
            const size = sizes[i++ % sizes.length] ?? 1
            const d = decoder.decode(bytes.subarray(at, at + size), false)
            expect(d.fallback).toBeUndefined()
            expect(d.mixed).toBeUndefined()
            out += d.text
            at += size
          }
          out += decoder.decode(Buffer.alloc(0), true).text
          expect(out).toBe(text)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('decodes ASCII followed by Windows-1252 the same however the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ',', '\n', '1') }),
        fc.string({ unit: fc.constantFrom('a', 'é', 'ü', '£', '\n') }).filter((t) => /[\u0080-\u00ff]/.test(t)),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }),
        (ascii, latin, sizes) => {
          const bytes = Buffer.from(ascii + latin, 'latin1')
          // Latin-1 that happens to be valid UTF-8 from its first accented letter (such as é££,
          // E9 A3 A3) is read as UTF-8, rightly: only text whose first such byte is not UTF-8 counts.
          fc.pre(firstInvalidUtf8(bytes) === bytes.findIndex((b) => b >= 0x80))
          const decoder = new InputDecoder()
          let out = ''
          let fallbacks = 0
          let at = 0
          let i = 0
          const take = (chunk: Buffer, final: boolean) => {
            const d = decoder.decode(chunk, final)
            expect(d.mixed).toBeUndefined()
            out += d.text
            if (d.fallback !== undefined) {
              fallbacks++
              out += d.fallback
            }
          }
          while (at < bytes.length) {
            const size = sizes[i++ % sizes.length] ?? 1
            take(bytes.subarray(at, at + size), false)
            at += size
          }
          take(Buffer.alloc(0), true)
          expect(out).toBe(ascii + latin)
          expect(fallbacks).toBe(1)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('finds the first invalid UTF-8 byte as the standard decoder does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const at = firstInvalidUtf8(bytes)
        // The valid prefix decodes without replacement, and the byte there does not start a valid sequence.
        const decoder = new TextDecoder('utf-8', { fatal: true })
        expect(() => decoder.decode(bytes.subarray(0, at))).not.toThrow()
        if (at < bytes.length) {
          const rest = new TextDecoder('utf-8').decode(bytes.subarray(at))
          expect(rest.startsWith('\uFFFD')).toBe(true)
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('agrees with csv-parse (relax_column_count_less) on rows with trailing cells left out', () => {
    const cellText = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', 'é', '1') })
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 5 })
          .chain((width) =>
            fc.tuple(
              fc.array(cellText, { minLength: width, maxLength: width }),
              fc.array(fc.array(cellText, { minLength: 1, maxLength: width }), { minLength: 1, maxLength: 8 }),
            ),
          ),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        ([header, rows], sizes) => {
          const quote = (c: string) => (/[",\r\n]/.test(c) || c === '' ? `"${c.replace(/"/g, '""')}"` : c)
          const text = [header, ...rows].map((r) => r.map(quote).join(',')).join('\n')
          const expected: unknown = parse(text, { skip_empty_lines: true, relax_column_count_less: true })
          const parser = new CsvParser()
          const out: string[][] = []
          let at = 0
          let i = 0
          while (at < text.length) {
            const size = sizes[i++ % sizes.length] ?? 1
            out.push(...parser.push(text.slice(at, at + size), false).map((r) => r.cells))
            at += size
          }
          out.push(...parser.push('', true).map((r) => r.cells))
          expect(out).toEqual(expected)
        },
      ),
      { numRuns: 300 },
    )
  })
})
