/**
 * Harm: the Fingertips indicators the council imported (other than the unmet need ones) and its
 * local indicators, for women and men, latest period, with intervals as published. A value
 * resting on a count from 1 to 4 is hidden with the count.
 */
import { wilsonInterval } from '../../../../lib/stats.js'
import type { CountInput, DisclosedCount } from '../../../../lib/suppression.js'
import { codeUnitOrder, sortSliced, TimeSlicer } from '../../../../lib/time-slice.js'
import { countCell, disclose, hiddenCell, percentCell, textCell } from '../cells.js'
import { UNMET_NEED_INDICATORS } from '../definitions.js'
import { type AssessmentData, comparePeriods, type Sex, sexCode } from '../model.js'
import { IMPORTS_PATH, SUPPRESSION_NOTE, TEMPLATES_PATH } from '../notes.js'
import type { FingertipsRecord, LocalIndicatorRecord } from '../repository.js'
import type { Cell, Column, SectionView, TableView } from '../types.js'
import { emptySection, noData, relatedInsight } from './common.js'

const valueFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 })
const numberCell = (v: number): Cell => ({
  value: Math.round(v * 1e4) / 1e4,
  display: valueFormat.format(v),
  status: 'shown',
})

const sexes = [
  { sex: 'F', key: 'women', label: 'Women' },
  { sex: 'M', key: 'men', label: 'Men' },
  { sex: 'Persons', key: 'all', label: 'All people' },
] as const

/**
 * Rows grouped by a key in one pass, keeping the rows' order within each group (the builders
 * below look at each row a bounded number of times: filtering all rows once per indicator made a
 * file with many indicators take minutes, issue 10).
 */
async function groupRows<T, K>(
  rows: readonly T[],
  keyOf: (row: T) => K | null,
  slicer: TimeSlicer,
): Promise<Map<K, T[]>> {
  const groups = new Map<K, T[]>()
  for (const row of rows) {
    const key = keyOf(row)
    if (key !== null) {
      const list = groups.get(key)
      if (list) list.push(row)
      else groups.set(key, [row])
    }
    if (slicer.due()) await slicer.pause()
  }
  return groups
}

/** A value shown only if the count it rests on may be shown (or there is no count). */
function guardedValue(value: number | null, count: DisclosedCount | null, make: (v: number) => Cell): Cell {
  if (count && (count.status === 'primary' || count.status === 'secondary' || count.status === 'publisher')) {
    return hiddenCell(count.display, count.status)
  }
  return value === null ? hiddenCell('[x]', 'not-available') : make(value)
}

/** The latest period of the rows (by `sortable` first when given, then by the period), as a stable sort's last. */
function latestPeriod<T extends { period: string }>(rows: T[], sortable?: (r: T) => number | null): string | undefined {
  const order = (a: T, b: T) =>
    (sortable ? (sortable(a) ?? 0) - (sortable(b) ?? 0) : 0) || comparePeriods(a.period, b.period)
  let latest: T | undefined
  for (const r of rows) if (latest === undefined || order(r, latest) >= 0) latest = r
  return latest?.period
}

function valueColumns(prefix: string, key: string, withCount: boolean): Column[] {
  return [
    ...(withCount ? [{ key: `${key}Count`, label: `${prefix}: count`, kind: 'count' } satisfies Column] : []),
    { key: `${key}Value`, label: `${prefix}: value`, kind: 'number' },
    { key: `${key}Lower`, label: `${prefix}: lower 95% limit`, kind: 'number' },
    { key: `${key}Upper`, label: `${prefix}: upper 95% limit`, kind: 'number' },
  ]
}

export async function buildHarm(data: AssessmentData, slicer = new TimeSlicer()): Promise<SectionView> {
  const section = emptySection('harm')
  section.insights = relatedInsight(data, 'harm')
  const council = data.scope.areaCode
  const sourceIds = new Set<string>()
  const fingertips = await groupRows(
    data.fingertips,
    (f) => {
      if (f.areaCode !== council || f.categoryType !== '') return null
      const id = f.indicatorId
      if (UNMET_NEED_INDICATORS.has(id)) return null
      sourceIds.add(f.importId)
      return id
    },
    slicer,
  )
  const local = await groupRows(
    data.localIndicators,
    (l) => {
      sourceIds.add(l.importId)
      return l.indicator
    },
    slicer,
  )
  if (fingertips.size === 0 && local.size === 0) {
    return {
      ...noData(
        section,
        'There are no harm indicators yet. Import Fingertips data for indicators split by sex, such as alcohol-specific hospital admissions (92906), alcohol-related mortality (93763) or deaths from drug misuse (92432), or your own local figures (hospital admissions, deaths, criminal justice, children’s social care) in the indicator template.',
      ),
      actions: [{ href: TEMPLATES_PATH, text: 'Get the indicator template' }],
    }
  }
  if (fingertips.size > 0) {
    section.tables.push(await fingertipsTable(fingertips, section, slicer))
  } else {
    section.notes.push(
      `Harm indicators from Fingertips, split by sex, can be imported on the imports page (${IMPORTS_PATH}).`,
    )
  }
  if (local.size > 0) {
    section.tables.push(await localTable(local, section, slicer))
  } else {
    section.actions = [{ href: TEMPLATES_PATH, text: 'Add local indicators with the indicator template' }]
  }
  section.notes.push(
    'Values and intervals are as published. We call a difference between women and men significant only where their 95% confidence intervals do not overlap, which is a cautious test.',
  )
  section.sourceIds = [...sourceIds]
  return section
}

function compareSexes(
  name: string,
  period: string,
  women: { value: number | null; lower: number | null; upper: number | null } | undefined,
  men: { value: number | null; lower: number | null; upper: number | null } | undefined,
): string | null {
  if (!women || !men || women.value === null || men.value === null) return null
  if (women.lower === null || women.upper === null || men.lower === null || men.upper === null) return null
  if (women.upper < men.lower) {
    return `${name} (${period}) was significantly lower for women (${valueFormat.format(women.value)}) than for men (${valueFormat.format(men.value)}).`
  }
  if (women.lower > men.upper) {
    return `${name} (${period}) was significantly higher for women (${valueFormat.format(women.value)}) than for men (${valueFormat.format(men.value)}).`
  }
  return `${name} (${period}): no significant difference between women (${valueFormat.format(women.value)}) and men (${valueFormat.format(men.value)}).`
}

/**
 * One table row per indicator. Each indicator's counts are disclosed on their own (no count of
 * one indicator adds up with another's), which lets the work give way between indicators.
 */
async function fingertipsTable(
  byIndicator: Map<number, FingertipsRecord[]>,
  section: SectionView,
  slicer: TimeSlicer,
): Promise<TableView> {
  const ids = await sortSliced([...byIndicator.keys()], (a, b) => a - b, slicer)
  const tableRows: Record<string, Cell>[] = []
  for (const id of ids) {
    if (slicer.due()) await slicer.pause()
    const own = byIndicator.get(id) ?? []
    const inputs: CountInput[] = []
    const period = latestPeriod(own, (r) => r.periodSortable)
    if (!period) continue
    const inPeriod = own.filter((r) => r.period === period)
    const bySex = new Map<Sex, FingertipsRecord>()
    for (const r of inPeriod) {
      const sex = sexCode(r.sex)
      // One age band per indicator: the first one published for the period.
      if (sex && !bySex.has(sex) && (bySex.size === 0 || [...bySex.values()][0]?.age === r.age)) bySex.set(sex, r)
    }
    for (const s of sexes) {
      const r = bySex.get(s.sex)
      inputs.push({
        key: `${String(id)}:${s.sex}`,
        count: r?.count === null || r?.count === undefined ? null : Math.round(r.count),
      })
    }
    const p = { id, name: inPeriod[0]?.indicatorName ?? String(id), period, bySex }
    const get = disclose(inputs)
    const cells: Record<string, Cell> = {
      indicator: textCell(`${p.name} (${String(p.id)})`),
      period: textCell(p.period),
    }
    for (const s of sexes) {
      const r = p.bySex.get(s.sex)
      const count = get(`${String(p.id)}:${s.sex}`)
      cells[`${s.key}Count`] = countCell(count)
      const guard = r?.value === null && r.valueNote ? hiddenCell('[c]', 'publisher') : null
      cells[`${s.key}Value`] = guard ?? guardedValue(r?.value ?? null, count, numberCell)
      cells[`${s.key}Lower`] = guard ?? guardedValue(r?.lower95 ?? null, count, numberCell)
      cells[`${s.key}Upper`] = guard ?? guardedValue(r?.upper95 ?? null, count, numberCell)
    }
    const women = p.bySex.get('F')
    const men = p.bySex.get('M')
    const shown = (s: 'F' | 'M') =>
      get(`${String(p.id)}:${s}`).status === 'shown' || get(`${String(p.id)}:${s}`).status === 'not-available'
    if (shown('F') && shown('M')) {
      const sentence = compareSexes(
        p.name,
        p.period,
        women && { value: women.value, lower: women.lower95, upper: women.upper95 },
        men && { value: men.value, lower: men.lower95, upper: men.upper95 },
      )
      if (sentence) section.findings.push(sentence)
    }
    cells.compared = textCell(women?.comparedToEngland ?? '')
    tableRows.push(cells)
  }
  return {
    id: 'harm-fingertips',
    caption: 'Harm indicators from Fingertips, women, men and all people, latest year',
    columns: [
      { key: 'indicator', label: 'Indicator', kind: 'text' },
      { key: 'period', label: 'Year', kind: 'text' },
      ...sexes.flatMap((s) => valueColumns(s.label, s.key, true)),
      { key: 'compared', label: 'Women compared with England (as published)', kind: 'text' },
    ],
    rows: tableRows,
    notes: [
      'Values are rates, percentages or ratios as OHID defines each indicator; see the indicator’s name. Counts are rounded to whole numbers.',
      SUPPRESSION_NOTE,
    ],
  }
}

function humanise(slug: string): string {
  const text = slug.replace(/[-_]+/g, ' ').trim()
  return text.charAt(0).toUpperCase() + text.slice(1)
}

async function localTable(
  byName: Map<string, LocalIndicatorRecord[]>,
  section: SectionView,
  slicer: TimeSlicer,
): Promise<TableView> {
  const names = await sortSliced([...byName.keys()], codeUnitOrder, slicer)
  const tableRows: Record<string, Cell>[] = []
  for (const name of names) {
    if (slicer.due()) await slicer.pause()
    const own = byName.get(name) ?? []
    const inputs: CountInput[] = []
    const period = latestPeriod(own)
    if (!period) continue
    const bySex = new Map<Sex, LocalIndicatorRecord>()
    for (const r of own.filter((x) => x.period === period)) {
      const sex = sexCode(r.sex)
      if (sex && (!bySex.has(sex) || ['all', '18+'].includes(r.ageGroup))) bySex.set(sex, r)
    }
    for (const s of sexes) {
      const r = bySex.get(s.sex)
      inputs.push({ key: `${name}:${s.sex}:count`, count: r?.count ?? null })
      inputs.push({ key: `${name}:${s.sex}:denominator`, count: r?.denominator ?? null })
    }
    const p = { name, period, unit: [...bySex.values()][0]?.unit ?? '', bySex }
    const get = disclose(inputs, [
      { total: `${p.name}:Persons:count`, parts: [`${p.name}:F:count`, `${p.name}:M:count`] },
    ])
    const cells: Record<string, Cell> = {
      indicator: textCell(humanise(p.name)),
      period: textCell(p.period),
      unit: textCell(p.unit),
    }
    const interval: Partial<Record<Sex, { value: number | null; lower: number | null; upper: number | null }>> = {}
    for (const s of sexes) {
      const r = p.bySex.get(s.sex)
      const count = get(`${p.name}:${s.sex}:count`)
      const denominator = get(`${p.name}:${s.sex}:denominator`)
      cells[`${s.key}Count`] = countCell(count)
      if (r && r.value !== null) {
        cells[`${s.key}Value`] = guardedValue(r.value, count, numberCell)
        cells[`${s.key}Lower`] = guardedValue(r.lower95, count, numberCell)
        cells[`${s.key}Upper`] = guardedValue(r.upper95, count, numberCell)
        interval[s.sex] = { value: r.value, lower: r.lower95, upper: r.upper95 }
      } else if (
        count.status === 'shown' &&
        denominator.status === 'shown' &&
        count.count !== null &&
        denominator.count !== null &&
        denominator.count > 0 &&
        count.count <= denominator.count
      ) {
        // No published value: the count as a share of its denominator, with a Wilson interval.
        const w = wilsonInterval(count.count, denominator.count)
        cells[`${s.key}Value`] = percentCell(w.estimate)
        cells[`${s.key}Lower`] = percentCell(w.lower)
        cells[`${s.key}Upper`] = percentCell(w.upper)
        interval[s.sex] = { value: w.estimate * 100, lower: w.lower * 100, upper: w.upper * 100 }
      } else {
        const hidden =
          count.status === 'shown' || count.status === 'not-available'
            ? hiddenCell('[x]', 'not-available')
            : hiddenCell(count.display, count.status)
        cells[`${s.key}Value`] = hidden
        cells[`${s.key}Lower`] = { ...hidden }
        cells[`${s.key}Upper`] = { ...hidden }
      }
    }
    const sentence = compareSexes(humanise(p.name), p.period, interval.F, interval.M)
    if (sentence) section.findings.push(sentence)
    tableRows.push(cells)
  }
  return {
    id: 'harm-local',
    caption: 'Local indicators, women, men and all people, latest year',
    columns: [
      { key: 'indicator', label: 'Indicator', kind: 'text' },
      { key: 'period', label: 'Year', kind: 'text' },
      { key: 'unit', label: 'Unit', kind: 'text' },
      ...sexes.flatMap((s) => valueColumns(s.label, s.key, true)),
    ],
    rows: tableRows,
    notes: [
      'Values and intervals as your council imported them. Where only a count and its denominator were given, the value is the count as a share of the denominator, with a Wilson 95% confidence interval.',
      SUPPRESSION_NOTE,
    ],
  }
}
