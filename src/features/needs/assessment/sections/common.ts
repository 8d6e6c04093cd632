import type { AssessmentData } from '../model.js'
import type { InsightRef, SectionView } from '../types.js'

export const sectionTitles: Record<string, string> = {
  access: 'Women’s access to treatment',
  'unmet-need': 'Unmet need',
  referrals: 'How women are referred',
  exits: 'How treatment ends, waits and time in treatment',
  safeguarding: 'Women with children',
  representation: 'Who is in treatment: ethnicity, sexuality, disability and religion',
  harm: 'Harm from drugs and alcohol',
  insight: 'Local insight',
  priorities: 'Priorities',
}

export const sectionOrder = [
  'access',
  'unmet-need',
  'referrals',
  'exits',
  'safeguarding',
  'representation',
  'harm',
  'insight',
  'priorities',
] as const
export type SectionId = (typeof sectionOrder)[number]

/** Which cohorts of local insight bear on each section. */
export const sectionCohorts: Record<SectionId, string[]> = {
  access: ['young_women', 'older_women', 'rural', 'migrant', 'homeless'],
  'unmet-need': ['homeless', 'sex_work', 'migrant', 'rural', 'pregnant'],
  referrals: ['criminal_justice', 'domestic_abuse', 'pregnant', 'children_removed'],
  exits: ['criminal_justice', 'domestic_abuse', 'homeless', 'mothers'],
  safeguarding: ['mothers', 'pregnant', 'children_removed', 'domestic_abuse'],
  representation: ['minoritised_ethnic', 'lgbtq', 'neurodiverse', 'disabled', 'religious_community'],
  harm: ['domestic_abuse', 'sex_work', 'homeless', 'criminal_justice'],
  insight: [],
  priorities: [],
}

export function emptySection(id: SectionId): SectionView {
  return {
    id,
    title: sectionTitles[id] ?? id,
    status: 'ready',
    findings: [],
    cards: [],
    charts: [],
    tables: [],
    notes: [],
    sourceIds: [],
    insights: [],
  }
}

export function noData(section: SectionView, message: string): SectionView {
  return { ...section, status: 'no-data', noDataMessage: message }
}

/** Local insight for the section's cohorts, plus the cohort of the selected age band. */
export function relatedInsight(data: AssessmentData, id: SectionId): InsightRef[] {
  const cohorts = new Set(sectionCohorts[id])
  if (cohorts.size === 0) return []
  if (data.selection.ageGroup === '18-29') cohorts.add('young_women')
  if (data.selection.ageGroup === '50+') cohorts.add('older_women')
  return data.insights
    .filter((i) => i.cohorts.some((c) => cohorts.has(c)))
    .map((i) => ({
      id: i.id,
      organisation: i.organisation,
      byAndFor: i.byAndFor,
      cohorts: i.cohorts,
      receivedOn: i.receivedOn,
      summary: i.summary,
      sourceUrl: i.sourceUrl,
    }))
}
