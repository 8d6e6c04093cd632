/**
 * The search behind the public "find support" page (/support): where the woman is (a postcode, a
 * postcode district or a place name), which published services are near her, and which of them
 * have what she asked for.
 *
 * Safety and privacy rules this file keeps (shared/domain/security-privacy.md):
 * - Only published services of any council are searched (loadPublishedDirectories): never drafts,
 *   never internal notes. The page is national, so every council's published services appear.
 * - Nothing typed in is stored or logged here. With POSTCODES_API_URL set, a full postcode (and
 *   nothing else: no query text, no address, no filters) is sent to that service, with a 3 second
 *   timeout; if it fails we fall back to the offline postcode districts and say so.
 * - Offline, a postcode is found to postcode-district precision (the middle of e.g. NW4); a place
 *   name to the middle of the place. The page says so in plain words.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { directoryServices } from '../../../db/schema/index.js'
import { createPointIndex, isInUk, nearest, type PointIndex } from '../../../lib/geo.js'
import { loadLsoaCentroids, POSTCODE_DISTRICTS_FILE, shippedPostcodeDistricts } from '../../../platform/reference.js'
import { normaliseOutwardCode, PostcodeDistricts, parsePostcodeQuery } from '../../../lib/postcodes.js'
import { allCouncilsDataVersion, VersionedCache } from '../../../platform/cache.js'
import { type DbOrTx, queryRows } from '../../../platform/db/index.js'
import { fromRoot } from '../../../platform/root.js'
import {
  dayLabels,
  daysOfWeek,
  type Location,
  type Organisation,
  type Schedule,
  type Service,
  toMinutes,
} from '../model.js'
import { loadPublishedDirectories } from '../repository.js'
import { featureDefinition, type FeatureCode, serviceTypeDefinition } from '../../../lib/taxonomy.js'

// ---------------------------------------------------------------------------------------------
// Filters

export const filterCodes = [
  'women-only',
  'children',
  'online',
  'evenings-weekends',
  'alcohol',
  'drugs',
  'domestic-abuse',
  'pregnancy',
] as const
export type FilterCode = (typeof filterCodes)[number]

/** A published service with everything the search and the page need. */
export interface SearchableService {
  tenantId: string
  /** The council's GSS code, e.g. 'E09000003'. */
  areaCode: string
  councilName: string
  service: Service
  organisation: Organisation | undefined
  isExample: boolean
  places: { location: Location; sessions: Schedule[] }[]
}

const allSessions = (s: SearchableService): Schedule[] => s.places.flatMap((p) => p.sessions)
const hasFeature = (s: SearchableService, ...codes: FeatureCode[]): boolean =>
  codes.some((c) => s.service.features.includes(c))

/** Evening as in the commissioners' time analysis: a session that runs past 17:00. */
const EVENING_FROM_MINUTES = 17 * 60

/**
 * The page's filters and how each maps to the directory's taxonomies (taxonomy.ts). A result must
 * pass every filter chosen (they narrow, never widen).
 * - Women-only: the service is for women only (eligibility and feature 'women-only-service'), or it
 *   has women-only group sessions (feature 'women-only-groups') or at least one session marked
 *   women-only in its opening times.
 * - Creche or children welcome: feature 'children-welcome'.
 * - Online or phone: feature 'online-or-phone', or at least one session online or "in person or
 *   online".
 * - Evenings or weekends: feature 'evening-or-weekend', or at least one session on a Saturday or
 *   Sunday or running past 17:00 (the "evening" of the commissioners' week grid).
 * - Alcohol / Drugs: the service's substances include 'alcohol' / 'drugs'.
 * - Domestic abuse support: service type 'domestic-abuse' or 'refuge', or feature
 *   'domestic-abuse-worker' (a domestic abuse worker or IDVA on site).
 * - Pregnancy: service type 'maternity', or feature 'specialist-midwife-link' or
 *   'pregnancy-question'.
 */
export const filterDefinitions: Record<FilterCode, { label: string; matches: (s: SearchableService) => boolean }> = {
  'women-only': {
    label: 'Women-only service or sessions',
    matches: (s) =>
      s.service.eligibility.womenOnly ||
      hasFeature(s, 'women-only-service', 'women-only-groups') ||
      allSessions(s).some((x) => x.womenOnly),
  },
  children: {
    label: 'Creche or children welcome',
    matches: (s) => hasFeature(s, 'children-welcome'),
  },
  online: {
    label: 'Online or phone support',
    matches: (s) => hasFeature(s, 'online-or-phone') || allSessions(s).some((x) => x.mode !== 'in_person'),
  },
  'evenings-weekends': {
    label: 'Evenings or weekends',
    matches: (s) =>
      hasFeature(s, 'evening-or-weekend') ||
      allSessions(s).some(
        (x) => x.dayOfWeek === 'saturday' || x.dayOfWeek === 'sunday' || toMinutes(x.end) > EVENING_FROM_MINUTES,
      ),
  },
  alcohol: {
    label: 'Help with alcohol',
    matches: (s) => s.service.substances.includes('alcohol'),
  },
  drugs: {
    label: 'Help with drugs',
    matches: (s) => s.service.substances.includes('drugs'),
  },
  'domestic-abuse': {
    label: 'Domestic abuse support',
    matches: (s) =>
      s.service.serviceType === 'domestic-abuse' ||
      s.service.serviceType === 'refuge' ||
      hasFeature(s, 'domestic-abuse-worker'),
  },
  pregnancy: {
    label: 'Support in pregnancy',
    matches: (s) =>
      s.service.serviceType === 'maternity' || hasFeature(s, 'specialist-midwife-link', 'pregnancy-question'),
  },
}

export function isFilterCode(value: string): value is FilterCode {
  return (filterCodes as readonly string[]).includes(value)
}

// ---------------------------------------------------------------------------------------------
// Distances offered

export const KM_PER_MILE = 1.609344
export const distanceChoicesMiles = [1, 3, 5, 10, 25, 50] as const
export type DistanceMiles = (typeof distanceChoicesMiles)[number]
export const DEFAULT_DISTANCE_MILES: DistanceMiles = 10
/** At most this many services a search (the nearest ones), shown 10 to a page (results.ts). */
export const MAX_RESULTS = 50

// ---------------------------------------------------------------------------------------------
// The search index and its cache

export interface PlaceRef {
  service: number
  place: number
}

export interface SearchIndex {
  services: SearchableService[]
  /** For each service, the filters it passes. */
  passes: Set<FilterCode>[]
  /** One point per place of each service. */
  points: PointIndex<PlaceRef>
}

export function buildSearchIndex(services: SearchableService[]): SearchIndex {
  const passes = services.map((s) => new Set(filterCodes.filter((code) => filterDefinitions[code].matches(s))))
  const points = createPointIndex(
    services.flatMap((s, service) =>
      s.places.map((p, place) => ({ id: { service, place }, lat: p.location.latitude, lon: p.location.longitude })),
    ),
  )
  return { services, passes, points }
}

/** Published services of every council, from the repository, as the search needs them. */
export async function loadSearchableServices(db: DbOrTx): Promise<SearchableService[]> {
  const [published, exampleRows] = await Promise.all([
    loadPublishedDirectories(db),
    queryRows<{ tenant_id: string; id: string }>(
      db,
      sql`select ${directoryServices.tenantId} as tenant_id, ${directoryServices.id} as id from ${directoryServices}
          where ${directoryServices.status} = 'published' and ${directoryServices.isExample}`,
    ),
  ])
  const examples = new Set(exampleRows.map((r) => `${r.tenant_id}/${r.id}`))
  const result: SearchableService[] = []
  for (const { tenantId, areaCode, councilName, directory } of published) {
    const organisations = new Map(directory.organisations.map((o) => [o.id, o]))
    const locations = new Map(directory.locations.map((l) => [l.id, l]))
    const sessionsBySal = new Map<string, Schedule[]>()
    for (const s of directory.schedules) {
      const list = sessionsBySal.get(s.serviceAtLocationId) ?? []
      list.push(s)
      sessionsBySal.set(s.serviceAtLocationId, list)
    }
    for (const service of directory.services) {
      if (service.status !== 'published') continue // loadPublishedDirectories already ensures it; belt and braces
      const places = directory.serviceAtLocations
        .filter((x) => x.serviceId === service.id)
        .flatMap((x) => {
          const location = locations.get(x.locationId)
          return location ? [{ location, sessions: sortSessions(sessionsBySal.get(x.id) ?? []) }] : []
        })
      result.push({
        tenantId,
        areaCode,
        councilName,
        service,
        organisation: organisations.get(service.organisationId),
        isExample: examples.has(`${tenantId}/${service.id}`),
        places,
      })
    }
  }
  return result
}

function sortSessions(sessions: Schedule[]): Schedule[] {
  return [...sessions].sort(
    (a, b) =>
      daysOfWeek.indexOf(a.dayOfWeek) - daysOfWeek.indexOf(b.dayOfWeek) ||
      toMinutes(a.start) - toMinutes(b.start) ||
      (a.id < b.id ? -1 : 1),
  )
}

/**
 * The published directories' search index, kept in memory between requests and rebuilt when any
 * council's directory changes: keyed by the directory data version of every council
 * (platform/cache.ts), which each save, import, publish or unpublish raises in its own
 * transaction. So a newly published service appears on the very next search in every process,
 * with no time to live; reading the version is one small query, far less than loading and
 * indexing the directories.
 */
export class SearchIndexCache {
  private readonly cache = new VersionedCache<SearchIndex>(1)

  constructor(private readonly db: DbOrTx) {}

  /** How many times the index was built (for tests of the cache). */
  get builds(): number {
    return this.cache.builds
  }

  async get(): Promise<SearchIndex> {
    const version = await allCouncilsDataVersion(this.db, 'directory')
    return this.cache.get(this.db, 'index', version, async () =>
      buildSearchIndex(await loadSearchableServices(this.db)),
    )
  }
}

// ---------------------------------------------------------------------------------------------
// Searching

export interface Origin {
  lat: number
  lon: number
  /** What we searched from, in words: 'NW4 4BG', 'the NW4 postcode district', 'Hendon'. */
  label: string
  precision: 'postcode' | 'district' | 'place'
  /** Something the page must say about how the place was found (a fallback), or undefined. */
  notice?: string
}

export interface SearchHit {
  entry: SearchableService
  /** The service's place nearest the origin. */
  place: { location: Location; sessions: Schedule[] }
  distanceKm: number
}

/**
 * Published services with a place within `maxKm` of the origin that pass every filter chosen,
 * nearest first, each service once (at its nearest place), at most `limit`.
 */
export function searchServices(
  index: SearchIndex,
  origin: { lat: number; lon: number },
  filters: readonly FilterCode[],
  maxKm: number,
  limit = MAX_RESULTS,
): SearchHit[] {
  const neighbours = nearest(index.points, origin.lat, origin.lon, {
    maxDistanceKm: maxKm,
    filter: (ref) => {
      const passes = index.passes[ref.service]
      return passes !== undefined && filters.every((f) => passes.has(f))
    },
  })
  const seen = new Set<number>()
  const hits: SearchHit[] = []
  for (const n of neighbours) {
    if (seen.has(n.id.service)) continue
    seen.add(n.id.service)
    const entry = index.services[n.id.service]
    const place = entry?.places[n.id.place]
    if (!entry || !place) continue
    hits.push({ entry, place, distanceKm: n.distanceKm })
    if (hits.length >= limit) break
  }
  return hits
}

// ---------------------------------------------------------------------------------------------
// Where is she? Postcodes (online or offline) and place names

export type ResolveResult =
  | { ok: true; origin: Origin }
  | { ok: false; kind: 'empty' | 'too-long' | 'invalid-postcode' | 'outside-uk' | 'unknown-district'; message: string }
  | { ok: false; kind: 'place-not-found'; message: string; suggestions: string[] }
  | { ok: false; kind: 'ambiguous'; message: string; choices: { label: string; query: string }[] }

export const MAX_QUERY_LENGTH = 100
export const POSTCODE_LOOKUP_TIMEOUT_MS = 3000

export interface ResolveOptions {
  /** postcodes.io-compatible base URL; undefined: offline. */
  postcodesApiUrl: string | undefined
  districts: PostcodeDistricts
  /** The gazetteer, or a function giving it (so that it is only built when a place name is typed). */
  gazetteer: Gazetteer | (() => Gazetteer)
  fetchImpl?: typeof fetch
  timeoutMs?: number
}

const postcodesIoResponse = z.object({
  status: z.number(),
  result: z
    .object({ latitude: z.number().nullable().optional(), longitude: z.number().nullable().optional() })
    .nullable()
    .optional(),
})

type LookupOutcome = { kind: 'found'; lat: number; lon: number } | { kind: 'not-found' } | { kind: 'failed' }

/** Asks the configured service for one postcode: GET {base}/postcodes/{postcode}, nothing else sent. */
async function lookupPostcodeOnline(
  base: string,
  postcode: string,
  fetchImpl: typeof fetch,
  timeoutMs: number,
): Promise<LookupOutcome> {
  try {
    const response = await fetchImpl(`${base}/postcodes/${encodeURIComponent(postcode)}`, {
      method: 'GET',
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (response.status === 404) {
      await response.body?.cancel()
      return { kind: 'not-found' }
    }
    if (!response.ok) {
      await response.body?.cancel()
      return { kind: 'failed' }
    }
    const parsed = postcodesIoResponse.safeParse(await response.json())
    if (!parsed.success) return { kind: 'failed' }
    const lat = parsed.data.result?.latitude
    const lon = parsed.data.result?.longitude
    // A postcode with no coordinates (some new or non-geographic ones) is treated as not found.
    if (typeof lat !== 'number' || typeof lon !== 'number') return { kind: 'not-found' }
    return { kind: 'found', lat, lon }
  } catch {
    return { kind: 'failed' }
  }
}

const OUTSIDE_UK_MESSAGE =
  'That postcode is outside the UK. This service only lists support in the UK: enter a UK postcode, like NW4 4BG'

/** Outward codes in the districts file whose middle is outside the UK (Guernsey, Jersey). */
let outsideUkDistricts: Set<string> | undefined
function districtsOutsideUk(): Set<string> {
  if (outsideUkDistricts === undefined) {
    outsideUkDistricts = new Set()
    try {
      for (const row of districtRows()) {
        const outward = normaliseOutwardCode(row.Postcode ?? '')
        const lat = Number.parseFloat(row.Latitude ?? '')
        const lon = Number.parseFloat(row.Longitude ?? '')
        if (outward !== null && Number.isFinite(lat) && Number.isFinite(lon) && !isInUk(lat, lon)) {
          outsideUkDistricts.add(outward)
        }
      }
    } catch {
      // the file is optional for this check
    }
  }
  return outsideUkDistricts
}

let cachedDistrictRows: Record<string, string>[] | undefined
function districtRows(): Record<string, string>[] {
  cachedDistrictRows ??= parse<Record<string, string>>(readFileSync(fromRoot(POSTCODE_DISTRICTS_FILE), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
  })
  return cachedDistrictRows
}

function districtOrigin(districts: PostcodeDistricts, outward: string, notice?: string): ResolveResult {
  const district = districts.lookup(outward)
  if (district === undefined) {
    if (districtsOutsideUk().has(outward)) return { ok: false, kind: 'outside-uk', message: OUTSIDE_UK_MESSAGE }
    return {
      ok: false,
      kind: 'unknown-district',
      message: `We could not find the postcode district ${outward}. Check the postcode and try again`,
    }
  }
  return {
    ok: true,
    origin: {
      lat: district.lat,
      lon: district.lon,
      label: `the ${outward} postcode district`,
      precision: 'district',
      ...(notice === undefined ? {} : { notice }),
    },
  }
}

/** Works out where to search from, from what was typed in the 'Postcode or place' box. */
export async function resolveLocation(query: string, options: ResolveOptions): Promise<ResolveResult> {
  const text = query.trim()
  if (text === '') return { ok: false, kind: 'empty', message: 'Enter a postcode or the name of a place' }
  if (text.length > MAX_QUERY_LENGTH) {
    return {
      ok: false,
      kind: 'too-long',
      message: `Postcode or place must be ${String(MAX_QUERY_LENGTH)} characters or fewer`,
    }
  }
  const parsed = parsePostcodeQuery(text)
  if (parsed?.kind === 'district') return districtOrigin(options.districts, parsed.outward)
  if (parsed?.kind === 'postcode') {
    const { postcode, outward } = parsed
    if (options.postcodesApiUrl === undefined) return districtOrigin(options.districts, outward)
    const outcome = await lookupPostcodeOnline(
      options.postcodesApiUrl,
      postcode,
      options.fetchImpl ?? fetch,
      options.timeoutMs ?? POSTCODE_LOOKUP_TIMEOUT_MS,
    )
    if (outcome.kind === 'found') {
      if (!isInUk(outcome.lat, outcome.lon)) return { ok: false, kind: 'outside-uk', message: OUTSIDE_UK_MESSAGE }
      return { ok: true, origin: { lat: outcome.lat, lon: outcome.lon, label: postcode, precision: 'postcode' } }
    }
    const notice =
      outcome.kind === 'not-found'
        ? `We could not find the exact postcode ${postcode}, so we searched from the middle of the ${outward} postcode district instead. Check the postcode if the results look wrong.`
        : `The postcode finder is not working at the moment, so we searched from the middle of the ${outward} postcode district instead. Distances are approximate.`
    return districtOrigin(options.districts, outward, notice)
  }
  // Place names have no digits: anything with one was meant as a postcode.
  if (/[0-9]/.test(text)) {
    return {
      ok: false,
      kind: 'invalid-postcode',
      message: 'Enter a real postcode, like NW4 4BG, or the name of a town or area',
    }
  }
  const gazetteer = typeof options.gazetteer === 'function' ? options.gazetteer() : options.gazetteer
  return gazetteer.find(text)
}

// ---------------------------------------------------------------------------------------------
// Gazetteer: place names from council names, district names and postcode district areas

interface GazetteerPlace {
  name: string
  lat: number
  lon: number
  /** For telling places of the same name apart, e.g. 'Sunderland'. */
  area: string
}

/** 'St. Albans' -> 'st albans'; accents and punctuation dropped, '&' read as 'and'. */
export function placeKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

function weightedMiddle(points: readonly { lat: number; lon: number; weight: number }[]): { lat: number; lon: number } {
  let w = 0
  let lat = 0
  let lon = 0
  for (const p of points) {
    const weight = p.weight > 0 ? p.weight : 1
    w += weight
    lat += p.lat * weight
    lon += p.lon * weight
  }
  return w === 0 ? { lat: NaN, lon: NaN } : { lat: lat / w, lon: lon / w }
}

/**
 * A small gazetteer. Councils (upper-tier, England: src/db/reference/utla-england-2023.csv) and
 * districts (the LSOA names' district part, e.g. 'Barnet' of 'Barnet 009A') sit at the
 * resident-weighted middle of their LSOAs, when the LSOA centroids file is present. Local areas of
 * the postcode districts file (the 'Region' column, e.g. 'Sunderland', also covering Scotland, Wales
 * and Northern Ireland) and its towns and areas ('Town/Area', e.g. 'Hendon') sit at the middle of
 * their postcode districts. Council and district names win over town names. A town name in more
 * than one local area (Hendon in Barnet and in Sunderland) is ambiguous: the page asks which.
 */
export class Gazetteer {
  private readonly wholeAreas = new Map<string, GazetteerPlace>()
  private readonly towns = new Map<string, GazetteerPlace[]>()

  constructor(wholeAreas: GazetteerPlace[], towns: GazetteerPlace[]) {
    for (const p of wholeAreas) {
      const key = placeKey(p.name)
      if (key !== '' && !this.wholeAreas.has(key)) this.wholeAreas.set(key, p)
    }
    for (const p of towns) {
      const key = placeKey(p.name)
      if (key === '') continue
      const list = this.towns.get(key) ?? []
      list.push(p)
      this.towns.set(key, list)
    }
  }

  /** Built from the shipped files, once per process. */
  static shipped(): Gazetteer {
    shippedGazetteer ??= Gazetteer.fromFiles()
    return shippedGazetteer
  }

  static fromFiles(): Gazetteer {
    const whole: GazetteerPlace[] = []
    let lsoas: ReturnType<typeof loadLsoaCentroids>
    try {
      lsoas = loadLsoaCentroids()
    } catch {
      lsoas = [] // the LSOA file is optional: council and district names then come from postcode areas only
    }
    if (lsoas.length > 0) {
      const byUtla = new Map<string, { lat: number; lon: number; weight: number }[]>()
      const byLad = new Map<string, { name: string; points: { lat: number; lon: number; weight: number }[] }>()
      for (const l of lsoas) {
        const point = { lat: l.lat, lon: l.lon, weight: l.residents }
        const u = byUtla.get(l.utlaCode) ?? []
        u.push(point)
        byUtla.set(l.utlaCode, u)
        const ladName = l.name.replace(/\s+\d{3}[A-Z]$/, '')
        const d = byLad.get(l.ladCode) ?? { name: ladName, points: [] }
        d.points.push(point)
        byLad.set(l.ladCode, d)
      }
      try {
        const utlas = parse<Record<string, string>>(
          readFileSync(fromRoot('src/db/reference/utla-england-2023.csv'), 'utf8'),
          { columns: true, skip_empty_lines: true, trim: true, bom: true },
        )
        for (const u of utlas) {
          const points = byUtla.get(u.area_code ?? '')
          if (!points || !u.area_name) continue
          whole.push({ name: u.area_name, ...weightedMiddle(points), area: u.area_name })
        }
      } catch {
        // no council names: districts and postcode areas still work
      }
      for (const d of byLad.values()) whole.push({ name: d.name, ...weightedMiddle(d.points), area: d.name })
    }
    const towns: GazetteerPlace[] = []
    const localAreas = new Map<string, { lat: number; lon: number; weight: number }[]>()
    try {
      for (const row of districtRows()) {
        const lat = Number.parseFloat(row.Latitude ?? '')
        const lon = Number.parseFloat(row.Longitude ?? '')
        const active = Number.parseInt(row['Active postcodes'] ?? '', 10)
        if (!(active > 0) || !isInUk(lat, lon)) continue
        const area = row.Region ?? ''
        if (area !== '') {
          const list = localAreas.get(area) ?? []
          list.push({ lat, lon, weight: active })
          localAreas.set(area, list)
        }
        const names = new Set((row['Town/Area'] ?? '').split(',').map((n) => n.trim()))
        for (const name of names) if (name !== '') towns.push({ name, lat, lon, area })
      }
    } catch {
      // no postcode districts file: only council and district names
    }
    for (const [name, points] of localAreas) whole.push({ name, ...weightedMiddle(points), area: name })
    return new Gazetteer(
      whole.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon)),
      towns,
    )
  }

  find(text: string): ResolveResult {
    // 'Hendon, Sunderland': a name and the area it is in (as offered when a name is ambiguous).
    const comma = text.lastIndexOf(',')
    const name = comma === -1 ? text : text.slice(0, comma)
    const within = comma === -1 ? '' : placeKey(text.slice(comma + 1))
    const key = placeKey(name)
    const whole = this.wholeAreas.get(key)
    if (whole && (within === '' || placeKey(whole.area) === within)) {
      return { ok: true, origin: { lat: whole.lat, lon: whole.lon, label: whole.name, precision: 'place' } }
    }
    const matches = (this.towns.get(key) ?? []).filter((p) => within === '' || placeKey(p.area) === within)
    if (matches.length > 0) {
      const byArea = new Map<string, GazetteerPlace[]>()
      for (const m of matches) byArea.set(m.area, [...(byArea.get(m.area) ?? []), m])
      if (byArea.size === 1) {
        const first = matches[0] ?? { name }
        const middle = weightedMiddle(matches.map((m) => ({ ...m, weight: 1 })))
        return { ok: true, origin: { ...middle, label: first.name, precision: 'place' } }
      }
      const display = matches[0]?.name ?? name
      return {
        ok: false,
        kind: 'ambiguous',
        message: `There is more than one place called ${display}. Choose one, or enter a postcode`,
        choices: [...byArea.keys()]
          .sort((a, b) => a.localeCompare(b, 'en-GB'))
          .map((area) => ({ label: `${display}, ${area}`, query: `${display}, ${area}` })),
      }
    }
    return {
      ok: false,
      kind: 'place-not-found',
      message: `We could not find a place called ${name.trim()}. Enter a postcode, like NW4 4BG, or the name of a nearby town`,
      suggestions: this.suggest(key),
    }
  }

  /** Up to 5 names that start with what was typed (at least 3 letters), for a place not found. */
  suggest(key: string): string[] {
    if (key.length < 3) return []
    const found = new Set<string>()
    for (const p of this.wholeAreas.values()) if (placeKey(p.name).startsWith(key)) found.add(p.name)
    for (const list of this.towns.values()) {
      for (const p of list) if (placeKey(p.name).startsWith(key)) found.add(p.name)
    }
    return [...found].sort((a, b) => a.localeCompare(b, 'en-GB')).slice(0, 5)
  }
}

let shippedGazetteer: Gazetteer | undefined

// ---------------------------------------------------------------------------------------------
// Presenting results in plain words

/** '09:30' -> '9:30am', '12:00' -> 'midday', '17:00' -> '5pm', '00:00' -> 'midnight' (GOV.UK style). */
export function formatTime(time: string): string {
  const minutes = toMinutes(time)
  if (minutes === 0) return 'midnight'
  if (minutes === 12 * 60) return 'midday'
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  const hour12 = h % 12 === 0 ? 12 : h % 12
  return `${String(hour12)}${m === 0 ? '' : `:${String(m).padStart(2, '0')}`}${h < 12 ? 'am' : 'pm'}`
}

/** Kilometres and miles, rounded: one decimal place under 10, whole numbers from 10. */
export function formatDistance(km: number, approximate: boolean): { km: string; miles: string; text: string } {
  const round = (x: number) => (x < 9.95 ? x.toFixed(1) : String(Math.round(x)))
  const kmText = round(km)
  const milesValue = km / KM_PER_MILE
  const milesText = round(milesValue)
  const milesWord = milesText === '1.0' ? 'mile' : 'miles'
  return {
    km: kmText,
    miles: milesText,
    text: `${approximate ? 'About ' : ''}${kmText} km (${milesText} ${milesWord})`,
  }
}

export interface SessionView {
  day: string
  times: string
  womenOnly: boolean
  mode: string
  runBy: string | undefined
}

export interface ResultView {
  name: string
  organisation: string | undefined
  serviceType: string
  description: string
  distance: string
  isExample: boolean
  womenOnlyService: boolean
  place: { name: string; address: string }
  features: { name: string; description: string }[]
  byAndForCommunity: string | undefined
  sessions: SessionView[]
  phones: { text: string; href: string }[]
  emails: string[]
  website: string | undefined
}

const modeWords: Record<Schedule['mode'], string> = {
  in_person: 'in person',
  online: 'online',
  both: 'in person or online',
}

/** Digits for a tel: link: '020 7946 0123' -> '02079460123'. */
export const telHref = (phone: string): string => `tel:${phone.replace(/[^0-9+]/g, '')}`

/** A service's phone numbers (as tel: links) and email addresses, each once, for the public pages. */
export function contactsOf(service: { email?: string; contacts: readonly { phone?: string; email?: string }[] }): {
  phones: { text: string; href: string }[]
  emails: string[]
} {
  const phones = [...new Set(service.contacts.flatMap((c) => (c.phone === undefined ? [] : [c.phone])))].map(
    (text) => ({ text, href: telHref(text) }),
  )
  const emails = [
    ...new Set([
      ...(service.email === undefined ? [] : [service.email]),
      ...service.contacts.flatMap((c) => (c.email === undefined ? [] : [c.email])),
    ]),
  ]
  return { phones, emails }
}

export function presentHit(hit: SearchHit, approximate: boolean): ResultView {
  const { entry, place } = hit
  const { service, organisation } = entry
  const location = place.location
  const { phones, emails } = contactsOf(service)
  return {
    name: service.name,
    organisation: organisation?.name,
    serviceType: serviceTypeDefinition(service.serviceType).name,
    description: service.description,
    distance: formatDistance(hit.distanceKm, approximate).text,
    isExample: entry.isExample,
    womenOnlyService: service.eligibility.womenOnly,
    place: {
      name: location.name,
      address: [location.addressLine1, location.addressLine2, location.town, location.postcode]
        .filter((x): x is string => x !== undefined && x !== '')
        .join(', '),
    },
    features: service.features.map((code) => {
      const d = featureDefinition(code)
      return { name: d.name, description: d.description }
    }),
    byAndForCommunity: service.byAndForCommunity,
    sessions: place.sessions.map((s) => ({
      day: dayLabels[s.dayOfWeek],
      times: `${formatTime(s.start)} to ${formatTime(s.end)}`,
      womenOnly: s.womenOnly || service.eligibility.womenOnly,
      mode: modeWords[s.mode],
      runBy: s.runBy,
    })),
    phones,
    emails,
    website: service.url ?? organisation?.url,
  }
}

// ---------------------------------------------------------------------------------------------
// The query string

export interface SearchQuery {
  /** undefined: the page was opened without a search. */
  q: string | undefined
  filters: FilterCode[]
  distanceMiles: DistanceMiles
}

const one = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined

/** Reads the GET form leniently: unknown filters and distances are ignored, never an error. */
export function readSearchQuery(query: unknown): SearchQuery {
  const params = (query ?? {}) as Record<string, unknown>
  const q = one(params.q)
  const rawFilters = params.filter
  const list = Array.isArray(rawFilters) ? rawFilters : rawFilters === undefined ? [] : [rawFilters]
  const filters = filterCodes.filter((code) => list.some((f) => f === code))
  const distance = Number(one(params.distance))
  const distanceMiles = distanceChoicesMiles.find((d) => d === distance) ?? DEFAULT_DISTANCE_MILES
  return { q, filters, distanceMiles }
}

/** The search resolver's data files, loaded on first use and shared (the gazetteer only for a place name). */
export function shippedLookups(): { districts: PostcodeDistricts; gazetteer: () => Gazetteer } {
  return { districts: shippedPostcodeDistricts(), gazetteer: () => Gazetteer.shipped() }
}
