/**
 * Builds the needs assessment view model for one council and one selection (year, substance
 * group, age band). The page, the CSV and JSON downloads, the Word report and `wtc needs report`
 * all read this one structure, so every figure is worked out and suppressed once, here.
 */
import { councilDataVersion, VersionedCache } from '../../../platform/cache.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import { TimeSlicer } from '../../../lib/time-slice.js'
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
 * female shares, each of which raises the council's needs data version in its own transaction
 * (platform/cache.ts); views are cached by council, version and selection (the page is read far
 * more often than data change), so no process shows a view older than the last committed change.
 * A cached view is shared between requests and must be treated as read-only.
 */
export async function assessmentDataVersion(db: DbOrTx, scope: TenantScope): Promise<string> {
  return councilDataVersion(db, scope.tenantId, 'needs')
}

const viewCache = new VersionedCache<AssessmentView>(64)

export async function buildAssessment(
  db: DbOrTx,
  scope: TenantScope,
  selection: Partial<AssessmentSelection>,
): Promise<AssessmentView> {
  const version = await assessmentDataVersion(db, scope)
  const key = [scope.tenantId, selection.period ?? '', selection.substanceGroup ?? '', selection.ageGroup ?? ''].join(
    '#',
  )
  // A failed build (a selection the data does not have, a database error) is not kept.
  return viewCache.get(db, key, version, () => buildAssessmentUncached(db, scope, selection))
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
  return buildAssessmentFromData({
    scope,
    selection: resolveSelection(ndtms.periods, selection),
    ndtms,
    fingertips,
    prevalence,
    population,
    localIndicators,
    femaleShares,
    insights,
    priorities,
    imports,
  })
}

/**
 * The view from loaded data. Sections are built one after another with one TimeSlicer, so that a
 * council with very many rows gives way to other requests every few milliseconds (issue 10).
 */
export async function buildAssessmentFromData(
  data: AssessmentData,
  slicer = new TimeSlicer(),
): Promise<AssessmentView> {
  const { scope, ndtms, imports } = data
  const resolved = data.selection
  const sections = []
  for (const build of [
    buildAccess,
    (d: AssessmentData) => buildUnmetNeed(d, slicer),
    buildReferrals,
    buildExits,
    buildSafeguarding,
    buildRepresentation,
    (d: AssessmentData) => buildHarm(d, slicer),
    buildInsight,
    buildPriorities,
  ]) {
    sections.push(await build(data))
    if (slicer.due()) await slicer.pause()
  }

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
