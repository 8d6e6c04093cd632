/**
 * NDTMS ViewIt exports: one row per reporting period x area x sex x age group x drug group, with
 * a column per measure. Two header styles are accepted (`ReportingPeriod, Area, sex, ...,
 * intreatment_allintx` and `ReportingPeriod_Data, Area_Data, Gender_Data, ...,
 * Num_InTreatment_AllInTx`), and category labels in any case. Areas are named, not coded: each
 * name is matched to a GSS code through the area reference (see areas.ts) or refused.
 */
import type { TenantScope } from '../../../platform/tenancy.js'
import { type AreaIndex, areaLevel } from './areas.js'
import {
  cell,
  type ColumnSpec,
  labelKey,
  listText,
  matchColumns,
  parseSex,
  requiredPositions,
  sortPeriods,
} from './shared.js'
import type { KindImporter } from './types.js'
import type { TableSpec } from './writer.js'

export const NDTMS_SOURCE =
  'National Drug Treatment Monitoring System (NDTMS) ViewIt adult treatment data, Office for Health Improvement and Disparities. Open Government Licence v3.0.'

const ndtmsTable: TableSpec = {
  name: 'ndtms_rows',
  columns: {
    period: 'text',
    area_code: 'text',
    area_name: 'text',
    area_level: 'text',
    sex: 'text',
    age_group: 'text',
    substance_group: 'text',
    measures: 'jsonb',
    suppressed: 'text[]',
    rounded: 'boolean',
  },
  key: ['period', 'area_code', 'sex', 'age_group', 'substance_group'],
  // A re-import replaces the periods it has for the areas it has: a national release with only
  // England rows replaces England's rows and leaves the council's own rows alone (ADR 16).
  coverage: ['period', 'area_code'],
}

type Dimension = 'period' | 'area' | 'areaCode' | 'sex' | 'age' | 'drug'

const dimensions: Record<Dimension, ColumnSpec> = {
  period: {
    name: 'ReportingPeriod',
    aliases: ['ReportingPeriod_Data', 'Reporting_Period', 'Reporting period', 'Period', 'Financial year'],
    required: true,
  },
  area: { name: 'Area', aliases: ['Area_Data', 'Area name', 'AreaName', 'Local authority', 'LA'], required: true },
  areaCode: {
    name: 'Area code',
    aliases: ['AreaCode', 'AreaCode_Data', 'Area_Code_Data', 'GSS code'],
    required: false,
  },
  sex: { name: 'sex', aliases: ['Gender_Data', 'Gender', 'Sex_Data'], required: true },
  age: {
    name: 'age_group',
    aliases: ['AgeGroup_Data', 'AgeGroup', 'Age group', 'Age_Group_Data', 'Age'],
    required: true,
  },
  drug: {
    name: 'drug_group',
    aliases: ['DrugGroup_Data', 'DrugGroup', 'Drug group', 'Drug_Group_Data', 'Substance group'],
    required: true,
  },
}

/** Measure headers that the rule below does not turn into the canonical name. */
const MEASURE_ALIASES: Record<string, string> = {
  intreatment: 'intreatment_allintx',
  numintreatment: 'intreatment_allintx',
  in_treatment_allintx: 'intreatment_allintx',
  newpresentation: 'newpresentation_newtx',
  newpresentations_newtx: 'newpresentation_newtx',
  new_presentation_newtx: 'newpresentation_newtx',
  newpresentations: 'newpresentation_newtx',
}

/** Measure families the assessment knows; other columns are stored and named in a warning. */
const KNOWN_FAMILIES = new Set([
  'intreatment',
  'newpresentation',
  'eth',
  'referralsource',
  'housingsituation',
  'waitsfirst',
  'waitssub',
  'exits',
  'safeguarding',
  'employmentstatus',
  'lengthintreatment',
  'alc',
  'substanceanycitation',
  'injecting',
  'interventions',
  'disability',
  'sexuality',
  'religion',
  'scnr',
])

/**
 * The canonical measure name of a header: lower case, runs of other characters as one '_', and
 * the `Num_` prefix of the alternative style dropped (`Num_InTreatment_AllInTx` ->
 * `intreatment_allintx`, `Eth_White_AllInTx` -> `eth_white_allintx`), then the alias table.
 */
export function measureName(header: string): string {
  const key = header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^num_/, '')
  return MEASURE_ALIASES[key] ?? key
}

const AGE_LABELS: Record<string, string> = {
  '18-29': '18-29',
  '18 to 29': '18-29',
  '30-49': '30-49',
  '30 to 49': '30-49',
  '50+': '50+',
  '50 and over': '50+',
  '50 plus': '50+',
  total: 'all',
  all: 'all',
  'all ages': 'all',
  '18+': 'all',
}

const DRUG_LABELS: Record<string, string> = {
  opiate: 'opiate',
  opiates: 'opiate',
  'non-opiate only': 'non_opiate_only',
  'non-opiates only': 'non_opiate_only',
  'non opiate only': 'non_opiate_only',
  'non opiates only': 'non_opiate_only',
  'alcohol only': 'alcohol_only',
  'non-opiate and alcohol': 'non_opiate_and_alcohol',
  'non-opiates and alcohol': 'non_opiate_and_alcohol',
  'alcohol and non-opiates': 'non_opiate_and_alcohol',
  'alcohol and non-opiate': 'non_opiate_and_alcohol',
  'non opiate and alcohol': 'non_opiate_and_alcohol',
  'alcohol and non opiates': 'non_opiate_and_alcohol',
  total: 'all',
  all: 'all',
  'all substances': 'all',
}

function ageGroup(text: string): string | undefined {
  return AGE_LABELS[labelKey(text).replace(/\s*-\s*/g, '-')]
}

function drugGroup(text: string): string | undefined {
  return DRUG_LABELS[labelKey(text).replace(/\s*-\s*/g, '-')]
}

/** '2021/22', '2021-22' and '2021/2022' as '2021/22'; undefined for anything else. */
export function financialYear(text: string): string | undefined {
  const m = /^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$/.exec(text.trim())
  if (!m?.[1] || !m[2]) return undefined
  const start = Number(m[1])
  const next = start + 1
  const fits = m[2].length === 4 ? Number(m[2]) === next : Number(m[2]) === next % 100
  if (!fits) return undefined
  return `${m[1]}/${String(next % 100).padStart(2, '0')}`
}

const SUPPRESSED = new Set(['*', 'c', '[c]'])

export function createViewItImporter(opts: { scope: TenantScope; areas: AreaIndex }): KindImporter {
  const { scope, areas } = opts
  let columns: Record<Dimension, number | undefined> | undefined
  /** The dimension columns' names as the file spells them, for messages. */
  const named: Record<Dimension, string> = {
    period: dimensions.period.name,
    area: dimensions.area.name,
    areaCode: dimensions.areaCode.name,
    sex: dimensions.sex.name,
    age: dimensions.age.name,
    drug: dimensions.drug.name,
  }
  const measures: { index: number; header: string; name: string }[] = []
  /** Unnamed columns after the last named one (left out). */
  const unnamed: number[] = []
  const periods = new Set<string>()
  const areaNames = new Map<string, string>()
  let councilRows = 0
  let unroundedRows = 0
  /** England and region rows: the comparators (name, periods) by area code. */
  const councilPeriods = new Set<string>()
  const comparators = new Map<string, { name: string; level: string; periods: Set<string> }>()

  return {
    table: ndtmsTable,
    batchSize: 500,
    keyDescription: 'reporting period, area, sex, age group and drug group',

    header(cells, problem) {
      const matched = matchColumns(cells, dimensions)
      for (const name of matched.missing) {
        problem(
          name,
          `The column "${name}" is missing. An NDTMS ViewIt export has it (or ${dimensions[keyOf(name)].aliases?.[0] ?? name}).`,
        )
      }
      for (const name of matched.repeated) problem(name, `Two columns mean "${name}". Keep one.`)
      columns = matched.columns
      for (const key of Object.keys(named) as Dimension[]) {
        const index = matched.columns[key]
        if (index !== undefined) named[key] = cells[index]?.trim() ?? named[key]
      }
      const used = new Set(Object.values(matched.columns).filter((i): i is number => i !== undefined))
      const seen = new Map<string, string>()
      // Spreadsheets often save empty columns after the last one: unnamed columns at the end of
      // the header are left out (a value in one refuses its row); an unnamed one between named
      // columns is refused.
      let lastNamed = -1
      cells.forEach((header, index) => {
        if (header.trim() !== '') lastNamed = index
      })
      cells.forEach((header, index) => {
        if (used.has(index)) return
        const name = measureName(header)
        if (!name && index > lastNamed) {
          unnamed.push(index)
          return
        }
        if (!name) {
          problem(`column ${String(index + 1)}`, `Column ${String(index + 1)} has no name in the header row.`)
          return
        }
        const earlier = seen.get(name)
        if (earlier !== undefined) {
          problem(header, `The columns "${earlier}" and "${header}" both mean the measure ${name}. Keep one.`)
          return
        }
        seen.set(name, header)
        measures.push({ index, header, name })
      })
      if (measures.length === 0 && matched.missing.length === 0) {
        problem('', 'The file has no measure columns (such as intreatment_allintx).')
      }
    },

    requiredColumns: () => (columns ? requiredPositions(dimensions, columns) : []),

    row(cells, _line, refuse) {
      if (!columns) return null
      const before = { refused: false }
      const fail: typeof refuse = (c, v, r) => {
        before.refused = true
        refuse(c, v, r)
      }
      const periodText = cell(cells, columns.period)
      const period = financialYear(periodText)
      if (!period) fail(named.period, periodText, 'Enter a financial year, such as 2021/22.')

      const areaText = cell(cells, columns.area)
      const codeText = cell(cells, columns.areaCode)
      const area = codeText ? areas.byAreaCode(codeText) : areas.byAreaName(areaText)
      if (!area) {
        if (codeText) fail(named.areaCode, codeText, 'This is not the code of an area in England that WTC knows.')
        else if (!areaText) fail(named.area, areaText, 'The area is missing. Name the area.')
        else
          fail(
            named.area,
            areaText,
            'This area name is not one WTC knows. Use the name of an upper-tier council, a region or England.',
          )
      }

      const sexText = cell(cells, columns.sex)
      const sex = parseSex(sexText)
      if (!sex) fail(named.sex, sexText, 'This is not a sex WTC knows. Use F, M or Total.')
      const ageText = cell(cells, columns.age)
      const age = ageGroup(ageText)
      if (!age) fail(named.age, ageText, 'This is not an age group WTC knows. Use 18-29, 30-49, 50+ or Total.')
      const drugText = cell(cells, columns.drug)
      const drug = drugGroup(drugText)
      if (!drug) {
        fail(
          named.drug,
          drugText,
          'This is not a drug group WTC knows. Use Opiate, Non-opiate only, Alcohol only, Non-opiate & alcohol or Total.',
        )
      }

      for (const index of unnamed) {
        const text = (cells[index] ?? '').trim()
        if (text !== '') {
          fail(
            `column ${String(index + 1)}`,
            text,
            'This column has no name in the header row, so WTC cannot tell what this value is. Name the column or delete it.',
          )
        }
      }
      const values: Record<string, number | null> = {}
      const suppressed: string[] = []
      let anyValue = false
      let allMultiplesOfFive = true
      for (const m of measures) {
        const text = (cells[m.index] ?? '').trim()
        if (text === '' || text.toUpperCase() === 'NULL') {
          values[m.name] = null
        } else if (SUPPRESSED.has(text.toLowerCase())) {
          values[m.name] = null
          suppressed.push(m.name)
        } else if (/^\d+$/.test(text) || /^\d{1,3}(,\d{3})+$/.test(text)) {
          const n = Number(text.replace(/,/g, ''))
          values[m.name] = n
          anyValue = true
          if (n % 5 !== 0) allMultiplesOfFive = false
        } else if (/^-\s*\d/.test(text)) {
          fail(m.header, text, 'A count of people cannot be negative.')
        } else if (/^\d*\.\d+$/.test(text)) {
          fail(m.header, text, 'NDTMS counts are whole numbers.')
        } else {
          fail(
            m.header,
            text,
            'This is not a number. Use a whole number, NULL or an empty cell when not available, or * or c when suppressed.',
          )
        }
      }
      if (before.refused || !period || !area || !sex || !age || !drug) return null

      const level = areaLevel(area, scope.areaCode)
      // Rounding: NDTMS rounds local-authority counts to the nearest 5 (zeros included), so
      // council and other-area rows are always `rounded`. England and region figures may be
      // published unrounded: such a row counts as rounded only when it has at least one value and
      // every value in it is a multiple of 5 (one figure that is not shows it was not rounded).
      const rounded = level === 'council' || level === 'other' ? true : anyValue && allMultiplesOfFive
      if (!rounded) unroundedRows++
      periods.add(period)
      areaNames.set(area.code, area.name)
      if (area.code === scope.areaCode) {
        councilRows++
        councilPeriods.add(period)
      } else if (level === 'england' || level === 'region') {
        const known = comparators.get(area.code) ?? { name: area.name, level, periods: new Set<string>() }
        known.periods.add(period)
        comparators.set(area.code, known)
      }
      return {
        period,
        area_code: area.code,
        area_name: area.name,
        area_level: level,
        sex,
        age_group: age,
        substance_group: drug,
        measures: values,
        suppressed,
        rounded,
      }
    },

    finish(rowsRead) {
      const problems: string[] = []
      const warnings: string[] = []
      if (rowsRead === 0) problems.push('The file has a header row but no rows of data.')
      else if (councilRows === 0 && comparators.size === 0) {
        problems.push(
          `This file has no rows for ${scope.councilName} (${scope.areaCode}), England or a region. Check that it is the export for your area, or a national or regional release.`,
        )
      }
      if (unnamed.length > 0) {
        warnings.push(
          `The last ${unnamed.length === 1 ? 'column has' : `${String(unnamed.length)} columns have`} no name and no values; ${unnamed.length === 1 ? 'it was' : 'they were'} left out.`,
        )
      }
      const unknown = measures.filter((m) => !KNOWN_FAMILIES.has(m.name.split('_')[0] ?? ''))
      if (unknown.length > 0) {
        warnings.push(
          `${String(unknown.length)} column${unknown.length === 1 ? ' is' : 's are'} not a measure the assessment uses; stored as published: ${listText(unknown.map((m) => m.header))}.`,
        )
      }
      if (unroundedRows > 0) {
        warnings.push(
          `${String(unroundedRows)} England or region row${unroundedRows === 1 ? ' is' : 's are'} not rounded to 5; ${unroundedRows === 1 ? 'it is' : 'they are'} marked as unrounded.`,
        )
      }
      // What the rows are stored as, in words: "England comparator, 2009/10 to 2020/21".
      const comparatorText = [...comparators.values()]
        .sort(
          (a, b) => (a.level === 'england' ? 0 : 1) - (b.level === 'england' ? 0 : 1) || a.name.localeCompare(b.name),
        )
        .map((c) => `${c.name} comparator, ${periodRange(c.periods)}`)
      const storedAs =
        councilRows > 0
          ? [`${scope.councilName} (your council), ${periodRange(councilPeriods)}`, ...comparatorText]
          : comparatorText
      return {
        problems,
        warnings,
        coverage: {
          storedAs: storedAs.join('; '),
          periods: sortPeriods(periods),
          areas: [...areaNames].map(([code, name]) => ({ code, name })),
          measures: measures.length,
        },
        source: NDTMS_SOURCE,
      }
    },
  }
}

/** '2009/10 to 2020/21', or the one period; gaps are not spelled out. */
function periodRange(periods: Set<string>): string {
  const sorted = sortPeriods(periods)
  const first = sorted[0] ?? ''
  const last = sorted[sorted.length - 1] ?? ''
  return first === last ? first : `${first} to ${last}`
}

function keyOf(name: string): Dimension {
  const found = (Object.keys(dimensions) as Dimension[]).find((k) => dimensions[k].name === name)
  return found ?? 'period'
}
