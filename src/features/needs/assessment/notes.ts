/** Plain-English notes and messages shared by the assessment's sections. */
import { SUPPRESSION_NOTE } from '../../../lib/suppression.js'
import type { NdtmsCube } from './model.js'

export const IMPORTS_PATH = '/needs/imports'
export const INSIGHT_PATH = '/needs/insight'
export const PRIORITIES_PATH = '/needs/priorities'
export const ASSUMPTIONS_PATH = '/needs/assumptions'
export const TEMPLATES_PATH = '/needs/templates'

export const ROUNDING_NOTE =
  'Counts rounded to the nearest 5 by the publisher, zeros included, so parts may not add up to the totals shown. ' +
  'Every total here is the published total, never a sum of rounded parts.'

export const WILSON_NOTE =
  'Shares have 95% confidence intervals worked out by the Wilson score method, as OHID does in Fingertips.'

export const DIFFERENCE_NOTE =
  'The difference between women and men has a 95% confidence interval by Newcombe’s method. ' +
  'We call a difference significant when that interval does not include 0.'

export { SUPPRESSION_NOTE }

/** Notes for a table built from NDTMS counts. */
export function countNotes(cube: NdtmsCube, ...extra: string[]): string[] {
  return [...(cube.rounded ? [ROUNDING_NOTE] : []), ...extra, SUPPRESSION_NOTE]
}

export const NDTMS_MISSING =
  'There is no treatment data yet. Import an NDTMS ViewIt adult treatment export (the “NDTMS ViewIt export” import) to fill this section.'

export const ndtmsMissingForPeriod = (period: string): string =>
  `The NDTMS ViewIt export has no rows for this selection in ${period}. Import an NDTMS ViewIt adult treatment export that covers it.`
