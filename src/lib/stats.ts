/**
 * Statistics for the needs assessment, following public-health conventions in England (the
 * methods used by OHID Fingertips and the PHEindicatormethods package). Pure functions; every
 * proportion is on the 0..1 scale.
 *
 * - Wilson score interval for a proportion (Wilson 1927; Newcombe 1998a, method 3).
 * - Difference between two independent proportions by Newcombe's hybrid score interval
 *   (Newcombe 1998b, method 10), built from the two Wilson intervals.
 * - Unmet need = 1 - in treatment / prevalence, with the interval carried from the prevalence
 *   estimate's interval.
 * - Representation ratio: share of a group among people in treatment over its share of the
 *   population.
 * - Chi-squared test for linear trend in proportions (Armitage 1955; Altman 1991, section 10.7).
 */

export interface Interval {
  estimate: number
  lower: number
  upper: number
}

/** The 97.5th percentile of the standard normal distribution, for 95% intervals. */
export const Z95 = 1.959963984540054

function assertCount(count: number, denominator: number): void {
  if (!Number.isFinite(count) || !Number.isFinite(denominator)) {
    throw new RangeError(`Count and denominator must be finite numbers (got ${count} and ${denominator})`)
  }
  if (count < 0) throw new RangeError(`Count must not be negative (got ${count})`)
  if (denominator <= 0) throw new RangeError(`Denominator must be more than 0 (got ${denominator})`)
  if (count > denominator) {
    throw new RangeError(`Count must not be more than the denominator (got ${count} of ${denominator})`)
  }
}

function assertZ(z: number): void {
  if (!Number.isFinite(z) || z <= 0) throw new RangeError(`z must be a positive finite number (got ${z})`)
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value))

/** Wilson score interval for count/denominator, as proportions 0..1. RangeError if count<0, denominator<=0, count>denominator or not finite. */
export function wilsonInterval(count: number, denominator: number, z: number = Z95): Interval {
  assertCount(count, denominator)
  assertZ(z)
  const p = count / denominator
  const z2 = z * z
  const scale = 1 + z2 / denominator
  const centre = (p + z2 / (2 * denominator)) / scale
  const half = (z / scale) * Math.sqrt((p * (1 - p)) / denominator + z2 / (4 * denominator * denominator))
  // At the edges the bound is exactly 0 or 1; avoid tiny rounding residues there.
  const lower = count === 0 ? 0 : clamp01(centre - half)
  const upper = count === denominator ? 1 : clamp01(centre + half)
  return { estimate: p, lower: Math.min(lower, p), upper: Math.max(upper, p) }
}

export interface DifferenceResult extends Interval {
  significant: boolean
}

/** pA - pB with Newcombe's hybrid score interval (method 10) from the two Wilson intervals; significant when the interval excludes 0. */
export function proportionDifference(
  a: { count: number; denominator: number },
  b: { count: number; denominator: number },
  z: number = Z95,
): DifferenceResult {
  const wa = wilsonInterval(a.count, a.denominator, z)
  const wb = wilsonInterval(b.count, b.denominator, z)
  const estimate = wa.estimate - wb.estimate
  const lower = estimate - Math.sqrt((wa.estimate - wa.lower) ** 2 + (wb.upper - wb.estimate) ** 2)
  const upper = estimate + Math.sqrt((wa.upper - wa.estimate) ** 2 + (wb.estimate - wb.lower) ** 2)
  return { estimate, lower, upper, significant: lower > 0 || upper < 0 }
}

/**
 * Unmet need = 1 - n/P; lower from the lower prevalence bound, upper from the upper bound, each
 * clamped to [0,1]; notInTreatment = P - n per bound, clamped >= 0.
 * RangeError if a number is not finite, inTreatment or a prevalence bound is negative, or the
 * prevalence bounds are not in order (lower <= estimate <= upper).
 * A prevalence of 0 gives an unmet need of 0 (nobody estimated to need treatment).
 */
export function unmetNeed(inTreatment: number, prevalence: Interval): Interval & { notInTreatment: Interval } {
  const { estimate, lower, upper } = prevalence
  if (![inTreatment, estimate, lower, upper].every(Number.isFinite)) {
    throw new RangeError('Number in treatment and prevalence must be finite numbers')
  }
  if (inTreatment < 0 || lower < 0) throw new RangeError('Number in treatment and prevalence must not be negative')
  if (!(lower <= estimate && estimate <= upper)) {
    throw new RangeError(`Prevalence bounds must be in order (got ${lower}, ${estimate}, ${upper})`)
  }
  const unmet = (prev: number): number => (prev <= 0 ? 0 : clamp01(1 - inTreatment / prev))
  const gap = (prev: number): number => Math.max(0, prev - inTreatment)
  return {
    estimate: unmet(estimate),
    lower: unmet(lower),
    upper: unmet(upper),
    notInTreatment: { estimate: gap(estimate), lower: gap(lower), upper: gap(upper) },
  }
}

/**
 * Share of a group among women in treatment (Wilson) divided by its share in the population (taken as known).
 * 1 means the group is represented in treatment in proportion to the population; below 1, under-represented.
 */
export function representationRatio(
  groupInTreatment: number,
  totalInTreatment: number,
  groupInPopulation: number,
  totalPopulation: number,
  z: number = Z95,
): Interval {
  const share = wilsonInterval(groupInTreatment, totalInTreatment, z)
  if (!Number.isFinite(groupInPopulation) || !Number.isFinite(totalPopulation)) {
    throw new RangeError('Population figures must be finite numbers')
  }
  if (groupInPopulation <= 0 || totalPopulation <= 0 || groupInPopulation > totalPopulation) {
    throw new RangeError(
      `Group population must be more than 0 and not more than the total (got ${groupInPopulation} of ${totalPopulation})`,
    )
  }
  const populationShare = groupInPopulation / totalPopulation
  return {
    estimate: share.estimate / populationShare,
    lower: share.lower / populationShare,
    upper: share.upper / populationShare,
  }
}

export type TrendDirection = 'increasing' | 'decreasing' | 'no significant change' | 'not enough data'

/**
 * Complementary error function, Chebyshev fit from Numerical Recipes (erfcc), fractional error
 * below 1.2e-7 everywhere: ample for a p-value.
 */
export function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? r : 2 - r
}

/** Upper tail probability of the chi-squared distribution with 1 degree of freedom. */
export function chiSquare1Tail(chiSquare: number): number {
  if (chiSquare <= 0) return 1
  return Math.min(1, erfc(Math.sqrt(chiSquare / 2)))
}

const TREND_POINTS = 5

/**
 * Chi-squared test for linear trend in proportions (Cochran-Armitage) over the last up to 5 points; p < 0.05 gives a
 * direction; fewer than 3 usable points: 'not enough data'.
 *
 * The points are in time order, oldest first. The last five are taken; points among them with a
 * non-finite count, a denominator of 0 or less, or a count outside 0..denominator are not usable
 * and are left out, but the others keep their position as score (so a gap year keeps its spacing).
 * Statistic (Altman 1991): chi2 = (sum r_i x_i - R xbar)^2 / (pbar (1 - pbar) (sum n_i x_i^2 - N xbar^2)),
 * 1 degree of freedom, where xbar = sum n_i x_i / N.
 */
export function proportionTrend(points: { count: number; denominator: number }[]): {
  direction: TrendDirection
  chiSquare: number | null
  pValue: number | null
} {
  const recent = points.slice(-TREND_POINTS)
  const usable = recent
    .map((p, score) => ({ ...p, score }))
    .filter(
      (p) =>
        Number.isFinite(p.count) &&
        Number.isFinite(p.denominator) &&
        p.denominator > 0 &&
        p.count >= 0 &&
        p.count <= p.denominator,
    )
  if (usable.length < 3) return { direction: 'not enough data', chiSquare: null, pValue: null }
  let n = 0
  let r = 0
  let nx = 0
  let nxx = 0
  let rx = 0
  for (const p of usable) {
    n += p.denominator
    r += p.count
    nx += p.denominator * p.score
    nxx += p.denominator * p.score * p.score
    rx += p.count * p.score
  }
  const pBar = r / n
  const xBar = nx / n
  const t = rx - r * xBar
  const variance = pBar * (1 - pBar) * (nxx - n * xBar * xBar)
  // All proportions 0 or all 1: no variation at all, so no change.
  if (variance <= 0 || !Number.isFinite(variance))
    return { direction: 'no significant change', chiSquare: 0, pValue: 1 }
  const chiSquare = (t * t) / variance
  const pValue = chiSquare1Tail(chiSquare)
  const direction: TrendDirection = pValue < 0.05 ? (t > 0 ? 'increasing' : 'decreasing') : 'no significant change'
  return { direction, chiSquare, pValue }
}
