import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  Z95,
  chiSquare1Tail,
  erfc,
  proportionDifference,
  proportionTrend,
  representationRatio,
  unmetNeed,
  wilsonInterval,
} from './stats.js'

// Wilson (1927): with p = x/n and z = 1.959964 (z^2 = 3.8414588),
//   centre = (p + z^2/2n) / (1 + z^2/n)
//   half   = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2)
// Hand working is written beside each expectation.

describe('wilsonInterval', () => {
  it('gives the Wilson interval for 455 of 1,465 (worked by hand)', () => {
    // p = 455/1465 = 0.3105802
    // z^2/n = 3.8414588/1465 = 0.00262216, so the scale 1 + z^2/n = 1.00262216
    // centre = (0.3105802 + 0.00131108) / 1.00262216 = 0.3118913 / 1.00262216 = 0.3110756
    // p(1-p)/n = 0.3105802 * 0.6894198 / 1465 = 0.000146157
    // z^2/4n^2 = 3.8414588 / (4 * 1465^2) = 3.8414588 / 8584900 = 0.000000447
    // sqrt(0.000146157 + 0.000000447) = sqrt(0.000146604) = 0.0121080
    // half = 1.959964 / 1.00262216 * 0.0121080 = 1.954838 * 0.0121080 = 0.0236693
    // lower = 0.3110756 - 0.0236693 = 0.2874063; upper = 0.3110756 + 0.0236693 = 0.3347449
    const w = wilsonInterval(455, 1465)
    expect(w.estimate).toBeCloseTo(0.3105802, 6)
    expect(w.lower).toBeCloseTo(0.287406, 5)
    expect(w.upper).toBeCloseTo(0.334745, 5)
  })

  it('matches the published example 81 of 263: 0.2553 to 0.3662 (Newcombe 1998; Altman et al., Statistics with confidence)', () => {
    const w = wilsonInterval(81, 263)
    expect(w.estimate).toBeCloseTo(0.30798, 5) // 81/263
    expect(w.lower).toBeCloseTo(0.2553, 4)
    expect(w.upper).toBeCloseTo(0.3662, 4)
  })

  it('gives exactly 0 and 1 at the edges: 0 of 10 is 0 to 0.2775, 10 of 10 is 0.7225 to 1', () => {
    // x = 0: centre = half = (z^2/2n)/(1 + z^2/n), so upper = (z^2/n)/(1 + z^2/n) = z^2/(n + z^2)
    //   = 3.8414588 / 13.8414588 = 0.2775328
    expect(wilsonInterval(0, 10)).toEqual({ estimate: 0, lower: 0, upper: expect.closeTo(0.2775328, 6) })
    // x = n: by symmetry lower = 1 - 0.2775328 = 0.7224672
    expect(wilsonInterval(10, 10)).toEqual({ estimate: 1, lower: expect.closeTo(0.7224672, 6), upper: 1 })
  })

  it('is symmetric around one half for 1 of 2 (hand working)', () => {
    // p = 0.5, z^2/n = 1.9207294, scale = 2.9207294, centre = (0.5 + 0.9603647)/2.9207294 = 0.5
    // half = 1.959964/2.9207294 * sqrt(0.125 + 0.2400912) = 0.6710539 * 0.6042277 = 0.4054694
    const w = wilsonInterval(1, 2)
    expect(w.lower).toBeCloseTo(0.0945, 4)
    expect(w.upper).toBeCloseTo(0.9055, 4)
  })

  it('uses the given z: z = 0 would be refused, a smaller z gives a narrower interval', () => {
    const wide = wilsonInterval(30, 100)
    const narrow = wilsonInterval(30, 100, 1.644854)
    expect(narrow.upper - narrow.lower).toBeLessThan(wide.upper - wide.lower)
    expect(() => wilsonInterval(30, 100, 0)).toThrow(RangeError)
  })

  it.each([
    [-1, 10],
    [1, 0],
    [11, 10],
    [Number.NaN, 10],
    [1, Number.POSITIVE_INFINITY],
  ])('refuses count %s of %s', (count, denominator) => {
    expect(() => wilsonInterval(count, denominator)).toThrow(RangeError)
  })

  it('keeps lower <= estimate <= upper inside [0, 1] for any valid count (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const x = Math.round(n * f)
        const w = wilsonInterval(x, n)
        return 0 <= w.lower && w.lower <= w.estimate && w.estimate <= w.upper && w.upper <= 1
      }),
    )
  })

  it('mirrors: the interval for n-x is one minus the interval for x (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const x = Math.round(n * f)
        const a = wilsonInterval(x, n)
        const b = wilsonInterval(n - x, n)
        return Math.abs(a.lower - (1 - b.upper)) < 1e-12 && Math.abs(a.upper - (1 - b.lower)) < 1e-12
      }),
    )
  })

  it('exports z for 95%', () => {
    // Phi(1.959964) = 0.975: 2-sided p for z is erfc(z / sqrt 2) = 0.05
    expect(erfc(Z95 / Math.SQRT2)).toBeCloseTo(0.05, 6)
  })
})

describe('proportionDifference (Newcombe method 10)', () => {
  // L = d - sqrt((pA - lA)^2 + (uB - pB)^2), U = d + sqrt((uA - pA)^2 + (pB - lB)^2),
  // with the Wilson intervals (lA, uA) and (lB, uB).
  it('gives 0.2000 (0.0524 to 0.3339) for 56/70 vs 48/80 (Newcombe 1998, Table II, example a)', () => {
    // Wilson 56/70 = 0.6918 to 0.8770; Wilson 48/80 = 0.4905 to 0.7004
    // L = 0.2 - sqrt(0.1082^2 + 0.1004^2) = 0.2 - sqrt(0.011707 + 0.010080) = 0.2 - 0.14760 = 0.0524
    // U = 0.2 + sqrt(0.0770^2 + 0.1095^2) = 0.2 + sqrt(0.005922 + 0.011998) = 0.2 + 0.13387 = 0.3339
    const d = proportionDifference({ count: 56, denominator: 70 }, { count: 48, denominator: 80 })
    expect(d.estimate).toBeCloseTo(0.2, 10)
    expect(d.lower).toBeCloseTo(0.0524, 4)
    expect(d.upper).toBeCloseTo(0.3339, 4)
    expect(d.significant).toBe(true)
  })

  it.each([
    // [a, b, estimate, lower, upper, significant]: Newcombe 1998 Table II, method 10
    [[9, 10], [3, 10], 0.6, 0.1705, 0.809, true], // example b
    [[5, 56], [0, 29], 0.0893, -0.0381, 0.1926, false], // example d
    [[0, 10], [0, 20], 0, -0.1611, 0.2775, false], // example e
    [[10, 10], [0, 20], 1, 0.6791, 1, true], // example g
  ] as const)('%j vs %j gives %s (%s to %s)', ([ca, na], [cb, nb], estimate, lower, upper, significant) => {
    const d = proportionDifference({ count: ca, denominator: na }, { count: cb, denominator: nb })
    expect(d.estimate).toBeCloseTo(estimate, 4)
    expect(d.lower).toBeCloseTo(lower, 4)
    expect(d.upper).toBeCloseTo(upper, 4)
    expect(d.significant).toBe(significant)
  })

  it('for 0/10 vs 0/20 the bounds are the two Wilson upper bounds (hand working)', () => {
    // both estimates 0 and both lower bounds 0: L = -uB = -z^2/(20 + z^2) = -3.8414588/23.8414588 = -0.1611253
    // U = uA = 3.8414588/13.8414588 = 0.2775328
    const d = proportionDifference({ count: 0, denominator: 10 }, { count: 0, denominator: 20 })
    expect(d.lower).toBeCloseTo(-0.1611253, 6)
    expect(d.upper).toBeCloseTo(0.2775328, 6)
  })

  it('refuses an invalid count', () => {
    expect(() => proportionDifference({ count: 5, denominator: 0 }, { count: 1, denominator: 2 })).toThrow(RangeError)
  })

  const pair = fc
    .tuple(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([n, f]) => ({ count: Math.round(n * f), denominator: n }))

  it('contains its estimate, stays within [-1, 1] and says significant exactly when 0 is outside (property)', () => {
    fc.assert(
      fc.property(pair, pair, (a, b) => {
        const d = proportionDifference(a, b)
        const excludesZero = d.lower > 0 || d.upper < 0
        return (
          -1 - 1e-12 <= d.lower &&
          d.lower <= d.estimate + 1e-12 &&
          d.estimate <= d.upper + 1e-12 &&
          d.upper <= 1 + 1e-12 &&
          d.significant === excludesZero
        )
      }),
    )
  })

  it('is antisymmetric: swapping the groups negates the estimate and swaps the bounds (property)', () => {
    fc.assert(
      fc.property(pair, pair, (a, b) => {
        const ab = proportionDifference(a, b)
        const ba = proportionDifference(b, a)
        return (
          Math.abs(ab.estimate + ba.estimate) < 1e-12 &&
          Math.abs(ab.lower + ba.upper) < 1e-12 &&
          Math.abs(ab.upper + ba.lower) < 1e-12 &&
          ab.significant === ba.significant
        )
      }),
    )
  })
})

describe('unmetNeed', () => {
  it('works from the prevalence interval (hand working)', () => {
    // 455 in treatment; prevalence 2,000 (1,500 to 2,600)
    // estimate 1 - 455/2000 = 0.7725; lower 1 - 455/1500 = 0.696667; upper 1 - 455/2600 = 0.825
    // not in treatment: 2000 - 455 = 1545, 1500 - 455 = 1045, 2600 - 455 = 2145
    const u = unmetNeed(455, { estimate: 2000, lower: 1500, upper: 2600 })
    expect(u.estimate).toBeCloseTo(0.7725, 10)
    expect(u.lower).toBeCloseTo(0.6966667, 6)
    expect(u.upper).toBeCloseTo(0.825, 10)
    expect(u.notInTreatment).toEqual({ estimate: 1545, lower: 1045, upper: 2145 })
  })

  it('clamps at 0 when more people are in treatment than the lower prevalence bound', () => {
    // lower: 1 - 600/500 = -0.2 -> 0, and 500 - 600 = -100 -> 0
    const u = unmetNeed(600, { estimate: 800, lower: 500, upper: 1200 })
    expect(u.lower).toBe(0)
    expect(u.notInTreatment.lower).toBe(0)
    expect(u.estimate).toBeCloseTo(0.25, 10) // 1 - 600/800
    expect(u.upper).toBeCloseTo(0.5, 10) // 1 - 600/1200
  })

  it('gives 0 for a prevalence of 0 and 1 when nobody is in treatment', () => {
    expect(unmetNeed(10, { estimate: 0, lower: 0, upper: 0 }).estimate).toBe(0)
    const none = unmetNeed(0, { estimate: 100, lower: 80, upper: 120 })
    expect([none.lower, none.estimate, none.upper]).toEqual([1, 1, 1])
  })

  it.each([
    [-1, { estimate: 10, lower: 5, upper: 20 }],
    [1, { estimate: 10, lower: 15, upper: 20 }],
    [1, { estimate: 10, lower: -5, upper: 20 }],
    [Number.NaN, { estimate: 10, lower: 5, upper: 20 }],
  ])('refuses %s in treatment with prevalence %j', (n, prevalence) => {
    expect(() => unmetNeed(n, prevalence)).toThrow(RangeError)
  })

  it('keeps 0 <= lower <= estimate <= upper <= 1 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.double({ min: 0, max: 200_000, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (n, bounds) => {
          const [lower = 0, estimate = 0, upper = 0] = [...bounds].sort((x, y) => x - y)
          const u = unmetNeed(n, { estimate, lower, upper })
          return 0 <= u.lower && u.lower <= u.estimate && u.estimate <= u.upper && u.upper <= 1
        },
      ),
    )
  })
})

describe('representationRatio', () => {
  it('divides the Wilson interval of the share in treatment by the population share (hand working)', () => {
    // 81 of 263 women in treatment are in the group; the group is 20,000 of 100,000 women, share 0.2
    // estimate 0.3079848/0.2 = 1.539924; bounds 0.2552885/0.2 = 1.276443 and 0.3662096/0.2 = 1.831048
    const r = representationRatio(81, 263, 20_000, 100_000)
    expect(r.estimate).toBeCloseTo(1.539924, 5)
    expect(r.lower).toBeCloseTo(1.276443, 5)
    expect(r.upper).toBeCloseTo(1.831048, 5)
  })

  it('gives 1 when the shares match', () => {
    // 25/100 in treatment, 250/1000 in the population
    expect(representationRatio(25, 100, 250, 1000).estimate).toBeCloseTo(1, 12)
  })

  it.each([
    [5, 10, 0, 100],
    [5, 10, 200, 100],
    [5, 10, 10, 0],
    [11, 10, 10, 100],
  ])('refuses %s of %s against %s of %s', (a, b, c, d) => {
    expect(() => representationRatio(a, b, c, d)).toThrow(RangeError)
  })
})

describe('chi-squared p-value', () => {
  it.each([
    [3.841458820694124, 0.05], // 95th percentile of chi-squared on 1 df
    [6.634896601021214, 0.01], // 99th percentile
    [10.827566170662733, 0.001], // 99.9th percentile
  ])('chi-squared %s has upper tail %s', (chi, p) => {
    expect(chiSquare1Tail(chi)).toBeCloseTo(p, 6)
  })

  it('is 1 at 0 and erfc is 1 at 0 and 2 - erfc(x) for negative x', () => {
    expect(chiSquare1Tail(0)).toBe(1)
    expect(erfc(0)).toBeCloseTo(1, 7)
    expect(erfc(-0.5)).toBeCloseTo(2 - erfc(0.5), 12)
  })
})

describe('proportionTrend (chi-squared test for linear trend)', () => {
  it('finds an increase in 10/100, 15/100, 20/100 (hand working)', () => {
    // scores 0, 1, 2; N = 300, R = 45, pbar = 0.15, xbar = (0 + 100 + 200)/300 = 1
    // T = sum r x - R xbar = (0 + 15 + 40) - 45 = 10
    // sum n x^2 - N xbar^2 = (0 + 100 + 400) - 300 = 200
    // chi2 = T^2 / (pbar (1 - pbar) 200) = 100 / (0.1275 * 200) = 100/25.5 = 3.921569
    // p = erfc(sqrt(3.921569/2)) = 0.04767 (Python math.erfc) < 0.05, T > 0: increasing
    const t = proportionTrend([
      { count: 10, denominator: 100 },
      { count: 15, denominator: 100 },
      { count: 20, denominator: 100 },
    ])
    expect(t.direction).toBe('increasing')
    expect(t.chiSquare).toBeCloseTo(3.921569, 5)
    expect(t.pValue).toBeCloseTo(0.04767, 5)
  })

  it('finds the same size of decrease when reversed, and no significant change in 10/100, 12/100, 14/100', () => {
    const down = proportionTrend([
      { count: 20, denominator: 100 },
      { count: 15, denominator: 100 },
      { count: 10, denominator: 100 },
    ])
    expect(down.direction).toBe('decreasing')
    expect(down.chiSquare).toBeCloseTo(3.921569, 5)
    // T = (12 + 28) - 36 = 4; pbar = 0.12; chi2 = 16/(0.12 * 0.88 * 200) = 16/21.12 = 0.757576
    const flat = proportionTrend([
      { count: 10, denominator: 100 },
      { count: 12, denominator: 100 },
      { count: 14, denominator: 100 },
    ])
    expect(flat.direction).toBe('no significant change')
    expect(flat.chiSquare).toBeCloseTo(0.757576, 5)
  })

  it('uses only the last 5 points', () => {
    // a steep fall in the first two points is ignored; the last five are flat at 30%
    const points = [
      { count: 90, denominator: 100 },
      { count: 80, denominator: 100 },
      ...Array.from({ length: 5 }, () => ({ count: 30, denominator: 100 })),
    ]
    const t = proportionTrend(points)
    expect(t.direction).toBe('no significant change')
    expect(t.chiSquare).toBeCloseTo(0, 12)
  })

  it('keeps a gap year in its place: 10/100, (gap), 20/100, 30/100 uses scores 0, 2, 3', () => {
    // N = 300, R = 60, pbar = 0.2, xbar = (0 + 200 + 300)/300 = 5/3
    // T = (0 + 40 + 90) - 60 * 5/3 = 130 - 100 = 30
    // sum n x^2 - N xbar^2 = (0 + 400 + 900) - 300 * 25/9 = 1300 - 833.333 = 466.667
    // chi2 = 900 / (0.16 * 466.667) = 900/74.6667 = 12.053571
    const t = proportionTrend([
      { count: 10, denominator: 100 },
      { count: 0, denominator: 0 },
      { count: 20, denominator: 100 },
      { count: 30, denominator: 100 },
    ])
    expect(t.chiSquare).toBeCloseTo(12.053571, 5)
    expect(t.direction).toBe('increasing')
  })

  it('says not enough data below 3 usable points', () => {
    expect(proportionTrend([])).toEqual({ direction: 'not enough data', chiSquare: null, pValue: null })
    expect(
      proportionTrend([
        { count: 1, denominator: 10 },
        { count: Number.NaN, denominator: 10 },
        { count: 3, denominator: 10 },
      ]).direction,
    ).toBe('not enough data')
  })

  it('says no significant change when every proportion is 0', () => {
    const t = proportionTrend([
      { count: 0, denominator: 10 },
      { count: 0, denominator: 20 },
      { count: 0, denominator: 30 },
    ])
    expect(t).toEqual({ direction: 'no significant change', chiSquare: 0, pValue: 1 })
  })

  it('equals N times the squared correlation of score and outcome over individuals (property, independent method)', () => {
    // The Armitage statistic without the N/(N-1) factor is N r^2, where r is the Pearson
    // correlation between each person's year score and a 0/1 outcome.
    const point = fc
      .tuple(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([n, f]) => ({ count: Math.round(n * f), denominator: n }))
    fc.assert(
      fc.property(fc.array(point, { minLength: 3, maxLength: 5 }), (points) => {
        const xs: number[] = []
        const ys: number[] = []
        points.forEach((p, score) => {
          for (let i = 0; i < p.denominator; i++) {
            xs.push(score)
            ys.push(i < p.count ? 1 : 0)
          }
        })
        const n = xs.length
        const mx = xs.reduce((s, v) => s + v, 0) / n
        const my = ys.reduce((s, v) => s + v, 0) / n
        let sxy = 0
        let sxx = 0
        let syy = 0
        for (let i = 0; i < n; i++) {
          sxy += (xs[i]! - mx) * (ys[i]! - my)
          sxx += (xs[i]! - mx) ** 2
          syy += (ys[i]! - my) ** 2
        }
        const t = proportionTrend(points)
        if (syy === 0 || sxx === 0) return t.chiSquare === 0 && t.direction === 'no significant change'
        const expected = (n * sxy * sxy) / (sxx * syy)
        return Math.abs((t.chiSquare ?? Number.NaN) - expected) <= 1e-9 * Math.max(1, expected)
      }),
    )
  })
})
