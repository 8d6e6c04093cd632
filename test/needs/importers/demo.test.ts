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
import { REFERENCE } from './helpers.js'

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
    // Python: 780 ViewIt rows; 13 + 17 Fingertips rows; 456 alcohol estimates with an interval.
    expect(await count('ndtms_rows')).toBe(780)
    expect(await count('fingertips_values')).toBe(30)
    expect(await count('prevalence_estimates')).toBe(456)
    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'needs.import'))
    expect(audit).toHaveLength(4)
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
    expect(await count('ndtms_rows')).toBe(780)
    expect(REFERENCE.viewit).toContain('viewit-la-barnet-2009-2022.csv')
  })
})
