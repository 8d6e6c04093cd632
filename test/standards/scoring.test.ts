/**
 * Scoring a return (ADR 27), against values worked out by hand: met 2 half-points, partly met 1,
 * not met 0, over the standards that apply and are rated; green from 80%, amber from 50%.
 */
import { describe, expect, it } from 'vitest'
import type { Framework } from '../../src/features/standards/framework.js'
import {
  comparisonTable,
  effectiveRating,
  gapsOf,
  type RatingFacts,
  ragOf,
  summariseByTheme,
} from '../../src/features/standards/assessment/scoring.js'

const standard = (id: string, appliesTo: string[]) => ({
  id,
  title: `Standard ${id}`,
  asks: 'asks',
  evidence: 'evidence',
  principle: 'standards' as const,
  appliesTo: appliesTo as Framework['themes'][number]['standards'][number]['appliesTo'],
  directoryFeatures: [],
  local: false,
})

const framework: Framework = {
  key: 'test',
  name: 'Test framework',
  version: 1,
  basedOn: null,
  source: 'Hand-made for the tests.',
  changeNote: '',
  themes: [
    {
      id: 'one',
      title: 'Theme one',
      summary: 's',
      standards: [
        standard('A1', ['community-treatment']),
        standard('A2', ['community-treatment']),
        standard('A3', ['community-treatment', 'peer-recovery']),
        standard('A4', ['community-treatment']),
        standard('A5', ['community-treatment']),
      ],
    },
    { id: 'two', title: 'Theme two', summary: 's', standards: [standard('B1', ['peer-recovery'])] },
  ],
}

const r = (
  standardId: string,
  rating: RatingFacts['rating'],
  decision: RatingFacts['decision'] = null,
  verifiedRating: RatingFacts['verifiedRating'] = null,
): RatingFacts => ({
  standardId,
  rating,
  decision,
  verifiedRating,
})

describe('RAG thresholds', () => {
  it('puts 80% in green, 79.9% and 50% in amber, below 50% in red, nothing rated grey', () => {
    expect(ragOf(8, 10)).toBe('green')
    expect(ragOf(799, 1000)).toBe('amber')
    expect(ragOf(5, 10)).toBe('amber')
    expect(ragOf(49, 100)).toBe('red')
    expect(ragOf(0, 2)).toBe('red')
    expect(ragOf(0, 0)).toBe('grey')
  })
})

describe('the rating that counts', () => {
  it('is the commissioner’s where they changed it, the provider’s otherwise', () => {
    expect(effectiveRating(r('A1', 'met', 'changed', 'not_met'))).toBe('not_met')
    expect(effectiveRating(r('A1', 'met', 'agreed'))).toBe('met')
    expect(effectiveRating(r('A1', 'partly_met', 'returned'))).toBe('partly_met')
    expect(effectiveRating(r('A1', 'partly_met'))).toBe('partly_met')
  })
})

describe('summary by theme', () => {
  it('scores a community service over the standards that apply to it, leaving out not applicable', () => {
    // A1 met (2), A2 changed to partly met (1), A3 not met (0), A4 not applicable, A5 unrated:
    // 3 half-points of 6 = 50%, amber. Theme two has no standard for community treatment.
    const summary = summariseByTheme(framework, 'community-treatment', [
      r('A1', 'met'),
      r('A2', 'met', 'changed', 'partly_met'),
      r('A3', 'not_met'),
      r('A4', 'not_applicable'),
    ])
    expect(summary).toEqual([
      {
        id: 'one',
        title: 'Theme one',
        applicable: 5,
        rated: 4,
        met: 1,
        partlyMet: 1,
        notMet: 1,
        notApplicable: 1,
        percent: 50,
        rag: 'amber',
      },
    ])
  })

  it('rounds the percentage half up and shows grey with nothing rated', () => {
    // Peer recovery: A3 and B1 apply. A3 met, B1 partly met: theme one 100% green, theme two 50% amber.
    const peer = summariseByTheme(framework, 'peer-recovery', [r('A3', 'met'), r('B1', 'partly_met')])
    expect(peer.map((s) => [s.id, s.percent, s.rag])).toEqual([
      ['one', 100, 'green'],
      ['two', 50, 'amber'],
    ])
    // Two met and one partly met: 5 of 6 half-points = 83.33%, shown 83%, green.
    const five = summariseByTheme(framework, 'community-treatment', [
      r('A1', 'met'),
      r('A2', 'met'),
      r('A3', 'partly_met'),
    ])
    expect(five[0]?.percent).toBe(83)
    expect(five[0]?.rag).toBe('green')
    // One met and two partly met: 4 of 6 = 66.67%, shown 67%, amber.
    const four = summariseByTheme(framework, 'community-treatment', [
      r('A1', 'met'),
      r('A2', 'partly_met'),
      r('A3', 'partly_met'),
    ])
    expect(four[0]?.percent).toBe(67)
    expect(summariseByTheme(framework, 'community-treatment', [])[0]?.rag).toBe('grey')
    expect(summariseByTheme(framework, 'community-treatment', [])[0]?.percent).toBeNull()
  })
})

describe('gaps', () => {
  it('lists partly met and not met standards in framework order, by the rating that counts', () => {
    const gaps = gapsOf(framework, 'community-treatment', [
      r('A5', 'not_met'),
      r('A1', 'met', 'changed', 'partly_met'),
      r('A2', 'not_met', 'changed', 'met'),
      r('A3', 'not_applicable'),
    ])
    expect(gaps.map((g) => [g.standardId, g.rating])).toEqual([
      ['A1', 'partly_met'],
      ['A5', 'not_met'],
    ])
  })
})

describe('comparison table', () => {
  it('has a row per standard and a column per service, saying why a cell has no rating', () => {
    const table = comparisonTable(framework, [
      {
        key: 'c',
        label: 'Community',
        serviceType: 'community-treatment',
        submitted: true,
        ratings: [r('A1', 'met', 'changed', 'not_met')],
      },
      { key: 'p', label: 'Peer', serviceType: 'peer-recovery', submitted: false, ratings: [r('A3', 'met')] },
    ])
    expect(table.columns.map((c) => c.key)).toEqual(['theme', 'standard', 'c', 'p'])
    expect(table.rows).toHaveLength(6)
    const cell = (row: number, key: string) => table.rows[row]?.[key]?.display
    expect(cell(0, 'c')).toBe('Not met')
    expect(cell(0, 'p')).toBe('Does not apply')
    expect(cell(1, 'c')).toBe('Not rated')
    // The peer service has not submitted: its draft stays its own.
    expect(cell(2, 'p')).toBe('Not submitted')
    expect(cell(5, 'c')).toBe('Does not apply')
  })
})
