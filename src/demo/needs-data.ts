/**
 * The demo council's needs assessment data: the real, published files copied into
 * src/db/reference/needs/ (Open Government Licence v3.0), imported through the same importer a
 * council uses, plus an example female share for alcohol dependence that says plainly it is an
 * example to replace. Runs only while the council has no imports, so it never overwrites anything.
 */
import { sql } from 'drizzle-orm'
import { dataImports } from '../db/schema/index.js'
import type { ImportKind } from '../db/schema/needs.js'
import type { Db } from '../platform/db/index.js'
import { fromRoot } from '../platform/root.js'
import type { TenantScope } from '../platform/tenancy.js'
import { importFile, type ImportSummary } from '../features/needs/importers/index.js'
import { setFemaleShare } from '../features/needs/insight/repository.js'

export const DEMO_NEEDS_FILES: { kind: ImportKind; file: string }[] = [
  { kind: 'ndtms-viewit', file: 'viewit-la-barnet-2009-2022.csv' },
  { kind: 'fingertips', file: 'fingertips-93517-unmet-need-ocu.csv' },
  { kind: 'fingertips', file: 'fingertips-93532-unmet-need-alcohol.csv' },
  { kind: 'prevalence-alcohol', file: 'alcohol-dependence-estimates-utla.csv' },
]

/** The demo's stated female share of alcohol dependence: an example, not a published figure. */
export const DEMO_ALCOHOL_FEMALE_SHARE = 0.3
export const DEMO_ALCOHOL_FEMALE_SHARE_SOURCE =
  'EXAMPLE VALUE for the demo council, to be replaced. 30% is an assumption made to show how modelled figures for women work; it is not a published figure for Barnet. Replace it with your own share and its source.'

export interface NeedsDemoResult {
  loaded: boolean
  imports: ImportSummary[]
}

/** Imports the demo needs data into the council when it has no imports yet. */
export async function seedNeedsDemo(db: Db, scope: TenantScope): Promise<NeedsDemoResult> {
  const existing = await db
    .select({ n: sql<string>`count(*)::text` })
    .from(dataImports)
    .where(sql`${dataImports.tenantId} = ${scope.tenantId}`)
  if (Number(existing[0]?.n ?? 0) > 0) return { loaded: false, imports: [] }
  const imports: ImportSummary[] = []
  for (const { kind, file } of DEMO_NEEDS_FILES) {
    imports.push(
      await importFile(db, scope, {
        kind,
        filePath: fromRoot('src/db/reference/needs', file),
        fileName: file,
        userId: null,
        actorLabel: 'wtc seed demo',
      }),
    )
  }
  await setFemaleShare(
    db,
    scope,
    { userId: null, label: 'wtc seed demo' },
    { kind: 'alcohol', share: DEMO_ALCOHOL_FEMALE_SHARE, source: DEMO_ALCOHOL_FEMALE_SHARE_SOURCE },
  )
  return { loaded: true, imports }
}
