/**
 * The assessment's inputs once loaded, and the lookups every section uses: NDTMS rows by period,
 * area, sex, age group and substance group; the choices a user can make; the sex labels used by
 * the different publishers.
 */
import type { CountInput } from '../../../lib/suppression.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import type {
  FemaleShare,
  FingertipsRecord,
  ImportRecord,
  InsightRecord,
  LocalIndicatorRecord,
  NdtmsRecord,
  PopulationRecord,
  PrevalenceRecord,
  PriorityRecord,
} from './repository.js'
import type { AssessmentSelection } from './types.js'

export const substanceGroups = [
  { value: 'all', label: 'All substances' },
  { value: 'opiate', label: 'Opiates' },
  { value: 'non_opiate_only', label: 'Non-opiates only' },
  { value: 'alcohol_only', label: 'Alcohol only' },
  { value: 'non_opiate_and_alcohol', label: 'Non-opiates and alcohol' },
] as const
export type SubstanceGroup = (typeof substanceGroups)[number]['value']
export const substanceValues = substanceGroups.map((s) => s.value) as [SubstanceGroup, ...SubstanceGroup[]]

export const ageGroups = [
  { value: 'all', label: 'All ages (18 and over)' },
  { value: '18-29', label: '18 to 29' },
  { value: '30-49', label: '30 to 49' },
  { value: '50+', label: '50 and over' },
] as const
export type AgeGroup = (typeof ageGroups)[number]['value']
export const ageValues = ageGroups.map((a) => a.value) as [AgeGroup, ...AgeGroup[]]

export const substanceLabel = (value: string): string => substanceGroups.find((s) => s.value === value)?.label ?? value
export const ageLabel = (value: string): string => ageGroups.find((a) => a.value === value)?.label ?? value

/** A phrase for sentences: 'for alcohol only, aged 18 to 29'. Empty for all substances and ages. */
export function selectionPhrase(selection: AssessmentSelection): string {
  const parts: string[] = []
  if (selection.substanceGroup !== 'all') parts.push(`for ${substanceLabel(selection.substanceGroup).toLowerCase()}`)
  if (selection.ageGroup !== 'all') parts.push(`aged ${ageLabel(selection.ageGroup).toLowerCase()}`)
  return parts.join(', ')
}

export type Sex = 'F' | 'M' | 'Persons'

/** Publishers write sex as F/M/Persons, Female/Male, Women/Men, Total: one code for each. */
export function sexCode(value: string): Sex | null {
  const v = value.trim().toLowerCase()
  if (v === 'f' || v === 'female' || v === 'females' || v === 'women' || v === 'woman') return 'F'
  if (v === 'm' || v === 'male' || v === 'males' || v === 'men' || v === 'man') return 'M'
  if (v === 'persons' || v === 'person' || v === 'total' || v === 'all' || v === 'people') return 'Persons'
  return null
}

/** The first year of a period ('2021/22' -> 2021, '2021 - 23' -> 2021, '2017' -> 2017), for ordering. */
export function periodStart(period: string): number {
  const match = /(\d{4})/.exec(period)
  return match ? Number(match[1]) : Number.NaN
}

export function comparePeriods(a: string, b: string): number {
  return periodStart(a) - periodStart(b) || a.localeCompare(b)
}

export interface AssessmentData {
  scope: TenantScope
  selection: AssessmentSelection
  ndtms: NdtmsCube
  fingertips: FingertipsRecord[]
  prevalence: PrevalenceRecord[]
  population: PopulationRecord[]
  localIndicators: LocalIndicatorRecord[]
  femaleShares: FemaleShare[]
  insights: InsightRecord[]
  priorities: PriorityRecord[]
  imports: ImportRecord[]
}

/** NDTMS rows indexed by period, area, sex, age group and substance group. */
export class NdtmsCube {
  private readonly byKey = new Map<string, NdtmsRecord>()
  /** Periods with rows for the council, oldest first. */
  readonly periods: string[]
  readonly comparatorAreas: { code: string; name: string; level: string }[]

  constructor(
    rows: NdtmsRecord[],
    readonly councilCode: string,
  ) {
    const periods = new Set<string>()
    const comparators = new Map<string, { code: string; name: string; level: string }>()
    for (const row of rows) {
      this.byKey.set(NdtmsCube.key(row.period, row.areaCode, row.sex, row.ageGroup, row.substanceGroup), row)
      if (row.areaCode === councilCode) periods.add(row.period)
      else if (row.areaLevel === 'england' || row.areaLevel === 'region') {
        comparators.set(row.areaCode, { code: row.areaCode, name: row.areaName, level: row.areaLevel })
      }
    }
    this.periods = [...periods].sort(comparePeriods)
    this.comparatorAreas = [...comparators.values()].sort(
      (a, b) => (a.level === 'england' ? 0 : 1) - (b.level === 'england' ? 0 : 1) || a.name.localeCompare(b.name),
    )
  }

  private static key(period: string, area: string, sex: string, age: string, substance: string): string {
    return [period, area, sex, age, substance].join('|')
  }

  row(period: string, sex: Sex, age: string, substance: string, area = this.councilCode): NdtmsRecord | undefined {
    return this.byKey.get(NdtmsCube.key(period, area, sex, age, substance))
  }

  get hasData(): boolean {
    return this.periods.length > 0
  }

  /** Import ids behind the council's rows (for the list of sources). */
  importIds(): Set<string> {
    const ids = new Set<string>()
    for (const row of this.byKey.values()) ids.add(row.importId)
    return ids
  }

  /** Whether any of the council's rows carries a count the publisher rounded. */
  get rounded(): boolean {
    for (const row of this.byKey.values()) if (row.rounded) return true
    return false
  }
}

/**
 * One measure of one row as an input to the suppression function: the published value, the
 * publisher's own suppression, or null when the row or the value is missing (never 0).
 */
export function measureInput(key: string, row: NdtmsRecord | undefined, measure: string): CountInput {
  if (!row) return { key, count: null }
  if (row.suppressed.includes(measure)) return { key, count: null, publisherSuppressed: true }
  const value = row.measures[measure]
  return { key, count: typeof value === 'number' && Number.isFinite(value) ? value : null }
}

/** Sum of published measures across rows, or null if any is missing or suppressed. */
export function summedInput(key: string, parts: { row: NdtmsRecord | undefined; measure: string }[]): CountInput {
  let total = 0
  for (const part of parts) {
    const input = measureInput(key, part.row, part.measure)
    if (input.publisherSuppressed) return { key, count: null, publisherSuppressed: true }
    if (input.count === null) return { key, count: null }
    total += input.count
  }
  return { key, count: total }
}
