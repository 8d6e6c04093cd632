/**
 * Problems with a file as a whole: empty, header only, a different kind of file, rows with the
 * wrong number of columns, broken quotes, and large files of random bytes, which must be refused
 * quickly (within the first megabyte) with nothing changed. Also the CSV reader against csv-parse.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CsvParser, CsvStructureError } from '../../../src/features/needs/importers/shared.js'
import { REFERENCE, type Setup, setup } from './helpers.js'

let s: Setup
beforeAll(async () => {
  s = await setup()
  // Something to protect: a stored import that a refused file must not touch.
  await s.run('fingertips', REFERENCE.alcohol)
})
afterAll(async () => {
  await s.close()
})

describe('file-level refusals', () => {
  it.each([
    ['an empty file', '', 'The file is empty.'],
    ['a file of blank lines', '\n\r\n\n', 'The file is empty.'],
    [
      'a header and no rows',
      'ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx\n',
      'The file has a header row but no rows of data.',
    ],
    [
      'a row with more columns than the header',
      'ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx\n2021/22,Barnet,F,Total,Total,5\n2021/22,Barnet,M,Total,Total,5,5\n',
      'Row 3 has 7 columns, but the header has 6. A row may not have more columns than the header.',
    ],
    [
      'a quote that is never closed',
      'ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx\n2021/22,"Barnet,F,Total,Total,5\n',
      'A quoted value is never closed (a " is missing). This does not look like a complete CSV file.',
    ],
    [
      'a stray quote inside a value',
      'ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx\n2021/22,Bar"net,F,Total,Total,5\n',
      'Row 2 has a quote inside a value that does not start with one.',
    ],
  ])('refuses %s and changes nothing', async (_what, content, reason) => {
    const before = await s.digest()
    const summary = await s.refused('ndtms-viewit', s.file('file.csv', content))
    expect(summary.rowsStored).toBe(0)
    expect(summary.refusals[0]?.reason).toContain(reason)
    expect(await s.digest()).toBe(before)
  })

  it('refuses a Fingertips file offered as a ViewIt export, naming the missing columns', async () => {
    const before = await s.digest()
    const summary = await s.refused('ndtms-viewit', REFERENCE.alcohol)
    // Fingertips has Area Name, Sex and Age (accepted spellings of ViewIt's Area, sex and
    // age_group), but no reporting period or drug group.
    expect(summary.refusals.map((r) => r.column)).toEqual(['ReportingPeriod', 'drug_group', ''])
    // The last problem, about the file as a whole, says what it looks like (wrong-kind.test.ts).
    expect(summary.refusals[2]?.reason).toMatch(/^This file looks like "Fingertips indicator data", not "NDTMS ViewIt/)
    expect(await s.digest()).toBe(before)
  })

  it('refuses a ViewIt export offered as Fingertips data', async () => {
    const summary = await s.refused('fingertips', REFERENCE.viewit)
    expect(summary.refusals.map((r) => r.column)).toContain('Indicator ID')
  })

  // How fast a refusal is belongs in bench/; here, that it stops before reading the file's rows.
  it('refuses 20 MB of random bytes for every kind without reading on through its rows', async () => {
    const before = await s.digest()
    const bytes = randomBytes(20 * 1024 * 1024)
    // Random bytes hold a line break about every 256 bytes: tens of thousands of "rows".
    const lineBreaks = bytes.filter((b) => b === 0x0a).length
    expect(lineBreaks).toBeGreaterThan(10_000)
    const garbage = s.file('garbage.csv', bytes)
    for (const kind of ['ndtms-viewit', 'fingertips', 'prevalence-alcohol', 'population', 'indicator'] as const) {
      const summary = await s.refused(kind, garbage)
      expect(summary.rowsStored).toBe(0)
      expect(summary.refusals.length).toBeGreaterThan(0)
      expect(summary.rowsRead).toBeLessThan(lineBreaks / 10)
    }
    expect(await s.digest()).toBe(before)
  })

  it('refuses one 20 MB line with no line breaks at its first megabyte', async () => {
    const before = await s.digest()
    const file = s.file('one-line.csv', Buffer.alloc(20 * 1024 * 1024, 'a'))
    const summary = await s.refused('fingertips', file)
    // The reason names the first row and the limit: the reader stopped there, not at the end.
    expect(summary.refusals[0]?.reason).toBe(
      'Row 1 is longer than 1 million characters. This does not look like a CSV data file.',
    )
    expect(summary.rowsRead).toBeLessThanOrEqual(1)
    expect(await s.digest()).toBe(before)
  })

  it('refuses a file that is not there', async () => {
    const summary = await s.refused('fingertips', `${s.dir}/no-such-file.csv`)
    expect(summary.refusals[0]?.reason).toBe('The file could not be opened. Upload it again.')
  })
})

/** Parses `text` with the importer's reader, fed in the given chunk sizes. */
function parseInChunks(text: string, sizes: number[]): string[][] {
  const parser = new CsvParser()
  const out: string[][] = []
  let at = 0
  let i = 0
  while (at < text.length) {
    const size = Math.max(1, sizes[i++ % Math.max(1, sizes.length)] ?? 1)
    out.push(...parser.push(text.slice(at, at + size), false).map((r) => r.cells))
    at += size
  }
  out.push(...parser.push('', true).map((r) => r.cells))
  return out
}

describe('the CSV reader', () => {
  it('reads the real files exactly as csv-parse does', () => {
    for (const file of [REFERENCE.viewit, REFERENCE.alcohol, REFERENCE.dependence]) {
      const text = readFileSync(file, 'utf8')
      const expected: unknown = parse(text, { bom: true, skip_empty_lines: true })
      expect(parseInChunks(text, [65536])).toEqual(expected)
      expect(parseInChunks(text, [7, 1, 3000])).toEqual(expected)
    }
  })

  it('gives each record the file line it ends on', () => {
    const parser = new CsvParser()
    const records = parser.push('a,b\r\n1,"x\ny"\n\n3,4\n', true)
    expect(records.map((r) => [r.line, r.cells])).toEqual([
      [1, ['a', 'b']],
      [3, ['1', 'x\ny']],
      [5, ['3', '4']],
    ])
  })

  it('agrees with csv-parse on any table of quoted and unquoted cells, however the text is split', () => {
    const cellText = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '1') })
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((width) =>
            fc.array(fc.array(cellText, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }),
          ),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (rows, sizes, crlf) => {
          const quote = (c: string) => (/[",\r\n]/.test(c) || c === '' ? `"${c.replace(/"/g, '""')}"` : c)
          const text = rows.map((r) => r.map(quote).join(',')).join(crlf ? '\r\n' : '\n')
          const expected: unknown = parse(text, { skip_empty_lines: true })
          expect(parseInChunks(text, sizes)).toEqual(expected)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('throws only CsvStructureError on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', 'x') }),
        fc.integer({ min: 1, max: 9 }),
        (text, size) => {
          try {
            parseInChunks(text, [size])
          } catch (err) {
            expect(err).toBeInstanceOf(CsvStructureError)
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})
