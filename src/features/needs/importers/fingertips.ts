/**
 * Fingertips CSV downloads (any indicator, any area). The 26- and 27-column layouts are read by
 * column name; column 23, whose name changes between releases, is never used. Empty cells are
 * null; counts and denominators may be fractional; inequality rows (a Category Type) are kept with
 * their category; value notes are kept. Area codes are stored as published (old Barnsley and
 * Sheffield codes included): the assessment resolves aliases.
 */
import type { TenantScope } from '../../../platform/tenancy.js'
import type { AreaIndex } from './areas.js'
import {
  cell,
  checkHeader,
  type ColumnSpec,
  listText,
  parseNumber,
  requiredPositions,
  rowRefusals,
  sortPeriods,
} from './shared.js'
import type { KindImporter } from './types.js'
import type { TableSpec } from './writer.js'

const fingertipsTable: TableSpec = {
  name: 'fingertips_values',
  columns: {
    indicator_id: 'integer',
    indicator_name: 'text',
    parent_code: 'text',
    parent_name: 'text',
    area_code: 'text',
    area_name: 'text',
    area_type: 'text',
    sex: 'text',
    age: 'text',
    category_type: 'text',
    category: 'text',
    period: 'text',
    period_sortable: 'integer',
    period_range: 'text',
    value: 'float8',
    lower95: 'float8',
    upper95: 'float8',
    lower998: 'float8',
    upper998: 'float8',
    count: 'float8',
    denominator: 'float8',
    value_note: 'text',
    recent_trend: 'text',
    compared_to_england: 'text',
  },
  key: ['indicator_id', 'area_code', 'sex', 'age', 'category_type', 'category', 'period', 'period_range'],
  coverage: ['indicator_id', 'period', 'period_range'],
}

type Col =
  | 'indicatorId'
  | 'indicatorName'
  | 'parentCode'
  | 'parentName'
  | 'areaCode'
  | 'areaName'
  | 'areaType'
  | 'sex'
  | 'age'
  | 'categoryType'
  | 'category'
  | 'period'
  | 'value'
  | 'lower95'
  | 'upper95'
  | 'lower998'
  | 'upper998'
  | 'count'
  | 'denominator'
  | 'valueNote'
  | 'recentTrend'
  | 'comparedToEngland'
  | 'sortable'
  | 'range'

const spec: Record<Col, ColumnSpec> = {
  indicatorId: { name: 'Indicator ID', required: true },
  indicatorName: { name: 'Indicator Name', required: true },
  parentCode: { name: 'Parent Code', required: false },
  parentName: { name: 'Parent Name', required: false },
  areaCode: { name: 'Area Code', required: true },
  areaName: { name: 'Area Name', required: true },
  areaType: { name: 'Area Type', required: true },
  sex: { name: 'Sex', required: true },
  age: { name: 'Age', required: true },
  categoryType: { name: 'Category Type', required: false },
  category: { name: 'Category', required: false },
  period: { name: 'Time period', required: true },
  value: { name: 'Value', required: true },
  lower95: { name: 'Lower CI 95.0 limit', aliases: ['Lower CI 95 limit', 'Lower 95% CI'], required: true },
  upper95: { name: 'Upper CI 95.0 limit', aliases: ['Upper CI 95 limit', 'Upper 95% CI'], required: true },
  lower998: { name: 'Lower CI 99.8 limit', aliases: ['Lower 99.8% CI'], required: false },
  upper998: { name: 'Upper CI 99.8 limit', aliases: ['Upper 99.8% CI'], required: false },
  count: { name: 'Count', required: true },
  denominator: { name: 'Denominator', required: true },
  valueNote: { name: 'Value note', required: false },
  recentTrend: { name: 'Recent Trend', required: false },
  comparedToEngland: {
    name: 'Compared to England value or percentiles',
    aliases: ['Compared to England'],
    required: false,
  },
  sortable: { name: 'Time period Sortable', required: false },
  range: { name: 'Time period range', required: false },
}

/**
 * A Fingertips time period's sortable number (its first year x 10000) and range ('1y', '3y'),
 * for files that lack those columns. Unrecognised periods give null and ''.
 */
export function parseTimePeriod(period: string): { sortable: number | null; range: string } {
  const text = period.trim()
  let m = /^(\d{4})\/(\d{2})$/.exec(text)
  if (m) return { sortable: Number(m[1]) * 10000, range: '1y' }
  m = /^(\d{4})$/.exec(text)
  if (m) return { sortable: Number(m[1]) * 10000, range: '1y' }
  m = /^(\d{4})\s*-\s*(\d{2}|\d{4})$/.exec(text)
  if (m?.[1] && m[2]) {
    const start = Number(m[1])
    const end = m[2].length === 4 ? Number(m[2]) : Number(m[1].slice(0, 2) + m[2])
    if (end >= start) return { sortable: start * 10000, range: `${String(end - start + 1)}y` }
  }
  m = /^(\d{4})\/(\d{2})\s*-\s*(\d{2})\/(\d{2})$/.exec(text)
  if (m?.[1] && m[3]) {
    const start = Number(m[1])
    const end = Number(m[1].slice(0, 2) + m[3])
    if (end >= start) return { sortable: start * 10000, range: `${String(end - start + 1)}y` }
  }
  return { sortable: null, range: '' }
}

export const FINGERTIPS_LICENCE =
  'Office for Health Improvement and Disparities, Fingertips public health data (fingertips.phe.org.uk). Open Government Licence v3.0.'

export function createFingertipsImporter(opts: { scope: TenantScope; areas: AreaIndex }): KindImporter {
  const { scope, areas } = opts
  let columns: Record<Col, number | undefined> | undefined
  const named = Object.fromEntries((Object.keys(spec) as Col[]).map((k) => [k, spec[k].name])) as Record<Col, string>
  const indicators = new Map<number, string>()
  const periods = new Set<string>()
  const areaCodes = new Set<string>()
  let councilRows = 0
  let inequalityRows = 0
  let required: number[] = []

  return {
    table: fingertipsTable,
    batchSize: 5000,
    keyDescription: 'indicator, area code, sex, age, category type, category, time period and time period range',

    header(cells, problem) {
      const matchedColumns = checkHeader(cells, spec, problem, 'A Fingertips data download has it.')
      columns = matchedColumns
      required = requiredPositions(spec, matchedColumns)
      for (const key of Object.keys(named) as Col[]) {
        const index = matchedColumns[key]
        if (index !== undefined) named[key] = cells[index]?.trim() ?? named[key]
      }
    },

    requiredColumns: () => required,

    row(cells, _line, refuse) {
      if (!columns) return null
      const cols = columns
      const state = rowRefusals(refuse)
      const { fail } = state
      const text = (k: Col) => cell(cells, cols[k])
      const required = (k: Col, what: string): string => {
        const v = text(k)
        if (!v) fail(named[k], v, `The ${what} is missing.`)
        return v
      }
      const number = (k: Col, nonNegative: boolean): number | null => {
        const v = text(k)
        if (v === '') return null
        const parsed = parseNumber(v)
        if ('problem' in parsed) {
          fail(named[k], v, 'This is not a number. Leave the cell empty when there is no value.')
          return null
        }
        if (nonNegative && parsed.value < 0) {
          fail(named[k], v, 'This cannot be negative.')
          return null
        }
        return parsed.value
      }

      const idText = text('indicatorId')
      const indicatorId = /^\d{1,9}$/.test(idText) ? Number(idText) : null
      if (indicatorId === null) fail(named.indicatorId, idText, 'An indicator ID is a whole number, such as 93532.')
      // Names as published can hold quoted line breaks (wrapped in the publisher's spreadsheet).
      const indicatorName = required('indicatorName', 'indicator name').replace(/\s+/g, ' ')
      const areaCode = required('areaCode', 'area code')
      if (areaCode.length > 50) fail(named.areaCode, areaCode, 'This is too long to be an area code.')
      const areaName = required('areaName', 'area name')
      const areaType = required('areaType', 'area type')
      const sex = required('sex', 'sex')
      const age = required('age', 'age')
      const period = required('period', 'time period')
      const value = number('value', false)
      const lower95 = number('lower95', false)
      const upper95 = number('upper95', false)
      const lower998 = number('lower998', false)
      const upper998 = number('upper998', false)
      const count = number('count', true)
      const denominator = number('denominator', true)

      const derived = parseTimePeriod(period)
      const sortableText = text('sortable')
      let sortable = derived.sortable
      if (sortableText) {
        if (/^\d{1,9}$/.test(sortableText)) sortable = Number(sortableText)
        else fail(named.sortable, sortableText, 'The sortable time period is a whole number, such as 20210000.')
      }
      const range = text('range') || derived.range

      if (!state.ok || indicatorId === null) return null
      const categoryType = text('categoryType')
      indicators.set(indicatorId, indicatorName)
      periods.add(period)
      areaCodes.add(areaCode)
      if (areas.currentCode(areaCode) === scope.areaCode) councilRows++
      if (categoryType) inequalityRows++
      return {
        indicator_id: indicatorId,
        indicator_name: indicatorName,
        parent_code: text('parentCode') || null,
        parent_name: text('parentName') || null,
        area_code: areaCode,
        area_name: areaName,
        area_type: areaType,
        sex,
        age,
        category_type: categoryType,
        category: text('category'),
        period,
        period_sortable: sortable,
        period_range: range,
        value,
        lower95,
        upper95,
        lower998,
        upper998,
        count,
        denominator,
        value_note: text('valueNote') || null,
        recent_trend: text('recentTrend') || null,
        compared_to_england: text('comparedToEngland') || null,
      }
    },

    finish(rowsRead) {
      const problems: string[] = []
      const warnings: string[] = []
      if (rowsRead === 0) problems.push('The file has a header row but no rows of data.')
      else if (councilRows === 0) {
        warnings.push(
          `This file has no rows for ${scope.councilName} (${scope.areaCode}), so the assessment will show only other areas from it.`,
        )
      }
      if (inequalityRows > 0) {
        warnings.push(
          `${String(inequalityRows)} row${inequalityRows === 1 ? ' is an inequality breakdown' : 's are inequality breakdowns'} (with a category type); they are kept with their category.`,
        )
      }
      const list = [...indicators].sort(([a], [b]) => a - b)
      return {
        problems,
        warnings,
        coverage: {
          indicators: list.map(([id, name]) => ({ id, name })),
          periods: sortPeriods(periods),
          areas: areaCodes.size,
        },
        source: `Fingertips indicator${list.length === 1 ? '' : 's'} ${listText(
          list.map(([id, name]) => `${String(id)} (${name})`),
          20,
        )}. ${FINGERTIPS_LICENCE}`,
      }
    },
  }
}
