/** Plain-English names of the groups of women that insight and priorities are about. */
import { type InsightCohort, insightCohorts } from '../db/schema/index.js'

export const cohortLabels: Record<InsightCohort, string> = {
  minoritised_ethnic: 'Minoritised ethnic women',
  lgbtq: 'LGBTQ+ women',
  neurodiverse: 'Neurodivergent women',
  disabled: 'Disabled women',
  religious_community: 'Women in religious communities',
  pregnant: 'Pregnant women',
  mothers: 'Mothers',
  children_removed: 'Women whose children have been removed from their care',
  homeless: 'Women who are homeless or in unstable housing',
  criminal_justice: 'Women in contact with the criminal justice system',
  sex_work: 'Women involved in sex work',
  rural: 'Women in rural areas',
  older_women: 'Older women',
  migrant: 'Migrant women',
  domestic_abuse: 'Women experiencing domestic abuse',
  young_women: 'Young women',
}

export const isCohort = (value: unknown): value is InsightCohort =>
  typeof value === 'string' && (insightCohorts as readonly string[]).includes(value)

export const cohortLabel = (value: string): string => (isCohort(value) ? cohortLabels[value] : value)

/** Items for a govukCheckboxes or govukSelect: every cohort, in the schema's order. */
export const cohortItems = (selected: readonly string[] = []) =>
  insightCohorts.map((c) => ({ value: c, text: cohortLabels[c], checked: selected.includes(c) }))
