/**
 * Query parameters of the Open Referral UK API, checked one by one. A problem gives the field at
 * fault and a plain-English message, which the routes send as 400 JSON { error, field }.
 *
 * Services: page, per_page (1 to 100), text (or the openapi's `search`), taxonomy_term_id,
 * taxonomy_id, postcode or lat + lng, proximity (km), day (monday..sunday or MO..SU), time
 * (HH:MM: a session that has started and not yet ended), council (GSS code).
 */
import { GSS_CODE } from '../../../lib/gss.js'
import { type PostcodeDistricts, parsePostcodeQuery } from '../../../lib/postcodes.js'
import { shippedPostcodeDistricts } from '../../../platform/reference.js'
import { type DayOfWeek, daysOfWeek, isInUk, rruleDays } from '../model.js'
import {
  featureTermDefinitions,
  findTermById,
  serviceTypeDefinitions,
  type TaxonomyKind,
  taxonomyInfo,
} from '../../../lib/taxonomy.js'

export const DEFAULT_PER_PAGE = 50
export const MAX_PER_PAGE = 100
export const MAX_PROXIMITY_KM = 1000

export class ApiParamError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiParamError'
  }
}

export type RawQuery = Record<string, unknown>

/** A term filter resolved to the filter columns. */
export type TermFilter =
  | { column: 'features'; codes: string[] }
  | { column: 'substances'; codes: string[] }
  | { column: 'service_type'; codes: string[] }
  | { column: 'any'; kind: TaxonomyKind }

export interface Paging {
  page: number
  perPage: number
}

export interface ServiceFilters {
  council?: string
  text?: string
  terms: TermFilter[]
  near?: { latitude: number; longitude: number }
  proximityKm?: number
  day?: DayOfWeek
  time?: string
}

function single(query: RawQuery, field: string): string | undefined {
  const value = query[field]
  if (value === undefined) return undefined
  if (Array.isArray(value)) throw new ApiParamError(field, `Give ${field} once`)
  if (typeof value !== 'string') throw new ApiParamError(field, `${field} must be text`)
  return value
}

function wholeNumber(query: RawQuery, field: string, min: number, max: number, fallback: number): number {
  const text = single(query, field)
  if (text === undefined || text === '') return fallback
  if (!/^[0-9]{1,9}$/.test(text.trim())) {
    throw new ApiParamError(field, `${field} must be a whole number from ${String(min)} to ${String(max)}`)
  }
  const value = Number(text.trim())
  if (value < min || value > max) {
    throw new ApiParamError(field, `${field} must be a whole number from ${String(min)} to ${String(max)}`)
  }
  return value
}

export function parsePaging(query: RawQuery): Paging {
  return {
    page: wholeNumber(query, 'page', 1, 1_000_000, 1),
    perPage: wholeNumber(query, 'per_page', 1, MAX_PER_PAGE, DEFAULT_PER_PAGE),
  }
}

function decimal(query: RawQuery, field: string): number | undefined {
  const text = single(query, field)?.trim()
  if (text === undefined || text === '') return undefined
  if (!/^-?[0-9]+(\.[0-9]+)?$/.test(text)) throw new ApiParamError(field, `${field} must be a number, like 51.5874`)
  return Number(text)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function termFilter(id: string): TermFilter {
  if (!UUID.test(id)) throw new ApiParamError('taxonomy_term_id', 'taxonomy_term_id must be the id (a UUID) of a term')
  const resolved = findTermById(id)
  if (!resolved) {
    throw new ApiParamError(
      'taxonomy_term_id',
      `taxonomy_term_id ${id} is not a term of the taxonomies published at /api/oruk/taxonomy_terms`,
    )
  }
  const { kind, code, isGroup } = resolved
  if (kind === 'feature') {
    return {
      column: 'features',
      codes: isGroup ? featureTermDefinitions.filter((t) => t.group === code).map((t) => t.code) : [code],
    }
  }
  if (kind === 'service-type') {
    return {
      column: 'service_type',
      codes: isGroup ? serviceTypeDefinitions.filter((t) => t.group === code).map((t) => t.code) : [code],
    }
  }
  return { column: 'substances', codes: [code] }
}

const dayByName = new Map<string, DayOfWeek>([
  ...daysOfWeek.map((d) => [d, d] as const),
  ...daysOfWeek.map((d) => [rruleDays[d].toLowerCase(), d] as const),
])

export function parseServiceFilters(
  query: RawQuery,
  districts: () => PostcodeDistricts = () => shippedPostcodeDistricts(),
): ServiceFilters {
  const filters: ServiceFilters = { terms: [] }

  const council = single(query, 'council')?.trim()
  if (council !== undefined && council !== '') {
    if (!GSS_CODE.test(council.toUpperCase())) {
      throw new ApiParamError('council', 'council must be an ONS area code, like E09000003')
    }
    filters.council = council.toUpperCase()
  }

  const text = (single(query, 'text') ?? single(query, 'search'))?.trim()
  if (text !== undefined && text !== '') {
    if (text.length > 200) throw new ApiParamError('text', 'text must be 200 characters or fewer')
    filters.text = text
  }

  const term = single(query, 'taxonomy_term_id')?.trim()
  if (term !== undefined && term !== '') filters.terms.push(termFilter(term))

  const taxonomy = single(query, 'taxonomy_id')?.trim()
  if (taxonomy !== undefined && taxonomy !== '') {
    const kind = (Object.keys(taxonomyInfo) as TaxonomyKind[]).find(
      (k) => taxonomyInfo[k].id === taxonomy.toLowerCase(),
    )
    if (kind === undefined) {
      throw new ApiParamError(
        'taxonomy_id',
        `taxonomy_id ${taxonomy} is not a taxonomy published at /api/oruk/taxonomies`,
      )
    }
    filters.terms.push({ column: 'any', kind })
  }

  const postcode = single(query, 'postcode')?.trim()
  const lat = decimal(query, 'lat')
  const lng = decimal(query, 'lng')
  if (postcode !== undefined && postcode !== '') {
    if (lat !== undefined || lng !== undefined) {
      throw new ApiParamError('postcode', 'Give a postcode or lat and lng, not both')
    }
    const parsed = parsePostcodeQuery(postcode)
    if (parsed === null) throw new ApiParamError('postcode', 'postcode must be a full UK postcode, like NW4 4BG')
    const district = districts().lookup(postcode)
    if (!district) {
      throw new ApiParamError('postcode', `We do not know where the postcode district ${parsed.outward} is`)
    }
    filters.near = { latitude: district.lat, longitude: district.lon }
  } else if (lat !== undefined || lng !== undefined) {
    if (lat === undefined) throw new ApiParamError('lat', 'Give lat with lng')
    if (lng === undefined) throw new ApiParamError('lng', 'Give lng with lat')
    if (!isInUk(lat, lng)) {
      throw new ApiParamError(
        'lat',
        `lat and lng must be a place in the United Kingdom: ${String(lat)}, ${String(lng)} is not`,
      )
    }
    filters.near = { latitude: lat, longitude: lng }
  }

  const proximity = decimal(query, 'proximity')
  if (proximity !== undefined) {
    if (!(proximity > 0 && proximity <= MAX_PROXIMITY_KM)) {
      throw new ApiParamError(
        'proximity',
        `proximity must be a distance in km, more than 0 and up to ${String(MAX_PROXIMITY_KM)}`,
      )
    }
    if (!filters.near) throw new ApiParamError('proximity', 'Give a postcode or lat and lng with proximity')
    filters.proximityKm = proximity
  }

  const day = single(query, 'day')?.trim()
  if (day !== undefined && day !== '') {
    const found = dayByName.get(day.toLowerCase())
    if (!found) throw new ApiParamError('day', 'day must be a day of the week, like monday')
    filters.day = found
  }

  const time = single(query, 'time')?.trim()
  if (time !== undefined && time !== '') {
    if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(time)) {
      throw new ApiParamError('time', 'time must be a 24-hour time, like 09:30')
    }
    filters.time = time
  }
  return filters
}
