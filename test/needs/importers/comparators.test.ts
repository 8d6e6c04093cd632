/**
 * A national or regional ViewIt release has no rows for the council: it imports as comparator data
 * (issue 8), the summary says what it was stored as, the assessment's comparator columns use it,
 * and the council's own rows are left alone (re-imports replace by period and area, ADR 16).
 *
 * The England file is made from the real Barnet export: its rows for 2009/10 to 2020/21 with the
 * area renamed England and every count v turned into 53v + 2 (so the figures are unrounded, as
 * national ones are). Expected values are worked out by hand from the Barnet file (Python csv
 * pass): 2020/21, all ages, all substances, Barnet has 380 women of 1,285 people in treatment and
 * 240 of 710 new presentations.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ndtmsRows } from '../../../src/db/schema/index.js'
import { buildAssessment } from '../../../src/features/needs/assessment/service.js'
import type { TableView } from '../../../src/features/needs/assessment/types.js'
import { coverageRows } from '../../../src/features/needs/uploads/presenter.js'
import { joinCsvLine, readLines, REFERENCE, type Setup, setup, splitCsvLine } from './helpers.js'

const lines = readLines(REFERENCE.viewit)
const header = splitCsvLine(lines[0] ?? '')
const rows = lines.slice(1).map(splitCsvLine)
const AREA = header.indexOf('Area')
const PERIOD = header.indexOf('ReportingPeriod')
const FIRST_MEASURE = header.indexOf('intreatment_allintx')

/** The Barnet rows of the given periods as another area's, with counts v -> 53v + 2. */
function comparatorFile(area: string, periods: (p: string) => boolean): string {
  const out = rows
    .filter((r) => periods(r[PERIOD] ?? ''))
    .map((r) =>
      r.map((c, i) => {
        if (i === AREA) return area
        if (i >= FIRST_MEASURE && /^\d+$/.test(c)) return String(Number(c) * 53 + 2)
        return c
      }),
    )
  return [header, ...out].map(joinCsvLine).join('\r\n') + '\r\n'
}

/** A small file with the real header: the given rows, every other measure NULL. */
function smallFile(cells: Record<string, string>[]): string {
  const body = cells.map((r) => header.map((h) => r[h] ?? 'NULL'))
  return [header, ...body].map(joinCsvLine).join('\n') + '\n'
}

async function accessTable(s: Setup, period: string): Promise<TableView> {
  const view = await buildAssessment(s.database.db, s.barnet, { period })
  const table = view.sections.find((x) => x.id === 'access')?.tables.find((t) => t.id === 'access')
  if (!table) throw new Error('no access table')
  return table
}

const upTo2020 = (p: string) => p !== '2021/22'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(async () => {
  await s.close()
})

describe('a ViewIt release with no rows for the council', () => {
  it('imports England rows as comparators, says so, and leaves the council rows alone', async () => {
    const council = await s.run('ndtms-viewit', REFERENCE.viewit)
    expect(council.coverage.storedAs).toBe('Barnet (your council), 2009/10 to 2021/22')
    // Without England rows in the council's file, the assessment has no England column yet.
    const before = await accessTable(s, '2020/21')
    expect(before.columns.map((c) => c.label).join(' ')).not.toContain('England')

    const england = await s.run('ndtms-viewit', s.file('england.csv', comparatorFile('England', upTo2020)))
    // 12 periods x 60 rows.
    expect(england.rowsStored).toBe(720)
    expect(england.replacedRows).toBe(0)
    expect(england.coverage.storedAs).toBe('England comparator, 2009/10 to 2020/21')
    expect(coverageRows(england.coverage)).toContainEqual({
      key: 'Stored as',
      value: 'England comparator, 2009/10 to 2020/21',
    })
    expect(england.warnings.join(' ')).toContain('England or region rows are not rounded to 5')
    // The council's 780 rows are still there, beside England's 720.
    const barnetRows = await s.database.db
      .select({ importId: ndtmsRows.importId })
      .from(ndtmsRows)
      .where(and(eq(ndtmsRows.tenantId, s.barnet.tenantId), eq(ndtmsRows.areaCode, 'E09000003')))
    expect(barnetRows).toHaveLength(780)
    expect(new Set(barnetRows.map((r) => r.importId))).toEqual(new Set([council.importId]))

    const table = await accessTable(s, '2020/21')
    expect(table.columns.map((c) => c.label)).toContain('England: women’s share')
    const treat = table.rows.find((r) => r.measure?.display === 'People in treatment')
    const fresh = table.rows.find((r) => r.measure?.display === 'New presentations')
    // People in treatment: 53 x 380 + 2 = 20,142 women of 53 x 1,285 + 2 = 68,107 people:
    // 29.574%, Wilson 95% interval 29.232% to 29.918%.
    expect(treat?.cmp0Share).toMatchObject({ display: '29.6%', value: 0.295741 })
    expect(treat?.cmp0Lower?.display).toBe('29.2%')
    expect(treat?.cmp0Upper?.display).toBe('29.9%')
    // New presentations: 12,722 of 37,632 = 33.806% (33.330% to 34.286%).
    expect(fresh?.cmp0Share?.display).toBe('33.8%')
    expect(fresh?.cmp0Lower?.display).toBe('33.3%')
    expect(fresh?.cmp0Upper?.display).toBe('34.3%')
    // The council's own figures are unchanged: 380 of 1,285 women.
    expect(treat?.women?.display).toBe('380')
    expect(treat?.all?.display).toBe('1,285')
  })

  it('a council file imported later replaces its own rows and the comparator rows it brings, nothing else', async () => {
    const again = await s.run('ndtms-viewit', REFERENCE.viewit)
    expect(again.replacedRows).toBe(780)
    expect(await s.count('ndtms_rows', s.barnet)).toBe(780 + 720)

    // A council file for 2020/21 that brings its own England figures: they replace England
    // 2020/21 (60 rows from the national file), and England's other years stay.
    const local = await s.run(
      'ndtms-viewit',
      s.file(
        'barnet-2020.csv',
        smallFile([
          {
            ReportingPeriod: '2020/21',
            Area: 'Barnet',
            sex: 'F',
            age_group: 'Total',
            drug_group: 'Total',
            intreatment_allintx: '400',
          },
          {
            ReportingPeriod: '2020/21',
            Area: 'Barnet',
            sex: 'Total',
            age_group: 'Total',
            drug_group: 'Total',
            intreatment_allintx: '1300',
          },
          {
            ReportingPeriod: '2020/21',
            Area: 'England',
            sex: 'F',
            age_group: 'Total',
            drug_group: 'Total',
            intreatment_allintx: '30000',
          },
          {
            ReportingPeriod: '2020/21',
            Area: 'England',
            sex: 'Total',
            age_group: 'Total',
            drug_group: 'Total',
            intreatment_allintx: '100000',
          },
        ]),
      ),
    )
    expect(local.coverage.storedAs).toBe('Barnet (your council), 2020/21; England comparator, 2020/21')
    // Barnet 2020/21 (60 rows) and England 2020/21 (60 rows) replaced.
    expect(local.replacedRows).toBe(120)
    const table = await accessTable(s, '2020/21')
    const treat = table.rows.find((r) => r.measure?.display === 'People in treatment')
    expect(treat?.women?.display).toBe('400')
    // 30,000 of 100,000.
    expect(treat?.cmp0Share?.display).toBe('30.0%')
    const earlier = await accessTable(s, '2019/20')
    expect(earlier.rows.find((r) => r.measure?.display === 'People in treatment')?.cmp0Share?.status).toBe('shown')
  })

  it('imports a regional release as that region’s comparator', async () => {
    const fresh = await setup()
    try {
      const summary = await fresh.run(
        'ndtms-viewit',
        fresh.file(
          'london.csv',
          comparatorFile('London', (p) => p === '2015/16' || p === '2016/17'),
        ),
      )
      expect(summary.rowsStored).toBe(120)
      expect(summary.coverage.storedAs).toBe('London comparator, 2015/16 to 2016/17')
      const stored = await fresh.database.db.selectDistinct({ level: ndtmsRows.areaLevel }).from(ndtmsRows)
      expect(stored).toEqual([{ level: 'region' }])
      // The council's file comes after; the region's column appears beside it. Barnet 2016/17:
      // 280 women of 1,025 people, so London has 53 x 280 + 2 = 14,842 of 54,327: 27.320%
      // (Wilson 95%: 26.947% to 27.696%).
      await fresh.run('ndtms-viewit', REFERENCE.viewit)
      const table = await accessTable(fresh, '2016/17')
      expect(table.columns.map((c) => c.label)).toContain('London: women’s share')
      const treat = table.rows.find((r) => r.measure?.display === 'People in treatment')
      expect([treat?.cmp0Share?.display, treat?.cmp0Lower?.display, treat?.cmp0Upper?.display]).toEqual([
        '27.3%',
        '26.9%',
        '27.7%',
      ])
    } finally {
      await fresh.close()
    }
  })

  it('still refuses a file whose rows are all for other councils, and changes nothing', async () => {
    const before = await s.digest()
    const summary = await s.refused(
      'ndtms-viewit',
      s.file(
        'enfield.csv',
        comparatorFile('Enfield', (p) => p === '2015/16'),
      ),
    )
    expect(summary.refusals.map((r) => r.reason)).toEqual([
      'This file has no rows for Barnet (E09000003), England or a region. Check that it is the export for your area, or a national or regional release.',
    ])
    expect(await s.digest()).toBe(before)
  })
})
