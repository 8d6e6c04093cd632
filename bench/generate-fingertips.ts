/**
 * Writes a large Fingertips-format CSV for the import benchmark: the 27-column header of a current
 * Fingertips download, UTF-8 with a byte-order mark, quoted names that hold commas, and rows that
 * vary by period, indicator, sex, inequality category and area so that every row has its own key
 * (indicator, area, sex, age, category type, category, period, period range).
 *
 * The content is made up but shaped like the real thing (see /work/shared/domain/data-formats.md):
 * financial-year, calendar-year and three-year periods; fractional counts; suppressed values with a
 * value note; England and regional rows beside the councils. Deterministic: the same row count
 * always gives the same bytes.
 */
import { once } from 'node:events'
import { createWriteStream, existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const FINGERTIPS_HEADER = [
  'Indicator ID',
  'Indicator Name',
  'Parent Code',
  'Parent Name',
  'Area Code',
  'Area Name',
  'Area Type',
  'Sex',
  'Age',
  'Category Type',
  'Category',
  'Time period',
  'Value',
  'Lower CI 95.0 limit',
  'Upper CI 95.0 limit',
  'Lower CI 99.8 limit',
  'Upper CI 99.8 limit',
  'Count',
  'Denominator',
  'Value note',
  'Recent Trend',
  'Compared to England value or percentiles',
  'Column not used',
  'Time period Sortable',
  'New data',
  'Compared to goal',
  'Time period range',
]

type PeriodStyle = 'financial' | 'calendar' | 'three-year'

interface Indicator {
  id: number
  name: string
  age: string
  style: PeriodStyle
  /** Typical value: a percentage, or a rate per 100,000. */
  typical: number
}

/** Real indicator ids and names from the drug and alcohol profiles; several names hold commas. */
const INDICATORS: Indicator[] = [
  {
    id: 93532,
    name: 'Proportion of dependent drinkers not in treatment (%) (Current method)',
    age: '18+ yrs',
    style: 'financial',
    typical: 80,
  },
  {
    id: 93517,
    name: 'Proportion of opiate and/or crack cocaine users not in treatment (%)',
    age: '15-64 yrs',
    style: 'financial',
    typical: 50,
  },
  {
    id: 92906,
    name: 'Admission episodes for alcohol-specific conditions',
    age: 'All ages',
    style: 'financial',
    typical: 580,
  },
  {
    id: 93764,
    name: 'Admission episodes for alcohol-related conditions (Narrow), new method',
    age: 'All ages',
    style: 'financial',
    typical: 470,
  },
  { id: 93763, name: 'Alcohol-related mortality', age: 'All ages', style: 'calendar', typical: 38 },
  { id: 92432, name: 'Alcohol-specific mortality', age: 'All ages', style: 'three-year', typical: 11 },
  { id: 91380, name: 'Deaths from drug misuse', age: 'All ages', style: 'three-year', typical: 5 },
  {
    id: 90808,
    name: 'Admission episodes for alcohol-specific conditions - Under 18s',
    age: '<18 yrs',
    style: 'three-year',
    typical: 29,
  },
  {
    id: 92904,
    name: 'Admission episodes for mental and behavioural disorders due to use of alcohol, narrow definition',
    age: 'All ages',
    style: 'financial',
    typical: 120,
  },
  { id: 93039, name: 'Successful completion of alcohol treatment', age: '18+ yrs', style: 'calendar', typical: 36 },
  {
    id: 90244,
    name: 'Successful completion of drug treatment: opiate users',
    age: '18-75 yrs',
    style: 'calendar',
    typical: 5,
  },
  {
    id: 90245,
    name: 'Successful completion of drug treatment: non-opiate users',
    age: '18-75 yrs',
    style: 'calendar',
    typical: 32,
  },
  {
    id: 92447,
    name: 'Deaths in treatment, alcohol only, per 1,000 in treatment',
    age: '18+ yrs',
    style: 'three-year',
    typical: 14,
  },
  {
    id: 93513,
    name: 'Adults with substance misuse treatment need who successfully engage in community-based structured treatment following release from prison',
    age: '18+ yrs',
    style: 'financial',
    typical: 40,
  },
  {
    id: 93158,
    name: 'Mortality from chronic liver disease, all persons, under 75',
    age: '<75 yrs',
    style: 'three-year',
    typical: 14,
  },
  {
    id: 91414,
    name: 'Alcohol-related hospital admissions, broad definition, all ages',
    age: 'All ages',
    style: 'financial',
    typical: 2300,
  },
  {
    id: 93085,
    name: 'Hospital admissions due to substance misuse (15 to 24 years)',
    age: '15-24 yrs',
    style: 'three-year',
    typical: 60,
  },
  {
    id: 92443,
    name: 'Smoking prevalence in adults with a long-term mental health condition, 18+',
    age: '18+ yrs',
    style: 'calendar',
    typical: 25,
  },
  {
    id: 93088,
    name: 'Percentage of adults drinking over 14 units of alcohol a week',
    age: '18+ yrs',
    style: 'three-year',
    typical: 22,
  },
  {
    id: 92529,
    name: 'Hepatitis C detection rate, persons who inject drugs',
    age: 'All ages',
    style: 'calendar',
    typical: 18,
  },
  {
    id: 90356,
    name: 'Domestic abuse-related incidents and crimes, per 1,000',
    age: '16+ yrs',
    style: 'financial',
    typical: 30,
  },
  { id: 93553, name: 'Deprivation score (IMD 2019)', age: 'All ages', style: 'calendar', typical: 21 },
  {
    id: 93766,
    name: 'Binge drinking, adults (modelled estimate), all persons',
    age: '18+ yrs',
    style: 'three-year',
    typical: 16,
  },
  {
    id: 94125,
    name: 'Parents in treatment living with children, women, drug and alcohol',
    age: '18+ yrs',
    style: 'financial',
    typical: 30,
  },
]

const SEXES = ['Persons', 'Female', 'Male'] as const

const DECILE_TYPE = 'County & UA deprivation deciles in England (IMD2019, 4/23 geography)'
/** The headline row (no category) and ten deprivation deciles. */
const CATEGORIES: { type: string; name: string }[] = [
  { type: '', name: '' },
  ...Array.from({ length: 10 }, (_, i) => ({
    type: DECILE_TYPE,
    name:
      i === 0
        ? 'Most deprived decile (IMD2019)'
        : i === 9
          ? 'Least deprived decile (IMD2019)'
          : `${['Second', 'Third', 'Fourth', 'Fifth', 'Sixth', 'Seventh', 'Eighth', 'Ninth'][i - 1] ?? ''} more deprived decile (IMD2019)`,
  })),
]

/** Fingertips spells some council names with the comma form used by ONS. */
const COMMA_NAMES: Record<string, string> = {
  Bristol: 'Bristol, City of',
  'Kingston upon Hull': 'Kingston upon Hull, City of',
  Herefordshire: 'Herefordshire, County of',
}

interface Area {
  code: string
  name: string
  type: string
  parentCode: string
  parentName: string
}

/** The project folder (package.json beside src/), from dist/bench/ or, with tsx, from bench/. */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('Cannot find the WTC project folder')
    dir = parent
  }
}

function csvSplit(line: string): string[] {
  const out: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i)
    if (quoted) {
      if (c === '"' && line.charAt(i + 1) === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      out.push(field)
      field = ''
    } else field += c
  }
  out.push(field)
  return out
}

/** England, the nine regions and every upper-tier council, from the project's area reference. */
function loadAreas(): Area[] {
  const text = readFileSync(path.join(findProjectRoot(), 'src', 'db', 'reference', 'utla-england-2023.csv'), 'utf8')
  const rows = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map(csvSplit)
  const regions = new Map<string, string>()
  const councils: Area[] = []
  for (const [code = '', name = '', laType = '', regionCode = '', regionName = ''] of rows) {
    regions.set(regionCode, regionName)
    councils.push({
      code,
      name: COMMA_NAMES[name] ?? name,
      type: laType.startsWith('Unitary') ? 'UA' : laType.startsWith('County') ? 'County' : 'London borough',
      parentCode: regionCode,
      parentName: regionName,
    })
  }
  const england: Area = { code: 'E92000001', name: 'England', type: 'England', parentCode: '', parentName: '' }
  const regionAreas = [...regions].map(([code, name]) => ({
    code,
    name,
    type: 'Region',
    parentCode: 'E92000001',
    parentName: 'England',
  }))
  return [england, ...regionAreas, ...councils]
}

/** Fields with a comma, quote or line break are quoted; quotes doubled. */
function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

function period(style: PeriodStyle, index: number): { label: string; sortable: number; range: string } {
  // index 0 is the most recent period: 2023/24, 2023 or 2021 - 23.
  const year = 2023 - index
  if (style === 'financial') {
    return {
      label: `${String(year)}/${String((year + 1) % 100).padStart(2, '0')}`,
      sortable: year * 10000,
      range: '1y',
    }
  }
  if (style === 'calendar') return { label: String(year), sortable: year * 10000, range: '1y' }
  return {
    label: `${String(year - 2)} - ${String(year % 100).padStart(2, '0')}`,
    sortable: year * 10000,
    range: '3y',
  }
}

/** A deterministic pseudo-random number from the row number and a salt, 0 <= x < 1 (murmur3 finaliser). */
function noise(n: number, salt: number): number {
  let x = (Math.imul(n, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0
  x = (x ^ (x >>> 16)) >>> 0
  return x / 4294967296
}

/** list[i mod length], for a list known not to be empty. */
function pick<T>(list: readonly T[], i: number): T {
  const item = list[i % list.length]
  if (item === undefined) throw new RangeError('empty list')
  return item
}

const fixed = (n: number, digits: number) => Number(n.toFixed(digits)).toString()

export const PERIODS_PER_INDICATOR = 23

/** How many different keys the generator can make; more rows than this would repeat keys. */
export function maxRows(): number {
  return PERIODS_PER_INDICATOR * INDICATORS.length * SEXES.length * CATEGORIES.length * loadAreas().length
}

export interface GeneratedFile {
  filePath: string
  rows: number
  bytes: number
  indicators: number
  areas: number
}

/**
 * Writes `rows` data rows to `filePath`. Row n is decomposed (area fastest, then category, sex,
 * indicator, period) so keys never repeat while n < maxRows().
 */
export async function generateFingertipsCsv(filePath: string, rows: number): Promise<GeneratedFile> {
  const areas = loadAreas()
  const limit = PERIODS_PER_INDICATOR * INDICATORS.length * SEXES.length * CATEGORIES.length * areas.length
  if (!Number.isInteger(rows) || rows < 1 || rows > limit) {
    throw new RangeError(`rows must be a whole number from 1 to ${String(limit)}`)
  }
  const out = createWriteStream(filePath)
  let bytes = 0
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text)
    if (!out.write(text)) await once(out, 'drain')
  }
  await write(`\uFEFF${FINGERTIPS_HEADER.map(csvField).join(',')}\n`)
  const indicatorsUsed = new Set<number>()
  let chunk: string[] = []
  for (let n = 0; n < rows; n++) {
    let rest = n
    const area = pick(areas, rest)
    rest = Math.floor(rest / areas.length)
    const category = pick(CATEGORIES, rest)
    rest = Math.floor(rest / CATEGORIES.length)
    const sex = pick(SEXES, rest)
    rest = Math.floor(rest / SEXES.length)
    const indicator = pick(INDICATORS, rest)
    rest = Math.floor(rest / INDICATORS.length)
    const when = period(indicator.style, rest)
    indicatorsUsed.add(indicator.id)

    const r1 = noise(n, 1)
    const suppressed = r1 < 0.03
    const denominator = indicator.typical > 100 ? 50_000 + Math.floor(noise(n, 2) * 400_000) : 200 + noise(n, 2) * 8000
    const share = Math.min(
      0.98,
      Math.max(0.01, (indicator.typical / (indicator.typical > 100 ? 100_000 : 100)) * (0.6 + noise(n, 3) * 0.8)),
    )
    const count = denominator * share
    const value = indicator.typical > 100 ? share * 100_000 : share * 100
    const spread = value * (0.04 + noise(n, 4) * 0.12)
    const trend = noise(n, 5)
    const compared = noise(n, 6)
    const cells = [
      String(indicator.id),
      indicator.name,
      area.parentCode,
      area.parentName,
      area.code,
      area.name,
      area.type,
      sex,
      indicator.age,
      category.type,
      category.name,
      when.label,
      suppressed ? '' : fixed(value, 8),
      suppressed ? '' : fixed(Math.max(0, value - spread), 8),
      suppressed ? '' : fixed(value + spread, 8),
      suppressed || r1 > 0.5 ? '' : fixed(Math.max(0, value - spread * 1.6), 8),
      suppressed || r1 > 0.5 ? '' : fixed(value + spread * 1.6, 8),
      suppressed ? '' : r1 < 0.3 ? fixed(count, 6) : String(Math.round(count)),
      suppressed ? '' : r1 < 0.3 ? fixed(denominator, 6) : String(Math.round(denominator)),
      suppressed ? 'Value suppressed for disclosure control due to small count' : '',
      trend < 0.5 ? '' : trend < 0.7 ? 'No significant change' : trend < 0.85 ? 'Increasing' : 'Decreasing',
      area.type === 'England'
        ? ''
        : compared < 0.6
          ? 'Similar'
          : compared < 0.8
            ? 'Worse'
            : compared < 0.95
              ? 'Better'
              : 'Not compared',
      'Not compared',
      String(when.sortable),
      rest === 0 && noise(n, 7) < 0.2 ? 'New data' : '',
      '',
      when.range,
    ]
    chunk.push(cells.map(csvField).join(','))
    if (chunk.length === 5000) {
      await write(`${chunk.join('\n')}\n`)
      chunk = []
    }
  }
  if (chunk.length > 0) await write(`${chunk.join('\n')}\n`)
  out.end()
  await once(out, 'finish')
  return { filePath, rows, bytes, indicators: indicatorsUsed.size, areas: areas.length }
}
