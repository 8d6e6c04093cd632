/**
 * How the public search shows its results (issue 11, issue 8): drug and alcohol help first, then
 * women's services, then other support, each group nearest first; 10 to a page with GOV.UK
 * pagination, so the first page is small enough for a phone with little data; and whether the
 * place searched from is in an area the search covers at all.
 */
import { createPointIndex, nearest, type PointIndex } from '../../../lib/geo.js'
import { loadLsoaCentroids } from '../../../platform/reference.js'
import { serviceTypeDefinition } from '../../../lib/taxonomy.js'
import type { SearchableService, SearchHit } from './search.js'

export const RESULTS_PER_PAGE = 10

export type HelpGroup = 'drug-and-alcohol' | 'women' | 'other'

export const helpGroups: readonly { code: HelpGroup; heading: string }[] = [
  { code: 'drug-and-alcohol', heading: 'Drug and alcohol help' },
  { code: 'women', heading: 'Women’s services' },
  { code: 'other', heading: 'Other support' },
]

/**
 * Drug and alcohol help: treatment services (community treatment, residential rehabilitation,
 * inpatient detox) and peer recovery and mutual aid. Women's services: women's centres, domestic
 * abuse services, refuges and women's health hubs. Everything else (GP practices, libraries,
 * probation, family hubs, ...) is other support: useful, but not where a woman looking for help
 * with drink or drugs should have to start.
 */
export function helpGroupOf(entry: SearchableService): HelpGroup {
  const code = entry.service.serviceType
  const type = serviceTypeDefinition(code)
  if (type.group === 'treatment' || code === 'peer-recovery') return 'drug-and-alcohol'
  if (type.group === 'women-and-safety' || code === 'womens-health-hub') return 'women'
  return 'other'
}

/** The hits in group order, keeping the distance order (the order given) within each group. */
export function orderForHelp(hits: readonly SearchHit[]): { hit: SearchHit; group: HelpGroup }[] {
  const rank: Record<HelpGroup, number> = { 'drug-and-alcohol': 0, women: 1, other: 2 }
  return hits
    .map((hit, at) => ({ hit, group: helpGroupOf(hit.entry), at }))
    .sort((a, b) => rank[a.group] - rank[b.group] || a.at - b.at)
    .map(({ hit, group }) => ({ hit, group }))
}

export interface ResultPage<T> {
  items: T[]
  /** 1-based; a page past the last is the last. */
  page: number
  pageCount: number
  /** 1-based positions of the first and last item shown (0 and 0 when there are none). */
  from: number
  to: number
}

export function pageOf<T>(items: readonly T[], page: number, perPage = RESULTS_PER_PAGE): ResultPage<T> {
  const pageCount = Math.max(1, Math.ceil(items.length / perPage))
  const current = Math.min(Math.max(1, Math.floor(page)), pageCount)
  const start = (current - 1) * perPage
  const shown = items.slice(start, start + perPage)
  return {
    items: shown,
    page: current,
    pageCount,
    from: shown.length === 0 ? 0 : start + 1,
    to: start + shown.length,
  }
}

/** The `page` query value: a whole number from 1, anything else is page 1 (never an error). */
export function readPage(query: unknown): number {
  const raw = (query ?? {}) as Record<string, unknown>
  const value = Array.isArray(raw.page) ? (raw.page as unknown[])[0] : raw.page
  const n = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : 1
  return n >= 1 ? n : 1
}

/** GOV.UK pagination for the result pages: previous, next and numbered pages with ellipses. */
export function paginationFor(
  result: Pick<ResultPage<unknown>, 'page' | 'pageCount'>,
  hrefOf: (page: number) => string,
): {
  previous?: { href: string }
  next?: { href: string }
  items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[]
} | null {
  const { page, pageCount } = result
  if (pageCount <= 1) return null
  const wanted = new Set([1, pageCount, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pageCount))
  const numbers = [...wanted].sort((a, b) => a - b)
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = []
  let last = 0
  for (const n of numbers) {
    if (n - last > 1) items.push({ ellipsis: true })
    items.push({ number: n, href: hrefOf(n), current: n === page })
    last = n
  }
  return {
    ...(page > 1 ? { previous: { href: hrefOf(page - 1) } } : {}),
    ...(page < pageCount ? { next: { href: hrefOf(page + 1) } } : {}),
    items,
  }
}

// ---------------------------------------------------------------------------------------------
// Which council the place searched from is in

interface Area {
  ladCode: string
  utlaCode: string
}
let lsoaIndex: PointIndex<Area> | undefined

/** A point further than this from every LSOA's middle is not in England (or not near enough to say). */
const NEAREST_LSOA_LIMIT_KM = 5

/**
 * The council areas (lower and upper tier codes) of the LSOA whose population-weighted middle is
 * nearest the point, or undefined when none is within 5 km (Scotland, Wales, the sea). The LSOA
 * file is read on first use and kept.
 */
export function councilAreasAt(lat: number, lon: number): Area | undefined {
  lsoaIndex ??= createPointIndex(
    loadLsoaCentroids().map((l) => ({ id: { ladCode: l.ladCode, utlaCode: l.utlaCode }, lat: l.lat, lon: l.lon })),
  )
  const [found] = nearest(lsoaIndex, lat, lon, { maxResults: 1, maxDistanceKm: NEAREST_LSOA_LIMIT_KM })
  return found?.id
}

const councilsOf = new WeakMap<readonly object[], Map<string, string>>()

/**
 * The councils whose published services the search holds, and whether the point is in one of
 * their areas (a council's area code is its lower- or upper-tier GSS code).
 */
export function coverageAt(
  services: readonly Pick<SearchableService, 'areaCode' | 'councilName'>[],
  lat: number,
  lon: number,
): { covered: boolean; councils: string[] } {
  let councils = councilsOf.get(services)
  if (!councils) {
    councils = new Map<string, string>()
    for (const s of services) councils.set(s.areaCode, s.councilName)
    councilsOf.set(services, councils)
  }
  const names = [...new Set(councils.values())].sort((a, b) => a.localeCompare(b, 'en-GB'))
  const area = councilAreasAt(lat, lon)
  const covered = area !== undefined && (councils.has(area.ladCode) || councils.has(area.utlaCode))
  return { covered, councils: names }
}
