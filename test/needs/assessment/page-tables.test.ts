/**
 * Tables on the needs pages (issue 11): at most 6 columns, each figure with its 95% interval in one
 * cell ("31.1% (28.7 to 33.5)"), prose as notes under the table, the rest left to the CSV. Expected
 * values written out by hand from the hand-made table below.
 */
import { describe, expect, it } from 'vitest'
import { PAGE_COLUMNS, tableForPage, withInterval } from '../../../src/features/needs/assessment/pages.js'
import type { Cell, TableView } from '../../../src/features/needs/assessment/types.js'

const shown = (value: number, display: string): Cell => ({ value, display, status: 'shown' })
const text = (value: string): Cell => ({ value, display: value, status: 'shown' })
const hidden: Cell = { value: null, display: '<5', status: 'primary' }

const wide: TableView = {
  id: 'wide',
  caption: 'A wide table',
  columns: [
    { key: 'group', label: 'Group', kind: 'text' },
    { key: 'women', label: 'Women', kind: 'count' },
    { key: 'treatShare', label: 'Women’s share', kind: 'percent' },
    { key: 'treatLower', label: 'Women’s share: lower 95% limit', kind: 'percent' },
    { key: 'treatUpper', label: 'Women’s share: upper 95% limit', kind: 'percent' },
    { key: 'ratio', label: 'Ratio', kind: 'ratio' },
    { key: 'ratioLower', label: 'Ratio: lower 95% limit', kind: 'ratio' },
    { key: 'ratioUpper', label: 'Ratio: upper 95% limit', kind: 'ratio' },
    { key: 'a', label: 'A', kind: 'count' },
    { key: 'b', label: 'B', kind: 'count' },
    { key: 'c', label: 'C', kind: 'count' },
    { key: 'basis', label: 'Where it comes from', kind: 'text' },
  ],
  rows: [
    {
      group: text('Alcohol'),
      women: shown(455, '455'),
      treatShare: shown(0.311, '31.1%'),
      treatLower: shown(0.287, '28.7%'),
      treatUpper: shown(0.335, '33.5%'),
      ratio: shown(1.2, '1.20'),
      ratioLower: shown(1.05, '1.05'),
      ratioUpper: shown(1.37, '1.37'),
      a: shown(1, '10'),
      b: shown(2, '20'),
      c: shown(3, '30'),
      basis: text('people in treatment in the alcohol only and non-opiates and alcohol groups'),
    },
    {
      group: text('Opiates'),
      women: hidden,
      treatShare: hidden,
      treatLower: hidden,
      treatUpper: hidden,
      ratio: hidden,
      ratioLower: hidden,
      ratioUpper: hidden,
      a: shown(1, '11'),
      b: shown(2, '21'),
      c: shown(3, '31'),
      basis: text(''),
    },
  ],
  notes: ['Own note.'],
}

describe('tables on the needs pages', () => {
  const page = tableForPage(wide)

  it('has at most 6 columns, intervals in the figure’s cell, prose and the rest as notes', () => {
    expect(PAGE_COLUMNS).toBe(6)
    expect(page.columns.map((c) => c.label)).toEqual([
      'Group',
      'Women',
      'Women’s share (95% interval)',
      'Ratio (95% interval)',
      'A',
      'B',
    ])
    expect(page.rows[0]?.treatShare).toEqual({ value: 0.311, display: '31.1% (28.7 to 33.5)', status: 'shown' })
    expect(page.rows[0]?.ratio?.display).toBe('1.20 (1.05 to 1.37)')
    // A hidden figure stays hidden, with no interval.
    expect(page.rows[1]?.treatShare).toEqual(hidden)
    expect(page.notes).toEqual([
      'Own note.',
      'Where it comes from, Alcohol: people in treatment in the alcohol only and non-opiates and alcohol groups',
      '1 more column is in this table’s CSV download: C.',
    ])
  })

  it('leaves the view model as it was (the downloads stay wide)', () => {
    expect(wide.columns).toHaveLength(12)
    expect(wide.rows[0]?.treatShare?.display).toBe('31.1%')
  })

  it('gives a blank cell for a missing figure', () => {
    expect(withInterval(undefined, undefined, undefined)).toEqual({ value: null, display: '', status: 'not-available' })
  })
})
