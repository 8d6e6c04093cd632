/**
 * Women's access to treatment: women's share of people in treatment and of new presentations, by
 * substance group, by age and over time, against women's estimated share of need, with England
 * and regional comparators when the import brought them.
 */
import { barChart, lineChart } from '../../../../lib/charts.js'
import { proportionTrend } from '../../../../lib/stats.js'
import type { CountGroup, CountInput, DisclosedCount } from '../../../../lib/suppression.js'
import { formatPercent } from '../../../../lib/suppression.js'
import {
  barDatum,
  countCell,
  disclose,
  percentCell,
  type ShareResult,
  shareColumns,
  shareOf,
  shareRow,
  shareSentence,
  textCell,
} from '../cells.js'
import { inTreatmentFor, needKinds, SET_FEMALE_SHARE, womensShareOfNeed } from '../definitions.js'
import {
  type AssessmentData,
  ageGroups,
  ageLabel,
  comparePeriods,
  measureInput,
  selectionPhrase,
  type Sex,
  substanceGroups,
  substanceLabel,
} from '../model.js'
import { countNotes, NDTMS_MISSING, ndtmsMissingForPeriod, WILSON_NOTE } from '../notes.js'
import type { Cell, HeadlineCard, SectionView, TableView } from '../types.js'
import { emptySection, noData, relatedInsight } from './common.js'

const TREAT = 'intreatment_allintx'
const NEW = 'newpresentation_newtx'

const measures = [
  { key: 'treat', measure: TREAT, label: 'People in treatment', lower: 'people in treatment' },
  { key: 'new', measure: NEW, label: 'New presentations', lower: 'new presentations' },
] as const

export function buildAccess(data: AssessmentData): SectionView {
  const section = emptySection('access')
  section.insights = relatedInsight(data, 'access')
  const cube = data.ndtms
  if (!cube.hasData) return noData(section, NDTMS_MISSING)
  const { period, substanceGroup, ageGroup } = data.selection
  const row = (sex: Sex, age = ageGroup, substance = substanceGroup, p = period, area?: string) =>
    cube.row(p, sex, age, substance, area)
  if (!row('F') && !row('Persons')) return noData(section, ndtmsMissingForPeriod(period))
  section.sourceIds = [...cube.importIds()]
  const phrase = selectionPhrase(data.selection)
  const forWhom = phrase ? ` ${phrase}` : ''

  // Summary: women, men and all people, with England and regional comparators beside.
  const inputs: CountInput[] = []
  const groups: CountGroup[] = []
  for (const m of measures) {
    for (const sex of ['F', 'M', 'Persons'] as const) inputs.push(measureInput(`${m.key}:${sex}`, row(sex), m.measure))
    groups.push({ total: `${m.key}:Persons`, parts: [`${m.key}:F`, `${m.key}:M`] })
    cube.comparatorAreas.forEach((area, i) => {
      for (const sex of ['F', 'Persons'] as const) {
        inputs.push(
          measureInput(
            `${m.key}:cmp${String(i)}:${sex}`,
            row(sex, ageGroup, substanceGroup, period, area.code),
            m.measure,
          ),
        )
      }
    })
  }
  const get = disclose(inputs, groups)
  const shares: Record<string, ShareResult> = {}
  const summaryRows = measures.map((m) => {
    const women = get(`${m.key}:F`)
    const all = get(`${m.key}:Persons`)
    const share = shareOf(women, all)
    shares[m.key] = share
    const cells: Record<string, Cell> = {
      measure: textCell(m.label),
      women: countCell(women),
      men: countCell(get(`${m.key}:M`)),
      all: countCell(all),
      ...shareRow('women', share),
    }
    cube.comparatorAreas.forEach((_area, i) => {
      Object.assign(
        cells,
        shareRow(
          `cmp${String(i)}`,
          shareOf(get(`${m.key}:cmp${String(i)}:F`), get(`${m.key}:cmp${String(i)}:Persons`)),
        ),
      )
    })
    return cells
  })
  const summary: TableView = {
    id: 'access',
    caption: `Women, men and all people in treatment and starting treatment${forWhom}, ${period}`,
    columns: [
      { key: 'measure', label: 'Measure', kind: 'text' },
      { key: 'women', label: 'Women', kind: 'count' },
      { key: 'men', label: 'Men', kind: 'count' },
      { key: 'all', label: 'All people', kind: 'count' },
      ...shareColumns('Women’s share', 'women'),
      ...cube.comparatorAreas.flatMap((area, i) => shareColumns(`${area.name}: women’s share`, `cmp${String(i)}`)),
    ],
    rows: summaryRows,
    notes: countNotes(
      cube,
      'All people includes people whose sex was not recorded, so women and men may not add up to it.',
      WILSON_NOTE,
    ),
  }
  section.tables.push(summary)

  const treatShare = shares.treat
  const newShare = shares.new
  const women = get('treat:F')
  section.cards.push({
    label: 'Women in treatment',
    value: women.display,
    detail: `${period}${forWhom}`,
  })
  if (treatShare) {
    section.cards.push({
      label: 'Women’s share of people in treatment',
      value: treatShare.share.display,
      detail: `${women.display} of ${get('treat:Persons').display} people`,
    })
  }
  if (newShare) {
    section.cards.push({
      label: 'Women’s share of new presentations',
      value: newShare.share.display,
      detail: `${get('new:F').display} of ${get('new:Persons').display} people starting treatment`,
    })
  }
  if (treatShare?.interval && newShare) {
    section.findings.push(
      `In ${period}, women were ${shareSentence(treatShare)} of people in treatment${forWhom} ` +
        `(${women.display} of ${get('treat:Persons').display}) and ${shareSentence(newShare)} of new presentations ` +
        `(${get('new:F').display} of ${get('new:Persons').display}).`,
    )
  } else {
    section.findings.push(
      `Women’s share of people in treatment${forWhom} in ${period} cannot be shown: the counts are ${women.display} women of ${get('treat:Persons').display} people.`,
    )
  }
  cube.comparatorAreas.forEach((area, i) => {
    const cmp = shareOf(get(`treat:cmp${String(i)}:F`), get(`treat:cmp${String(i)}:Persons`))
    if (cmp.interval)
      section.findings.push(`In ${area.name}, women were ${shareSentence(cmp)} of people in treatment${forWhom}.`)
  })

  // By substance group and by age.
  const bySubstance = breakdownTable(data, {
    id: 'access-by-substance',
    caption: `Women’s share of people in treatment and of new presentations by substance group, ${ageLabel(ageGroup).toLowerCase()}, ${period}`,
    heading: 'Substance group',
    items: [...substanceGroups.filter((s) => s.value !== 'all'), substanceGroups[0]].map((s) => ({
      value: s.value,
      label: s.label,
    })),
    rowFor: (value, sex) => row(sex, ageGroup, value),
    notes: [ALCOHOL_GROUPS_NOTE],
  })
  section.tables.push(bySubstance.table)
  section.charts.push({
    id: 'access-by-substance-chart',
    tableId: bySubstance.table.id,
    title: 'Women’s share by substance group',
    svg: barChart({
      id: 'access-by-substance-chart',
      title: `Women’s share of people in treatment and of new presentations by substance group, ${period}`,
      description:
        'Horizontal bars for each substance group: women’s share of people in treatment and of new presentations, with 95% confidence intervals. The same figures are in the table below.',
      categories: bySubstance.labels,
      series: [
        { name: 'People in treatment', data: bySubstance.treat.map(barDatum) },
        { name: 'New presentations', data: bySubstance.fresh.map(barDatum) },
      ],
      valueFormat: 'percent',
    }),
  })
  const byAge = breakdownTable(data, {
    id: 'access-by-age',
    caption: `Women’s share of people in treatment and of new presentations by age, ${substanceLabel(substanceGroup).toLowerCase()}, ${period}`,
    heading: 'Age group',
    items: [...ageGroups.filter((a) => a.value !== 'all'), ageGroups[0]].map((a) => ({
      value: a.value,
      label: a.label,
    })),
    rowFor: (value, sex) => row(sex, value, substanceGroup),
  })
  section.tables.push(byAge.table)
  section.charts.push({
    id: 'access-by-age-chart',
    tableId: byAge.table.id,
    title: 'Women’s share by age group',
    svg: barChart({
      id: 'access-by-age-chart',
      title: `Women’s share of people in treatment and of new presentations by age, ${period}`,
      description:
        'Horizontal bars for each age group: women’s share of people in treatment and of new presentations, with 95% confidence intervals. The same figures are in the table below.',
      categories: byAge.labels,
      series: [
        { name: 'People in treatment', data: byAge.treat.map(barDatum) },
        { name: 'New presentations', data: byAge.fresh.map(barDatum) },
      ],
      valueFormat: 'percent',
    }),
  })
  for (const [label, results] of [
    ['substance group', bySubstance],
    ['age group', byAge],
  ] as const) {
    const shown = results.treat
      .map((r, i) => ({ r, label: results.labels[i] ?? '' }))
      .slice(0, -1)
      .filter((x) => x.r.interval)
    if (shown.length < 2) continue
    const sorted = [...shown].sort((a, b) => (a.r.interval?.estimate ?? 0) - (b.r.interval?.estimate ?? 0))
    const low = sorted[0]
    const high = sorted.at(-1)
    if (low && high && low !== high) {
      section.findings.push(
        `By ${label}, women’s share of people in treatment was highest for ${high.label.toLowerCase()} (${high.r.share.display}) and lowest for ${low.label.toLowerCase()} (${low.r.share.display}).`,
      )
    }
  }

  // Over time, up to the selected year.
  const trend = trendTable(data)
  section.tables.push(trend.table)
  section.charts.push({
    id: 'access-trend-chart',
    tableId: trend.table.id,
    title: 'Women’s share over time',
    svg: lineChart({
      id: 'access-trend-chart',
      title: `Women’s share of people in treatment and of new presentations, ${trend.periods[0] ?? ''} to ${period}`,
      description:
        'Two lines over the years: women’s share of people in treatment and of new presentations, with shaded 95% confidence intervals. The same figures are in the table below.',
      series: [
        {
          name: 'People in treatment',
          points: trend.periods.map((p, i) => point(p, trend.treat[i])),
        },
        {
          name: 'New presentations',
          points: trend.periods.map((p, i) => point(p, trend.fresh[i])),
        },
      ],
      valueFormat: 'percent',
    }),
  })
  const direction = trend.direction
  const trendCard: HeadlineCard = {
    label: 'Trend in women’s share of people in treatment',
    value: direction.direction === 'no significant change' ? 'No significant change' : capitalise(direction.direction),
    detail: `Over the last ${String(Math.min(5, trend.periods.length))} years to ${period}`,
  }
  section.cards.push(trendCard)
  section.findings.push(trendSentence(direction, trend.periods, period))

  // Against women's estimated share of need.
  const need = needTable(data)
  section.tables.push(need.table)
  section.findings.push(...need.findings)
  section.notes.push(
    'Women’s share of need is women’s share of the estimated number of people who need treatment. Where prevalence is published only for all people, it is modelled from the female share your council stated, and labelled modelled.',
  )
  return section
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function point(x: string, r: ShareResult | undefined) {
  return {
    x,
    value: r?.interval?.estimate ?? null,
    lower: r?.interval?.lower ?? null,
    upper: r?.interval?.upper ?? null,
  }
}

/** Why "Alcohol" (the need comparison) and "Alcohol only" (a substance group) give different shares. */
const ALCOHOL_GROUPS_NOTE =
  '“Alcohol” in the comparison with need is two ViewIt substance groups together, “alcohol only” and “non-opiates and alcohol”, as OHID counts dependent drinkers in treatment for indicator 93532. The “Alcohol only” substance group leaves out people who use non-opiate drugs as well as alcohol, so women’s share of it is a different figure.'

function breakdownTable(
  data: AssessmentData,
  opts: {
    id: string
    caption: string
    heading: string
    items: { value: string; label: string }[]
    rowFor: (value: string, sex: Sex) => ReturnType<AssessmentData['ndtms']['row']>
    notes?: string[]
  },
): { table: TableView; labels: string[]; treat: ShareResult[]; fresh: ShareResult[] } {
  const inputs: CountInput[] = []
  for (const item of opts.items) {
    for (const sex of ['F', 'Persons'] as const) {
      inputs.push(measureInput(`${item.value}:${sex}:treat`, opts.rowFor(item.value, sex), TREAT))
      inputs.push(measureInput(`${item.value}:${sex}:new`, opts.rowFor(item.value, sex), NEW))
    }
  }
  // The groups (and the age bands) split the 'all' row, so each column is a suppression group.
  const parts = opts.items.filter((i) => i.value !== 'all').map((i) => i.value)
  const groups: CountGroup[] = []
  for (const sex of ['F', 'Persons']) {
    for (const m of ['treat', 'new'])
      groups.push({ total: `all:${sex}:${m}`, parts: parts.map((p) => `${p}:${sex}:${m}`) })
  }
  const get = disclose(inputs, groups)
  const treat: ShareResult[] = []
  const fresh: ShareResult[] = []
  const rows = opts.items.map((item) => {
    const t = shareOf(get(`${item.value}:F:treat`), get(`${item.value}:Persons:treat`))
    const n = shareOf(get(`${item.value}:F:new`), get(`${item.value}:Persons:new`))
    treat.push(t)
    fresh.push(n)
    return {
      item: textCell(item.label),
      womenTreat: countCell(get(`${item.value}:F:treat`)),
      allTreat: countCell(get(`${item.value}:Persons:treat`)),
      ...shareRow('treat', t),
      womenNew: countCell(get(`${item.value}:F:new`)),
      allNew: countCell(get(`${item.value}:Persons:new`)),
      ...shareRow('new', n),
    }
  })
  return {
    table: {
      id: opts.id,
      caption: opts.caption,
      columns: [
        { key: 'item', label: opts.heading, kind: 'text' },
        { key: 'womenTreat', label: 'Women in treatment', kind: 'count' },
        { key: 'allTreat', label: 'All people in treatment', kind: 'count' },
        ...shareColumns('In treatment: women’s share', 'treat'),
        { key: 'womenNew', label: 'Women, new presentations', kind: 'count' },
        { key: 'allNew', label: 'All new presentations', kind: 'count' },
        ...shareColumns('New presentations: women’s share', 'new'),
      ],
      rows,
      notes: countNotes(data.ndtms, WILSON_NOTE, ...(opts.notes ?? [])),
    },
    labels: opts.items.map((i) => i.label),
    treat,
    fresh,
  }
}

function trendTable(data: AssessmentData): {
  table: TableView
  periods: string[]
  treat: ShareResult[]
  fresh: ShareResult[]
  direction: ReturnType<typeof proportionTrend>
} {
  const { period, substanceGroup, ageGroup } = data.selection
  const cube = data.ndtms
  const periods = cube.periods.filter((p) => comparePeriods(p, period) <= 0)
  const inputs: CountInput[] = []
  for (const p of periods) {
    for (const sex of ['F', 'Persons'] as const) {
      const r = cube.row(p, sex, ageGroup, substanceGroup)
      inputs.push(measureInput(`${p}:${sex}:treat`, r, TREAT))
      inputs.push(measureInput(`${p}:${sex}:new`, r, NEW))
    }
  }
  const get = disclose(inputs)
  const treat: ShareResult[] = []
  const fresh: ShareResult[] = []
  const rows = periods.map((p) => {
    const t = shareOf(get(`${p}:F:treat`), get(`${p}:Persons:treat`))
    const n = shareOf(get(`${p}:F:new`), get(`${p}:Persons:new`))
    treat.push(t)
    fresh.push(n)
    return {
      period: textCell(p),
      womenTreat: countCell(get(`${p}:F:treat`)),
      allTreat: countCell(get(`${p}:Persons:treat`)),
      ...shareRow('treat', t),
      womenNew: countCell(get(`${p}:F:new`)),
      allNew: countCell(get(`${p}:Persons:new`)),
      ...shareRow('new', n),
    }
  })
  // Only shown counts feed the test for trend; a hidden year keeps its place but is not used.
  const direction = proportionTrend(treat.map((t) => t.counts ?? { count: Number.NaN, denominator: Number.NaN }))
  const phrase = selectionPhrase(data.selection)
  return {
    table: {
      id: 'access-trend',
      caption: `Women’s share of people in treatment and of new presentations${phrase ? ` ${phrase}` : ''}, ${periods[0] ?? period} to ${period}`,
      columns: [
        { key: 'period', label: 'Year', kind: 'text' },
        { key: 'womenTreat', label: 'Women in treatment', kind: 'count' },
        { key: 'allTreat', label: 'All people in treatment', kind: 'count' },
        ...shareColumns('In treatment: women’s share', 'treat'),
        { key: 'womenNew', label: 'Women, new presentations', kind: 'count' },
        { key: 'allNew', label: 'All new presentations', kind: 'count' },
        ...shareColumns('New presentations: women’s share', 'new'),
      ],
      rows,
      notes: countNotes(
        cube,
        WILSON_NOTE,
        'The direction of the trend comes from a chi-squared test for linear trend in proportions over the last 5 years shown (p below 0.05).',
      ),
    },
    periods,
    treat,
    fresh,
    direction,
  }
}

function trendSentence(trend: ReturnType<typeof proportionTrend>, periods: string[], period: string): string {
  const recent = periods.slice(-5)
  const span = `${recent[0] ?? period} to ${period}`
  const p =
    trend.pValue === null
      ? ''
      : ` (chi-squared test for trend, p = ${trend.pValue < 0.001 ? 'below 0.001' : trend.pValue.toFixed(3)})`
  switch (trend.direction) {
    case 'increasing':
      return `Women’s share of people in treatment increased significantly from ${span}${p}.`
    case 'decreasing':
      return `Women’s share of people in treatment fell significantly from ${span}${p}.`
    case 'no significant change':
      return `Women’s share of people in treatment showed no significant change from ${span}${p}.`
    default:
      return 'There are not enough years of data to say whether women’s share of people in treatment is changing.'
  }
}

function needTable(data: AssessmentData): { table: TableView; findings: string[] } {
  const period = data.selection.period
  const inputs: CountInput[] = []
  const bases: Record<string, string> = {}
  for (const k of needKinds) {
    for (const sex of ['F', 'Persons'] as const) {
      const t = inTreatmentFor(data, k.kind, period, sex, `${k.kind}:${sex}`)
      inputs.push(t.input)
      bases[k.kind] = t.basis
    }
  }
  const get = disclose(inputs)
  const findings: string[] = []
  const rows = needKinds.map((k) => {
    const women: DisclosedCount = get(`${k.kind}:F`)
    const all = get(`${k.kind}:Persons`)
    const share = shareOf(women, all)
    const need = womensShareOfNeed(data, k.kind)
    const needCell: Cell =
      need.share === null
        ? { value: null, display: '[x]', status: 'not-available' }
        : percentCell(need.share, need.modelled)
    if (share.interval && need.share !== null) {
      const under = share.interval.upper < need.share
      const over = share.interval.lower > need.share
      findings.push(
        `${k.label}: women are ${shareSentence(share)} of people in treatment and an estimated ${formatPercent(need.share)} of ${k.people}` +
          `${need.assumption ? `, ${need.assumption}` : ''}. ` +
          (under
            ? 'Women are under-represented in treatment compared with their share of need.'
            : over
              ? 'Women are over-represented in treatment compared with their share of need.'
              : 'Women’s share of treatment is in line with their estimated share of need.'),
      )
    } else if (need.basis === 'example') {
      findings.push(
        `${k.label}: the female share of need stated for ${k.people} is an example value, so no comparison is made. ${SET_FEMALE_SHARE}.`,
      )
    } else if (need.share === null) {
      findings.push(`${k.label}: women’s share of need cannot be estimated yet (${need.description}).`)
    }
    return {
      substance: textCell(k.label),
      women: countCell(women),
      all: countCell(all),
      ...shareRow('women', share),
      need: needCell,
      basis: textCell(need.description, need.modelled),
    }
  })
  return {
    table: {
      id: 'access-need',
      caption: `Women’s share of people in treatment against women’s estimated share of need, ${period}`,
      columns: [
        { key: 'substance', label: 'Substance', kind: 'text' },
        { key: 'women', label: 'Women in treatment', kind: 'count' },
        { key: 'all', label: 'All people in treatment', kind: 'count' },
        ...shareColumns('Women’s share of treatment', 'women'),
        { key: 'need', label: 'Women’s estimated share of need', kind: 'percent' },
        { key: 'basis', label: 'Where the share of need comes from', kind: 'text' },
      ],
      rows,
      notes: countNotes(
        data.ndtms,
        `Alcohol: ${bases.alcohol ?? ''}. Opiates and crack: ${bases.ocu ?? ''}.`,
        ALCOHOL_GROUPS_NOTE,
        WILSON_NOTE,
      ),
    },
    findings,
  }
}
