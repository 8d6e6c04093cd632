import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  SMALL_NUMBER_THRESHOLD,
  SUPPRESSION_NOTE,
  discloseCount,
  discloseCounts,
  discloseProportion,
  formatPercent,
  type CountGroup,
  type CountInput,
  type DisclosedCount,
} from './suppression.js'

/** Builds the cells and groups of a table with a total column, a total row and a grand total. */
function table(values: (number | null)[][]): { cells: CountInput[]; groups: CountGroup[] } {
  const rows = values.length
  const cols = values[0]?.length ?? 0
  const cells: CountInput[] = []
  const groups: CountGroup[] = []
  const sum = (xs: (number | null)[]): number => xs.reduce<number>((s, v) => s + (v ?? 0), 0)
  values.forEach((row, r) => {
    row.forEach((v, c) => cells.push({ key: `r${r}c${c}`, count: v }))
    cells.push({ key: `r${r}T`, count: sum(row) })
    groups.push({ total: `r${r}T`, parts: row.map((_, c) => `r${r}c${c}`) })
  })
  for (let c = 0; c < cols; c++) {
    cells.push({ key: `Tc${c}`, count: sum(values.map((row) => row[c] ?? null)) })
    groups.push({ total: `Tc${c}`, parts: values.map((_, r) => `r${r}c${c}`) })
  }
  cells.push({ key: 'TT', count: sum(values.flat()) })
  groups.push({ total: 'TT', parts: Array.from({ length: cols }, (_, c) => `Tc${c}`) })
  groups.push({ total: 'TT', parts: Array.from({ length: rows }, (_, r) => `r${r}T`) })
  return { cells, groups }
}

const hiddenKeys = (m: Map<string, DisclosedCount>): string[] =>
  [...m.values()]
    .filter((d) => d.status !== 'shown')
    .map((d) => d.key)
    .sort()

describe('single counts', () => {
  it('shows 0 and counts of 5 or more with en-GB grouping, hides 1 to 4 as <5', () => {
    expect(discloseCount(0)).toEqual({ key: '', count: 0, display: '0', status: 'shown' })
    expect(discloseCount(5)).toEqual({ key: '', count: 5, display: '5', status: 'shown' })
    expect(discloseCount(1465)).toEqual({ key: '', count: 1465, display: '1,465', status: 'shown' })
    expect(discloseCount(1234567)).toMatchObject({ display: '1,234,567' })
    for (const n of [1, 2, 3, 4]) {
      expect(discloseCount(n)).toEqual({ key: '', count: null, display: '<5', status: 'primary' })
    }
    // a fractional count between 0 and 5 is also small (Fingertips counts can be fractional)
    expect(discloseCount(4.5).status).toBe('primary')
    expect(discloseCount(12.25).display).toBe('12.25')
  })

  it('shows [c] for publisher-suppressed cells and [x] for missing ones, never the count', () => {
    expect(discloseCount(120, true)).toEqual({ key: '', count: null, display: '[c]', status: 'publisher' })
    expect(discloseCount(null)).toEqual({ key: '', count: null, display: '[x]', status: 'not-available' })
    expect(discloseCount(null, true).status).toBe('publisher')
  })

  it('refuses a negative count', () => {
    expect(() => discloseCount(-1)).toThrow(RangeError)
  })

  it('uses a threshold of 5 unless told otherwise', () => {
    expect(SMALL_NUMBER_THRESHOLD).toBe(5)
    const m = discloseCounts(
      [
        { key: 'a', count: 9 },
        { key: 'b', count: 10 },
      ],
      [],
      { threshold: 10 },
    )
    expect(m.get('a')?.status).toBe('primary')
    expect(m.get('b')?.display).toBe('10')
  })

  it('explains the symbols in plain English', () => {
    for (const symbol of ['<5', '[c]', '[x]']) expect(SUPPRESSION_NOTE).toContain(symbol)
  })
})

describe('secondary suppression in one group', () => {
  it('hides the smallest shown non-zero part beside a small one', () => {
    // total 33 = 3 + 10 + 20 + 0: hiding 3 alone lets 33 - 10 - 20 - 0 = 3 be worked out,
    // so the smallest shown non-zero part (10; the 0 is skipped) is hidden too.
    const m = discloseCounts(
      [
        { key: 'a', count: 3 },
        { key: 'z', count: 0 },
        { key: 'b', count: 20 },
        { key: 'c', count: 10 },
        { key: 't', count: 33 },
      ],
      [{ total: 't', parts: ['a', 'z', 'b', 'c'] }],
    )
    expect(m.get('a')).toEqual({ key: 'a', count: null, display: '<5', status: 'primary' })
    expect(m.get('c')).toEqual({ key: 'c', count: null, display: '[c]', status: 'secondary' })
    expect(m.get('z')?.display).toBe('0')
    expect(m.get('b')?.display).toBe('20')
    expect(m.get('t')?.display).toBe('33')
  })

  it('hides the total when every other part is 0', () => {
    // 3 + 0 + 0 = 3: the total would give the small count away
    const m = discloseCounts(
      [
        { key: 'a', count: 3 },
        { key: 'b', count: 0 },
        { key: 'c', count: 0 },
        { key: 't', count: 3 },
      ],
      [{ total: 't', parts: ['a', 'b', 'c'] }],
    )
    expect(hiddenKeys(m)).toEqual(['a', 't'])
    expect(m.get('t')?.display).toBe('<5') // the total is itself small, so primary
  })

  it('hides a part when only the total is hidden (the parts would add up to it)', () => {
    const m = discloseCounts(
      [
        { key: 'a', count: 40 },
        { key: 'b', count: 12 },
        { key: 't', count: 52, publisherSuppressed: true },
      ],
      [{ total: 't', parts: ['a', 'b'] }],
    )
    expect(m.get('t')?.display).toBe('[c]')
    expect(m.get('b')?.status).toBe('secondary')
    expect(m.get('a')?.display).toBe('40')
  })

  it('counts a missing cell as hidden', () => {
    const m = discloseCounts(
      [
        { key: 'a', count: null },
        { key: 'b', count: 7 },
        { key: 'c', count: 9 },
        { key: 't', count: 20 },
      ],
      [{ total: 't', parts: ['a', 'b', 'c'] }],
    )
    expect(hiddenKeys(m)).toEqual(['a', 'b'])
  })

  it('leaves a group alone when two or more cells are already hidden, or when it has no total', () => {
    const m = discloseCounts(
      [
        { key: 'a', count: 2 },
        { key: 'b', count: 4 },
        { key: 'c', count: 30 },
        { key: 't', count: 36 },
        { key: 'x', count: 1 },
        { key: 'y', count: 50 },
      ],
      [{ total: 't', parts: ['a', 'b', 'c'] }, { parts: ['x', 'y'] }],
    )
    expect(hiddenKeys(m)).toEqual(['a', 'b', 'x'])
  })

  it('breaks a tie by the order of the parts', () => {
    const m = discloseCounts(
      [
        { key: 'a', count: 1 },
        { key: 'b', count: 8 },
        { key: 'c', count: 8 },
        { key: 't', count: 17 },
      ],
      [{ total: 't', parts: ['a', 'c', 'b'] }],
    )
    expect(hiddenKeys(m)).toEqual(['a', 'c'])
  })

  it('refuses a key given twice', () => {
    expect(() =>
      discloseCounts([
        { key: 'a', count: 1 },
        { key: 'a', count: 2 },
      ]),
    ).toThrow(RangeError)
  })
})

describe('secondary suppression across rows and columns', () => {
  it('hides enough cells in a 3 x 3 table with totals where one cell is 3 (worked by hand)', () => {
    //          c0  c1  c2 | total
    //   r0      3  10  20 |  33
    //   r1     12  15  25 |  52
    //   r2     30   8  40 |  78
    //   total  45  33  85 | 163
    // Groups in order: rows r0..r2, columns c0..c2, then the total row and total column.
    // Pass 1: r0 has only r0c0 hidden -> hide its smallest shown part, r0c1 (10 < 20).
    //         c0 has only r0c0 hidden -> hide r1c0 (12 < 30).
    //         c1 has only r0c1 hidden -> hide r2c1 (8 < 15).
    // Pass 2: r1 has only r1c0 hidden -> hide r1c1 (15 < 25).
    //         r2 has only r2c1 hidden -> hide r2c0 (30 < 40).
    // Pass 3: rows have 2 hidden each, c0 and c1 have 3 each, c2 and the totals none: stable.
    // No hidden cell can be worked out: each lies on a cycle such as r0c0 r0c1 r1c1 r1c0, so
    // adding 1 to r0c0 and r1c1 and taking 1 from r0c1 and r1c0 keeps every total.
    const { cells, groups } = table([
      [3, 10, 20],
      [12, 15, 25],
      [30, 8, 40],
    ])
    const m = discloseCounts(cells, groups)
    expect(hiddenKeys(m)).toEqual(['r0c0', 'r0c1', 'r1c0', 'r1c1', 'r2c0', 'r2c1'])
    expect(m.get('r0c0')?.display).toBe('<5')
    expect(m.get('r1c1')?.display).toBe('[c]')
    expect(m.get('TT')?.display).toBe('163')
    expect(m.get('Tc0')?.display).toBe('45')
  })

  it('hides one more cell when a hidden cell could be worked out from several rows and columns together', () => {
    // Small cells form two blocks joined by r0c2:
    //          c0 c1 c2 c3 | total
    //   r0      1  2  3 20 |  26
    //   r1      4  1 30 20 |  55
    //   r2     20 20  2  3 |  45
    //   r3     20 20  4  1 |  45
    // Every row and column has 0 or at least 2 hidden cells, so the one-group rule is satisfied, but
    // (r0 hidden sum) + (r1 hidden sum) - (c0 hidden sum) - (c1 hidden sum) = r0c2, because the
    // block r0c0 r0c1 r1c0 r1c1 cancels out. Each hidden sum is a shown total minus shown parts:
    // r0: 26 - 20 = 6, r1: 55 - 30 - 20 = 5, c0: 45 - 20 - 20 = 5, c1: 43 - 20 - 20 = 3,
    // so r0c2 = 6 + 5 - 5 - 3 = 3. One more cell must be hidden to stop that.
    const { cells, groups } = table([
      [1, 2, 3, 20],
      [4, 1, 30, 20],
      [20, 20, 2, 3],
      [20, 20, 4, 1],
    ])
    const m = discloseCounts(cells, groups)
    const primaries = ['r0c0', 'r0c1', 'r0c2', 'r1c0', 'r1c1', 'r2c2', 'r2c3', 'r3c2', 'r3c3']
    for (const key of primaries) expect(m.get(key)?.status).toBe('primary')
    expect(hiddenKeys(m).length).toBeGreaterThan(primaries.length)
    expect(determinedCells(m, cells, groups)).toEqual([])
  })
})

// ---------- an independent check of recoverability ----------
// A hidden cell j can be worked out from the equations (parts - total = 0 in every group) exactly
// when adding the unit row e_j to the equation matrix of the hidden cells leaves its rank
// unchanged. Rank is computed exactly modulo a prime (the matrices hold only 0, 1 and -1 and are
// incidence-like, so the rank is the same as over the rationals).

const PRIME = 1_000_003

function modInverse(a: number): number {
  let [t, newT, r, newR] = [0, 1, PRIME, ((a % PRIME) + PRIME) % PRIME]
  while (newR !== 0) {
    const q = Math.floor(r / newR)
    ;[t, newT] = [newT, t - q * newT]
    ;[r, newR] = [newR, r - q * newR]
  }
  return ((t % PRIME) + PRIME) % PRIME
}

function rankModP(matrix: number[][]): number {
  const m = matrix.map((row) => row.map((v) => ((v % PRIME) + PRIME) % PRIME))
  const width = m[0]?.length ?? 0
  let rank = 0
  for (let col = 0; col < width; col++) {
    const pivot = m.findIndex((row, i) => i >= rank && row[col] !== 0)
    if (pivot < 0) continue
    ;[m[rank], m[pivot]] = [m[pivot]!, m[rank]!]
    const inv = modInverse(m[rank]![col]!)
    for (let i = 0; i < m.length; i++) {
      if (i === rank || m[i]![col] === 0) continue
      const f = (m[i]![col]! * inv) % PRIME
      for (let j = 0; j < width; j++) m[i]![j] = (((m[i]![j]! - f * m[rank]![j]!) % PRIME) + PRIME) % PRIME
    }
    rank++
  }
  return rank
}

function determinedCells(m: Map<string, DisclosedCount>, cells: CountInput[], groups: CountGroup[]): string[] {
  const hidden = cells.map((c) => c.key).filter((k) => m.get(k)?.status !== 'shown')
  if (hidden.length === 0) return []
  const rows = groups
    .filter((g) => g.total !== undefined)
    .map((g) => hidden.map((k) => (g.parts.includes(k) ? 1 : 0) - (g.total === k ? 1 : 0)))
  const base = rankModP(rows)
  return hidden.filter((k, j) => rankModP([...rows, hidden.map((_, i) => (i === j ? 1 : 0))]) === base)
}

describe('suppression of random tables (property)', () => {
  const cellValue = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }) },
    { weight: 4, arbitrary: fc.integer({ min: 5, max: 400 }) },
    { weight: 1, arbitrary: fc.constant(null) },
  )
  const tables = fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
    .chain(([r, c]) => fc.array(fc.array(cellValue, { minLength: c, maxLength: c }), { minLength: r, maxLength: r }))

  it('never leaves a group with exactly one hidden cell, never shows 1 to 4, and no hidden cell can be worked out', () => {
    // How often each branch below ran, over all the random tables: each must have run.
    const reached = { shown: 0, hidden: 0, shownTotal: 0 }
    fc.assert(
      fc.property(tables, (values) => {
        const { cells, groups } = table(values)
        const m = discloseCounts(cells, groups)
        expect(m.size).toBe(cells.length)
        for (const d of m.values()) {
          if (d.status === 'shown') {
            reached.shown += 1
            expect(d.count).not.toBeNull()
            expect(d.count === 0 || (d.count ?? 0) >= 5).toBe(true)
          } else {
            reached.hidden += 1
            expect(d.count).toBeNull()
            expect(['<5', '[c]', '[x]']).toContain(d.display)
          }
        }
        for (const g of groups) {
          const keys = [...g.parts, ...(g.total === undefined ? [] : [g.total])]
          const hidden = keys.filter((k) => m.get(k)?.status !== 'shown')
          expect(hidden.length).not.toBe(1)
          // Subtracting shown parts from a shown total recovers a hidden part only if it is alone.
          if (g.total !== undefined && m.get(g.total)?.status === 'shown') {
            reached.shownTotal += 1
            const hiddenParts = g.parts.filter((k) => m.get(k)?.status !== 'shown')
            expect(hiddenParts.length).not.toBe(1)
          }
        }
        expect(determinedCells(m, cells, groups)).toEqual([])
      }),
      { numRuns: 300 },
    )
    expect(reached.shown).toBeGreaterThan(0)
    expect(reached.hidden).toBeGreaterThan(0)
    expect(reached.shownTotal).toBeGreaterThan(0)
  })

  it('hides every count from 1 to 4 and shows every other count unless it had to be hidden (property)', () => {
    const reached = { missing: 0, small: 0, other: 0 }
    fc.assert(
      fc.property(tables, (values) => {
        const { cells } = table(values)
        const m = discloseCounts(cells) // no groups: primary only
        for (const c of cells) {
          const d = m.get(c.key)
          if (c.count === null) {
            reached.missing += 1
            expect(d?.display).toBe('[x]')
          } else if (c.count >= 1 && c.count <= 4) {
            reached.small += 1
            expect(d?.display).toBe('<5')
          } else {
            reached.other += 1
            expect(d?.count).toBe(c.count)
          }
        }
      }),
    )
    // Every branch above ran for some cell of the random tables.
    expect(reached.missing).toBeGreaterThan(0)
    expect(reached.small).toBeGreaterThan(0)
    expect(reached.other).toBeGreaterThan(0)
  })
})

describe('formatPercent', () => {
  it.each([
    [0.3106, undefined, '31.1%'],
    [0.3106, 0, '31%'],
    [0.3106, 2, '31.06%'],
    [1, undefined, '100.0%'],
    [0, undefined, '0.0%'],
    [12.345, undefined, '1,234.5%'],
    [-0.05, undefined, '-5.0%'],
    [Number.NaN, undefined, '[x]'],
  ])('formats %s with %s decimals as %s', (p, d, expected) => {
    expect(formatPercent(p, d)).toBe(expected)
  })
})

describe('discloseProportion', () => {
  it('shows a percentage only from two shown counts', () => {
    // 455/1465 = 0.3105802 -> 31.1%
    const shown = discloseProportion(discloseCount(455), discloseCount(1465))
    expect(shown.display).toBe('31.1%')
    expect(shown.proportion).toBeCloseTo(0.3105802, 6)
  })

  it('hides a percentage whose numerator or denominator is hidden, with the same display', () => {
    expect(discloseProportion(discloseCount(3), discloseCount(100))).toEqual({
      proportion: null,
      display: '<5',
      status: 'primary',
    })
    expect(discloseProportion(discloseCount(30), discloseCount(null))).toMatchObject({ display: '[x]' })
    expect(discloseProportion(discloseCount(30), discloseCount(40, true))).toMatchObject({ display: '[c]' })
    expect(discloseProportion(discloseCount(0), discloseCount(0))).toMatchObject({ proportion: null, display: '[x]' })
  })
})
