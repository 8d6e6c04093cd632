/**
 * Unmet need: the estimated share of people who need treatment for alcohol dependence, or for
 * opiate and crack use, who are not in treatment, for women, men and all people. The interval
 * comes from the prevalence estimate's interval. Where prevalence is published only for all
 * people, the figures for women and men are modelled from the female share the council stated.
 * OHID's published Fingertips values (93532, 93517) for all people are shown beside.
 */
import { barChart } from '../../../../lib/charts.js'
import { type Interval, unmetNeed } from '../../../../lib/stats.js'
import { type CountInput, discloseCounts, formatPercent } from '../../../../lib/suppression.js'
import { filterSliced, TimeSlicer } from '../../../../lib/time-slice.js'
import { countCell, disclose, hiddenCell, percentCell, round6, textCell } from '../cells.js'
import {
  inTreatmentFor,
  type NeedKind,
  needKinds,
  pickPrevalence,
  SET_FEMALE_SHARE,
  statedFemaleShare,
} from '../definitions.js'
import { type AssessmentData, comparePeriods, sexCode } from '../model.js'
import { ASSUMPTIONS_PATH, IMPORTS_PATH, ROUNDING_NOTE, SUPPRESSION_NOTE } from '../notes.js'
import type { FingertipsRecord } from '../repository.js'
import type { Cell, SectionView, TableView } from '../types.js'
import { emptySection, noData, relatedInsight } from './common.js'

const groups = [
  { sex: 'F', label: 'women' },
  { sex: 'M', label: 'men' },
  { sex: 'Persons', label: 'all people' },
] as const

interface GroupResult {
  kind: NeedKind
  sex: 'F' | 'M' | 'Persons'
  prevalence: (Interval & { period: string }) | null
  modelled: boolean
  basis: string
  unmet: ReturnType<typeof unmetNeed> | null
  inTreatment: Cell
}

/** Whole-number display of an estimate through the one suppression function (estimates of people are counts too). */
function estimateCell(value: number, modelled: boolean): Cell {
  const d = discloseCounts([{ key: 'e', count: Math.round(value) }]).get('e')
  const cell: Cell = d ? countCell(d) : hiddenCell('[x]', 'not-available')
  if (modelled) cell.modelled = true
  return cell
}

const naCell = (): Cell => hiddenCell('[x]', 'not-available')

export async function buildUnmetNeed(data: AssessmentData, slicer = new TimeSlicer()): Promise<SectionView> {
  const section = emptySection('unmet-need')
  section.insights = relatedInsight(data, 'unmet-need')
  const period = data.selection.period
  const published = await filterSliced(
    data.fingertips,
    (f) => (f.indicatorId === 93532 || f.indicatorId === 93517) && f.categoryType === '',
    slicer,
  )
  const hasPrevalence = data.prevalence.length > 0
  if (!hasPrevalence && published.length === 0) {
    return noData(
      section,
      'There are no prevalence estimates yet. Import the alcohol dependence prevalence estimates and the opiate and crack use (OCU) prevalence estimates, with the NDTMS ViewIt export, to estimate unmet need. The Fingertips unmet need indicators (93532 for alcohol, 93517 for opiates and crack) can be imported too, to show OHID’s own figures beside.',
    )
  }
  const sourceIds = new Set<string>()

  // In treatment: women, men and all people for each kind, through the suppression function together.
  const inputs: CountInput[] = []
  const bases: Record<string, { basis: string; fallback: boolean }> = {}
  for (const k of needKinds) {
    for (const g of groups) {
      const t = inTreatmentFor(data, k.kind, period, g.sex, `${k.kind}:${g.sex}`)
      inputs.push(t.input)
      bases[k.kind] = { basis: t.basis, fallback: t.fallback }
    }
  }
  const get = disclose(
    inputs,
    needKinds.map((k) => ({ total: `${k.kind}:Persons`, parts: [`${k.kind}:F`, `${k.kind}:M`] })),
  )
  if (data.ndtms.hasData) for (const id of data.ndtms.importIds()) sourceIds.add(id)

  const results: GroupResult[] = []
  const findings: string[] = []
  const missing: string[] = []
  for (const k of needKinds) {
    const persons = pickPrevalence(data, k.kind, 'Persons', period)
    const { usable: stated, example } = statedFemaleShare(data, k.kind)
    if (persons) sourceIds.add(persons.row.importId)
    if (!persons && !pickPrevalence(data, k.kind, 'F', period)) {
      missing.push(
        `There is no prevalence estimate for ${k.people} yet: import the ${k.kind === 'alcohol' ? 'alcohol dependence' : 'opiate and crack use (OCU)'} prevalence estimates to estimate unmet need.`,
      )
    }
    for (const g of groups) {
      const own = pickPrevalence(data, k.kind, g.sex, period)
      let prevalence: GroupResult['prevalence'] = null
      let modelled = false
      let basis: string
      if (own) {
        sourceIds.add(own.row.importId)
        prevalence = {
          estimate: own.row.estimate,
          lower: own.row.lower95,
          upper: own.row.upper95,
          period: own.row.period,
        }
        basis = `prevalence estimate for ${own.row.period} (${own.row.source})`
      } else if (persons && stated && g.sex !== 'Persons') {
        const share = g.sex === 'F' ? stated.share : 1 - stated.share
        const r = persons.row
        prevalence = {
          estimate: r.estimate * share,
          lower: r.lower95 * share,
          upper: r.upper95 * share,
          period: r.period,
        }
        modelled = true
        basis = `modelled: ${formatPercent(share)} of the ${r.period} estimate for all people, from the female share your council stated (${stated.source})`
      } else {
        basis =
          g.sex === 'Persons'
            ? 'missing: no prevalence estimate for all people'
            : example
              ? `not estimated: the female share stated is an example value, not your council’s figure`
              : `missing: no prevalence estimate for ${g.label}, and no female share stated`
      }
      const treated = get(`${k.kind}:${g.sex}`)
      let unmet: GroupResult['unmet'] = null
      if (prevalence && treated.status === 'shown' && treated.count !== null) {
        unmet = unmetNeed(treated.count, prevalence)
      }
      results.push({ kind: k.kind, sex: g.sex, prevalence, modelled, basis, unmet, inTreatment: countCell(treated) })
    }
    const all = results.find((r) => r.kind === k.kind && r.sex === 'Persons')
    if (all?.unmet && all.prevalence) {
      findings.push(
        `An estimated ${formatPercent(all.unmet.estimate)} of ${k.people} were not in treatment in ${period} ` +
          `(95% confidence interval ${formatPercent(all.unmet.lower)} to ${formatPercent(all.unmet.upper)}), ` +
          `using the ${all.prevalence.period} prevalence estimate.`,
      )
    }
    const women = results.find((r) => r.kind === k.kind && r.sex === 'F')
    const men = results.find((r) => r.kind === k.kind && r.sex === 'M')
    if (women?.unmet && men?.unmet) {
      findings.push(
        `${women.modelled && stated ? `Assuming women are ${formatPercent(stated.share)} of ${k.people} (the female share your council stated, source: ${stated.source}), an` : 'An'} estimated ` +
          `${formatPercent(women.unmet.estimate)} of women who are ${k.people} were not in treatment ` +
          `(${formatPercent(women.unmet.lower)} to ${formatPercent(women.unmet.upper)}), against ${formatPercent(men.unmet.estimate)} of men.`,
      )
      section.cards.push({
        label: `Women ${k.people} not in treatment`,
        value: formatPercent(women.unmet.estimate),
        detail: `${formatPercent(women.unmet.lower)} to ${formatPercent(women.unmet.upper)}; all people ${all?.unmet ? formatPercent(all.unmet.estimate) : '[x]'}`,
        ...(women.modelled ? { modelled: true } : {}),
      })
    } else if (all?.unmet) {
      section.cards.push({
        label: `${k.label}: people not in treatment`,
        value: formatPercent(all.unmet.estimate),
        detail: `${formatPercent(all.unmet.lower)} to ${formatPercent(all.unmet.upper)}, all people`,
      })
      if (example && !pickPrevalence(data, k.kind, 'F', period)) {
        findings.push(
          `Unmet need for women who are ${k.people} is not estimated: the female share stated is an example value. ${SET_FEMALE_SHARE}.`,
        )
      } else if (!stated && !pickPrevalence(data, k.kind, 'F', period)) {
        findings.push(
          `Unmet need for women who are ${k.people} cannot be estimated yet: state the female share of the estimate (on the assumptions page, ${ASSUMPTIONS_PATH}) or import prevalence estimates by sex.`,
        )
      }
    }
  }
  findings.push(...missing)
  const actions: { href: string; text: string }[] = []
  if (missing.length > 0) actions.push({ href: IMPORTS_PATH, text: 'Import prevalence estimates' })
  if (results.some((r) => r.sex !== 'Persons' && !r.prevalence)) {
    actions.push({ href: ASSUMPTIONS_PATH, text: 'State the female share of the prevalence estimates' })
  }
  if (actions.length > 0) section.actions = actions

  const table: TableView = {
    id: 'unmet-need',
    caption: `Estimated unmet need for treatment, women, men and all people, ${period}`,
    columns: [
      { key: 'group', label: 'Substance and group', kind: 'text' },
      { key: 'prevalence', label: 'Estimated number who need treatment', kind: 'count' },
      { key: 'prevalenceLower', label: 'Estimated number: lower 95% limit', kind: 'count' },
      { key: 'prevalenceUpper', label: 'Estimated number: upper 95% limit', kind: 'count' },
      { key: 'inTreatment', label: 'In treatment', kind: 'count' },
      { key: 'notInTreatment', label: 'Estimated number not in treatment', kind: 'count' },
      { key: 'unmet', label: 'Unmet need', kind: 'percent' },
      { key: 'unmetLower', label: 'Unmet need: lower 95% limit', kind: 'percent' },
      { key: 'unmetUpper', label: 'Unmet need: upper 95% limit', kind: 'percent' },
      { key: 'basis', label: 'Where the estimate comes from', kind: 'text' },
    ],
    rows: results.map((r) => {
      const label = `${needKinds.find((k) => k.kind === r.kind)?.label ?? r.kind}: ${groups.find((g) => g.sex === r.sex)?.label ?? r.sex}`
      const hiddenShare = (): Cell =>
        r.prevalence && r.inTreatment.status !== 'shown'
          ? hiddenCell(r.inTreatment.display, r.inTreatment.status)
          : naCell()
      return {
        group: textCell(label, r.modelled),
        prevalence: r.prevalence ? estimateCell(r.prevalence.estimate, r.modelled) : naCell(),
        prevalenceLower: r.prevalence ? estimateCell(r.prevalence.lower, r.modelled) : naCell(),
        prevalenceUpper: r.prevalence ? estimateCell(r.prevalence.upper, r.modelled) : naCell(),
        inTreatment: r.inTreatment,
        notInTreatment: r.unmet ? estimateCell(r.unmet.notInTreatment.estimate, r.modelled) : hiddenShare(),
        unmet: r.unmet ? percentCell(r.unmet.estimate, r.modelled) : hiddenShare(),
        unmetLower: r.unmet ? percentCell(r.unmet.lower, r.modelled) : hiddenShare(),
        unmetUpper: r.unmet ? percentCell(r.unmet.upper, r.modelled) : hiddenShare(),
        basis: textCell(r.basis, r.modelled),
      }
    }),
    notes: [
      'Unmet need is 1 minus the number in treatment divided by the estimated number who need treatment. The lower limit comes from the lower prevalence estimate, the upper limit from the upper one; the interval carries only the uncertainty of the prevalence estimate.',
      `In treatment for alcohol: ${bases.alcohol?.basis ?? ''}, as OHID counts them for indicator 93532.`,
      `In treatment for opiates and crack: ${bases.ocu?.basis ?? ''}${bases.ocu?.fallback ? '' : ', as OHID counts them for indicator 93517'}.`,
      'Where the prevalence estimate is from an earlier year than the treatment figures, the latest earlier estimate is used and its year is named.',
      'Figures marked modelled rest on the female share your council stated, not on a published split by sex.',
      ...(data.ndtms.rounded ? [ROUNDING_NOTE] : []),
      SUPPRESSION_NOTE,
    ],
  }
  section.tables.push(table)
  const chartData = (sex: 'F' | 'M' | 'Persons') =>
    needKinds.map((k) => {
      const r = results.find((x) => x.kind === k.kind && x.sex === sex)
      return {
        value: r?.unmet ? round6(r.unmet.estimate) : null,
        lower: r?.unmet ? round6(r.unmet.lower) : null,
        upper: r?.unmet ? round6(r.unmet.upper) : null,
        display: r?.unmet ? `${formatPercent(r.unmet.estimate)}${r.modelled ? ' (modelled)' : ''}` : '[x]',
      }
    })
  section.charts.push({
    id: 'unmet-need-chart',
    tableId: table.id,
    title: 'Estimated unmet need, women, men and all people',
    svg: barChart({
      id: 'unmet-need-chart',
      title: `Estimated share not in treatment, ${period}`,
      description:
        'Horizontal bars for alcohol and for opiates and crack: the estimated share of women, of men and of all people who need treatment but are not in it, with 95% confidence intervals. The same figures are in the table below.',
      categories: needKinds.map((k) => k.label),
      series: [
        { name: 'Women', data: chartData('F') },
        { name: 'Men', data: chartData('M') },
        { name: 'All people', data: chartData('Persons') },
      ],
      valueFormat: 'percent',
      maxValue: 1,
    }),
  })

  // Say on the page (not only in the import's warnings) when an imported Fingertips file has no rows for the council.
  const council = data.scope.areaCode
  const councilName = data.scope.councilName
  const fingertipsImported = data.imports.some((i) => i.kind === 'fingertips')
  const noCouncilRows = needKinds.filter(
    (k) =>
      published.some((f) => f.indicatorId === k.indicatorId) &&
      !published.some((f) => f.indicatorId === k.indicatorId && f.areaCode === council),
  )
  for (const k of noCouncilRows) {
    findings.push(
      `The Fingertips file imported for ${k.people} (indicator ${String(k.indicatorId)}) has no rows for ${councilName}, so OHID’s published figure is shown for England only.`,
    )
  }
  if (fingertipsImported && published.length === 0) {
    findings.push(
      `The Fingertips files imported have no rows for ${councilName} or England for indicators 93532 and 93517, so OHID’s published unmet need cannot be shown.`,
    )
  }
  if (published.length > 0) {
    const fingertips = fingertipsTable(data, published)
    section.tables.push(fingertips.table)
    findings.push(...fingertips.findings(results))
    for (const f of published) sourceIds.add(f.importId)
  } else {
    section.notes.push(
      `OHID publishes unmet need for all people in Fingertips (indicators 93532 and 93517). Import them on the imports page (${IMPORTS_PATH}) to show them beside these figures.`,
    )
  }
  section.findings = findings
  section.sourceIds = [...sourceIds]
  return section
}

function fingertipsTable(
  data: AssessmentData,
  published: FingertipsRecord[],
): { table: TableView; findings: (results: GroupResult[]) => string[] } {
  const council = data.scope.areaCode
  const rows = published
    .filter((f) => (f.areaCode === council || f.areaCode === 'E92000001') && sexCode(f.sex) === 'Persons')
    .sort(
      (a, b) =>
        a.indicatorId - b.indicatorId ||
        (a.areaCode === council ? 0 : 1) - (b.areaCode === council ? 0 : 1) ||
        comparePeriods(a.period, b.period),
    )
  const inputs: CountInput[] = []
  rows.forEach((f, i) => {
    inputs.push({ key: `${String(i)}:count`, count: f.count === null ? null : Math.round(f.count) })
    inputs.push({ key: `${String(i)}:denominator`, count: f.denominator === null ? null : Math.round(f.denominator) })
  })
  const get = disclose(inputs)
  const label = (id: number) =>
    id === 93532 ? 'Dependent drinkers not in treatment (93532)' : 'Opiate and crack users not in treatment (93517)'
  const pct = (v: number | null): Cell => (v === null ? naCell() : percentCell(v / 100))
  const table: TableView = {
    id: 'unmet-need-fingertips',
    caption: 'Unmet need as published by OHID in Fingertips, all people',
    columns: [
      { key: 'indicator', label: 'Indicator', kind: 'text' },
      { key: 'area', label: 'Area', kind: 'text' },
      { key: 'period', label: 'Year', kind: 'text' },
      { key: 'value', label: 'Not in treatment', kind: 'percent' },
      { key: 'lower', label: 'Not in treatment: lower 95% limit', kind: 'percent' },
      { key: 'upper', label: 'Not in treatment: upper 95% limit', kind: 'percent' },
      { key: 'count', label: 'Estimated number not in treatment', kind: 'count' },
      { key: 'denominator', label: 'Estimated number who need treatment', kind: 'count' },
    ],
    rows: rows.map((f, i) => ({
      indicator: textCell(label(f.indicatorId)),
      area: textCell(f.areaName),
      period: textCell(f.period),
      value: f.value === null ? hiddenCell('[c]', 'publisher') : pct(f.value),
      lower: f.value === null ? hiddenCell('[c]', 'publisher') : pct(f.lower95),
      upper: f.value === null ? hiddenCell('[c]', 'publisher') : pct(f.upper95),
      count: countCell(get(`${String(i)}:count`)),
      denominator: countCell(get(`${String(i)}:denominator`)),
    })),
    notes: [
      'Values and intervals as OHID publishes them. The estimated numbers are rounded to whole people here (Fingertips gives fractions, as they are averages).',
      'Indicator 93532 covers adults aged 18 and over; 93517 covers people aged 15 to 64.',
    ],
  }
  const findings = (results: GroupResult[]): string[] => {
    const out: string[] = []
    for (const k of needKinds) {
      const own = rows.filter((f) => f.indicatorId === k.indicatorId && f.areaCode === council && f.value !== null)
      const same = own.find((f) => f.period === data.selection.period)
      const latest = same ?? own.at(-1)
      if (latest?.value == null) continue
      const ours = results.find((r) => r.kind === k.kind && r.sex === 'Persons')?.unmet
      out.push(
        `OHID’s published figure for ${k.people} in ${latest.period} is ${formatPercent(latest.value / 100)}` +
          (latest.lower95 !== null && latest.upper95 !== null
            ? ` (${formatPercent(latest.lower95 / 100)} to ${formatPercent(latest.upper95 / 100)})`
            : '') +
          (same && ours ? `, against ${formatPercent(ours.estimate)} worked out here.` : '.'),
      )
    }
    return out
  }
  return { table, findings }
}
