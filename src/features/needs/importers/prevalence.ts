/**
 * Prevalence estimates with 95% confidence intervals. Two layouts:
 * - the published alcohol dependence file as it is (PHE_Centre, Local_Authority, Area_Code_GSS,
 *   Alcohol_dependent, Alcohol_lower_CI, Alcohol_upper_CI, Year): Persons aged 18 and over, all
 *   substances. Its 2010 to 2014 rows have no interval ('NA'); they are left out with a warning,
 *   because an estimate is only stored with its interval.
 * - WTC's prevalence template (templates/prevalence-template.csv), for OCU estimates and for any
 *   source split by sex, age or substance.
 * Every row must have lower <= estimate <= upper.
 */
import type { TenantScope } from '../../../platform/tenancy.js'
import type { AreaIndex } from './areas.js'
import {
  cell,
  type ColumnSpec,
  EXAMPLE_ROW_REASON,
  isExampleRow,
  headerKey,
  labelKey,
  listText,
  checkHeader,
  matchColumns,
  requiredPositions,
  rowRefusals,
  parseNumber,
  parseSex,
  sortPeriods,
} from './shared.js'
import type { KindImporter, RefuseCell } from './types.js'
import type { TableSpec } from './writer.js'

export const ALCOHOL_DEPENDENCE_SOURCE =
  'Estimates of alcohol dependent adults in England, by upper-tier local authority, Public Health England (now OHID). Open Government Licence v3.0.'

const prevalenceTable: TableSpec = {
  name: 'prevalence_estimates',
  columns: {
    kind: 'text',
    area_code: 'text',
    area_name: 'text',
    period: 'text',
    sex: 'text',
    age_group: 'text',
    substance_group: 'text',
    estimate: 'float8',
    lower95: 'float8',
    upper95: 'float8',
    source: 'text',
  },
  key: ['kind', 'area_code', 'period', 'sex', 'age_group', 'substance_group'],
  coverage: ['kind', 'period'],
}

type PublishedCol = 'areaName' | 'areaCode' | 'estimate' | 'lower' | 'upper' | 'year'
const publishedSpec: Record<PublishedCol, ColumnSpec> = {
  areaName: { name: 'Local_Authority', required: true },
  areaCode: { name: 'Area_Code_GSS', required: true },
  estimate: { name: 'Alcohol_dependent', required: true },
  lower: { name: 'Alcohol_lower_CI', required: true },
  upper: { name: 'Alcohol_upper_CI', required: true },
  year: { name: 'Year', required: true },
}

type TemplateCol =
  'areaCode' | 'areaName' | 'period' | 'sex' | 'ageGroup' | 'substanceGroup' | 'estimate' | 'lower' | 'upper' | 'source'
export const prevalenceTemplateSpec: Record<TemplateCol, ColumnSpec> = {
  areaCode: { name: 'area_code', required: true },
  areaName: { name: 'area_name', required: false },
  period: { name: 'period', required: true },
  sex: { name: 'sex', required: true },
  ageGroup: { name: 'age_group', required: true },
  substanceGroup: { name: 'substance_group', required: false },
  estimate: { name: 'estimate', required: true },
  lower: { name: 'lower_95', aliases: ['lower95', 'lower_ci'], required: true },
  upper: { name: 'upper_95', aliases: ['upper95', 'upper_ci'], required: true },
  source: { name: 'source', required: true },
}

/** A letter and digits: GSS codes, and the publisher's own codes such as E0999 (Cornwall with Scilly). */
const AREA_CODE = /^[A-Z]\d{2,8}$/

/** 'Total', 'All', 'All ages' as 'all'; otherwise the label as written (trimmed, lower case). */
function group(text: string): string {
  const key = labelKey(text)
  return ['total', 'all', 'all ages', 'all substances', 'persons'].includes(key) ? 'all' : key
}

export function createPrevalenceImporter(opts: {
  scope: TenantScope
  kind: 'alcohol' | 'ocu'
  areas: AreaIndex
}): KindImporter {
  const { scope, kind, areas } = opts
  let layout: 'published' | 'template' | undefined
  let published: Record<PublishedCol, number | undefined> | undefined
  let template: Record<TemplateCol, number | undefined> | undefined
  const names = new Map<string, string>()
  const periods = new Set<string>()
  const sources = new Set<string>()
  const skippedPeriods = new Set<string>()
  let skipped = 0
  let councilRows = 0

  const checkInterval = (
    estimate: number | null,
    lower: number | null,
    upper: number | null,
    columns: { estimate: string; lower: string; upper: string },
    raw: { estimate: string; lower: string; upper: string },
    fail: RefuseCell,
  ) => {
    if (estimate === null || lower === null || upper === null) return
    if (lower > estimate) fail(columns.lower, raw.lower, `The lower limit is above the estimate (${raw.estimate}).`)
    if (upper < estimate) fail(columns.upper, raw.upper, `The upper limit is below the estimate (${raw.estimate}).`)
  }

  const amount = (column: string, text: string, fail: RefuseCell): number | null => {
    if (text === '') {
      fail(column, text, 'This is missing. Enter a number.')
      return null
    }
    const parsed = parseNumber(text)
    if ('problem' in parsed) {
      fail(column, text, 'This is not a number.')
      return null
    }
    if (parsed.value < 0) {
      fail(column, text, 'An estimate of people cannot be negative.')
      return null
    }
    return parsed.value
  }

  const areaCodeOf = (column: string, text: string, fail: RefuseCell): string | null => {
    const code = text.toUpperCase()
    if (!AREA_CODE.test(code)) {
      fail(column, text, 'This is not an area code. Use the area’s GSS code, such as E09000003.')
      return null
    }
    return code
  }

  const remember = (code: string, name: string, period: string, source: string) => {
    names.set(code, name)
    periods.add(period)
    sources.add(source)
    if (areas.currentCode(code) === scope.areaCode) councilRows++
  }

  return {
    table: prevalenceTable,
    batchSize: 5000,
    keyDescription: 'area code, period, sex, age group and substance group',

    header(cells, problem) {
      const keys = new Set(cells.map(headerKey))
      if (keys.has(headerKey('Area_Code_GSS')) || keys.has(headerKey('Alcohol_dependent'))) {
        if (kind === 'ocu') {
          problem(
            '',
            'This is the alcohol dependence estimates file. Import it as alcohol prevalence, or use the prevalence template for OCU estimates.',
          )
          return
        }
        layout = 'published'
        const matched = matchColumns(cells, publishedSpec)
        for (const name of matched.missing) {
          problem(name, `The column "${name}" is missing. The published alcohol dependence estimates file has it.`)
        }
        for (const name of matched.repeated) problem(name, `Two columns mean "${name}". Keep one.`)
        published = matched.columns
        return
      }
      layout = 'template'
      template = checkHeader(
        cells,
        prevalenceTemplateSpec,
        problem,
        'Use the prevalence template, which has every column.',
      )
    },

    requiredColumns() {
      if (layout === 'published' && published) return requiredPositions(publishedSpec, published)
      if (template) return requiredPositions(prevalenceTemplateSpec, template)
      return []
    },

    row(cells, _line, refuse) {
      const state = rowRefusals(refuse)
      const { fail } = state
      if (layout === 'published' && published) {
        const cols = published
        const text = (k: PublishedCol) => cell(cells, cols[k])
        const year = text('year')
        const raw = { estimate: text('estimate'), lower: text('lower'), upper: text('upper') }
        const code = areaCodeOf('Area_Code_GSS', text('areaCode'), fail)
        const name = text('areaName')
        if (!name) fail('Local_Authority', name, 'The area name is missing.')
        if (!year) fail('Year', year, 'The year is missing.')
        // The publisher wrote 'NA' where there is no interval (2010 to 2014): leave those rows out.
        if ([raw.estimate, raw.lower, raw.upper].some((v) => v.toUpperCase() === 'NA')) {
          if (!state.ok) return null
          skipped++
          skippedPeriods.add(year)
          return 'skip'
        }
        const estimate = amount('Alcohol_dependent', raw.estimate, fail)
        const lower = amount('Alcohol_lower_CI', raw.lower, fail)
        const upper = amount('Alcohol_upper_CI', raw.upper, fail)
        checkInterval(
          estimate,
          lower,
          upper,
          { estimate: 'Alcohol_dependent', lower: 'Alcohol_lower_CI', upper: 'Alcohol_upper_CI' },
          raw,
          fail,
        )
        if (!state.ok || !code || estimate === null || lower === null || upper === null) return null
        remember(code, name, year, ALCOHOL_DEPENDENCE_SOURCE)
        return {
          kind,
          area_code: code,
          area_name: name,
          period: year,
          sex: 'Persons',
          age_group: '18+',
          substance_group: 'all',
          estimate,
          lower95: lower,
          upper95: upper,
          source: ALCOHOL_DEPENDENCE_SOURCE,
        }
      }
      if (!template) return null
      const cols = template
      const text = (k: TemplateCol) => cell(cells, cols[k])
      const code = areaCodeOf('area_code', text('areaCode'), fail)
      const period = text('period')
      if (!period) fail('period', period, 'The period is missing, such as 2022/23.')
      const sexText = text('sex')
      const sex = parseSex(sexText)
      if (!sex) fail('sex', sexText, 'Use F, M or Persons.')
      const ageText = text('ageGroup')
      if (!ageText) fail('age_group', ageText, 'The age group is missing, such as 15-64 or all.')
      const source = text('source')
      if (!source) fail('source', source, 'Say where this estimate comes from (publisher and title).')
      else if (isExampleRow(source)) fail('source', source, EXAMPLE_ROW_REASON)
      const raw = { estimate: text('estimate'), lower: text('lower'), upper: text('upper') }
      const estimate = amount('estimate', raw.estimate, fail)
      const lower = amount('lower_95', raw.lower, fail)
      const upper = amount('upper_95', raw.upper, fail)
      checkInterval(estimate, lower, upper, { estimate: 'estimate', lower: 'lower_95', upper: 'upper_95' }, raw, fail)
      if (!state.ok || !code || !sex || estimate === null || lower === null || upper === null) return null
      const name = text('areaName') || (areas.byAreaCode(code)?.name ?? code)
      remember(code, name, period, source)
      return {
        kind,
        area_code: code,
        area_name: name,
        period,
        sex,
        age_group: group(ageText),
        substance_group: group(text('substanceGroup') || 'all'),
        estimate,
        lower95: lower,
        upper95: upper,
        source,
      }
    },

    finish(rowsRead) {
      const problems: string[] = []
      const warnings: string[] = []
      if (rowsRead === 0) problems.push('The file has a header row but no rows of data.')
      else if (rowsRead === skipped) problems.push('No row of the file has an estimate with its confidence interval.')
      if (skipped > 0) {
        warnings.push(
          `${String(skipped)} row${skipped === 1 ? ' has' : 's have'} no confidence interval (NA) and ${skipped === 1 ? 'was' : 'were'} not stored: ${listText(sortPeriods(skippedPeriods))}.`,
        )
      }
      if (rowsRead > skipped && councilRows === 0) {
        warnings.push(`This file has no estimates for ${scope.councilName} (${scope.areaCode}).`)
      }
      return {
        problems,
        warnings,
        coverage: { kind, periods: sortPeriods(periods), areas: names.size },
        source: [...sources].join(' ') || ALCOHOL_DEPENDENCE_SOURCE,
      }
    },
  }
}
