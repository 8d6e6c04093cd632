/**
 * Builds the needs assessment view model for one council and one selection (year, substance
 * group, age band). The page, the CSV and JSON downloads, the Word report and `wtc needs report`
 * all read this one structure, so every figure is worked out and suppressed once, here.
 */
import { sql } from 'drizzle-orm'
import { type DbOrTx, queryRows } from '../../../platform/db/index.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { type AssessmentData, ageGroups, ageValues, NdtmsCube, substanceGroups, substanceValues } from './model.js'
import {
  loadFemaleShares,
  loadFingertips,
  loadImports,
  loadInsights,
  loadLocalIndicators,
  loadNdtms,
  loadPopulation,
  loadPrevalence,
  loadPriorities,
} from './repository.js'
import { buildAccess } from './sections/access.js'
import { buildHarm } from './sections/harm.js'
import { buildInsight, buildPriorities } from './sections/local.js'
import { buildRepresentation } from './sections/representation.js'
import { buildExits, buildReferrals, buildSafeguarding } from './sections/treatment.js'
import { buildUnmetNeed } from './sections/unmet-need.js'
import type { AssessmentSelection, AssessmentView, SourceRef } from './types.js'

/** The selection asks for something the data or the product does not offer; the message says what it does. */
export class AssessmentSelectionError extends Error {
  constructor(
    message: string,
    readonly field: 'period' | 'substance' | 'age',
  ) {
    super(message)
  }
}

/**
 * Everything the assessment reads changes only through imports, insight, priorities and stated
 * female shares, so one cheap query gives a version of the council's data; views are cached by
 * council, version and selection (the page is read far more often than data change). A cached view
 * is shared between requests and must be treated as read-only.
 */
export async function assessmentDataVersion(db: DbOrTx, scope: TenantScope): Promise<string> {
  const rows = await queryRows<{ v: string }>(
    db,
    sql`SELECT concat_ws('|',
      (SELECT count(*) || ':' || coalesce(max(imported_at)::text, '') FROM data_imports WHERE tenant_id = ${scope.tenantId}),
      (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM insights WHERE tenant_id = ${scope.tenantId}),
      (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM priorities WHERE tenant_id = ${scope.tenantId}),
      (SELECT count(*) || ':' || coalesce(max(set_at)::text, '') || ':' || coalesce(sum(share)::text, '') FROM female_share_assumptions WHERE tenant_id = ${scope.tenantId})
    ) AS v`,
  )
  return rows[0]?.v ?? ''
}

const CACHE_LIMIT = 64
const viewCache = new Map<string, Promise<AssessmentView>>()

export async function buildAssessment(
  db: DbOrTx,
  scope: TenantScope,
  selection: Partial<AssessmentSelection>,
): Promise<AssessmentView> {
  const version = await assessmentDataVersion(db, scope)
  const key = [
    scope.tenantId,
    version,
    selection.period ?? '',
    selection.substanceGroup ?? '',
    selection.ageGroup ?? '',
  ].join('#')
  const cached = viewCache.get(key)
  if (cached) {
    viewCache.delete(key)
    viewCache.set(key, cached)
    return cached
  }
  const pending = buildAssessmentUncached(db, scope, selection)
  viewCache.set(key, pending)
  while (viewCache.size > CACHE_LIMIT) {
    const oldest = viewCache.keys().next().value
    if (oldest === undefined) break
    viewCache.delete(oldest)
  }
  // A failed build (a selection the data does not have, a database error) is not kept.
  pending.catch(() => viewCache.delete(key))
  return pending
}

async function buildAssessmentUncached(
  db: DbOrTx,
  scope: TenantScope,
  selection: Partial<AssessmentSelection>,
): Promise<AssessmentView> {
  const [ndtmsRows, fingertips, prevalence, population, localIndicators, femaleShares, insights, priorities, imports] =
    await Promise.all([
      loadNdtms(db, scope),
      loadFingertips(db, scope),
      loadPrevalence(db, scope),
      loadPopulation(db, scope),
      loadLocalIndicators(db, scope),
      loadFemaleShares(db, scope),
      loadInsights(db, scope),
      loadPriorities(db, scope),
      loadImports(db, scope),
    ])

  const ndtms = new NdtmsCube(ndtmsRows, scope.areaCode)
  const resolved = resolveSelection(ndtms.periods, selection)
  const data: AssessmentData = {
    scope,
    selection: resolved,
    ndtms,
    fingertips,
    prevalence,
    population,
    localIndicators,
    femaleShares,
    insights,
    priorities,
    imports,
  }

  const sections = [
    buildAccess(data),
    buildUnmetNeed(data),
    buildReferrals(data),
    buildExits(data),
    buildSafeguarding(data),
    buildRepresentation(data),
    buildHarm(data),
    buildInsight(data),
    buildPriorities(data),
  ]

  const used = new Set(sections.flatMap((s) => s.sourceIds))
  const sources: SourceRef[] = imports
    .filter((i) => used.has(i.id))
    .map((i) => ({ id: i.id, citation: i.source, importedAt: i.importedAt.toISOString() }))
  // A section may only name sources that are listed.
  const listed = new Set(sources.map((s) => s.id))
  for (const s of sections) s.sourceIds = s.sourceIds.filter((id) => listed.has(id))

  return {
    council: { code: scope.areaCode, name: scope.councilName },
    selection: resolved,
    options: {
      periods: [...ndtms.periods].reverse(),
      substanceGroups: substanceGroups.map((s) => ({ value: s.value, label: s.label })),
      ageGroups: ageGroups.map((a) => ({ value: a.value, label: a.label })),
    },
    generatedAt: new Date().toISOString(),
    sections,
    sources,
  }
}

/** Fills in the defaults (latest year, all substances, all ages) and refuses values the data does not have. */
export function resolveSelection(periods: string[], selection: Partial<AssessmentSelection>): AssessmentSelection {
  const latest = periods.at(-1) ?? ''
  const period = selection.period ?? latest
  if (selection.period !== undefined && periods.length > 0 && !periods.includes(selection.period)) {
    throw new AssessmentSelectionError(
      `There is no treatment data for ${selection.period}. Choose a year from ${periods[0] ?? ''} to ${latest}.`,
      'period',
    )
  }
  const substanceGroup = selection.substanceGroup ?? 'all'
  if (!(substanceValues as string[]).includes(substanceGroup)) {
    throw new AssessmentSelectionError('Choose a substance group from the list.', 'substance')
  }
  const ageGroup = selection.ageGroup ?? 'all'
  if (!(ageValues as string[]).includes(ageGroup)) {
    throw new AssessmentSelectionError('Choose an age group from the list.', 'age')
  }
  return { period, substanceGroup, ageGroup }
}
