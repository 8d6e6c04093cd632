/**
 * Who the women in treatment are: ethnicity, sexuality, disability and religion, as shares of
 * women in treatment or starting treatment, with Wilson intervals; and, where the council has
 * imported its female population by the same characteristic, a representation ratio (share in
 * treatment over share in the population) with its interval.
 */
import { barChart } from '../../../../lib/charts.js'
import { type Interval, representationRatio } from '../../../../lib/stats.js'
import type { CountGroup, CountInput } from '../../../../lib/suppression.js'
import { formatPercent } from '../../../../lib/suppression.js'
import {
  barDatum,
  blankCell,
  countCell,
  disclose,
  hiddenCell,
  percentCell,
  round6,
  type ShareResult,
  shareColumns,
  shareOf,
  shareRow,
  textCell,
  unavailableShare,
} from '../cells.js'
import { type AssessmentData, comparePeriods, measureInput, selectionPhrase, sexCode } from '../model.js'
import { countNotes, NDTMS_MISSING, ndtmsMissingForPeriod, TEMPLATES_PATH, WILSON_NOTE } from '../notes.js'
import type { PopulationRecord } from '../repository.js'
import type { Cell, Column, SectionView, TableView } from '../types.js'
import { emptySection, noData, relatedInsight } from './common.js'

interface Characteristic {
  id: string
  name: string
  prefix: string
  cohorts: ('allintx' | 'newtx')[]
  categories: { key: string; label: string }[]
}

const characteristics: Characteristic[] = [
  {
    id: 'ethnicity',
    name: 'ethnicity',
    prefix: 'eth',
    cohorts: ['allintx', 'newtx'],
    categories: [
      { key: 'white', label: 'White' },
      { key: 'mixed', label: 'Mixed or multiple ethnic groups' },
      { key: 'asian', label: 'Asian or Asian British' },
      { key: 'black', label: 'Black, Black British, Caribbean or African' },
      { key: 'other', label: 'Other ethnic group' },
    ],
  },
  {
    id: 'sexuality',
    name: 'sexual orientation',
    prefix: 'sexuality',
    cohorts: ['newtx'],
    categories: [
      { key: 'hetero', label: 'Heterosexual or straight' },
      { key: 'gaylesbian', label: 'Gay or lesbian' },
      { key: 'bi', label: 'Bisexual' },
      { key: 'other', label: 'Other sexual orientation' },
      { key: 'notstated', label: 'Not stated' },
      { key: 'missing', label: 'Not recorded' },
    ],
  },
  {
    id: 'disability',
    name: 'disability',
    prefix: 'disability',
    cohorts: ['newtx'],
    categories: [
      { key: 'any', label: 'Disabled' },
      { key: 'nodisability', label: 'Not disabled' },
      { key: 'notstated', label: 'Not stated' },
      { key: 'allmissing', label: 'Not recorded' },
    ],
  },
  {
    id: 'religion',
    name: 'religion',
    prefix: 'religion',
    cohorts: ['newtx'],
    categories: [
      { key: 'christian', label: 'Christian' },
      { key: 'muslim', label: 'Muslim' },
      { key: 'jewish', label: 'Jewish' },
      { key: 'hindu', label: 'Hindu' },
      { key: 'sikh', label: 'Sikh' },
      { key: 'buddhist', label: 'Buddhist' },
      { key: 'bahai', label: 'Bahá’í' },
      { key: 'jain', label: 'Jain' },
      { key: 'pagan', label: 'Pagan' },
      { key: 'zoroastrian', label: 'Zoroastrian' },
      { key: 'other', label: 'Other religion' },
      { key: 'none', label: 'No religion' },
      { key: 'decline', label: 'Declined to say' },
      { key: 'unknown', label: 'Unknown' },
      { key: 'missing', label: 'Not recorded' },
    ],
  },
]

const cohortInfo = {
  allintx: { total: 'intreatment_allintx', label: 'Women in treatment', short: 'women in treatment' },
  newtx: { total: 'newpresentation_newtx', label: 'Women starting treatment', short: 'women starting treatment' },
} as const

interface Population {
  byCategory: Map<string, number>
  total: number
  period: string
  ageGroup: string
  importIds: Set<string>
}

/** Women in the area by this characteristic: the latest year, one age group (18+ first), with its total. */
function femalePopulation(rows: PopulationRecord[], characteristic: string): Population | null {
  const women = rows.filter((r) => sexCode(r.sex) === 'F')
  const own = women.filter((r) => r.characteristic.toLowerCase() === characteristic)
  if (own.length === 0) return null
  const periods = [...new Set(own.map((r) => r.period))].sort(comparePeriods)
  const period = periods.at(-1) ?? ''
  const inPeriod = own.filter((r) => r.period === period)
  const ages = [...new Set(inPeriod.map((r) => r.ageGroup))]
  const ageGroup = ['18+', 'all', '16+'].find((a) => ages.includes(a)) ?? ages.sort()[0] ?? ''
  const chosen = inPeriod.filter((r) => r.ageGroup === ageGroup)
  const byCategory = new Map(chosen.map((r) => [r.category.toLowerCase(), r.count]))
  const totalRow = women.find(
    (r) =>
      r.characteristic.toLowerCase() === 'all' &&
      r.period === period &&
      r.ageGroup === ageGroup &&
      ['all', 'total'].includes(r.category.toLowerCase()),
  )
  const total = totalRow?.count ?? [...byCategory.values()].reduce((a, b) => a + b, 0)
  if (!(total > 0)) return null
  const importIds = new Set(chosen.map((r) => r.importId))
  if (totalRow) importIds.add(totalRow.importId)
  return { byCategory, total, period, ageGroup, importIds }
}

const ratioFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const ratioCell = (v: number): Cell => ({ value: round6(v), display: ratioFormat.format(v), status: 'shown' })

export function buildRepresentation(data: AssessmentData): SectionView {
  const section = emptySection('representation')
  section.insights = relatedInsight(data, 'representation')
  const cube = data.ndtms
  if (!cube.hasData) return noData(section, NDTMS_MISSING)
  const { period, ageGroup, substanceGroup } = data.selection
  const women = cube.row(period, 'F', ageGroup, substanceGroup)
  if (!women) return noData(section, ndtmsMissingForPeriod(period))
  const sourceIds = new Set(cube.importIds())
  const phrase = selectionPhrase(data.selection)
  const forWhom = phrase ? ` ${phrase}` : ''
  const missingPopulation: string[] = []

  for (const ch of characteristics) {
    const inputs: CountInput[] = []
    const groups: CountGroup[] = []
    for (const cohort of ch.cohorts) {
      for (const c of ch.categories)
        inputs.push(measureInput(`${cohort}:${c.key}`, women, `${ch.prefix}_${c.key}_${cohort}`))
      inputs.push(measureInput(`${cohort}:total`, women, cohortInfo[cohort].total))
      groups.push({ total: `${cohort}:total`, parts: ch.categories.map((c) => `${cohort}:${c.key}`) })
    }
    const get = disclose(inputs, groups)
    // Leave out categories the export does not carry at all (an older release, another layout).
    const categories = ch.categories.filter((c) =>
      ch.cohorts.some((cohort) => women.measures[`${ch.prefix}_${c.key}_${cohort}`] !== undefined),
    )
    if (categories.length === 0) continue
    const population = femalePopulation(data.population, ch.id)
    if (population) for (const id of population.importIds) sourceIds.add(id)
    else missingPopulation.push(ch.name)
    const main = ch.cohorts[0] ?? 'newtx'
    const shares = new Map<string, ShareResult>()
    const ratios = new Map<string, Interval>()
    const rows = categories.map((c) => {
      const cells: Record<string, Cell> = { category: textCell(c.label) }
      for (const cohort of ch.cohorts) {
        const count = get(`${cohort}:${c.key}`)
        const share = shareOf(count, get(`${cohort}:total`))
        if (cohort === main) shares.set(c.key, share)
        Object.assign(cells, { [`${cohort}Count`]: countCell(count) }, shareRow(cohort, share))
      }
      if (population) {
        const groupPopulation = population.byCategory.get(c.key)
        const main0 = shares.get(c.key)
        cells.population =
          groupPopulation === undefined
            ? hiddenCell('[x]', 'not-available')
            : percentCell(groupPopulation / population.total)
        if (
          main0?.counts &&
          groupPopulation !== undefined &&
          groupPopulation > 0 &&
          groupPopulation <= population.total
        ) {
          const ratio = representationRatio(
            main0.counts.count,
            main0.counts.denominator,
            groupPopulation,
            population.total,
          )
          ratios.set(c.key, ratio)
          Object.assign(cells, {
            ratio: ratioCell(ratio.estimate),
            ratioLower: ratioCell(ratio.lower),
            ratioUpper: ratioCell(ratio.upper),
          })
        } else {
          const hidden =
            main0 && main0.share.status !== 'shown'
              ? hiddenCell(main0.share.display, main0.share.status)
              : hiddenCell('[x]', 'not-available')
          Object.assign(cells, { ratio: hidden, ratioLower: { ...hidden }, ratioUpper: { ...hidden } })
        }
      }
      return cells
    })
    rows.push({
      category: textCell(`All ${cohortInfo[main].short} (published total)`),
      ...Object.fromEntries(
        ch.cohorts.flatMap((cohort) => [
          [`${cohort}Count`, countCell(get(`${cohort}:total`))],
          [`${cohort}Share`, blankCell()],
          [`${cohort}Lower`, blankCell()],
          [`${cohort}Upper`, blankCell()],
        ]),
      ),
      ...(population
        ? { population: blankCell(), ratio: blankCell(), ratioLower: blankCell(), ratioUpper: blankCell() }
        : {}),
    })
    const columns: Column[] = [
      { key: 'category', label: capitalise(ch.name), kind: 'text' },
      ...ch.cohorts.flatMap((cohort): Column[] => [
        { key: `${cohort}Count`, label: cohortInfo[cohort].label, kind: 'count' },
        ...shareColumns(`Share of ${cohortInfo[cohort].short}`, cohort),
      ]),
      ...(population
        ? ([
            { key: 'population', label: 'Share of women living in the area', kind: 'percent' },
            { key: 'ratio', label: 'Representation ratio', kind: 'ratio' },
            { key: 'ratioLower', label: 'Representation ratio: lower 95% limit', kind: 'ratio' },
            { key: 'ratioUpper', label: 'Representation ratio: upper 95% limit', kind: 'ratio' },
          ] satisfies Column[])
        : []),
    ]
    const table: TableView = {
      id: `representation-${ch.id}`,
      caption: `${ch.cohorts.length === 1 ? cohortInfo[main].label : 'Women in treatment and women starting treatment'} by ${ch.name}${forWhom}, ${period}`,
      columns,
      rows,
      notes: countNotes(
        cube,
        WILSON_NOTE,
        ...(population
          ? [
              `The representation ratio is the share among ${cohortInfo[main].short} divided by the share among women living in the area (${population.ageGroup}, ${population.period}). 1 means in proportion; below 1, fewer than expected.`,
            ]
          : [
              `To compare with women living in the area, import local population estimates by ${ch.name} using the population template.`,
            ]),
      ),
    }
    section.tables.push(table)
    section.charts.push({
      id: `${table.id}-chart`,
      tableId: table.id,
      title: `Women by ${ch.name}`,
      svg: barChart({
        id: `${table.id}-chart`,
        title: `Share of ${cohortInfo[main].short} by ${ch.name}, ${period}`,
        description: `Horizontal bars for each ${ch.name} group: the share of ${cohortInfo[main].short}${population ? ', and of women living in the area' : ''}, with 95% confidence intervals. The same figures are in the table below.`,
        categories: categories.map((c) => c.label),
        series: [
          {
            name: capitalise(cohortInfo[main].short),
            data: categories.map((c) => barDatum(shares.get(c.key) ?? unavailableShare())),
          },
          ...(population
            ? [
                {
                  name: 'Women living in the area',
                  data: categories.map((c) => {
                    const n = population.byCategory.get(c.key)
                    return n === undefined
                      ? { value: null, display: '[x]' }
                      : { value: round6(n / population.total), display: formatPercent(n / population.total) }
                  }),
                },
              ]
            : []),
        ],
        valueFormat: 'percent',
      }),
    })
    for (const c of categories) {
      const r = ratios.get(c.key)
      if (!r) continue
      if (r.upper < 1 || r.lower > 1) {
        section.findings.push(
          `${c.label} women are ${r.upper < 1 ? 'under-represented' : 'over-represented'} among ${cohortInfo[main].short} compared with women living in the area: representation ratio ${ratioFormat.format(r.estimate)} (95% confidence interval ${ratioFormat.format(r.lower)} to ${ratioFormat.format(r.upper)}).`,
        )
      }
    }
    if (ch.id === 'ethnicity') {
      const notWhite = categories
        .filter((c) => c.key !== 'white')
        .map((c) => ({ c, s: shares.get(c.key) }))
        .filter((x) => x.s?.interval)
      if (notWhite.length > 0) {
        section.findings.push(
          `Of women in treatment in ${period}: ${notWhite.map((x) => `${x.s?.share.display ?? ''} ${x.c.label}`).join('; ')}.`,
        )
      }
      const white = shares.get('white')
      if (white)
        section.cards.push({ label: 'Women in treatment who are White', value: white.share.display, detail: period })
    }
    if (ch.id === 'disability') {
      const disabled = shares.get('any')
      if (disabled) {
        section.cards.push({
          label: 'Women starting treatment who are disabled',
          value: disabled.share.display,
          detail: period,
        })
      }
    }
    if (ch.id === 'sexuality') {
      const lgb = ['gaylesbian', 'bi'].map((k) => shares.get(k)?.share.display ?? '[x]')
      section.findings.push(
        `Of women starting treatment, ${lgb[0] ?? ''} were gay or lesbian and ${lgb[1] ?? ''} bisexual.`,
      )
    }
  }
  if (missingPopulation.length > 0) {
    section.findings.push(
      `There are no local population figures for women by ${missingPopulation.join(', ')}, so representation ratios cannot be worked out. Import them with the population template.`,
    )
    section.actions = [{ href: TEMPLATES_PATH, text: 'Get the population template' }]
  }
  section.notes.push(
    'Ethnicity is recorded for everyone in treatment; sexual orientation, disability and religion only for people starting treatment in the year.',
  )
  section.sourceIds = [...sourceIds]
  return section
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
