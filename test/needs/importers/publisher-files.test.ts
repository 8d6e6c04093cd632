/**
 * Files as publishers really write them (issue 8): a Fingertips website download whose header has
 * one more column than its rows and whose indicator names hold quoted line breaks, CRLF line ends,
 * rows that lack trailing optional columns (read with one warning) and rows that lack a needed
 * column (refused by row and column), for every importer; and the ONS mid-year population
 * estimates with single years of age in columns. Expected figures come from a separate Python csv
 * pass over the files (noted beside each).
 */
import { readFileSync } from 'node:fs'
import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingertipsValues, ndtmsRows, populationEstimates } from '../../../src/db/schema/index.js'
import { RowShape } from '../../../src/features/needs/importers/shared.js'
import { makeCouncil } from '../../support/factories.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { sharedDataPath } from '../../support/shared.js'
import { joinCsvLine, readLines, REFERENCE, type Setup, setup, splitCsvLine } from './helpers.js'

let s: Setup
let trafford: TenantScope
beforeAll(async () => {
  s = await setup()
  trafford = await makeCouncil(s.database.db, 'E08000009')
})
afterAll(async () => {
  await s.close()
})

const csv = (rows: string[][], eol = '\r\n') => rows.map(joinCsvLine).join(eol) + eol

describe('Fingertips as downloaded from the website', () => {
  const lines = readLines(REFERENCE.alcohol)
  const header = splitCsvLine(lines[0] ?? '')
  const data = lines.slice(1).map(splitCsvLine)
  const NAME = header.indexOf('Indicator Name')

  it('reads rows one column short of the header, with a quoted line break in the name, with one warning', async () => {
    // Every data row lacks the last column (Time period range); each name is wrapped in two lines.
    const rows = data.map((r) => {
      const cells = r.slice(0, -1)
      cells[NAME] = (cells[NAME] ?? '').replace(' not in treatment', '\r\nnot in treatment')
      return cells
    })
    const text = `\uFEFF${csv([header, ...rows])}`
    expect(text).toContain('"Proportion of dependent drinkers\r\nnot in treatment (%) (Current method)"')
    const summary = await s.run('fingertips', s.file('website.csv', text))
    // Python: 17 data rows in 93532.
    expect(summary.rowsStored).toBe(17)
    const shortWarnings = summary.warnings.filter((w) => w.includes('fewer columns than the header'))
    expect(shortWarnings).toEqual([
      // The first data row ends on line 3: its name holds a line break.
      '17 rows (the first is row 3) have fewer columns than the header: the last column, "Time period range", is missing from them and was read as empty.',
    ])
    const stored = await s.database.db
      .selectDistinct({ name: fingertipsValues.indicatorName, range: fingertipsValues.periodRange })
      .from(fingertipsValues)
      .where(eq(fingertipsValues.tenantId, s.barnet.tenantId))
    // The line break is read as a space; the range, missing, comes from the period ('2019/20': 1y).
    expect(stored).toEqual([
      { name: 'Proportion of dependent drinkers not in treatment (%) (Current method)', range: '1y' },
    ])
  })

  it('refuses a row that ends before a needed column, naming the row and the column', async () => {
    const before = await s.digest()
    const rows = data.map((r) => r.slice(0, -1))
    // Row 4 (the third data row) stops after Value: no confidence limits, count or denominator.
    rows[2] = (rows[2] ?? []).slice(0, header.indexOf('Value') + 1)
    const summary = await s.refused('fingertips', s.file('cut.csv', csv([header, ...rows])))
    expect(summary.refusals).toEqual([
      {
        row: 4,
        column: 'Lower CI 95.0 limit',
        value: '',
        reason:
          'This row has 13 columns and ends before the "Lower CI 95.0 limit" column, which every row needs. Check that no value is missing from the row.',
      },
    ])
    expect(await s.digest()).toBe(before)
  })
})

describe('rows shorter than the header', () => {
  it('pads rows that lack optional trailing columns, refuses one that ends before a needed column, and warns once', () => {
    const shape = new RowShape()
    shape.setHeader(['id', 'value', 'note', 'range', 'extra'], [0, 1])
    const refused: string[] = []
    const refuse = (column: string) => refused.push(column)
    expect(shape.check(['1', '2', 'n', 'r', 'x'], 2, refuse)).toEqual(['1', '2', 'n', 'r', 'x'])
    expect(shape.check(['1', '2', 'n', 'r'], 3, refuse)).toEqual(['1', '2', 'n', 'r', ''])
    expect(shape.check(['1', '2'], 4, refuse)).toEqual(['1', '2', '', '', ''])
    expect(shape.check(['1'], 5, refuse)).toBeNull()
    expect(refused).toEqual(['value'])
    expect(shape.warnings()).toEqual([
      '2 rows (the first is row 3) have fewer columns than the header: between 1 and 3 of the last columns ("note", "range" and "extra") are missing from them and were read as empty.',
    ])
  })
})

describe('ViewIt rows without their last measure columns', () => {
  const lines = readLines(REFERENCE.viewit)
  const header = splitCsvLine(lines[0] ?? '')
  const barnet2021 = lines
    .slice(1)
    .map(splitCsvLine)
    .filter((r) => r[0] === '2021/22')

  it('reads the missing measures as not available, with one warning', async () => {
    const fresh = await setup()
    try {
      // The last three measure columns are left off every row.
      const rows = barnet2021.map((r) => r.slice(0, -3))
      const summary = await fresh.run('ndtms-viewit', fresh.file('short.csv', csv([header, ...rows], '\n')))
      expect(summary.rowsStored).toBe(60)
      const last3 = header.slice(-3)
      expect(summary.warnings).toContain(
        `60 rows (the first is row 2) have fewer columns than the header: the last columns, ${last3
          .slice(0, 2)
          .map((h) => `"${h}"`)
          .join(', ')} and "${last3[2] ?? ''}", are missing from them and were read as empty.`,
      )
      const stored = await fresh.database.db.select({ measures: ndtmsRows.measures }).from(ndtmsRows).limit(1)
      const measures = stored[0]?.measures ?? {}
      for (const h of last3) expect(measures[h.toLowerCase()]).toBeNull()
      expect(typeof measures.intreatment_allintx).toBe('number')
    } finally {
      await fresh.close()
    }
  })

  it('leaves out empty unnamed columns a spreadsheet added at the end, and refuses a value in one', async () => {
    const fresh = await setup()
    try {
      // Excel's trailing empty columns: a comma at the end of every line.
      const rows = barnet2021.map((r) => [...r, '', ''])
      const summary = await fresh.run('ndtms-viewit', fresh.file('excel.csv', csv([[...header, '', ''], ...rows])))
      expect(summary.rowsStored).toBe(60)
      expect(summary.warnings).toContain('The last 2 columns have no name and no values; they were left out.')
      const before = await fresh.digest()
      const withValue = rows.map((r) => r.slice())
      const fifth = withValue[4] ?? []
      fifth[fifth.length - 1] = '17'
      const refused = await fresh.refused(
        'ndtms-viewit',
        fresh.file('excel-value.csv', csv([[...header, '', ''], ...withValue])),
      )
      expect(refused.refusals.map((r) => [r.row, r.column, r.value])).toEqual([
        [6, `column ${String(header.length + 2)}`, '17'],
      ])
      expect(await fresh.digest()).toBe(before)
    } finally {
      await fresh.close()
    }
  })

  it('refuses a row cut inside its dimensions', async () => {
    const before = await s.digest()
    const rows = barnet2021.slice(0, 3).map((r) => r.slice())
    rows[1] = (rows[1] ?? []).slice(0, 3)
    const summary = await s.refused('ndtms-viewit', s.file('cut.csv', csv([header, ...rows], '\n')))
    expect(summary.refusals.map((r) => [r.row, r.column])).toEqual([[3, 'age_group']])
    expect(await s.digest()).toBe(before)
  })
})

describe('prevalence, population and indicator files', () => {
  it('reads the published alcohol dependence estimates with CRLF and a quoted comma; refuses a row without its year', async () => {
    const lines = readLines(REFERENCE.dependence)
    const header = splitCsvLine(lines[0] ?? '')
    const rows = lines.slice(1, 6).map(splitCsvLine)
    rows.push(['South West', 'Bristol, City of', 'E06000023', '7000', '5000', '9000', '2017/18'])
    const fresh = await setup()
    try {
      const ok = await fresh.run('prevalence-alcohol', fresh.file('dependence.csv', csv([header, ...rows])))
      expect(ok.rowsStored).toBe(6)
      const before = await fresh.digest()
      rows[2] = (rows[2] ?? []).slice(0, -1)
      const summary = await fresh.refused('prevalence-alcohol', fresh.file('cut.csv', csv([header, ...rows])))
      expect(summary.refusals.map((r) => [r.row, r.column])).toEqual([[4, 'Year']])
      expect(await fresh.digest()).toBe(before)
    } finally {
      await fresh.close()
    }
  })

  it('reads a prevalence template with a quoted multi-line source; refuses a row without its source', async () => {
    const header = 'area_code,area_name,period,sex,age_group,substance_group,estimate,lower_95,upper_95,source'
    const good = `${header}\r\nE09000003,Barnet,2019/20,Persons,15-64,ocu,1500,1200,1900,"Our own estimate,\r\nmethod note 3"\r\n`
    const summary = await s.run('prevalence-ocu', s.file('ocu.csv', good))
    expect(summary.rowsStored).toBe(1)
    const before = await s.digest()
    const cut = `${header}\r\nE09000003,Barnet,2020/21,Persons,15-64,ocu,1500,1200,1900\r\n`
    const refused = await s.refused('prevalence-ocu', s.file('ocu-cut.csv', cut))
    expect(refused.refusals.map((r) => [r.row, r.column])).toEqual([[2, 'source']])
    expect(await s.digest()).toBe(before)
  })

  it('refuses an indicator row without its unit and source, and reads one with CRLF and quotes', async () => {
    const header = 'indicator,area_code,period,sex,age_group,count,denominator,value,lower_95,upper_95,unit,source'
    const good = `${header}\r\nalcohol-admissions,E09000003,2022/23,F,all,300,200000,150,133.5,168,per 100000,"Hospital Episode Statistics,\r\nNHS England"\r\n`
    expect((await s.run('indicator', s.file('ind.csv', good))).rowsStored).toBe(1)
    const before = await s.digest()
    const cut = `${header}\r\nalcohol-admissions,E09000003,2023/24,F,all,300,200000,150,133.5,168\r\n`
    const refused = await s.refused('indicator', s.file('ind-cut.csv', cut))
    expect(refused.refusals.map((r) => [r.row, r.column])).toEqual([[2, 'unit']])
    expect(await s.digest()).toBe(before)
  })

  it('refuses a population template row without its source', async () => {
    const before = await s.digest()
    const file = s.file(
      'pop-cut.csv',
      'area_code,period,sex,age_group,characteristic,category,count,source\r\nE09000003,2021,F,18+,all,all,150000\r\n',
    )
    const refused = await s.refused('population', file)
    expect(refused.refusals.map((r) => [r.row, r.column])).toEqual([[2, 'source']])
    expect(await s.digest()).toBe(before)
  })
})

describe('ONS mid-year population estimates, single years of age in columns', () => {
  const ONS = sharedDataPath('feeds', 'ons', 'trafford_mid-year_2024_population_estimates_local_authority.csv')

  it('stores every age column and the bands summed from single years', async () => {
    const summary = await s.run('population', ONS, trafford)
    // 3 rows (Persons, Females, Males) x (all ages + 3 published bands + 91 single years + 4 summed bands).
    expect(summary.rowsRead).toBe(3)
    expect(summary.rowsStored).toBe(3 * 99)
    expect(summary.coverage).toMatchObject({ periods: ['2024'], characteristics: ['all'], areas: 1 })
    const rows = await s.database.db
      .select({ sex: populationEstimates.sex, age: populationEstimates.ageGroup, count: populationEstimates.count })
      .from(populationEstimates)
      .where(and(eq(populationEstimates.tenantId, trafford.tenantId), eq(populationEstimates.sex, 'F')))
      .orderBy(asc(populationEstimates.ageGroup))
    const women = new Map(rows.map((r) => [r.age, r.count]))
    // As published.
    expect(women.get('all')).toBe(123369)
    expect(women.get('16-64')).toBe(75531)
    expect(women.get('0')).toBe(1030)
    expect(women.get('90+')).toBe(1468)
    // Python, summing the single-year columns: 18+ 95,744; 18-29 14,400; 30-49 34,865; 50+ 46,479.
    expect(women.get('18+')).toBe(95744)
    expect(women.get('18-29')).toBe(14400)
    expect(women.get('30-49')).toBe(34865)
    expect(women.get('50+')).toBe(46479)
  })

  it('leaves the same year’s figures for another characteristic alone (re-imports replace by period and characteristic)', async () => {
    const fresh = await setup()
    try {
      const council = await makeCouncil(fresh.database.db, 'E08000009')
      const census = fresh.file(
        'census.csv',
        'area_code,period,sex,age_group,characteristic,category,count,source\nE08000009,2021,F,18+,ethnicity,white,80000,ONS Census 2021 TS021\nE08000009,2021,F,18+,all,all,95000,ONS Census 2021 TS021\n',
      )
      await fresh.run('population', census, council)
      const mid2021 = readFileSync(ONS, 'utf8').replaceAll('2024-06-30', '2021-06-30')
      const summary = await fresh.run('population', fresh.file('ons-2021.csv', mid2021), council)
      // The Census 'all' row of 2021 is replaced; its ethnicity row stays.
      expect(summary.replacedRows).toBe(1)
      const kept = await fresh.database.db
        .select({ characteristic: populationEstimates.characteristic, count: populationEstimates.count })
        .from(populationEstimates)
        .where(eq(populationEstimates.characteristic, 'ethnicity'))
      expect(kept).toEqual([{ characteristic: 'ethnicity', count: 80000 }])
    } finally {
      await fresh.close()
    }
  })

  it('refuses a row whose single years do not add up to all ages, naming the row', async () => {
    const before = await s.digest()
    const text = readFileSync(ONS, 'utf8').replace(',Females,123369,', ',Females,123370,')
    const summary = await s.refused('population', s.file('ons-off.csv', text), trafford)
    expect(summary.refusals).toEqual([
      {
        row: 3,
        column: 'all_ages',
        value: '123370',
        reason: 'The single years of age add up to 123,369, not 123,370. Check that no column is shifted or missing.',
      },
    ])
    expect(await s.digest()).toBe(before)
  })

  it('refuses ages in columns without a sex column, saying what shape is expected', async () => {
    const summary = await s.refused(
      'population',
      s.file('mye-no-sex.csv', 'period,code,name,all_ages,0,1,2\n2024,E08000009,Trafford,6,1,2,3\n'),
      trafford,
    )
    expect(summary.refusals[0]?.reason).toContain('it has no "sex" column')
    expect(summary.refusals[0]?.reason).toContain('one row per area and sex')
  })
})
