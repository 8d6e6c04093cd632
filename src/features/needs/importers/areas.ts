/**
 * Area names to GSS codes, for files that name areas but give no code (NDTMS ViewIt). The names
 * come from the shipped area reference (the `areas` table: 153 upper-tier councils and their
 * regions), the Fingertips area list (src/db/reference/needs/fingertips-areas.csv) and a short
 * table of other spellings publishers use. A name is matched after normalising case, '&'/'and',
 * punctuation and spacing; a name that still does not match is reported, never guessed.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { areaAliases, areas } from '../../../db/schema/index.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import { AREA_CODE_CHANGES } from '../../../platform/reference.js'
import { fromRoot } from '../../../platform/root.js'

export const ENGLAND_CODE = 'E92000001'

export type AreaLevel = 'council' | 'region' | 'england' | 'other'

export interface ResolvedArea {
  code: string
  /** The reference name (not the file's spelling). */
  name: string
  kind: 'england' | 'region' | 'council' | 'district'
}

/** Other spellings seen in publishers' files, by normalised name. */
const NAME_ALIASES: Record<string, string> = {
  hull: 'E06000010',
  'city of kingston upon hull': 'E06000010',
  durham: 'E06000047',
  'durham county': 'E06000047',
  'city of bristol': 'E06000023',
  'bristol city': 'E06000023',
  'county of herefordshire': 'E06000019',
  'herefordshire county of': 'E06000019',
  southend: 'E06000033',
  'telford and the wrekin': 'E06000020',
  brighton: 'E06000043',
  'royal borough of windsor and maidenhead': 'E06000040',
  'st helens': 'E08000013',
  'saint helens': 'E08000013',
  'city of westminster': 'E09000033',
  'city of york': 'E06000014',
  'city of london and hackney': 'E09000012',
  'hackney and city of london': 'E09000012',
  'cornwall and isles of scilly': 'E06000052',
  'isles of scilly and cornwall': 'E06000052',
  'bournemouth christchurch and poole': 'E06000058',
  'yorkshire and humber': 'E12000003',
  'yorkshire and the humber': 'E12000003',
  'east of england': 'E12000006',
  eastern: 'E12000006',
}

/** Suffixes that reference names carry and other files leave out. */
const NAME_SUFFIXES = [' ua', ' region', ' city of', ' county of']

/** Name forms that differ only by a prefix or suffix publishers add or leave out. */
const STRIP_PREFIXES = ['london borough of ', 'royal borough of ', 'borough of ', 'city of ', 'county of ']
const STRIP_SUFFIXES = [
  ' city of',
  ' county of',
  ' ua',
  ' region',
  ' council',
  ' county council',
  ' city council',
  ' borough council',
  ' metropolitan borough council',
]

/** Lower case, '&' as 'and', punctuation as spaces, single spaces. */
export function normaliseAreaName(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

interface FingertipsAreaRow {
  AreaCode: string
  AreaName: string
  AreaTypeCode: string
}

let fingertipsAreas: FingertipsAreaRow[] | undefined
function readFingertipsAreas(): FingertipsAreaRow[] {
  fingertipsAreas ??= parse<FingertipsAreaRow>(
    readFileSync(fromRoot('src/db/reference/needs/fingertips-areas.csv'), 'utf8'),
    { columns: true, bom: true, skip_empty_lines: true },
  ).filter((r) =>
    ['england', 'regions', 'counties-and-unitary-authorities', 'districts-and-unitary-authorities'].includes(
      r.AreaTypeCode,
    ),
  )
  return fingertipsAreas
}

export class AreaIndex {
  private readonly byName = new Map<string, ResolvedArea>()
  private readonly byCode = new Map<string, ResolvedArea>()
  private readonly aliases = new Map<string, string>()

  constructor(
    reference: { code: string; name: string; regionCode: string; regionName: string }[],
    codeAliases: { alias: string; areaCode: string }[],
  ) {
    for (const a of codeAliases) this.aliases.set(a.alias, a.areaCode)
    for (const c of AREA_CODE_CHANGES) if (!this.aliases.has(c.old)) this.aliases.set(c.old, c.current)
    const add = (name: string, area: ResolvedArea) => {
      const key = normaliseAreaName(name)
      if (!key) return
      // The name, and the name without a trailing 'UA', 'Region', ', City of' or ', County of'.
      const forms = [key, ...NAME_SUFFIXES.filter((x) => key.endsWith(x)).map((x) => key.slice(0, -x.length))]
      for (const form of forms) if (form && !this.byName.has(form)) this.byName.set(form, area)
    }
    const england: ResolvedArea = { code: ENGLAND_CODE, name: 'England', kind: 'england' }
    this.byCode.set(ENGLAND_CODE, england)
    add('England', england)
    for (const r of reference) {
      const council: ResolvedArea = { code: r.code, name: r.name, kind: 'council' }
      this.byCode.set(r.code, council)
      add(r.name, council)
      if (!this.byCode.has(r.regionCode)) {
        const shortName = r.regionName.replace(/ Region$/, '')
        const region: ResolvedArea = { code: r.regionCode, name: shortName, kind: 'region' }
        this.byCode.set(r.regionCode, region)
        add(r.regionName, region)
        add(shortName, region)
      }
    }
    // Fingertips names: councils and regions first (they win a clash), then lower-tier districts.
    const rows = readFingertipsAreas()
    for (const pass of ['upper', 'districts'] as const) {
      for (const r of rows) {
        const isDistrict = r.AreaTypeCode === 'districts-and-unitary-authorities'
        if ((pass === 'districts') !== isDistrict) continue
        const code = this.currentCode(r.AreaCode)
        const known = this.byCode.get(code)
        if (known) {
          add(r.AreaName, known)
        } else if (isDistrict) {
          const district: ResolvedArea = { code, name: r.AreaName, kind: 'district' }
          this.byCode.set(code, district)
          add(r.AreaName, district)
        }
      }
    }
    for (const [name, code] of Object.entries(NAME_ALIASES)) {
      const area = this.byCode.get(code)
      if (area) add(name, area)
    }
  }

  /** The current code for an older one (Barnsley, Sheffield), else the code itself. */
  currentCode(code: string): string {
    const upper = code.trim().toUpperCase()
    return this.aliases.get(upper) ?? upper
  }

  byAreaCode(code: string): ResolvedArea | undefined {
    return this.byCode.get(this.currentCode(code))
  }

  /** The area a name means, or undefined when it is not known (the caller reports it). */
  byAreaName(name: string): ResolvedArea | undefined {
    const key = normaliseAreaName(name)
    if (!key) return undefined
    const exact = this.byName.get(key)
    if (exact) return exact
    for (const prefix of STRIP_PREFIXES) {
      if (key.startsWith(prefix)) {
        const found = this.byName.get(key.slice(prefix.length))
        if (found) return found
      }
    }
    for (const suffix of STRIP_SUFFIXES) {
      if (key.endsWith(suffix)) {
        const found = this.byName.get(key.slice(0, -suffix.length))
        if (found) return found
      }
    }
    return undefined
  }
}

export async function loadAreaIndex(db: DbOrTx): Promise<AreaIndex> {
  const reference = await db
    .select({ code: areas.code, name: areas.name, regionCode: areas.regionCode, regionName: areas.regionName })
    .from(areas)
  const codeAliases = await db.select({ alias: areaAliases.alias, areaCode: areaAliases.areaCode }).from(areaAliases)
  return new AreaIndex(reference, codeAliases)
}

/** Where an area sits relative to the importing council. */
export function areaLevel(area: ResolvedArea, councilCode: string): AreaLevel {
  if (area.kind === 'england') return 'england'
  if (area.kind === 'region') return 'region'
  return area.code === councilCode ? 'council' : 'other'
}
