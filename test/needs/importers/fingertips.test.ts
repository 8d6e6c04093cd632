/**
 * Fingertips import on the two real downloads (indicators 93517 and 93532) and on variants: the
 * 26-column layout, a renamed column 23, a byte order mark, quoted commas, inequality rows,
 * suppressed values with notes, fractional counts and old area codes. Expected numbers come from a
 * separate Python csv pass over the files (noted beside each).
 */
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingertipsValues } from '../../../src/db/schema/index.js'
import { parseTimePeriod } from '../../../src/features/needs/importers/fingertips.js'
import { joinCsvLine, readLines, REFERENCE, type Setup, setup, splitCsvLine } from './helpers.js'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(async () => {
  await s.close()
})

const HEADER = splitCsvLine(readLines(REFERENCE.alcohol)[0]!)

/** One Fingertips row from named cells (the rest empty). */
function ftRow(cells: Record<string, string>): string[] {
  return HEADER.map((h) => cells[h] ?? '')
}

const base = {
  'Indicator ID': '90001',
  'Indicator Name': 'Made-up indicator, for tests',
  'Parent Code': 'E12000007',
  'Parent Name': 'London region',
  'Area Code': 'E09000003',
  'Area Name': 'Barnet',
  'Area Type': 'UA',
  Sex: 'Female',
  Age: '18+ yrs',
  'Time period': '2021/22',
  Value: '12.5',
  'Lower CI 95.0 limit': '10.1',
  'Upper CI 95.0 limit': '15.2',
  Count: '40.333333',
  Denominator: '322.666667',
  'Time period Sortable': '20210000',
  'Time period range': '1y',
}

describe('the real Fingertips downloads', () => {
  it('stores every row of 93517 and 93532 as published', async () => {
    const ocu = await s.run('fingertips', REFERENCE.ocu)
    const alcohol = await s.run('fingertips', REFERENCE.alcohol)
    // Python: 13 data rows in 93517 and 17 in 93532, 27 columns each.
    expect(ocu.rowsStored).toBe(13)
    expect(alcohol.rowsStored).toBe(17)
    expect(await s.count('fingertips_values', s.barnet)).toBe(30)
    expect(alcohol.coverage).toMatchObject({
      indicators: [{ id: 93532, name: 'Proportion of dependent drinkers not in treatment (%) (Current method)' }],
      periods: ['2018/19', '2019/20', '2020/21'],
      // Python: 10 distinct area codes in 93532.
      areas: 10,
    })
    // Neither file has Barnet in it.
    expect(alcohol.warnings[0]).toContain('This file has no rows for Barnet (E09000003)')

    const england = await s.database.db
      .select()
      .from(fingertipsValues)
      .where(
        and(
          eq(fingertipsValues.indicatorId, 93532),
          eq(fingertipsValues.areaCode, 'E92000001'),
          eq(fingertipsValues.period, '2019/20'),
        ),
      )
    // Python: England 2019/20 -> Value 82.30641882, Count 487877.3333, Denominator 592757.
    expect(england).toHaveLength(1)
    expect(england[0]).toMatchObject({
      value: 82.30641882,
      count: 487877.3333,
      denominator: 592757,
      periodSortable: 20190000,
      periodRange: '1y',
      sex: 'Persons',
      age: '18+ yrs',
      categoryType: '',
      comparedToEngland: 'Not compared',
    })
    // Python: the 17 counts of 93532 add up to 1,005,382.333266.
    const sum = await s.database.db
      .select({ total: sql<string>`sum(${fingertipsValues.count})::text` })
      .from(fingertipsValues)
      .where(eq(fingertipsValues.indicatorId, 93532))
    expect(Number(sum[0]?.total)).toBeCloseTo(1005382.333266, 5)
  })

  it('replaces only the same indicator, period and range on re-import', async () => {
    const again = await s.run('fingertips', REFERENCE.ocu)
    expect(again.rowsStored).toBe(13)
    expect(again.replacedRows).toBe(13)
    expect(await s.count('fingertips_values', s.barnet)).toBe(30)
  })

  it("keeps each council's imports apart: a re-import replaces only its own council's rows", async () => {
    const other = await s.run('fingertips', REFERENCE.ocu, s.hartlepool)
    expect(other.replacedRows).toBe(0)
    const again = await s.run('fingertips', REFERENCE.ocu)
    // Barnet's 13 rows of 93517 are replaced; Hartlepool's 13 stay.
    expect(again.replacedRows).toBe(13)
    expect(await s.count('fingertips_values', s.hartlepool)).toBe(13)
    expect(await s.count('fingertips_values', s.barnet)).toBe(30)
  })

  it('reads the 26-column layout with a renamed column 23 to the same rows', async () => {
    // Drop "Time period range" (the 27th column) and rename column 23.
    const lines = readLines(REFERENCE.ocu).map(splitCsvLine)
    const header = lines[0]!.slice(0, 26)
    header[22] = 'Compared to Region value or percentiles'
    const rows = lines.slice(1).map((cells) => {
      const out = cells.slice(0, 26)
      out[22] = 'Worse' // column 23 holds something else in this release: never read
      return out
    })
    const file = s.file('ocu-26.csv', `\uFEFF${[header, ...rows].map(joinCsvLine).join('\r\n')}\r\n`)
    const summary = await s.run('fingertips', file)
    // Same indicator, periods and derived range 1y: replaces the 13 rows just stored.
    expect(summary.rowsStored).toBe(13)
    expect(summary.replacedRows).toBe(13)
    const ranges = await s.database.db
      .selectDistinct({ range: fingertipsValues.periodRange })
      .from(fingertipsValues)
      .where(eq(fingertipsValues.indicatorId, 93517))
    expect(ranges).toEqual([{ range: '1y' }])
  })
})

describe('Fingertips variants', () => {
  it('keeps inequality rows, suppressed values with notes, quoted commas and old codes', async () => {
    const fresh = await setup()
    try {
      const rows = [
        ftRow(base),
        ftRow({
          ...base,
          'Category Type': 'Deprivation deciles (IMD2019)',
          Category: 'Most deprived decile',
          Value: '20',
        }),
        ftRow({
          ...base,
          'Area Code': 'E06000023',
          'Area Name': 'Bristol, City of',
          Value: '',
          'Lower CI 95.0 limit': '',
          'Upper CI 95.0 limit': '',
          Count: '',
          Denominator: '',
          'Value note': 'Value suppressed for disclosure control due to small count',
        }),
        ftRow({ ...base, 'Area Code': 'E08000016', 'Area Name': 'Barnsley', Sex: 'Persons' }),
        ftRow({ ...base, 'Time period': '2019 - 21', 'Time period Sortable': '', 'Time period range': '' }),
      ]
      const file = fresh.file('variants.csv', `\uFEFF${[HEADER, ...rows].map(joinCsvLine).join('\n')}\n`)
      const summary = await fresh.run('fingertips', file)
      expect(summary.rowsStored).toBe(5)
      expect(summary.warnings.join(' ')).toContain('1 row is an inequality breakdown')
      const stored = await fresh.database.db.select().from(fingertipsValues)
      const decile = stored.find((r) => r.category === 'Most deprived decile')
      expect(decile).toMatchObject({ categoryType: 'Deprivation deciles (IMD2019)', value: 20 })
      const bristol = stored.find((r) => r.areaCode === 'E06000023')
      expect(bristol).toMatchObject({
        areaName: 'Bristol, City of',
        value: null,
        count: null,
        valueNote: 'Value suppressed for disclosure control due to small count',
      })
      // The pre-2024 Barnsley code is kept as published.
      expect(stored.find((r) => r.areaName === 'Barnsley')?.areaCode).toBe('E08000016')
      const barnet = stored.find((r) => r.areaCode === 'E09000003' && r.categoryType === '' && r.period === '2021/22')
      expect(barnet).toMatchObject({ count: 40.333333, denominator: 322.666667, parentName: 'London region' })
      // Derived when the file leaves them empty: 2019 - 21 is a 3-year period starting 2019.
      const threeYear = stored.find((r) => r.period === '2019 - 21')
      expect(threeYear).toMatchObject({ periodSortable: 20190000, periodRange: '3y' })
    } finally {
      await fresh.close()
    }
  })

  it('parses Fingertips time periods', () => {
    expect(parseTimePeriod('2019/20')).toEqual({ sortable: 20190000, range: '1y' })
    expect(parseTimePeriod('2021')).toEqual({ sortable: 20210000, range: '1y' })
    expect(parseTimePeriod('2021 - 23')).toEqual({ sortable: 20210000, range: '3y' })
    expect(parseTimePeriod('2016/17 - 18/19')).toEqual({ sortable: 20160000, range: '3y' })
    expect(parseTimePeriod('2020 Q1')).toEqual({ sortable: null, range: '' })
  })
})

describe('Fingertips refusals', () => {
  it.each([
    ['a word for a value', { Value: 'high' }, 'Value', 'high', 'This is not a number.'],
    ['a negative count', { Count: '-3' }, 'Count', '-3', 'This cannot be negative.'],
    ['an indicator ID that is not a number', { 'Indicator ID': 'ABC' }, 'Indicator ID', 'ABC', 'whole number'],
    ['a missing area code', { 'Area Code': '' }, 'Area Code', '', 'The area code is missing.'],
  ])('refuses %s and changes nothing', async (_what, over, column, value, reason) => {
    const before = await s.digest()
    const file = s.file(
      'bad-ft.csv',
      [HEADER, ftRow(base), ftRow({ ...base, Sex: 'Male', ...over })].map(joinCsvLine).join('\n'),
    )
    const summary = await s.refused('fingertips', file)
    expect(summary.rowsRefused).toBe(1)
    expect(summary.refusals[0]).toMatchObject({ row: 3, column, value })
    expect(summary.refusals[0]?.reason).toContain(reason)
    expect(await s.digest()).toBe(before)
  })

  it('names every missing column, matched whatever the case', async () => {
    const before = await s.digest()
    const header = HEADER.filter((h) => h !== 'Area Code' && h !== 'Value').map((h) => h.toUpperCase())
    const file = s.file('no-code.csv', `${joinCsvLine(header)}\n`)
    const summary = await s.refused('fingertips', file)
    expect(summary.refusals.map((r) => r.column)).toEqual(['Area Code', 'Value'])
    expect(summary.refusals[0]?.reason).toBe('The column "Area Code" is missing. A Fingertips data download has it.')
    expect(await s.digest()).toBe(before)
  })

  it('refuses a key that appears twice', async () => {
    const before = await s.digest()
    const file = s.file('dup-ft.csv', [HEADER, ftRow(base), ftRow(base)].map(joinCsvLine).join('\n'))
    const summary = await s.refused('fingertips', file)
    expect(summary.refusals).toHaveLength(1)
    expect(summary.refusals[0]).toMatchObject({ row: 3 })
    expect(summary.refusals[0]?.reason).toContain('Another row has the same indicator, area code, sex')
    expect(await s.digest()).toBe(before)
  })

  it('finds a key repeated thousands of rows later, across write batches', async () => {
    const fresh = await setup()
    try {
      const before = await fresh.digest()
      // 12,000 distinct rows (several write batches), then row 2's key again at the end. The
      // rows differ by area, not indicator: one file may hold at most 5,000 indicators.
      const rows = Array.from({ length: 12000 }, (_, i) => ftRow({ ...base, 'Area Code': `T${String(100000 + i)}` }))
      rows.push(ftRow({ ...base, 'Area Code': 'T100000' }))
      const file = fresh.file('late-dup.csv', [HEADER, ...rows].map(joinCsvLine).join('\n'))
      const summary = await fresh.refused('fingertips', file)
      expect(summary.rowsRead).toBe(12001)
      // Header is row 1, so the 12,001st data row is row 12,002.
      expect(summary.refusals).toEqual([
        {
          row: 12002,
          column: '',
          value: '',
          reason:
            'Another row has the same indicator, area code, sex, age, category type, category, time period and time period range. Each combination may appear once.',
        },
      ])
      expect(await fresh.digest()).toBe(before)
    } finally {
      await fresh.close()
    }
  })
})
