/**
 * The demo council's needs data: the real published files go in through the importer once, with
 * an example female share that says it is an example, and seeding again changes nothing.
 */
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents, dataImports, femaleShareAssumptions } from '../../../src/db/schema/index.js'
import { seedNeedsDemo } from '../../../src/demo/needs-data.js'
import { DEMO_COUNCIL, seedDemo } from '../../../src/demo/seed.js'
import { queryRows } from '../../../src/platform/db/index.js'
import { scopeForCouncilCode } from '../../../src/platform/tenancy.js'
import { createTestDatabase, type TestDatabase } from '../../support/db.js'
import { sharedDataPath } from '../../support/shared.js'
import { readLines, REFERENCE, splitCsvLine } from './helpers.js'

// The expected row counts, from the publishers' own files in ../shared/data (not the product's
// copies): every data row of the ViewIt export and of both Fingertips files, and the alcohol
// dependence estimates that have an interval (both bounds given, not "NA").
const dataRows = (...parts: string[]) => readLines(sharedDataPath(...parts)).length - 1
const VIEWIT_ROWS = dataRows('ndtms', 'viewit-la-barnet-2009-2022.csv')
const FINGERTIPS_ROWS =
  dataRows('fingertips', 'fingertips-93517-unmet-need-ocu.csv') +
  dataRows('fingertips', 'fingertips-93532-unmet-need-alcohol.csv')
const ESTIMATES_WITH_INTERVAL = (() => {
  const [header = '', ...rows] = readLines(sharedDataPath('prevalence', 'alcohol-dependence-estimates-utla.csv'))
  const columns = splitCsvLine(header)
  const lower = columns.indexOf('Alcohol_lower_CI')
  const upper = columns.indexOf('Alcohol_upper_CI')
  const given = (v: string | undefined) => v !== undefined && v.trim() !== '' && v.trim() !== 'NA'
  return rows.map(splitCsvLine).filter((cells) => given(cells[lower]) && given(cells[upper])).length
})()

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database.close()
})

async function count(table: string): Promise<number> {
  const rows = await queryRows<{ n: string }>(database.db, sql.raw(`SELECT count(*)::text AS n FROM ${table}`))
  return Number(rows[0]?.n)
}

describe('the demo needs data', () => {
  it('imports the ViewIt export, both Fingertips files and the alcohol estimates once', async () => {
    const result = await seedDemo(database.db)
    expect(result.loaded).toBe(true)
    const scope = await scopeForCouncilCode(database.db, DEMO_COUNCIL)
    const imports = await database.db.select().from(dataImports).where(eq(dataImports.tenantId, scope.tenantId))
    expect(imports.map((i) => i.fileName).sort()).toEqual([
      'alcohol-dependence-estimates-utla.csv',
      'fingertips-93517-unmet-need-ocu.csv',
      'fingertips-93532-unmet-need-alcohol.csv',
      'viewit-la-barnet-2009-2022.csv',
    ])
    // Worked out in Python too: 780 ViewIt rows; 13 + 17 Fingertips rows; 456 estimates with an interval.
    expect([VIEWIT_ROWS, FINGERTIPS_ROWS, ESTIMATES_WITH_INTERVAL]).toEqual([780, 30, 456])
    expect(await count('ndtms_rows')).toBe(VIEWIT_ROWS)
    expect(await count('fingertips_values')).toBe(FINGERTIPS_ROWS)
    expect(await count('prevalence_estimates')).toBe(ESTIMATES_WITH_INTERVAL)
    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'needs.import'))
    expect(audit).toHaveLength(imports.length) // one audit event per file imported
    expect(audit.every((a) => a.actorLabel === 'wtc seed demo')).toBe(true)

    const shares = await database.db.select().from(femaleShareAssumptions)
    expect(shares).toHaveLength(1)
    expect(shares[0]).toMatchObject({ tenantId: scope.tenantId, kind: 'alcohol', share: 0.3 })
    expect(shares[0]?.source).toMatch(/^EXAMPLE VALUE for the demo council, to be replaced\./)
    expect(shares[0]?.source).toContain('not a published figure')
  })

  it('does nothing when the council already has imports', async () => {
    const before = await count('data_imports')
    const again = await seedDemo(database.db)
    expect(again.loaded).toBe(false)
    const scope = await scopeForCouncilCode(database.db, DEMO_COUNCIL)
    expect((await seedNeedsDemo(database.db, scope)).loaded).toBe(false)
    expect(await count('data_imports')).toBe(before)
    expect(await count('ndtms_rows')).toBe(VIEWIT_ROWS)
    expect(REFERENCE.viewit).toContain('viewit-la-barnet-2009-2022.csv')
  })
})
