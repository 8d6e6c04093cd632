/**
 * Local population estimates in WTC's population template (templates/population-template.csv):
 * counts by area, period, sex, age group and one characteristic, with category codes that match
 * the NDTMS measure names, so the assessment can set women in treatment beside women in the area.
 *
 * Also ONS mid-year estimates as they are commonly republished: one row per area and sex, with
 * all ages, broad bands (`aged_16_to_64`) and single years of age (`0` ... `90+`) as columns. Each
 * such row becomes one stored row per age column, plus the bands the assessment uses (18+, 18-29,
 * 30-49, 50+) summed from the single years; the single years must add up to all ages.
 */
import { GSS_CODE } from '../../../lib/gss.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import type { AreaIndex } from './areas.js'
import {
  cell,
  type ColumnSpec,
  EXAMPLE_ROW_REASON,
  isExampleRow,
  labelKey,
  listText,
  checkHeader,
  headerKey,
  matchColumns,
  requiredPositions,
  rowRefusals,
  parseNumber,
  parseSex,
  sortPeriods,
} from './shared.js'
import type { KindImporter, RefuseCell } from './types.js'
import type { RowValues, TableSpec } from './writer.js'

const populationTable: TableSpec = {
  name: 'population_estimates',
  columns: {
    area_code: 'text',
    period: 'text',
    sex: 'text',
    age_group: 'text',
    characteristic: 'text',
    category: 'text',
    count: 'float8',
    source: 'text',
  },
  key: ['area_code', 'period', 'sex', 'age_group', 'characteristic', 'category'],
  coverage: ['period', 'characteristic'],
}

/** Category codes for each characteristic; they match the NDTMS ViewIt measure names. */
export const POPULATION_CATEGORIES: Record<string, string[]> = {
  all: ['all'],
  ethnicity: ['white', 'mixed', 'asian', 'black', 'other'],
  sexuality: ['hetero', 'gaylesbian', 'bi', 'other'],
  disability: ['any', 'nodisability'],
  religion: [
    'bahai',
    'buddhist',
    'christian',
    'hindu',
    'jain',
    'jewish',
    'muslim',
    'pagan',
    'sikh',
    'zoroastrian',
    'other',
    'none',
    'decline',
  ],
}

type Col = 'areaCode' | 'period' | 'sex' | 'ageGroup' | 'characteristic' | 'category' | 'count' | 'source'
export const populationTemplateSpec: Record<Col, ColumnSpec> = {
  areaCode: { name: 'area_code', required: true },
  period: { name: 'period', required: true },
  sex: { name: 'sex', required: true },
  ageGroup: { name: 'age_group', required: true },
  characteristic: { name: 'characteristic', required: true },
  category: { name: 'category', required: true },
  count: { name: 'count', required: true },
  source: { name: 'source', required: true },
}

type WideCol = 'period' | 'areaCode' | 'areaName' | 'sex' | 'allAges'
const wideSpec: Record<WideCol, ColumnSpec> = {
  period: { name: 'period', aliases: ['mid_year', 'year', 'date'], required: true },
  areaCode: { name: 'area_code', aliases: ['code', 'area code', 'areacode', 'geography_code'], required: true },
  areaName: { name: 'area_name', aliases: ['name', 'area name', 'areaname'], required: false },
  sex: { name: 'sex', aliases: ['gender'], required: true },
  allAges: { name: 'all_ages', aliases: ['all ages', 'all'], required: false },
}

export const ONS_POPULATION_SOURCE =
  'Office for National Statistics, mid-year population estimates. Open Government Licence v3.0.'

/** An age column of the wide layout: a single year ('37', '90+') or a band ('aged_16_to_64'). */
function ageColumn(header: string): { age: string; from: number; to: number | null; single: boolean } | null {
  const key = headerKey(header)
  let m = /^(\d{1,3})(\+)?$/.exec(key.replace(/_?plus$/, '+').replace(/_and_over$/, '+'))
  if (m?.[1]) {
    const from = Number(m[1])
    return m[2] ? { age: `${m[1]}+`, from, to: null, single: true } : { age: m[1], from, to: from, single: true }
  }
  m = /^(?:aged?_)?(\d{1,3})_(?:to_)?(\d{1,3})$/.exec(key)
  if (m?.[1] && m[2]) return { age: `${m[1]}-${m[2]}`, from: Number(m[1]), to: Number(m[2]), single: false }
  m = /^(?:aged?_)?(\d{1,3})_?(?:and_over|plus|\+)$/.exec(key)
  if (m?.[1]) return { age: `${m[1]}+`, from: Number(m[1]), to: null, single: false }
  return null
}

/** The bands WTC sums from single years of age (those the NDTMS age groups and the assessment use). */
const DERIVED_BANDS: { age: string; from: number; to: number | null }[] = [
  { age: '18+', from: 18, to: null },
  { age: '18-29', from: 18, to: 29 },
  { age: '30-49', from: 30, to: 49 },
  { age: '50+', from: 50, to: null },
]

/** '2024-06-30', 'mid-2024' and '2024' as '2024'; undefined for anything else. */
function midYear(text: string): string | undefined {
  const m = /^(?:mid[-\s]?)?(\d{4})(?:-06-30)?$/i.exec(text.trim())
  return m?.[1]
}

export function createPopulationImporter(opts: { scope: TenantScope; areas: AreaIndex }): KindImporter {
  const { scope, areas } = opts
  let columns: Record<Col, number | undefined> | undefined
  let layout: 'template' | 'wide' = 'template'
  let wide: Record<WideCol, number | undefined> | undefined
  let ages: { index: number; header: string; age: string; from: number; to: number | null; single: boolean }[] = []
  /** Bands summed from single years: only when the single years run unbroken from 0 to an open top. */
  let derived: typeof DERIVED_BANDS = []
  const periods = new Set<string>()
  const characteristics = new Set<string>()
  const sources = new Set<string>()
  const areaCodes = new Set<string>()
  let councilRows = 0

  const wideRow = (cells: string[], refuse: RefuseCell): RowValues[] | null => {
    if (!wide) return null
    const cols = wide
    const state = rowRefusals(refuse)
    const { fail } = state
    const text = (k: WideCol) => cell(cells, cols[k])
    const name = (k: WideCol) => wideSpec[k].name
    const codeText = text('areaCode')
    const code = codeText.toUpperCase()
    if (!GSS_CODE.test(code))
      fail(name('areaCode'), codeText, 'This is not an area code. Use a GSS code, such as E08000009.')
    const periodText = text('period')
    const period = midYear(periodText)
    if (!period)
      fail(name('period'), periodText, 'Use the year of the estimate, such as 2024 or 2024-06-30 (mid-2024).')
    const sexText = text('sex')
    const sex = parseSex(sexText)
    if (!sex) fail(name('sex'), sexText, 'Use Females, Males or Persons.')
    const counts = new Map<string, number>()
    const count = (header: string, value: string): number | null => {
      const parsed = parseNumber(value)
      if (value === '') fail(header, value, 'The count is missing.')
      else if ('problem' in parsed) fail(header, value, 'This is not a number.')
      else if (parsed.value < 0) fail(header, value, 'A count of people cannot be negative.')
      else return parsed.value
      return null
    }
    let singleSum = 0
    for (const a of ages) {
      const v = count(a.header, cell(cells, a.index))
      if (v === null) continue
      counts.set(a.age, v)
      if (a.single) singleSum += v
    }
    const allText = text('allAges')
    const all = cols.allAges === undefined ? null : count(name('allAges'), allText)
    const hasSingles = ages.some((a) => a.single)
    if (state.ok && all !== null && hasSingles && Math.abs(singleSum - all) > 1e-6 * Math.max(1, all)) {
      fail(
        name('allAges'),
        allText,
        `The single years of age add up to ${singleSum.toLocaleString('en-GB')}, not ${all.toLocaleString('en-GB')}. Check that no column is shifted or missing.`,
      )
    }
    if (!state.ok || !period || !sex) return null
    const out: RowValues[] = []
    const push = (age: string, value: number, source: string) => {
      out.push({
        area_code: code,
        period,
        sex,
        age_group: age,
        characteristic: 'all',
        category: 'all',
        count: value,
        source,
      })
    }
    if (all !== null) push('all', all, ONS_POPULATION_SOURCE)
    for (const [age, value] of counts) push(age, value, ONS_POPULATION_SOURCE)
    for (const band of derived) {
      let total = 0
      for (const a of ages) {
        if (!a.single || a.from < band.from) continue
        if (band.to !== null && (a.to === null || a.to > band.to)) continue
        total += counts.get(a.age) ?? 0
      }
      push(band.age, total, `${ONS_POPULATION_SOURCE} Ages ${band.age} summed by WTC from single years of age.`)
    }
    periods.add(period)
    characteristics.add('all')
    sources.add(ONS_POPULATION_SOURCE)
    areaCodes.add(code)
    if (areas.currentCode(code) === scope.areaCode) councilRows++
    return out
  }

  return {
    table: populationTable,
    batchSize: 5000,
    keyDescription: 'area code, period, sex, age group, characteristic and category',

    header(cells, problem) {
      const keys = new Set(cells.map(headerKey))
      const ageColumns = cells
        .map((header, index) => ({ index, header: header.trim(), parsed: ageColumn(header) }))
        .filter((c) => c.parsed !== null)
      if (!keys.has('characteristic') && ageColumns.length >= 2) {
        const matched = matchColumns(cells, wideSpec)
        if (matched.missing.length > 0) {
          problem(
            matched.missing[0] ?? '',
            `This looks like a population table with ages in columns, but it has no ${matched.missing.map((m) => `"${m}"`).join(' or ')} column. WTC reads ages in columns only as ONS mid-year estimates are republished: one row per area and sex, with columns period, area_code, sex, all_ages and single years of age (0, 1, ... 90+). Otherwise use the population template (one row per area, period, sex, age group, characteristic and category).`,
          )
          return
        }
        for (const name of matched.repeated) problem(name, `Two columns mean "${name}". Keep one.`)
        layout = 'wide'
        wide = matched.columns
        ages = ageColumns.flatMap((c) => (c.parsed ? [{ index: c.index, header: c.header, ...c.parsed }] : []))
        const seen = new Map<string, string>()
        for (const a of ages) {
          const earlier = seen.get(a.age)
          if (earlier !== undefined)
            problem(a.header, `The columns "${earlier}" and "${a.header}" are both age ${a.age}. Keep one.`)
          seen.set(a.age, a.header)
        }
        const singles = ages.filter((a) => a.single)
        const top = singles.find((a) => a.to === null)
        const years = new Set(singles.filter((a) => a.to !== null).map((a) => a.from))
        const unbroken = top !== undefined && Array.from({ length: top.from }, (_v, i) => i).every((y) => years.has(y))
        derived = unbroken
          ? DERIVED_BANDS.filter((b) => !seen.has(b.age) && b.from < top.from && (b.to ?? 0) < top.from)
          : []
        return
      }
      columns = checkHeader(
        cells,
        populationTemplateSpec,
        problem,
        'Use the population template, which has every column.',
      )
    },

    requiredColumns() {
      if (layout === 'wide' && wide) return [...requiredPositions(wideSpec, wide), ...ages.map((a) => a.index)]
      return columns ? requiredPositions(populationTemplateSpec, columns) : []
    },

    row(cells, _line, refuse) {
      if (layout === 'wide') return wideRow(cells, refuse)
      if (!columns) return null
      const cols = columns
      const state = rowRefusals(refuse)
      const { fail } = state
      const text = (k: Col) => cell(cells, cols[k])
      const codeText = text('areaCode')
      const code = codeText.toUpperCase()
      if (!GSS_CODE.test(code))
        fail('area_code', codeText, 'This is not an area code. Use a GSS code, such as E09000003.')
      const period = text('period')
      if (!period) fail('period', period, 'The period is missing, such as 2021.')
      const sexText = text('sex')
      const sex = parseSex(sexText)
      if (!sex) fail('sex', sexText, 'Use F, M or Persons.')
      const ageText = text('ageGroup')
      if (!ageText) fail('age_group', ageText, 'The age group is missing, such as 18-64 or all.')
      const characteristicText = text('characteristic')
      const characteristic = labelKey(characteristicText)
      const allowed = POPULATION_CATEGORIES[characteristic]
      if (!allowed) {
        fail('characteristic', characteristicText, 'Use all, ethnicity, sexuality, disability or religion.')
      }
      const categoryText = text('category')
      const category = labelKey(categoryText).replace(/[\s_-]+/g, '')
      if (allowed && !allowed.includes(category)) {
        fail('category', categoryText, `For ${characteristic}, use one of: ${allowed.join(', ')}.`)
      }
      const countText = text('count')
      const parsed = parseNumber(countText)
      let count: number | null = null
      if (countText === '') fail('count', countText, 'The count is missing.')
      else if ('problem' in parsed) fail('count', countText, 'This is not a number.')
      else if (parsed.value < 0) fail('count', countText, 'A count of people cannot be negative.')
      else count = parsed.value
      const source = text('source')
      if (!source) fail('source', source, 'Say where this figure comes from (publisher and title).')
      else if (isExampleRow(source)) fail('source', source, EXAMPLE_ROW_REASON)
      if (!state.ok || !sex || count === null) return null
      const ageKey = labelKey(ageText)
      periods.add(period)
      characteristics.add(characteristic)
      if (sources.size < 10) sources.add(source)
      areaCodes.add(code)
      if (areas.currentCode(code) === scope.areaCode) councilRows++
      return {
        area_code: code,
        period,
        sex,
        age_group: ['total', 'all', 'all ages'].includes(ageKey) ? 'all' : ageKey,
        characteristic,
        category,
        count,
        source,
      }
    },

    finish(rowsRead) {
      const problems: string[] = []
      const warnings: string[] = []
      if (rowsRead === 0) problems.push('The file has a header row but no rows of data.')
      else if (councilRows === 0) {
        warnings.push(`This file has no figures for ${scope.councilName} (${scope.areaCode}).`)
      }
      return {
        problems,
        warnings,
        coverage: {
          periods: sortPeriods(periods),
          characteristics: [...characteristics].sort(),
          areas: areaCodes.size,
        },
        source: listText([...sources], 10),
      }
    },
  }
}
