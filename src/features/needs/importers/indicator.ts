/**
 * Local indicators in WTC's indicator template (templates/indicator-template.csv): figures a
 * council holds itself or takes from other publishers (hospital admissions, deaths, criminal
 * justice, children's social care), each with its count, denominator, value and interval as known.
 */
import type { TenantScope } from '../../../platform/tenancy.js'
import type { AreaIndex } from './areas.js'
import { GSS_CODE } from '../../../lib/gss.js'
import {
  cell,
  type ColumnSpec,
  EXAMPLE_ROW_REASON,
  isExampleRow,
  labelKey,
  listText,
  checkHeader,
  requiredPositions,
  rowRefusals,
  parseNumber,
  parseSex,
  sortPeriods,
} from './shared.js'
import type { KindImporter } from './types.js'
import type { TableSpec } from './writer.js'

const indicatorTable: TableSpec = {
  name: 'local_indicators',
  columns: {
    indicator: 'text',
    area_code: 'text',
    period: 'text',
    sex: 'text',
    age_group: 'text',
    count: 'float8',
    denominator: 'float8',
    value: 'float8',
    lower95: 'float8',
    upper95: 'float8',
    unit: 'text',
    source: 'text',
  },
  key: ['indicator', 'area_code', 'period', 'sex', 'age_group'],
  coverage: ['indicator', 'period'],
}

type Col =
  | 'indicator'
  | 'areaCode'
  | 'period'
  | 'sex'
  | 'ageGroup'
  | 'count'
  | 'denominator'
  | 'value'
  | 'lower'
  | 'upper'
  | 'unit'
  | 'source'
export const indicatorTemplateSpec: Record<Col, ColumnSpec> = {
  indicator: { name: 'indicator', required: true },
  areaCode: { name: 'area_code', required: true },
  period: { name: 'period', required: true },
  sex: { name: 'sex', required: true },
  ageGroup: { name: 'age_group', required: true },
  count: { name: 'count', required: true },
  denominator: { name: 'denominator', required: true },
  value: { name: 'value', required: true },
  lower: { name: 'lower_95', aliases: ['lower95'], required: true },
  upper: { name: 'upper_95', aliases: ['upper95'], required: true },
  unit: { name: 'unit', required: true },
  source: { name: 'source', required: true },
}

const INDICATOR_NAME = /^[a-z0-9][a-z0-9_-]{0,99}$/

export function createIndicatorImporter(opts: { scope: TenantScope; areas: AreaIndex }): KindImporter {
  const { scope, areas } = opts
  let columns: Record<Col, number | undefined> | undefined
  const indicators = new Set<string>()
  const periods = new Set<string>()
  const sources = new Set<string>()
  const areaCodes = new Set<string>()
  let councilRows = 0

  return {
    table: indicatorTable,
    batchSize: 5000,
    keyDescription: 'indicator, area code, period, sex and age group',

    header(cells, problem) {
      columns = checkHeader(
        cells,
        indicatorTemplateSpec,
        problem,
        'Use the indicator template, which has every column.',
      )
    },

    requiredColumns: () => (columns ? requiredPositions(indicatorTemplateSpec, columns) : []),

    row(cells, _line, refuse) {
      if (!columns) return null
      const cols = columns
      const state = rowRefusals(refuse)
      const { fail } = state
      const text = (k: Col) => cell(cells, cols[k])
      const number = (k: Col, column: string, nonNegative: boolean): number | null => {
        const v = text(k)
        if (v === '') return null
        const parsed = parseNumber(v)
        if ('problem' in parsed) {
          fail(column, v, 'This is not a number. Leave the cell empty when there is no figure.')
          return null
        }
        if (nonNegative && parsed.value < 0) {
          fail(column, v, 'This cannot be negative.')
          return null
        }
        return parsed.value
      }
      const indicatorText = text('indicator')
      const indicator = indicatorText.toLowerCase()
      if (!INDICATOR_NAME.test(indicator)) {
        fail(
          'indicator',
          indicatorText,
          'Name the indicator with lower-case letters, digits and hyphens, such as alcohol-specific-admissions.',
        )
      }
      const codeText = text('areaCode')
      const code = codeText.toUpperCase()
      if (!GSS_CODE.test(code))
        fail('area_code', codeText, 'This is not an area code. Use a GSS code, such as E09000003.')
      const period = text('period')
      if (!period) fail('period', period, 'The period is missing, such as 2022/23.')
      const sexText = text('sex')
      const sex = parseSex(sexText)
      if (!sex) fail('sex', sexText, 'Use F, M or Persons.')
      const ageText = text('ageGroup')
      if (!ageText) fail('age_group', ageText, 'The age group is missing, such as 18+ or all.')
      const count = number('count', 'count', true)
      const denominator = number('denominator', 'denominator', true)
      const value = number('value', 'value', false)
      const lower = number('lower', 'lower_95', false)
      const upper = number('upper', 'upper_95', false)
      if (count === null && value === null && state.ok) {
        fail('count', '', 'Give a count, a value or both.')
      }
      if (count !== null && denominator !== null && denominator === 0) {
        fail('denominator', text('denominator'), 'The denominator cannot be zero.')
      }
      if (value !== null && lower !== null && lower > value) {
        fail('lower_95', text('lower'), `The lower limit is above the value (${text('value')}).`)
      }
      if (value !== null && upper !== null && upper < value) {
        fail('upper_95', text('upper'), `The upper limit is below the value (${text('value')}).`)
      }
      const source = text('source')
      if (!source) fail('source', source, 'Say where this figure comes from (publisher and title).')
      else if (isExampleRow(source)) fail('source', source, EXAMPLE_ROW_REASON)
      if (!state.ok || !sex) return null
      const ageKey = labelKey(ageText)
      indicators.add(indicator)
      periods.add(period)
      if (sources.size < 10) sources.add(source)
      areaCodes.add(code)
      if (areas.currentCode(code) === scope.areaCode) councilRows++
      return {
        indicator,
        area_code: code,
        period,
        sex,
        age_group: ['total', 'all', 'all ages'].includes(ageKey) ? 'all' : ageKey,
        count,
        denominator,
        value,
        lower95: lower,
        upper95: upper,
        unit: text('unit'),
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
        coverage: { indicators: [...indicators].sort(), periods: sortPeriods(periods), areas: areaCodes.size },
        source: listText([...sources], 10),
      }
    },
  }
}
