/**
 * Local population estimates in WTC's population template (templates/population-template.csv):
 * counts by area, period, sex, age group and one characteristic, with category codes that match
 * the NDTMS measure names, so the assessment can set women in treatment beside women in the area.
 */
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
  rowRefusals,
  parseNumber,
  parseSex,
  sortPeriods,
} from './shared.js'
import type { KindImporter } from './types.js'
import type { TableSpec } from './writer.js'

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
  coverage: ['period'],
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

/** A GSS code: a letter and eight digits (E09000003). */
export const GSS_CODE = /^[A-Z]\d{8}$/

export function createPopulationImporter(opts: { scope: TenantScope; areas: AreaIndex }): KindImporter {
  const { scope, areas } = opts
  let columns: Record<Col, number | undefined> | undefined
  const periods = new Set<string>()
  const characteristics = new Set<string>()
  const sources = new Set<string>()
  const areaCodes = new Set<string>()
  let councilRows = 0

  return {
    table: populationTable,
    batchSize: 5000,
    keyDescription: 'area code, period, sex, age group, characteristic and category',

    header(cells, problem) {
      columns = checkHeader(
        cells,
        populationTemplateSpec,
        problem,
        'Use the population template, which has every column.',
      )
    },

    row(cells, _line, refuse) {
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
