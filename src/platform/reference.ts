/**
 * Reference data shipped with the product: the 153 upper-tier councils of England (ONS, 2023)
 * and the older codes publishers still use for two of them. Loaded at start; idempotent.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { sql } from 'drizzle-orm'
import { areaAliases, areas, organisations } from '../db/schema/index.js'
import { type LsoaCentroid, parseLsoaCentroidsCsv } from '../lib/lsoa.js'
import { parsePostcodeDistrictsCsv, PostcodeDistricts } from '../lib/postcodes.js'
import type { DbOrTx } from './db/index.js'
import { fromRoot } from './root.js'
import { tenantScope, type TenantScope } from './tenancy.js'
import { and, eq } from 'drizzle-orm'

/** Fingertips still uses the pre-2024 codes for Barnsley and Sheffield (shared/data/README.md). */
export const AREA_CODE_CHANGES = [
  { old: 'E08000016', current: 'E08000038', name: 'Barnsley' },
  { old: 'E08000019', current: 'E08000039', name: 'Sheffield' },
] as const

interface AreaCsvRow {
  area_code: string
  area_name: string
  la_type: string
  region_code: string
  region_name: string
}

export function readAreas(): AreaCsvRow[] {
  const text = readFileSync(fromRoot('src/db/reference/utla-england-2023.csv'), 'utf8')
  return parse<AreaCsvRow>(text, { columns: true, skip_empty_lines: true, trim: true, bom: true })
}

export async function loadReferenceData(db: DbOrTx): Promise<void> {
  const count = await db.select({ n: sql<string>`count(*)::text` }).from(areas)
  const rows = readAreas()
  if (Number(count[0]?.n ?? 0) >= rows.length) return
  const current = (code: string) => AREA_CODE_CHANGES.find((c) => c.old === code)?.current ?? code
  await db.transaction(async (tx) => {
    await tx
      .insert(areas)
      .values(
        rows.map((r) => ({
          code: current(r.area_code),
          name: r.area_name,
          laType: r.la_type,
          regionCode: r.region_code,
          regionName: r.region_name,
        })),
      )
      .onConflictDoNothing()
    await tx
      .insert(areaAliases)
      .values(
        AREA_CODE_CHANGES.map((c) => ({
          alias: c.old,
          areaCode: c.current,
          note: `${c.name}: code before April 2024, still used by Fingertips`,
        })),
      )
      .onConflictDoNothing()
  })
}

/** Makes a council a tenant of WTC (idempotent) and returns its scope. */
export async function ensureCouncil(db: DbOrTx, areaCode: string): Promise<TenantScope> {
  const wanted = areaCode.trim().toUpperCase()
  const aliasRows = await db.select().from(areaAliases).where(eq(areaAliases.alias, wanted))
  const code = aliasRows[0]?.areaCode ?? wanted
  const area = (await db.select().from(areas).where(eq(areas.code, code)))[0]
  if (!area) throw new Error(`${wanted} is not the code of an upper-tier council in England`)
  const existing = (
    await db
      .select()
      .from(organisations)
      .where(and(eq(organisations.kind, 'council'), eq(organisations.areaCode, code)))
  )[0]
  if (existing) return tenantScope({ id: existing.id, areaCode: code, name: existing.name })
  const id = crypto.randomUUID()
  await db.insert(organisations).values({ id, tenantId: id, kind: 'council', name: area.name, areaCode: code })
  return tenantScope({ id, areaCode: code, name: area.name })
}

/** LSOA 2021 centroids with female residents (lib/lsoa.ts parses them; see the README beside the file). */
export const LSOA_CENTROIDS_FILE = 'src/db/reference/geo/england-lsoa21-centroids.csv'

const lsoaCache = new Map<string, readonly Readonly<LsoaCentroid>[]>()

/**
 * Reads the shipped file, all of England or one upper-tier council (e.g. 'E09000003', Barnet).
 * The file is parsed once per process (about 0.2 to 0.4 s for 33,755 rows) and kept; the rows are
 * frozen, and each call returns a new array.
 */
export function loadLsoaCentroids(options: { utlaCode?: string; file?: string } = {}): Readonly<LsoaCentroid>[] {
  const file = options.file ?? fromRoot(LSOA_CENTROIDS_FILE)
  let all = lsoaCache.get(file)
  if (all === undefined) {
    all = parseLsoaCentroidsCsv(readFileSync(file, 'utf8')).map((row) => Object.freeze(row))
    lsoaCache.set(file, all)
  }
  const { utlaCode } = options
  return utlaCode === undefined ? [...all] : all.filter((row) => row.utlaCode === utlaCode)
}

/** The postcode districts file shipped for offline postcode search (src/db/reference/geo/README.md). */
export const POSTCODE_DISTRICTS_FILE = 'src/db/reference/geo/postcode-districts.csv'

/** Reads the shipped postcode districts (or another file of the same format). */
export function loadPostcodeDistricts(file = fromRoot(POSTCODE_DISTRICTS_FILE)): PostcodeDistricts {
  return new PostcodeDistricts(parsePostcodeDistrictsCsv(readFileSync(file, 'utf8')))
}

let shippedDistricts: PostcodeDistricts | undefined

/** The shipped postcode districts, read once per process and shared. */
export function shippedPostcodeDistricts(): PostcodeDistricts {
  shippedDistricts ??= loadPostcodeDistricts()
  return shippedDistricts
}
