/**
 * Reads everything the needs assessment draws on for one council. Every query filters on the
 * tenant: a council's imports (including the comparator rows that came in its files) are its own.
 * Insight, priorities and the stated female shares come from the insight feature's repository.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import {
  dataImports,
  fingertipsValues,
  localIndicators,
  ndtmsRows,
  populationEstimates,
  prevalenceEstimates,
} from '../../../db/schema/needs.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { getFemaleShares, listInsights, listPriorities } from '../insight/repository.js'

export type NdtmsRecord = typeof ndtmsRows.$inferSelect
export type FingertipsRecord = typeof fingertipsValues.$inferSelect
export type PrevalenceRecord = typeof prevalenceEstimates.$inferSelect
export type PopulationRecord = typeof populationEstimates.$inferSelect
export type LocalIndicatorRecord = typeof localIndicators.$inferSelect
export type ImportRecord = typeof dataImports.$inferSelect

export interface FemaleShare {
  kind: 'alcohol' | 'ocu'
  share: number
  source: string
  setAt: Date
}

export interface InsightRecord {
  id: string
  organisation: string
  byAndFor: boolean
  cohorts: string[]
  receivedOn: string
  summary: string
  sourceUrl: string | null
}

export interface PriorityRecord {
  id: string
  title: string
  finding: string
  evidence: string
  cohorts: string[]
  period: string | null
  status: 'draft' | 'agreed' | 'retired'
}

/** NDTMS rows for the council itself and for England and regions (the comparators that came with the file). */
export async function loadNdtms(db: DbOrTx, scope: TenantScope): Promise<NdtmsRecord[]> {
  return db
    .select()
    .from(ndtmsRows)
    .where(eq(ndtmsRows.tenantId, scope.tenantId))
    .orderBy(asc(ndtmsRows.period), asc(ndtmsRows.areaCode))
}

export async function loadFingertips(db: DbOrTx, scope: TenantScope): Promise<FingertipsRecord[]> {
  return db
    .select()
    .from(fingertipsValues)
    .where(
      and(
        eq(fingertipsValues.tenantId, scope.tenantId),
        inArray(fingertipsValues.areaCode, [scope.areaCode, 'E92000001']),
      ),
    )
    .orderBy(asc(fingertipsValues.indicatorId), asc(fingertipsValues.periodSortable), asc(fingertipsValues.period))
}

export async function loadPrevalence(db: DbOrTx, scope: TenantScope): Promise<PrevalenceRecord[]> {
  return db
    .select()
    .from(prevalenceEstimates)
    .where(and(eq(prevalenceEstimates.tenantId, scope.tenantId), eq(prevalenceEstimates.areaCode, scope.areaCode)))
    .orderBy(asc(prevalenceEstimates.period))
}

export async function loadPopulation(db: DbOrTx, scope: TenantScope): Promise<PopulationRecord[]> {
  return db
    .select()
    .from(populationEstimates)
    .where(and(eq(populationEstimates.tenantId, scope.tenantId), eq(populationEstimates.areaCode, scope.areaCode)))
    .orderBy(asc(populationEstimates.period))
}

export async function loadLocalIndicators(db: DbOrTx, scope: TenantScope): Promise<LocalIndicatorRecord[]> {
  return db
    .select()
    .from(localIndicators)
    .where(and(eq(localIndicators.tenantId, scope.tenantId), eq(localIndicators.areaCode, scope.areaCode)))
    .orderBy(asc(localIndicators.indicator), asc(localIndicators.period))
}

export async function loadImports(db: DbOrTx, scope: TenantScope): Promise<ImportRecord[]> {
  return db
    .select()
    .from(dataImports)
    .where(eq(dataImports.tenantId, scope.tenantId))
    .orderBy(desc(dataImports.importedAt))
}

export async function loadFemaleShares(db: DbOrTx, scope: TenantScope): Promise<FemaleShare[]> {
  const rows = await getFemaleShares(db, scope)
  return rows.map((r) => ({ kind: r.kind, share: r.share, source: r.source, setAt: r.setAt }))
}

export async function loadInsights(db: DbOrTx, scope: TenantScope): Promise<InsightRecord[]> {
  const rows = await listInsights(db, scope)
  return rows.map((i) => ({
    id: i.id,
    organisation: i.organisation,
    byAndFor: i.byAndFor,
    cohorts: i.cohorts,
    receivedOn: i.receivedOn,
    summary: i.summary,
    sourceUrl: i.sourceUrl,
  }))
}

export async function loadPriorities(db: DbOrTx, scope: TenantScope): Promise<PriorityRecord[]> {
  const rows = await listPriorities(db, scope)
  return rows.map((p) => ({
    id: p.id,
    title: p.title,
    finding: p.finding,
    evidence: p.evidence,
    cohorts: p.cohorts,
    period: p.period,
    status: p.status,
  }))
}
