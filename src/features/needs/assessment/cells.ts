/**
 * Building blocks for the assessment's tables. Counts come only from the suppression function's
 * DisclosedCount; shares, intervals and differences are worked out only from counts it shows, so a
 * share whose numerator or denominator is hidden is hidden with the same symbol.
 */
import { barChart, type BarDatum } from '../../../lib/charts.js'
import { type DifferenceResult, type Interval, proportionDifference, wilsonInterval } from '../../../lib/stats.js'
import {
  type CountGroup,
  type CountInput,
  type DisclosedCount,
  discloseCounts,
  discloseProportion,
  formatPercent,
} from '../../../lib/suppression.js'
import { measureInput } from './model.js'
import type { NdtmsRecord } from './repository.js'
import type { Cell, ChartView, Column, TableView } from './types.js'

export const round6 = (value: number): number => Math.round(value * 1e6) / 1e6

export function textCell(text: string, modelled?: boolean): Cell {
  return modelled
    ? { value: text, display: text, status: 'shown', modelled }
    : { value: text, display: text, status: 'shown' }
}

/** A cell with nothing to show (a percentage column in a row of totals). */
export const blankCell = (): Cell => ({ value: null, display: '', status: 'not-available' })

export function countCell(d: DisclosedCount, modelled?: boolean): Cell {
  const cell: Cell = { value: d.count, display: d.display, status: d.status }
  if (modelled) cell.modelled = true
  return cell
}

export function percentCell(proportion: number, modelled?: boolean): Cell {
  const cell: Cell = { value: round6(proportion), display: formatPercent(proportion), status: 'shown' }
  if (modelled) cell.modelled = true
  return cell
}

export function hiddenCell(display: string, status: Cell['status']): Cell {
  return { value: null, display, status }
}

const pointsFormat = new Intl.NumberFormat('en-GB', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
})

/** A difference of two proportions in percentage points: 0.0193 -> '+1.9'. */
export function pointsCell(difference: number): Cell {
  const points = difference * 100
  return { value: Math.round(points * 1e4) / 1e4, display: pointsFormat.format(points), status: 'shown' }
}

export const formatPoints = (difference: number): string => pointsFormat.format(difference * 100)

/** A share with its Wilson interval, or the reason it cannot be shown. */
export interface ShareResult {
  share: Cell
  lower: Cell
  upper: Cell
  /** Only when both counts are shown. */
  interval: Interval | null
  counts: { count: number; denominator: number } | null
}

/** A share that cannot be worked out at all. */
export function unavailableShare(): ShareResult {
  const na = hiddenCell('[x]', 'not-available')
  return { share: na, lower: { ...na }, upper: { ...na }, interval: null, counts: null }
}

export function shareOf(numerator: DisclosedCount, denominator: DisclosedCount, modelled?: boolean): ShareResult {
  const p = discloseProportion(numerator, denominator)
  if (p.status !== 'shown' || numerator.count === null || denominator.count === null) {
    const hidden = hiddenCell(p.display, p.status)
    return { share: hidden, lower: { ...hidden }, upper: { ...hidden }, interval: null, counts: null }
  }
  if (numerator.count > denominator.count) {
    // Possible only with rounded counts: the share cannot be worked out honestly.
    const na = hiddenCell('[x]', 'not-available')
    return { share: na, lower: { ...na }, upper: { ...na }, interval: null, counts: null }
  }
  const interval = wilsonInterval(numerator.count, denominator.count)
  return {
    share: percentCell(interval.estimate, modelled),
    lower: percentCell(interval.lower, modelled),
    upper: percentCell(interval.upper, modelled),
    interval,
    counts: { count: numerator.count, denominator: denominator.count },
  }
}

/** '31.1% (95% confidence interval 28.7% to 33.6%)' */
export function shareSentence(result: ShareResult): string {
  if (!result.interval) return result.share.display
  return `${formatPercent(result.interval.estimate)} (95% confidence interval ${formatPercent(result.interval.lower)} to ${formatPercent(result.interval.upper)})`
}

export function differenceOf(a: ShareResult, b: ShareResult): DifferenceResult | null {
  if (!a.counts || !b.counts) return null
  return proportionDifference(a.counts, b.counts)
}

export function comparisonText(diff: DifferenceResult | null): string {
  if (!diff) return 'Not calculated'
  if (!diff.significant) return 'No significant difference'
  return diff.estimate > 0 ? 'Significantly higher for women' : 'Significantly lower for women'
}

/** Groups for the suppression function, leaving out keys whose value is not available (they hide nothing). */
export function groupsOf(inputs: CountInput[], groups: CountGroup[]): CountGroup[] {
  const usable = new Set(inputs.filter((i) => i.count !== null || i.publisherSuppressed).map((i) => i.key))
  return groups
    .map((g) => {
      const group: CountGroup = { parts: g.parts.filter((p) => usable.has(p)) }
      if (g.total !== undefined && usable.has(g.total)) group.total = g.total
      return group
    })
    .filter((g) => g.parts.length > 0)
}

/** Runs the suppression function and returns a getter that never hands back a raw count. */
export function disclose(inputs: CountInput[], groups: CountGroup[] = []): (key: string) => DisclosedCount {
  const result = discloseCounts(inputs, groupsOf(inputs, groups))
  return (key) => result.get(key) ?? { key, count: null, display: '[x]', status: 'not-available' }
}

/** A share and its interval: `label` names the share ('Share of women'), the bounds follow it. */
export const shareColumns = (label: string, key: string): Column[] => [
  { key: `${key}Share`, label, kind: 'percent' },
  { key: `${key}Lower`, label: `${label}: lower 95% limit`, kind: 'percent' },
  { key: `${key}Upper`, label: `${label}: upper 95% limit`, kind: 'percent' },
]

export function shareRow(key: string, result: ShareResult): Record<string, Cell> {
  return { [`${key}Share`]: result.share, [`${key}Lower`]: result.lower, [`${key}Upper`]: result.upper }
}

export function blankShareRow(key: string): Record<string, Cell> {
  return { [`${key}Share`]: blankCell(), [`${key}Lower`]: blankCell(), [`${key}Upper`]: blankCell() }
}

export const barDatum = (result: ShareResult): BarDatum => ({
  value: result.interval?.estimate ?? null,
  lower: result.interval?.lower ?? null,
  upper: result.interval?.upper ?? null,
  display: result.share.display,
})

export interface Category {
  key: string
  label: string
  measure: string
}

export interface ComparisonResult {
  category: Category
  women: ShareResult
  men: ShareResult
  difference: DifferenceResult | null
}

/**
 * Women against men for a set of categories that are shares of one published total: counts,
 * shares with Wilson intervals, the difference with Newcombe's interval, and whether it is
 * significant. When the categories split the total (`partition`), each sex's column is a
 * suppression group with the total, so one hidden category cannot be worked out by subtraction.
 */
export function comparisonTable(opts: {
  id: string
  caption: string
  categoryHeading: string
  categories: Category[]
  totalMeasure: string
  totalLabel: string
  women: NdtmsRecord | undefined
  men: NdtmsRecord | undefined
  partition: boolean
  notes: string[]
}): { table: TableView; results: ComparisonResult[] } {
  const inputs: CountInput[] = []
  for (const [sex, row] of [
    ['F', opts.women],
    ['M', opts.men],
  ] as const) {
    for (const c of opts.categories) inputs.push(measureInput(`${sex}:${c.key}`, row, c.measure))
    inputs.push(measureInput(`${sex}:total`, row, opts.totalMeasure))
  }
  const groups: CountGroup[] = opts.partition
    ? (['F', 'M'] as const).map((sex) => ({
        total: `${sex}:total`,
        parts: opts.categories.map((c) => `${sex}:${c.key}`),
      }))
    : []
  const get = disclose(inputs, groups)
  const fTotal = get('F:total')
  const mTotal = get('M:total')
  const results: ComparisonResult[] = []
  const rows: Record<string, Cell>[] = opts.categories.map((c) => {
    const f = get(`F:${c.key}`)
    const m = get(`M:${c.key}`)
    const women = shareOf(f, fTotal)
    const men = shareOf(m, mTotal)
    const difference = differenceOf(women, men)
    results.push({ category: c, women, men, difference })
    return {
      category: textCell(c.label),
      women: countCell(f),
      ...shareRow('women', women),
      men: countCell(m),
      ...shareRow('men', men),
      ...differenceRow(difference, women, men),
    }
  })
  rows.push({
    category: textCell(opts.totalLabel),
    women: countCell(fTotal),
    ...blankShareRow('women'),
    men: countCell(mTotal),
    ...blankShareRow('men'),
    difference: blankCell(),
    differenceLower: blankCell(),
    differenceUpper: blankCell(),
    comparison: blankCell(),
  })
  const table: TableView = {
    id: opts.id,
    caption: opts.caption,
    columns: [
      { key: 'category', label: opts.categoryHeading, kind: 'text' },
      { key: 'women', label: 'Women', kind: 'count' },
      ...shareColumns('Share of women', 'women'),
      { key: 'men', label: 'Men', kind: 'count' },
      ...shareColumns('Share of men', 'men'),
      ...differenceColumns,
    ],
    rows,
    notes: opts.notes,
  }
  return { table, results }
}

export const differenceColumns: Column[] = [
  { key: 'difference', label: 'Difference, women minus men (percentage points)', kind: 'number' },
  { key: 'differenceLower', label: 'Difference: lower 95% limit', kind: 'number' },
  { key: 'differenceUpper', label: 'Difference: upper 95% limit', kind: 'number' },
  { key: 'comparison', label: 'Women compared with men', kind: 'text' },
]

/** A difference that cannot be worked out because a share is hidden is shown as hidden ('[c]'), else '[x]'. */
export function differenceRow(
  difference: DifferenceResult | null,
  women?: ShareResult,
  men?: ShareResult,
): Record<string, Cell> {
  if (!difference) {
    const hidden = [women?.share.status, men?.share.status].some(
      (s) => s === 'primary' || s === 'secondary' || s === 'publisher',
    )
    const cell = (): Cell => (hidden ? hiddenCell('[c]', 'secondary') : hiddenCell('[x]', 'not-available'))
    return {
      difference: cell(),
      differenceLower: cell(),
      differenceUpper: cell(),
      comparison: textCell(comparisonText(null)),
    }
  }
  return {
    difference: pointsCell(difference.estimate),
    differenceLower: pointsCell(difference.lower),
    differenceUpper: pointsCell(difference.upper),
    comparison: textCell(comparisonText(difference)),
  }
}

/**
 * Sentences for the significant differences: 'Women were significantly more likely than men to
 * be referred by ...'. `phrase` turns a category label into the end of that sentence.
 */
export function differenceFindings(
  results: ComparisonResult[],
  phrase: (c: Category) => string,
  denominatorWords: { women: string; men: string },
): string[] {
  const out: string[] = []
  for (const r of results) {
    const d = r.difference
    if (!d?.significant || !r.women.interval || !r.men.interval) continue
    const direction = d.estimate > 0 ? 'more' : 'less'
    out.push(
      `Women were significantly ${direction} likely than men to ${phrase(r.category)}: ` +
        `${formatPercent(r.women.interval.estimate)} of ${denominatorWords.women} against ` +
        `${formatPercent(r.men.interval.estimate)} of ${denominatorWords.men} ` +
        `(difference ${formatPoints(d.estimate)} percentage points, 95% confidence interval ${formatPoints(d.lower)} to ${formatPoints(d.upper)}).`,
    )
  }
  return out
}

export function comparisonChart(opts: {
  id: string
  table: TableView
  title: string
  description: string
  results: ComparisonResult[]
}): ChartView {
  return {
    id: opts.id,
    tableId: opts.table.id,
    title: opts.title,
    svg: barChart({
      id: opts.id,
      title: opts.title,
      description: opts.description,
      categories: opts.results.map((r) => r.category.label),
      series: [
        { name: 'Women', data: opts.results.map((r) => barDatum(r.women)) },
        { name: 'Men', data: opts.results.map((r) => barDatum(r.men)) },
      ],
      valueFormat: 'percent',
    }),
  }
}
