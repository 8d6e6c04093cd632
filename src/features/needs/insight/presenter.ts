/** Shaping insight, priorities and assumptions for the pages. */
import { formatDay } from '../../../lib/dates.js'
import { cohortLabel } from '../../../platform/cohorts.js'
import type { FemaleShareRow, InsightRow, PriorityRow } from './repository.js'

export const paths = {
  insight: '/needs/insight',
  newInsight: '/needs/insight/new',
  insightItem: (id: string) => `/needs/insight/${id}`,
  editInsight: (id: string) => `/needs/insight/${id}/edit`,
  deleteInsight: (id: string) => `/needs/insight/${id}/delete`,
  priorities: '/needs/priorities',
  newPriority: '/needs/priorities/new',
  priority: (id: string) => `/needs/priorities/${id}`,
  editPriority: (id: string) => `/needs/priorities/${id}/edit`,
  assumptions: '/needs/assumptions',
} as const

export const statusLabels: Record<PriorityRow['status'], string> = {
  draft: 'Draft',
  agreed: 'Agreed',
  retired: 'Retired',
}
/** Tags are told apart by their words; the colour only repeats it. */
export const statusTagClasses: Record<PriorityRow['status'], string> = {
  draft: 'govuk-tag--grey',
  agreed: 'govuk-tag--green',
  retired: 'govuk-tag--yellow',
}

export function insightView(row: InsightRow) {
  return {
    id: row.id,
    organisation: row.organisation,
    byAndFor: row.byAndFor,
    cohorts: row.cohorts.map(cohortLabel),
    receivedOn: formatDay(row.receivedOn),
    summary: row.summary,
    sourceUrl: row.sourceUrl,
  }
}

export function priorityView(row: PriorityRow) {
  return {
    id: row.id,
    title: row.title,
    finding: row.finding,
    evidence: row.evidence,
    cohorts: row.cohorts.map(cohortLabel),
    period: row.period,
    status: row.status,
    statusLabel: statusLabels[row.status],
    statusClass: statusTagClasses[row.status],
    updatedAt: row.updatedAt,
  }
}

/** 0.295 -> '29.5', 0.3 -> '30' (the form's own format, so a saved value reads back the same). */
export const percentText = (share: number): string => String(Math.round(share * 1000) / 10)

export function shareView(rows: FemaleShareRow[]) {
  const find = (kind: FemaleShareRow['kind']) => rows.find((r) => r.kind === kind) ?? null
  const one = (row: FemaleShareRow | null) =>
    row ? { percent: percentText(row.share), source: row.source, setAt: row.setAt } : null
  return { alcohol: one(find('alcohol')), ocu: one(find('ocu')) }
}

/** The insight form's values for an existing record (the date split into its three fields). */
export function insightFormValues(row: InsightRow): Record<string, unknown> {
  const [year = '', month = '', day = ''] = row.receivedOn.split('-')
  return {
    organisation: row.organisation,
    byAndFor: row.byAndFor ? 'yes' : 'no',
    cohorts: row.cohorts,
    'receivedOn-day': String(Number(day)),
    'receivedOn-month': String(Number(month)),
    'receivedOn-year': year,
    summary: row.summary,
    sourceUrl: row.sourceUrl ?? '',
  }
}
