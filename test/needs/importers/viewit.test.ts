/**
 * NDTMS ViewIt import on the real Barnet export (780 rows x 244 columns), the alternative header
 * style, label case, and every way a row or file is refused. Expected numbers were read from the
 * file with a separate Python csv pass (noted beside each).
 */
import { readFileSync } from 'node:fs'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents, dataImports, ndtmsRows } from '../../../src/db/schema/index.js'
import { financialYear, measureName } from '../../../src/features/needs/importers/viewit.js'
import { joinCsvLine, readLines, REFERENCE, type Setup, setup, splitCsvLine } from './helpers.js'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(async () => {
  await s.close()
})

const header = splitCsvLine(readLines(REFERENCE.viewit)[0]!)
const dataLines = readLines(REFERENCE.viewit).slice(1)

/** A small ViewIt file: the real header and the given rows (cells by column name; others NULL). */
function viewitFile(rows: Record<string, string>[], cols = header): string {
  const lines = rows.map((r) => joinCsvLine(cols.map((c) => r[c] ?? 'NULL')))
  return [joinCsvLine(cols), ...lines].join('\n') + '\n'
}

const row = (over: Record<string, string> = {}) => ({
  ReportingPeriod: '2021/22',
  Area: 'Barnet',
  sex: 'F',
  age_group: 'Total',
  drug_group: 'Total',
  intreatment_allintx: '455',
  ...over,
})

describe('the real Barnet ViewIt export', () => {
  it('stores every row, with canonical labels, measures and rounding', async () => {
    const summary = await s.run('ndtms-viewit', REFERENCE.viewit)
    // Python: 780 data rows, 13 periods (2009/10..2021/22), 244 columns - 5 dimensions = 239 measures.
    expect(summary.rowsRead).toBe(780)
    expect(summary.rowsStored).toBe(780)
    expect(summary.rowsRefused).toBe(0)
    expect(summary.replacedRows).toBe(0)
    expect(summary.coverage.periods).toHaveLength(13)
    expect(summary.coverage.measures).toBe(239)
    expect(await s.count('ndtms_rows', s.barnet)).toBe(780)

    const rows = await s.database.db
      .select()
      .from(ndtmsRows)
      .where(
        and(
          eq(ndtmsRows.tenantId, s.barnet.tenantId),
          eq(ndtmsRows.period, '2021/22'),
          eq(ndtmsRows.sex, 'F'),
          eq(ndtmsRows.ageGroup, 'all'),
          eq(ndtmsRows.substanceGroup, 'all'),
        ),
      )
    expect(rows).toHaveLength(1)
    const r = rows[0]!
    // Python on the file: 2021/22, F, Total, Total -> 455 in treatment, 215 new presentations,
    // 110 self/family/friends referrals, 120 parents living with children, 325 White.
    expect(r.measures.intreatment_allintx).toBe(455)
    expect(r.measures.newpresentation_newtx).toBe(215)
    expect(r.measures.referralsource_self_family_friends_newtx).toBe(110)
    expect(r.measures.safeguarding_parentlivingwithchildren_allintx).toBe(120)
    expect(r.measures.eth_white_allintx).toBe(325)
    expect(Object.keys(r.measures)).toHaveLength(239)
    expect(r.areaCode).toBe('E09000003')
    expect(r.areaLevel).toBe('council')
    expect(r.rounded).toBe(true)
    expect(r.suppressed).toEqual([])

    // 'TOTAL' (2021/22) and 'Total' (earlier years) both became Persons/all: 12 sex x age cells
    // per period x 5 drug groups = 60 rows per period (Python: 60 for every period).
    const perPeriod = await s.database.db
      .select({ period: ndtmsRows.period, n: sql<string>`count(*)::text` })
      .from(ndtmsRows)
      .where(eq(ndtmsRows.tenantId, s.barnet.tenantId))
      .groupBy(ndtmsRows.period)
    expect(perPeriod.every((p) => Number(p.n) === 60)).toBe(true)
    const persons = await s.count("ndtms_rows WHERE sex = 'Persons' AND age_group = 'all'")
    // Python: sex Total/TOTAL and age Total/TOTAL together: 5 drug groups x 13 periods = 65.
    expect(persons).toBe(65)

    // NULL cells are null, not 0. Python: 17,280 NULL cells in the file.
    const nulls = await s.database.db.execute(
      sql`SELECT count(*)::text AS n FROM ndtms_rows r, jsonb_each(r.measures) m WHERE r.tenant_id = ${s.barnet.tenantId} AND m.value = 'null'::jsonb`,
    )
    expect(Number((nulls as { rows: { n: string }[] }).rows[0]?.n)).toBe(17280)
    // Python: the sum of intreatment_allintx over all 780 rows is 124,405.
    const total = await s.database.db.execute(
      sql`SELECT sum((measures->>'intreatment_allintx')::int)::text AS n FROM ndtms_rows WHERE tenant_id = ${s.barnet.tenantId}`,
    )
    expect(Number((total as { rows: { n: string }[] }).rows[0]?.n)).toBe(124405)

    const imports = await s.database.db.select().from(dataImports).where(eq(dataImports.id, summary.importId!))
    expect(imports[0]?.rowsStored).toBe(780)
    expect(imports[0]?.source).toContain('NDTMS')
    expect(imports[0]?.source).toContain('Open Government Licence')
    const audit = await s.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'needs.import'), eq(auditEvents.subjectId, summary.importId!)))
    expect(audit).toHaveLength(1)
    expect(audit[0]?.tenantId).toBe(s.barnet.tenantId)
  })

  it('importing the same file again replaces it: the same rows, and 780 replaced', async () => {
    const before = await s.count('ndtms_rows', s.barnet)
    const summary = await s.run('ndtms-viewit', REFERENCE.viewit)
    expect(summary.rowsStored).toBe(780)
    expect(summary.replacedRows).toBe(780)
    expect(await s.count('ndtms_rows', s.barnet)).toBe(before)
    expect(before).toBe(780)
  })

  it('another council importing a file without its rows is refused and sees nothing of Barnet', async () => {
    const summary = await s.refused('ndtms-viewit', REFERENCE.viewit, s.hartlepool)
    expect(summary.refusals.map((r) => r.reason)).toContain(
      'This file has no rows for Hartlepool (E06000001), England or a region. Check that it is the export for your area, or a national or regional release.',
    )
    expect(await s.count('ndtms_rows', s.hartlepool)).toBe(0)
  })
})

describe('header and label variants', () => {
  it('reads the alternative header style and upper-case labels to the same stored data', async () => {
    // Rename the five dimensions and turn measure names into the Num_/CamelCase style.
    const renames: Record<string, string> = {
      ReportingPeriod: 'ReportingPeriod_Data',
      Area: 'Area_Data',
      sex: 'Gender_Data',
      age_group: 'AgeGroup_Data',
      drug_group: 'DrugGroup_Data',
      intreatment_allintx: 'Num_InTreatment_AllInTx',
      newpresentation_newtx: 'Num_NewPresentation_NewTx',
      eth_white_allintx: 'Eth_White_AllInTx',
    }
    const altHeader = header.map((h) => renames[h] ?? h.toUpperCase())
    const upper: Record<string, string> = {
      'Non-opiate only': 'NON-OPIATES ONLY',
      'Alcohol only': 'ALCOHOL ONLY',
      'Non-opiate & alcohol': 'ALCOHOL & NON-OPIATES',
      Opiate: 'OPIATES',
      F: 'Female',
      M: 'Male',
      Total: 'TOTAL',
    }
    const lines = dataLines
      .filter((l) => l.startsWith('2020/21'))
      .map((l) => splitCsvLine(l).map((c, i) => (i === 1 ? 'BARNET' : i < 5 ? (upper[c] ?? c) : c)))
    const file = s.file('alt.csv', [joinCsvLine(altHeader), ...lines.map(joinCsvLine)].join('\r\n'))
    const fresh = await setup()
    try {
      const alt = await fresh.run('ndtms-viewit', file)
      // Python: 60 rows for 2020/21.
      expect(alt.rowsStored).toBe(60)
      const got = await fresh.database.db
        .select()
        .from(ndtmsRows)
        .where(and(eq(ndtmsRows.sex, 'F'), eq(ndtmsRows.ageGroup, 'all'), eq(ndtmsRows.substanceGroup, 'opiate')))
      // The same row in the original-style import of the whole file, stored by the first test.
      const original = await s.database.db
        .select()
        .from(ndtmsRows)
        .where(
          and(
            eq(ndtmsRows.tenantId, s.barnet.tenantId),
            eq(ndtmsRows.period, '2020/21'),
            eq(ndtmsRows.sex, 'F'),
            eq(ndtmsRows.ageGroup, 'all'),
            eq(ndtmsRows.substanceGroup, 'opiate'),
          ),
        )
      expect(got).toHaveLength(1)
      expect(got[0]!.measures).toEqual(original[0]!.measures)
      const labels = await fresh.database.db.execute(
        sql`SELECT string_agg(DISTINCT substance_group, ',' ORDER BY substance_group) AS d, string_agg(DISTINCT sex, ',' ORDER BY sex) AS s FROM ndtms_rows`,
      )
      expect((labels as { rows: { d: string; s: string }[] }).rows[0]).toEqual({
        d: 'alcohol_only,all,non_opiate_and_alcohol,non_opiate_only,opiate',
        s: 'F,M,Persons',
      })
    } finally {
      await fresh.close()
    }
  })

  it('turns measure headers into canonical names by rule', () => {
    expect(measureName('Num_InTreatment_AllInTx')).toBe('intreatment_allintx')
    expect(measureName('Num_NewPresentation_NewTx')).toBe('newpresentation_newtx')
    expect(measureName('Eth_White_AllInTx')).toBe('eth_white_allintx')
    expect(measureName(' ReferralSource Self Family Friends NewTx ')).toBe('referralsource_self_family_friends_newtx')
    expect(measureName('intreatment')).toBe('intreatment_allintx')
  })

  it('reads financial years in their usual spellings and nothing else', () => {
    expect(financialYear('2021/22')).toBe('2021/22')
    expect(financialYear('2021-22')).toBe('2021/22')
    expect(financialYear('2021/2022')).toBe('2021/22')
    expect(financialYear('1999/00')).toBe('1999/00')
    expect(financialYear('2021/23')).toBeUndefined()
    expect(financialYear('2021')).toBeUndefined()
  })

  it('maps England and region names, keeps suppressed cells out of the values and marks rounding', async () => {
    const fresh = await setup()
    try {
      const cols = [
        'ReportingPeriod',
        'Area',
        'sex',
        'age_group',
        'drug_group',
        'intreatment_allintx',
        'newpresentation_newtx',
      ]
      const file = fresh.file(
        'areas.csv',
        viewitFile(
          [
            row({ intreatment_allintx: '455', newpresentation_newtx: '*' }),
            row({ Area: 'England', intreatment_allintx: '101234', newpresentation_newtx: '40001' }),
            row({ Area: 'London', intreatment_allintx: '20000', newpresentation_newtx: '9005' }),
            row({ Area: 'Bristol, City of', intreatment_allintx: 'c', newpresentation_newtx: '' }),
            row({ Area: 'hammersmith & fulham', intreatment_allintx: '1,234', newpresentation_newtx: '0' }),
          ],
          cols,
        ),
      )
      const summary = await fresh.run('ndtms-viewit', file)
      expect(summary.rowsStored).toBe(5)
      const rows = await fresh.database.db.select().from(ndtmsRows).orderBy(ndtmsRows.areaCode)
      const byCode = new Map(rows.map((r) => [r.areaCode, r]))
      expect(byCode.get('E09000003')).toMatchObject({
        areaLevel: 'council',
        rounded: true,
        suppressed: ['newpresentation_newtx'],
        measures: { intreatment_allintx: 455, newpresentation_newtx: null },
      })
      // England: 101,234 is not a multiple of 5, so the row is not rounded.
      expect(byCode.get('E92000001')).toMatchObject({ areaLevel: 'england', rounded: false, areaName: 'England' })
      // London region: 20,000 and 9,005 are both multiples of 5, so it counts as rounded.
      expect(byCode.get('E12000007')).toMatchObject({ areaLevel: 'region', rounded: true })
      expect(byCode.get('E06000023')).toMatchObject({
        areaLevel: 'other',
        areaName: 'Bristol',
        suppressed: ['intreatment_allintx'],
        measures: { intreatment_allintx: null, newpresentation_newtx: null },
      })
      expect(byCode.get('E09000013')).toMatchObject({
        measures: { intreatment_allintx: 1234, newpresentation_newtx: 0 },
      })
      expect(summary.warnings.join(' ')).toContain('1 England or region row is not rounded to 5')
    } finally {
      await fresh.close()
    }
  })
})

describe('refusals: nothing is stored and every problem is named', () => {
  const cols = ['ReportingPeriod', 'Area', 'sex', 'age_group', 'drug_group', 'intreatment_allintx']

  it.each([
    [
      'a negative count',
      { intreatment_allintx: '-5' },
      'intreatment_allintx',
      '-5',
      'A count of people cannot be negative.',
    ],
    ['a word for a count', { intreatment_allintx: 'many' }, 'intreatment_allintx', 'many', 'This is not a number.'],
    ['a fraction', { intreatment_allintx: '12.5' }, 'intreatment_allintx', '12.5', 'NDTMS counts are whole numbers.'],
    ['an unknown area', { Area: 'Narnia' }, 'Area', 'Narnia', 'This area name is not one WTC knows.'],
    ['an unknown sex', { sex: 'X' }, 'sex', 'X', 'This is not a sex WTC knows.'],
    ['an unknown age group', { age_group: '65+' }, 'age_group', '65+', 'This is not an age group WTC knows.'],
    [
      'an unknown drug group',
      { drug_group: 'Cannabis only' },
      'drug_group',
      'Cannabis only',
      'This is not a drug group',
    ],
    [
      'a period that is not a financial year',
      { ReportingPeriod: 'last year' },
      'ReportingPeriod',
      'last year',
      'Enter a financial year',
    ],
  ])('refuses %s, naming row, column and value', async (_what, over, column, value, reason) => {
    const before = await s.digest()
    const file = s.file('bad.csv', viewitFile([row(), row({ sex: 'M', ...over })], cols))
    const summary = await s.refused('ndtms-viewit', file)
    expect(summary.rowsRefused).toBe(1)
    expect(summary.rowsStored).toBe(0)
    expect(summary.importId).toBeNull()
    const refusal = summary.refusals.find((r) => r.row === 3)
    // Row 3: the header is row 1, the good row is row 2.
    expect(refusal).toMatchObject({ row: 3, column, value })
    expect(refusal?.reason).toContain(reason)
    expect(await s.digest()).toBe(before)
  })

  it('refuses a file missing required columns and names each one', async () => {
    const before = await s.digest()
    const file = s.file('missing.csv', 'ReportingPeriod,sex,intreatment_allintx\n2021/22,F,5\n')
    const summary = await s.refused('ndtms-viewit', file)
    const missing = summary.refusals.map((r) => r.column)
    expect(missing).toEqual(['Area', 'age_group', 'drug_group'])
    expect(summary.refusals[0]?.reason).toBe(
      'The column "Area" is missing. An NDTMS ViewIt export has it (or Area_Data).',
    )
    expect(summary.refusals.every((r) => r.row === 1)).toBe(true)
    expect(await s.digest()).toBe(before)
  })

  it('refuses repeated keys, naming the later row', async () => {
    const before = await s.digest()
    const file = s.file(
      'dup.csv',
      viewitFile([row(), row({ sex: 'M' }), row({ sex: 'Female', intreatment_allintx: '5' })], cols),
    )
    const summary = await s.refused('ndtms-viewit', file)
    expect(summary.rowsRefused).toBe(1)
    expect(summary.refusals[0]).toMatchObject({ row: 4 })
    expect(summary.refusals[0]?.reason).toContain(
      'Another row has the same reporting period, area, sex, age group and drug group',
    )
    expect(await s.digest()).toBe(before)
  })

  it('refuses a file with no rows for the council, with the council named', async () => {
    const before = await s.digest()
    const file = s.file('other.csv', viewitFile([row({ Area: 'Enfield' })], cols))
    const summary = await s.refused('ndtms-viewit', file)
    expect(summary.refusals.map((r) => r.reason)).toEqual([
      'This file has no rows for Barnet (E09000003), England or a region. Check that it is the export for your area, or a national or regional release.',
    ])
    expect(await s.digest()).toBe(before)
  })

  it('counts every refused row but lists at most 100 problems', async () => {
    const before = await s.digest()
    const rows = [
      row(),
      ...Array.from({ length: 250 }, (_, i) => row({ sex: 'M', intreatment_allintx: `x${String(i)}` })),
    ]
    const summary = await s.refused('ndtms-viewit', s.file('many.csv', viewitFile(rows, cols)))
    expect(summary.rowsRefused).toBe(250)
    expect(summary.refusals).toHaveLength(100)
    expect(await s.digest()).toBe(before)
  })

  it('keeps an earlier import intact when a later file is refused', async () => {
    const stored = await s.count('ndtms_rows', s.barnet)
    expect(stored).toBe(780)
    const lines = readFileSync(REFERENCE.viewit, 'utf8').split('\n')
    lines[10] = lines[10]!.replace(',Barnet,', ',Atlantis,')
    const summary = await s.refused('ndtms-viewit', s.file('one-bad.csv', lines.join('\n')))
    expect(summary.refusals).toEqual([
      {
        row: 11,
        column: 'Area',
        value: 'Atlantis',
        reason: 'This area name is not one WTC knows. Use the name of an upper-tier council, a region or England.',
      },
    ])
    expect(await s.count('ndtms_rows', s.barnet)).toBe(780)
  })
})
