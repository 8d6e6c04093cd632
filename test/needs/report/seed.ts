/**
 * Test data for the report routes and command: rows of the published Barnet ViewIt export
 * (src/db/reference/needs/) stored straight into ndtms_rows for the chosen years, mapped as
 * src/db/schema/needs.ts describes (sex F | M | Persons, age 18-29 | 30-49 | 50+ | all, substance
 * opiate | non_opiate_only | alcohol_only | non_opiate_and_alcohol | all). It stands in for an
 * import so these tests do not depend on the importer.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { dataImports, ndtmsRows } from '../../../src/db/schema/index.js'
import type { DbOrTx } from '../../../src/platform/db/index.js'
import { fromRoot } from '../../../src/platform/root.js'

const SEX: Record<string, string> = { f: 'F', m: 'M', total: 'Persons', persons: 'Persons' }
const AGE: Record<string, string> = { '18-29': '18-29', '30-49': '30-49', '50+': '50+', total: 'all' }
const SUBSTANCE: Record<string, string> = {
  opiate: 'opiate',
  'non-opiate only': 'non_opiate_only',
  'alcohol only': 'alcohol_only',
  'non-opiate & alcohol': 'non_opiate_and_alcohol',
  total: 'all',
}

export async function seedBarnetNdtms(db: DbOrTx, tenantId: string, periods: string[]): Promise<number> {
  const records = parse<Record<string, string>>(
    readFileSync(fromRoot('src/db/reference/needs/viewit-la-barnet-2009-2022.csv')),
    { columns: true, bom: true },
  )
  const [importRow] = await db
    .insert(dataImports)
    .values({
      tenantId,
      kind: 'ndtms-viewit',
      fileName: 'viewit-la-barnet-2009-2022.csv',
      source: 'NDTMS ViewIt adult treatment export, Barnet (OHID, Open Government Licence v3.0)',
      coverage: { periods },
      rowsRead: records.length,
      rowsStored: 0,
      rowsRefused: 0,
      refusals: [],
      warnings: [],
    })
    .returning({ id: dataImports.id })
  const rows = []
  const seen = new Set<string>()
  for (const record of records) {
    const period = record.ReportingPeriod ?? ''
    if (!periods.includes(period)) continue
    const sex = SEX[(record.sex ?? '').toLowerCase()]
    const ageGroup = AGE[(record.age_group ?? '').toLowerCase()]
    const substanceGroup = SUBSTANCE[(record.drug_group ?? '').toLowerCase()]
    if (!sex || !ageGroup || !substanceGroup) throw new Error(`unmapped row ${JSON.stringify(record).slice(0, 120)}`)
    const key = [period, sex, ageGroup, substanceGroup].join('|')
    if (seen.has(key)) continue
    seen.add(key)
    const measures: Record<string, number | null> = {}
    const suppressed: string[] = []
    for (const [column, raw] of Object.entries(record)) {
      if (['ReportingPeriod', 'Area', 'sex', 'age_group', 'drug_group'].includes(column)) continue
      const value = raw.trim()
      if (value === '*' || value.toLowerCase() === 'c') {
        suppressed.push(column)
        measures[column] = null
      } else {
        measures[column] = value === '' || value.toUpperCase() === 'NULL' ? null : Number(value)
      }
    }
    rows.push({
      tenantId,
      importId: importRow!.id,
      period,
      areaCode: 'E09000003',
      areaName: 'Barnet',
      areaLevel: 'council',
      sex,
      ageGroup,
      substanceGroup,
      measures,
      suppressed,
      rounded: true,
    })
  }
  await db.insert(ndtmsRows).values(rows)
  return rows.length
}
