/**
 * The report's selection, read from a query string or the command line and checked against what
 * the council's data holds, so a download or `wtc needs report` never silently falls back to
 * another year, substance group or age band than the one asked for.
 */
import { listInWords } from '../../../lib/words.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { AssessmentSelectionError, buildAssessment } from '../assessment/service.js'
import type { AssessmentSelection, AssessmentView } from '../assessment/types.js'

export interface RequestedSelection {
  period?: string | undefined
  substance?: string | undefined
  age?: string | undefined
}

/** A selection the data cannot give; the message names what it can. */
export class SelectionError extends Error {}

/** '2021-22' and '2021/22' both name the financial year 2021/22. */
export function normalisePeriod(period: string): string {
  const trimmed = period.trim()
  return /^\d{4}-\d{2}$/.test(trimmed) ? trimmed.replace('-', '/') : trimmed
}

function matchOption(options: { value: string; label: string }[], wanted: string): string | undefined {
  const w = wanted.trim().toLowerCase()
  return (
    options.find((o) => o.value === wanted.trim())?.value ??
    options.find((o) => o.value.toLowerCase() === w || o.label.toLowerCase() === w)?.value
  )
}

/**
 * Builds the assessment for the requested selection. Throws SelectionError when the council has no
 * data for the year, or the substance group or age band is not one the assessment offers.
 */
export async function assessmentFor(
  db: DbOrTx,
  scope: TenantScope,
  requested: RequestedSelection,
): Promise<AssessmentView> {
  // The options (years in the data, substance groups, age bands) come with any view.
  const first = await buildAssessment(db, scope, {})
  const { options } = first
  const selection: Partial<AssessmentSelection> = {}
  if (requested.period !== undefined) {
    const period = normalisePeriod(requested.period)
    if (!options.periods.includes(period)) {
      throw new SelectionError(
        options.periods.length === 0
          ? `There is no treatment data for ${scope.councilName} yet, so there is no year ${period}. Import an NDTMS ViewIt export first.`
          : `The data for ${scope.councilName} has no year ${period}. Years in the data: ${listInWords([...options.periods].sort())}.`,
      )
    }
    selection.period = period
  }
  if (requested.substance !== undefined) {
    const value = matchOption(options.substanceGroups, requested.substance)
    if (value === undefined) {
      throw new SelectionError(
        `Unknown substance group: ${requested.substance}. Use one of: ${options.substanceGroups.map((o) => o.value).join(', ')}.`,
      )
    }
    selection.substanceGroup = value
  }
  if (requested.age !== undefined) {
    const value = matchOption(options.ageGroups, requested.age)
    if (value === undefined) {
      throw new SelectionError(
        `Unknown age band: ${requested.age}. Use one of: ${options.ageGroups.map((o) => o.value).join(', ')}.`,
      )
    }
    selection.ageGroup = value
  }
  const same =
    (selection.period ?? first.selection.period) === first.selection.period &&
    (selection.substanceGroup ?? first.selection.substanceGroup) === first.selection.substanceGroup &&
    (selection.ageGroup ?? first.selection.ageGroup) === first.selection.ageGroup
  if (same) return first
  try {
    return await buildAssessment(db, scope, selection)
  } catch (err) {
    if (err instanceof AssessmentSelectionError) throw new SelectionError(err.message)
    throw err
  }
}

/** A neutral file name: needs-assessment-E09000003-2021-22.docx, with the groups when not 'all'. */
export function reportFileName(view: AssessmentView, extension: string): string {
  const safe = (s: string) =>
    s
      .toLowerCase()
      .replace(/\+/g, '-plus')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
  const parts = [
    'needs-assessment',
    view.council.code.replace(/[^A-Za-z0-9]/g, ''),
    safe(view.selection.period || 'no-data'),
  ]
  for (const group of [view.selection.substanceGroup, view.selection.ageGroup]) {
    if (group && group !== 'all') parts.push(safe(group))
  }
  return `${parts.filter((p) => p.length > 0).join('-')}.${extension}`
}
