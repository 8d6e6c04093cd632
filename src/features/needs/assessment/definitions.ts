/**
 * Decisions the assessment rests on, in one place so they are stated once and tested.
 *
 * In treatment for alcohol (for unmet need and women's share of need): the ViewIt substance groups
 * "alcohol only" and "non-opiates and alcohol", as OHID counts dependent drinkers in treatment for
 * Fingertips indicator 93532. ViewIt publishes no total for the two groups together, so the two
 * published counts are added; each is rounded to the nearest 5, so the sum can be out by up to 5.
 *
 * In treatment for opiates and/or crack (OCU, indicator 93517): OHID counts people in treatment
 * who cite opiates or crack. ViewIt publishes that as one count on the all-substances row
 * (`substanceanycitation_opiatesandorcrack_allintx`): the opiate group plus people in the
 * non-opiate groups who cite crack. Where that count is missing we fall back to the opiate group's
 * `intreatment_allintx` and say so (it leaves out crack users who do not use opiates).
 */
import { type CountInput, formatPercent } from '../../../lib/suppression.js'
import {
  type AssessmentData,
  comparePeriods,
  measureInput,
  periodStart,
  type Sex,
  sexCode,
  summedInput,
} from './model.js'
import type { PrevalenceRecord } from './repository.js'

export type NeedKind = 'alcohol' | 'ocu'

export const needKinds: { kind: NeedKind; label: string; people: string; indicatorId: number }[] = [
  { kind: 'alcohol', label: 'Alcohol', people: 'dependent drinkers', indicatorId: 93532 },
  { kind: 'ocu', label: 'Opiates and crack', people: 'opiate and crack users', indicatorId: 93517 },
]

export const UNMET_NEED_INDICATORS = new Set([93532, 93517])

export interface InTreatment {
  input: CountInput
  /** How the number was arrived at, for the notes. */
  basis: string
  fallback: boolean
}

export function inTreatmentFor(
  data: AssessmentData,
  kind: NeedKind,
  period: string,
  sex: Sex,
  key: string,
): InTreatment {
  const cube = data.ndtms
  if (kind === 'alcohol') {
    return {
      input: summedInput(key, [
        { row: cube.row(period, sex, 'all', 'alcohol_only'), measure: 'intreatment_allintx' },
        { row: cube.row(period, sex, 'all', 'non_opiate_and_alcohol'), measure: 'intreatment_allintx' },
      ]),
      basis:
        'people in treatment in the “alcohol only” and “non-opiates and alcohol” groups (two published counts added)',
      fallback: false,
    }
  }
  const cited = measureInput(key, cube.row(period, sex, 'all', 'all'), 'substanceanycitation_opiatesandorcrack_allintx')
  if (cited.count !== null || cited.publisherSuppressed) {
    return { input: cited, basis: 'people in treatment citing opiates and/or crack', fallback: false }
  }
  return {
    input: measureInput(key, cube.row(period, sex, 'all', 'opiate'), 'intreatment_allintx'),
    basis: 'people in treatment in the opiate group (crack users who do not use opiates are not counted)',
    fallback: true,
  }
}

export interface PrevalencePick {
  row: PrevalenceRecord
  sameYear: boolean
}

/**
 * The prevalence estimate to set against a year's treatment numbers: the same year if there is
 * one, else the latest earlier estimate, else the earliest later one. All ages, all substances.
 */
export function pickPrevalence(data: AssessmentData, kind: NeedKind, sex: Sex, period: string): PrevalencePick | null {
  const rows = data.prevalence.filter(
    (r) =>
      r.kind === kind &&
      sexCode(r.sex) === sex &&
      ['all', 'total', '18+', '15-64', '16+', ''].includes(r.ageGroup.toLowerCase()) &&
      ['all', 'total', '', kind].includes(r.substanceGroup.toLowerCase()),
  )
  if (rows.length === 0) return null
  const sorted = [...rows].sort((a, b) => comparePeriods(a.period, b.period))
  const same = sorted.find((r) => r.period === period)
  if (same) return { row: same, sameYear: true }
  const start = periodStart(period)
  const earlier = sorted.filter((r) => periodStart(r.period) <= start)
  const chosen = earlier.at(-1) ?? sorted[0]
  return chosen ? { row: chosen, sameYear: false } : null
}

/**
 * A stated female share whose source says it is an example or a placeholder (the demo council's
 * says "EXAMPLE VALUE ... to be replaced"). No finding, card or figure is built on such a value.
 */
export function isExampleSource(source: string): boolean {
  return /\bexample value\b|\bplaceholder\b|\bto be replaced\b/i.test(source)
}

export interface StatedShare {
  share: number
  source: string
}

/** The female share the council stated for `kind`, split into one that can be used and an example that cannot. */
export function statedFemaleShare(
  data: AssessmentData,
  kind: NeedKind,
): { usable: StatedShare | null; example: StatedShare | null } {
  const stated = data.femaleShares.find((s) => s.kind === kind)
  if (!stated) return { usable: null, example: null }
  const value = { share: stated.share, source: stated.source }
  return isExampleSource(stated.source) ? { usable: null, example: value } : { usable: value, example: null }
}

/** What a page says instead of a comparison when the female share is an example or not set. */
export const SET_FEMALE_SHARE = 'Set your council’s female share of need to see this comparison'

export interface NeedShare {
  share: number | null
  basis: 'prevalence' | 'stated' | 'example' | 'missing'
  modelled: boolean
  /** For a stated share: the assumption in words, to be named in any sentence built on it. */
  assumption?: string
  /** Where the share comes from, in words. */
  description: string
}

/** Women's estimated share of need: from sex-split prevalence, else the stated share (modelled), else missing. */
export function womensShareOfNeed(data: AssessmentData, kind: NeedKind): NeedShare {
  const period = data.selection.period
  const women = pickPrevalence(data, kind, 'F', period)
  if (women) {
    const persons = data.prevalence.find(
      (r) =>
        r.kind === kind &&
        r.period === women.row.period &&
        sexCode(r.sex) === 'Persons' &&
        r.ageGroup === women.row.ageGroup &&
        r.substanceGroup === women.row.substanceGroup,
    )
    const men = data.prevalence.find(
      (r) =>
        r.kind === kind &&
        r.period === women.row.period &&
        sexCode(r.sex) === 'M' &&
        r.ageGroup === women.row.ageGroup &&
        r.substanceGroup === women.row.substanceGroup,
    )
    const denominator = persons?.estimate ?? (men ? men.estimate + women.row.estimate : null)
    if (denominator !== null && denominator > 0) {
      return {
        share: women.row.estimate / denominator,
        basis: 'prevalence',
        modelled: false,
        description: `prevalence estimates by sex for ${women.row.period} (${women.row.source})`,
      }
    }
  }
  const { usable: stated, example } = statedFemaleShare(data, kind)
  if (stated) {
    return {
      share: stated.share,
      basis: 'stated',
      modelled: true,
      assumption: `assuming women are ${formatPercent(stated.share)} of them, the female share your council stated (source: ${stated.source})`,
      description: `modelled: the female share your council stated (source: ${stated.source})`,
    }
  }
  if (example) {
    return {
      share: null,
      basis: 'example',
      modelled: false,
      description: `not used: the female share stated is an example value, not your council’s figure. ${SET_FEMALE_SHARE}.`,
    }
  }
  return {
    share: null,
    basis: 'missing',
    modelled: false,
    description:
      kind === 'alcohol'
        ? 'missing: import prevalence estimates by sex for dependent drinking, or state the female share of the estimate for all people on the assumptions page'
        : 'missing: import opiate and crack prevalence estimates by sex (the 2022/23 release has them), or state the female share of the estimate for all people on the assumptions page',
  }
}
