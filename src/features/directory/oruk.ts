/**
 * The directory as Open Referral UK 3.0 (HSDS 3.0 UK profile) JSON, and back.
 *
 * Out: a fully nested service (organization, service_at_locations with location, addresses and
 * accessibility, schedules, contacts with phones, service_areas, attributes linking our taxonomy
 * terms), the one-to-one list items of /api/oruk/services and /api/oruk/service_at_locations, and
 * the pagination envelope. Only published services are mapped; internal notes never are.
 *
 * Weekly sessions are RFC 5545 style schedules in the service's `schedules` (the UK profile's
 * place for them, validated by its compiled schema), each linked to its service at location by
 * `service_at_location_id`: `freq` WEEKLY, `interval` 1, `byday` MO..SU, `opens_at`/`closes_at`
 * HH:MM, `attending_type` 'In person' | 'Online' | 'In person or online'. Two fields extend the
 * schedule: `women_only` (boolean) and `run_by` (text). A contact's `email` and `phones` and an
 * address's `address_2` are HSDS 3.0 core fields the UK profile leaves out; the by-and-for
 * attribute carries the community in HSDS 3.0's attribute `value`.
 *
 * In: a service list page ({ contents: [...] }), a full dump (an array of services or a page) or
 * a single service. All or nothing: every problem is reported with its JSON path.
 */
import {
  compareSessions,
  type Contact,
  contactSchema,
  dayLabels,
  type DayOfWeek,
  daysOfWeek,
  type Directory,
  DirectoryIndex,
  directorySchema,
  type FeatureCode,
  type Location,
  locationSchema,
  type Organisation,
  organisationSchema,
  rruleDays,
  type Schedule,
  scheduleSchema,
  type ServiceRecord,
  type Service,
  type ForeignTerm,
  type ReviewReason,
  type ServiceArea,
  serviceAreaSchema,
  type ServiceAtLocation,
  serviceSchema,
  type SessionMode,
  sessionModeLabels,
  type ServiceTypeCode,
  type SubstanceCode,
} from './model.js'
import { formatProblem, type OrukProblem, validateOruk } from './oruk-validation.js'
import { stableId } from '../../lib/ids.js'
import { repairService } from './oruk-repair.js'
import { countListRecords } from './oruk-scan.js'
import {
  featureTerms,
  findTermById,
  serviceTypeTerms,
  substanceTerms,
  type TaxonomyKind,
  type TaxonomyTerm,
  termId,
} from '../../lib/taxonomy.js'

export { formatProblem, type OrukProblem, validateOruk } from './oruk-validation.js'

// ---------------------------------------------------------------------------------------------
// ORUK shapes (the parts we write)

export interface OrukOrganization {
  id: string
  name: string
  description: string
  email?: string
  website?: string
}

export interface OrukAttribute {
  id: string
  link_id: string
  link_type: 'service'
  taxonomy_term_id: string
  taxonomy_term: TaxonomyTerm
  value?: string
}

export interface OrukAddress {
  id: string
  location_id: string
  address_1: string
  address_2?: string
  city: string
  state_province: string
  postal_code: string
  country: 'GB'
  address_type: 'physical'
}

export interface OrukAccessibility {
  id: string
  location_id: string
  description: string
}

export interface OrukLocationSummary {
  id: string
  location_type: 'physical'
  name: string
  description?: string
  latitude: number
  longitude: number
}

export interface OrukLocation extends OrukLocationSummary {
  addresses: OrukAddress[]
  accessibility: OrukAccessibility[]
}

export interface OrukServiceAtLocation {
  id: string
  service_id: string
  location_id: string
  location: OrukLocation
}

export interface OrukSchedule {
  id: string
  service_id: string
  service_at_location_id: string
  freq: 'WEEKLY'
  interval: 1
  byday: string
  opens_at: string
  closes_at: string
  attending_type: string
  description: string
  notes?: string
  women_only: boolean
  run_by?: string
}

export interface OrukPhone {
  id: string
  contact_id: string
  number: string
}

export interface OrukContact {
  id: string
  service_id: string
  name?: string
  title?: string
  email?: string
  phones: OrukPhone[]
}

export interface OrukServiceArea {
  id: string
  service_id: string
  name: string
  service_area: string
  uri?: string
}

/** The one-to-one fields of a service (items of /api/oruk/services). */
export interface OrukServiceSummary {
  id: string
  organization_id: string
  name: string
  description: string
  url?: string
  email?: string
  status: 'active'
  minimum_age?: number
  maximum_age?: number
  last_modified?: string
  organization: OrukOrganization
}

/** A fully nested service (/api/oruk/services/{id}). */
export interface OrukService extends OrukServiceSummary {
  service_at_locations: OrukServiceAtLocation[]
  schedules: OrukSchedule[]
  contacts: OrukContact[]
  service_areas: OrukServiceArea[]
  attributes: OrukAttribute[]
}

/** Items of /api/oruk/service_at_locations. */
export interface OrukServiceAtLocationSummary {
  id: string
  service_id: string
  location_id: string
  location: OrukLocationSummary
  service: OrukServiceSummary
}

export interface OrukPage<T> {
  total_items: number
  total_pages: number
  page_number: number
  /** The number of items in this page (the openapi's definition), not the page size asked for. */
  size: number
  first_page: boolean
  last_page: boolean
  empty: boolean
  contents: T[]
}

/** GET /api/oruk/ */
export const orukApiInfo = (openapiUrl: string) => ({
  version: '3.0',
  profile: 'https://openreferraluk.org/',
  openapi_url: openapiUrl,
})

// ---------------------------------------------------------------------------------------------
// Directory -> ORUK

const GSS_URI = 'http://statistics.data.gov.uk/id/statistical-geography/'

export const scheduleDescription = (s: Schedule): string =>
  [
    `${dayLabels[s.dayOfWeek]} ${s.start} to ${s.end}.`,
    s.womenOnly ? 'Women-only session.' : 'Open to everyone who uses the service.',
    `${sessionModeLabels[s.mode]}.`,
    ...(s.runBy === undefined ? [] : [`Run by ${s.runBy}.`]),
  ].join(' ')

function attribute(serviceId: string, kind: TaxonomyKind, code: string, term: TaxonomyTerm, value?: string) {
  const id = termId(kind, code)
  const attr: OrukAttribute = {
    id: stableId('attribute', serviceId, id),
    link_id: serviceId,
    link_type: 'service',
    taxonomy_term_id: id,
    taxonomy_term: term,
  }
  if (value !== undefined) attr.value = value
  return attr
}

function organizationToOruk(o: Organisation): OrukOrganization {
  return {
    id: o.id,
    name: o.name,
    description: o.description,
    ...(o.email === undefined ? {} : { email: o.email }),
    ...(o.url === undefined ? {} : { website: o.url }),
  }
}

function locationSummaryToOruk(l: Location): OrukLocationSummary {
  return {
    id: l.id,
    location_type: 'physical',
    name: l.name,
    ...(l.description === undefined ? {} : { description: l.description }),
    latitude: l.latitude,
    longitude: l.longitude,
  }
}

function locationToOruk(l: Location): OrukLocation {
  const address: OrukAddress = {
    id: stableId('address', l.id),
    location_id: l.id,
    address_1: l.addressLine1,
    ...(l.addressLine2 === undefined ? {} : { address_2: l.addressLine2 }),
    city: l.town,
    state_province: l.county ?? '',
    postal_code: l.postcode,
    country: 'GB',
    address_type: 'physical',
  }
  return {
    ...locationSummaryToOruk(l),
    addresses: [address],
    accessibility: l.accessibility.map((note, index) => ({
      id: stableId('accessibility', l.id, String(index)),
      location_id: l.id,
      description: note,
    })),
  }
}

function scheduleToOruk(serviceId: string, s: Schedule): OrukSchedule {
  return {
    id: s.id,
    service_id: serviceId,
    service_at_location_id: s.serviceAtLocationId,
    freq: 'WEEKLY',
    interval: 1,
    byday: rruleDays[s.dayOfWeek],
    opens_at: s.start,
    closes_at: s.end,
    attending_type: sessionModeLabels[s.mode],
    description: scheduleDescription(s),
    ...(s.notes === undefined ? {} : { notes: s.notes }),
    women_only: s.womenOnly,
    ...(s.runBy === undefined ? {} : { run_by: s.runBy }),
  }
}

function contactToOruk(serviceId: string, c: Contact): OrukContact {
  return {
    id: c.id,
    service_id: serviceId,
    ...(c.name === undefined ? {} : { name: c.name }),
    ...(c.title === undefined ? {} : { title: c.title }),
    ...(c.email === undefined ? {} : { email: c.email }),
    phones: c.phone === undefined ? [] : [{ id: stableId('phone', c.id), contact_id: c.id, number: c.phone }],
  }
}

function serviceAreaToOruk(serviceId: string, a: ServiceArea): OrukServiceArea {
  return {
    id: a.id,
    service_id: serviceId,
    name: a.name,
    service_area: a.name,
    ...(a.code === undefined ? {} : { uri: `${GSS_URI}${a.code}` }),
  }
}

function assertPublished(service: Service): void {
  if (service.status !== 'published') {
    throw new RangeError(`Service ${service.id} is a draft: only published services are published in ORUK`)
  }
}

function summaryToOruk(service: Service, organisation: Organisation): OrukServiceSummary {
  assertPublished(service)
  return {
    id: service.id,
    organization_id: organisation.id,
    name: service.name,
    description: service.description,
    ...(service.url === undefined ? {} : { url: service.url }),
    ...(service.email === undefined ? {} : { email: service.email }),
    status: 'active',
    ...(service.eligibility.minimumAge === undefined ? {} : { minimum_age: service.eligibility.minimumAge }),
    ...(service.eligibility.maximumAge === undefined ? {} : { maximum_age: service.eligibility.maximumAge }),
    ...(service.lastModified === undefined ? {} : { last_modified: service.lastModified }),
    organization: organizationToOruk(organisation),
  }
}

/** The one-to-one fields of a published service, for /api/oruk/services. */
export function serviceToOrukSummary(record: ServiceRecord): OrukServiceSummary {
  return summaryToOruk(record.service, record.organisation)
}

/** The fully nested ORUK service of a published service (throws for a draft). */
export function serviceToOruk(record: ServiceRecord): OrukService {
  const { service, places } = record
  const typeChosen = !(service.review?.reasons ?? []).some((r) => r.code === 'service-type')
  const attributes: OrukAttribute[] = [
    ...(typeChosen
      ? [attribute(service.id, 'service-type', service.serviceType, serviceTypeTerms[service.serviceType])]
      : []),
    ...service.substances.map((code) => attribute(service.id, 'substance', code, substanceTerms[code])),
    ...service.features.map((code) =>
      attribute(
        service.id,
        'feature',
        code,
        featureTerms[code],
        code === 'by-and-for' ? service.byAndForCommunity : undefined,
      ),
    ),
  ]
  // Other publishers' terms go out exactly as they came in, linked to this service.
  for (const foreign of service.foreignTerms ?? []) {
    attributes.push({
      ...(foreign.attribute as unknown as OrukAttribute),
      ...('link_id' in foreign.attribute ? { link_id: service.id } : {}),
    })
  }
  return {
    ...summaryToOruk(service, record.organisation),
    service_at_locations: places.map((p) => ({
      id: p.serviceAtLocation.id,
      service_id: service.id,
      location_id: p.location.id,
      location: locationToOruk(p.location),
    })),
    schedules: places.flatMap((p) => [...p.schedules].sort(compareSessions).map((s) => scheduleToOruk(service.id, s))),
    contacts: service.contacts.map((c) => contactToOruk(service.id, c)),
    service_areas: service.serviceAreas.map((a) => serviceAreaToOruk(service.id, a)),
    attributes,
  }
}

/** Items of /api/oruk/service_at_locations for a published service, one per place. */
export function serviceAtLocationsToOrukSummaries(record: ServiceRecord): OrukServiceAtLocationSummary[] {
  const service = serviceToOrukSummary(record)
  return record.places.map((p) => ({
    id: p.serviceAtLocation.id,
    service_id: record.service.id,
    location_id: p.location.id,
    location: locationSummaryToOruk(p.location),
    service,
  }))
}

/** Every published service of the directory, fully nested, in directory order. */
export function directoryToOruk(directory: Directory): OrukService[] {
  const index = new DirectoryIndex(directory)
  return directory.services.filter((s) => s.status === 'published').map((s) => serviceToOruk(index.record(s.id)))
}

/** The whole published directory as one page (what `wtc export oruk` writes). */
export function directoryToOrukDump(directory: Directory): OrukPage<OrukService> {
  const services = directoryToOruk(directory)
  return orukPage(services, { totalItems: services.length, pageNumber: 1, perPage: Math.max(1, services.length) })
}

/**
 * The pagination envelope. `contents` is the current page's items; `totalItems` counts all
 * matches. total_pages is 0 when nothing matches; page numbers start at 1.
 */
export function orukPage<T>(
  contents: T[],
  options: { totalItems: number; pageNumber: number; perPage: number },
): OrukPage<T> {
  const { totalItems, pageNumber, perPage } = options
  if (!Number.isInteger(perPage) || perPage < 1) throw new RangeError('perPage must be a whole number of at least 1')
  if (!Number.isInteger(pageNumber) || pageNumber < 1)
    throw new RangeError('pageNumber must be a whole number of at least 1')
  if (!Number.isInteger(totalItems) || totalItems < 0)
    throw new RangeError('totalItems must be a whole number of 0 or more')
  const totalPages = Math.ceil(totalItems / perPage)
  return {
    total_items: totalItems,
    total_pages: totalPages,
    page_number: pageNumber,
    size: contents.length,
    first_page: pageNumber === 1,
    last_page: pageNumber >= totalPages,
    empty: contents.length === 0,
    contents,
  }
}

/** One page of an in-memory list. */
export function paginate<T>(items: readonly T[], pageNumber: number, perPage: number): OrukPage<T> {
  if (!Number.isInteger(perPage) || perPage < 1) throw new RangeError('perPage must be a whole number of at least 1')
  if (!Number.isInteger(pageNumber) || pageNumber < 1)
    throw new RangeError('pageNumber must be a whole number of at least 1')
  const start = (pageNumber - 1) * perPage
  return orukPage(items.slice(start, start + perPage), { totalItems: items.length, pageNumber, perPage })
}

// ---------------------------------------------------------------------------------------------
// ORUK -> directory

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024
/** Records (services) one file may hold; checked before the file is parsed (oruk-scan.ts). */
export const MAX_IMPORT_RECORDS = 10_000
/** An import stops reading after this many problems and lists them. */
export const MAX_PROBLEMS = 200
const MAX_WARNINGS = 1000

export type OrukImportShape = 'page' | 'array' | 'service'

/** A council's mapping of a foreign taxonomy term (directory_term_mappings). */
export interface TermMapping {
  serviceType?: ServiceTypeCode
  features: FeatureCode[]
}

/** A foreign taxonomy term seen by an import, for the council's mapping table. */
export interface SeenTerm {
  key: string
  termId: string
  name: string
  taxonomy?: string
  uri?: string
}

export interface OrukParseOptions {
  maxBytes?: number
  maxRecords?: number
  maxProblems?: number
  /** The council's mappings of foreign terms, by key (foreignTermKey). */
  mappings?: ReadonlyMap<string, TermMapping>
  /** Where the file came from (a file name or address), kept as each service's origin. */
  source?: string
}

export type OrukImportResult =
  | {
      ok: true
      shape: OrukImportShape
      directory: Directory
      warnings: string[]
      /** Foreign taxonomy terms the file links, once each. */
      seenTerms: SeenTerm[]
      /** How many services wait for review, and why (counts by reason). */
      toReview: number
    }
  | { ok: false; problems: OrukProblem[] }

/** Thrown by importers that want an exception; `problems` lists every refusal. */
export class OrukImportError extends Error {
  constructor(readonly problems: OrukProblem[]) {
    super(`The Open Referral UK file was refused: ${problems.map(formatProblem).join('; ')}`)
    this.name = 'OrukImportError'
  }
}

/** Parses the text of an ORUK JSON file (UTF-8, a BOM allowed). */
export function parseOrukJson(text: string, options: OrukParseOptions = {}): OrukImportResult {
  const maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES
  const maxRecords = options.maxRecords ?? MAX_IMPORT_RECORDS
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > maxBytes) {
    return {
      ok: false,
      problems: [
        {
          path: '',
          message: `The file is too large: ${formatMegabytes(bytes)}. The most we accept is ${formatMegabytes(maxBytes)}`,
        },
      ],
    }
  }
  const counted = countListRecords(text, maxRecords)
  if (counted.exceeded) {
    return {
      ok: false,
      problems: [
        {
          path: counted.path,
          message: `The file holds more than ${maxRecords.toLocaleString('en-GB')} records, the most one import takes: split it into smaller files`,
        },
      ],
    }
  }
  const bom = text.charCodeAt(0) === 0xfeff
  let document: unknown
  try {
    document = JSON.parse(bom ? text.slice(1) : text)
  } catch (error) {
    const detail = error instanceof SyntaxError ? jsonErrorPosition(error.message) : ''
    return { ok: false, problems: [{ path: '', message: `The file is not JSON${detail}` }] }
  }
  const result = parseOrukDocument(document, options)
  if (result.ok && bom) result.warnings.unshift('/: a byte-order mark at the start of the file was left out')
  return result
}

/** "at position 12" from a JSON.parse message, never the text of the file itself. */
function jsonErrorPosition(message: string): string {
  const match = /position (\d+)/.exec(message)
  return match ? ` (the error is at character ${match[1] ?? ''})` : ''
}

const formatMegabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses an ORUK document already read as JSON. */
export function parseOrukDocument(document: unknown, options: OrukParseOptions = {}): OrukImportResult {
  const maxRecords = options.maxRecords ?? MAX_IMPORT_RECORDS
  let shape: OrukImportShape
  let items: { value: unknown; path: string }[]
  const problems: OrukProblem[] = []
  const warnings: string[] = []
  if (Array.isArray(document)) {
    shape = 'array'
    items = (document as unknown[]).map((value, index) => ({ value, path: `/${String(index)}` }))
  } else if (isObject(document) && 'contents' in document) {
    shape = 'page'
    problems.push(...validateOruk('page', document))
    const contents = document.contents
    if (!Array.isArray(contents)) {
      return { ok: false, problems: [...problems, { path: '/contents', message: 'must be an array of services' }] }
    }
    items = (contents as unknown[]).map((value, index) => ({ value, path: `/contents/${String(index)}` }))
  } else if (isObject(document) && Array.isArray(document.content)) {
    // Spring-style paging (Outpost): content, totalElements, number.
    shape = 'page'
    warnings.push('/content: a Spring-style page (content, totalElements) read as a page of services')
    items = (document.content as unknown[]).map((value, index) => ({ value, path: `/content/${String(index)}` }))
  } else if (isObject(document) && 'id' in document && 'name' in document) {
    shape = 'service'
    items = [{ value: document, path: '' }]
  } else {
    return {
      ok: false,
      problems: [
        {
          path: '',
          message:
            'This is not Open Referral UK JSON: expected a service, an array of services or a page of services with "contents"',
        },
      ],
    }
  }
  if (items.length > maxRecords) {
    return {
      ok: false,
      problems: [
        {
          path: '',
          message: `The file holds ${items.length.toLocaleString('en-GB')} records: the most one import takes is ${maxRecords.toLocaleString('en-GB')}`,
        },
      ],
    }
  }
  const builder = new DirectoryBuilder(problems, warnings, options)
  // Services that give their organization in full first, so that a service giving only an
  // organization_id can refer to an organization described anywhere in the file.
  const hasOrganization = (v: unknown) => isObject(v) && (isObject(v.organization) || isObject(v.organisation))
  for (const pass of [true, false]) {
    for (const item of items) {
      if (builder.full()) break
      if (hasOrganization(item.value) === pass) builder.addService(item.value, item.path)
    }
  }
  const result = builder.finish()
  if (problems.length > 0) return { ok: false, problems: capProblems(problems, options.maxProblems ?? MAX_PROBLEMS) }
  if (items.length === 0) warnings.push('The file has no services.')
  return {
    ok: true,
    shape,
    directory: result,
    warnings: capWarnings(warnings),
    seenTerms: [...builder.seenTerms.values()],
    toReview: result.services.filter((s) => s.review !== undefined).length,
  }
}

function capProblems(problems: OrukProblem[], max: number): OrukProblem[] {
  if (problems.length < max) return problems
  return [
    ...problems.slice(0, max),
    { path: '', message: `The import stopped after ${String(max)} problems: correct these and try again` },
  ]
}

function capWarnings(warnings: string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return warnings
  return [...warnings.slice(0, MAX_WARNINGS), `and ${String(warnings.length - MAX_WARNINGS)} more repairs not listed`]
}

/** The key of a foreign term in the council's mapping table: its URI, else its id (lower case). */
export function foreignTermKey(term: { id?: unknown; term_uri?: unknown }): string {
  if (typeof term.term_uri === 'string' && term.term_uri.trim() !== '') return term.term_uri.trim().toLowerCase()
  return `id:${String(term.id).toLowerCase()}`
}

// Raw ORUK records as read (already checked against the schema, so the types hold).
interface RawTerm {
  id: string
  name?: string
  taxonomy?: string
  taxonomy_id?: string
  term_uri?: string
}
interface RawAttribute {
  id: string
  taxonomy_term_id?: string
  taxonomy_term?: RawTerm
  value?: string
}
interface RawAddress {
  address_1: string
  address_2?: string
  city: string
  state_province: string
  postal_code: string
  address_type: string
}
interface RawLocation {
  id: string
  location_type: string
  name?: string
  description?: string
  latitude?: number
  longitude?: number
  addresses?: RawAddress[]
  accessibility?: { description?: string; details?: string; accessibility?: string }[]
}
interface RawSchedule {
  id: string
  service_at_location_id?: string
  freq?: string
  interval?: number
  byday?: string
  opens_at?: string
  closes_at?: string
  attending_type?: string
  description?: string
  notes?: string
  women_only?: boolean
  run_by?: string
}
interface RawServiceAtLocation {
  id: string
  service_id?: string
  location_id?: string
  location?: RawLocation
  schedules?: RawSchedule[]
}
interface RawContact {
  id: string
  name?: string
  title?: string
  email?: string
  phones?: { number: string }[]
}
interface RawOrganization {
  id: string
  name: string
  description: string
  email?: string
  website?: string
}
interface RawService {
  id: string
  organization_id?: string
  name: string
  description?: string
  url?: string
  email?: string
  status: string
  minimum_age?: number
  maximum_age?: number
  last_modified?: string
  organization?: RawOrganization
  service_at_locations?: RawServiceAtLocation[]
  schedules?: RawSchedule[]
  contacts?: RawContact[]
  service_areas?: { id: string; name?: string; service_area?: string; uri?: string }[]
  attributes?: RawAttribute[]
}

const dayByRrule = new Map<string, DayOfWeek>(daysOfWeek.map((d) => [rruleDays[d], d]))

const blankToUndefined = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === '' ? undefined : v.trim()

/** 'HH:MM' or 'HH:MM:SS' -> 'HH:MM' (seconds other than 00 are refused). */
function parseTime(value: string): string | undefined {
  const match = /^([01][0-9]|2[0-3]):([0-5][0-9])(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$/.exec(value.trim())
  return match ? `${match[1] ?? ''}:${match[2] ?? ''}` : undefined
}

function parseMode(value: string | undefined): SessionMode | undefined {
  if (value === undefined || value.trim() === '') return 'in_person'
  const text = value.trim().toLowerCase()
  for (const [mode, label] of Object.entries(sessionModeLabels)) {
    if (text === label.toLowerCase() || text === mode) return mode as SessionMode
  }
  const online = /\b(online|video|remote|remotely|virtual|phone|telephone)\b/.test(text)
  const inPerson = /\b(in[- ]person|face[- ]to[- ]face|on site|drop[- ]in)\b/.test(text)
  if (online && inPerson) return 'both'
  if (online) return 'online'
  if (inPerson) return 'in_person'
  return undefined
}

/** Zod issues of an entity, at the ORUK path of each field. */
function zodProblems(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  fieldPath: (path: readonly PropertyKey[]) => string,
): OrukProblem[] {
  return issues.map((issue) => ({ path: fieldPath(issue.path), message: issue.message }))
}

interface Origins {
  organisations: string[]
  services: string[]
  locations: string[]
  serviceAtLocations: string[]
  schedules: string[]
}

/** Placeholders while a service is to review; the review reasons say they are not real values. */
const PLACEHOLDER_SERVICE_TYPE: ServiceTypeCode = 'community-treatment'
export const PLACEHOLDER_ORGANISATION_NAME = 'Organisation not named in the import'
const PLACEHOLDER_DESCRIPTION = 'No description was given in the import.'

class DirectoryBuilder {
  readonly seenTerms = new Map<string, SeenTerm>()
  private readonly directory: Directory = {
    organisations: [],
    services: [],
    locations: [],
    serviceAtLocations: [],
    schedules: [],
  }
  private readonly origins: Origins = {
    organisations: [],
    services: [],
    locations: [],
    serviceAtLocations: [],
    schedules: [],
  }
  private readonly organisationById = new Map<string, { value: Organisation; path: string }>()
  private readonly locationById = new Map<string, { value: Location; path: string }>()
  private readonly serviceById = new Map<string, string>()
  private readonly maxProblems: number
  /** The reasons of the service being read. */
  private reasons: ReviewReason[] = []

  constructor(
    private readonly problems: OrukProblem[],
    readonly warnings: string[],
    private readonly options: OrukParseOptions,
  ) {
    this.maxProblems = options.maxProblems ?? MAX_PROBLEMS
  }

  /** True once the problem cap is reached: the import stops reading. */
  full(): boolean {
    return this.problems.length >= this.maxProblems
  }

  private problem(path: string, message: string): void {
    this.problems.push({ path, message })
  }

  private review(code: ReviewReason['code'], path: string, message: string): void {
    this.reasons.push({ code, path: path || '/', message })
  }

  addService(value: unknown, base: string): void {
    if (!isObject(value)) {
      this.problem(base || '/', 'must be an object: a service')
      return
    }
    const record = structuredClone(value)
    repairService(record, base, { warn: (path, message) => this.warnings.push(`${path || '/'}: ${message}`) })
    const schemaProblems = validateOruk('service_import', record, base)
    if (schemaProblems.length > 0) {
      this.problems.push(...schemaProblems)
      return
    }
    const raw = record as unknown as RawService
    this.reasons = []
    const before = this.problems.length
    const firstPath = this.serviceById.get(raw.id.toLowerCase())
    if (firstPath !== undefined) {
      this.problem(`${base}/id`, `service ${raw.id} is in the file more than once (first at ${firstPath || '/'})`)
      return
    }
    this.serviceById.set(raw.id.toLowerCase(), base)

    const organisation = this.organisation(raw, base)
    const { serviceType, substances, features, byAndFor, foreignTerms } = this.attributes(raw, base)
    if (raw.status !== 'active') {
      this.warnings.push(
        `${base || '/'}: ${raw.name} has status '${raw.status}', so it is imported as a draft and not published.`,
      )
    }
    const contacts: Contact[] = []
    ;(raw.contacts ?? []).forEach((c, index) => {
      const at = `${base}/contacts/${String(index)}`
      if ((c.phones ?? []).length > 1) this.warnings.push(`${at}/phones: only the first phone number is kept.`)
      const phone = c.phones?.[0]?.number
      const candidate = {
        id: c.id.toLowerCase(),
        ...(blankToUndefined(c.name) === undefined ? {} : { name: blankToUndefined(c.name) }),
        ...(blankToUndefined(c.title) === undefined ? {} : { title: blankToUndefined(c.title) }),
        ...(blankToUndefined(c.email) === undefined ? {} : { email: blankToUndefined(c.email) }),
        ...(blankToUndefined(phone) === undefined ? {} : { phone: blankToUndefined(phone) }),
      }
      const parsed = contactSchema.safeParse(candidate)
      if (parsed.success) {
        contacts.push(parsed.data)
        return
      }
      const who = candidate.name ?? candidate.title ?? 'A contact'
      this.review(
        'contact',
        at,
        `${who}: ${parsed.error.issues.map((i) => i.message).join('; ')}. Add the contact again with a phone number or email address`,
      )
    })
    const serviceAreas: ServiceArea[] = []
    ;(raw.service_areas ?? []).forEach((a, index) => {
      const name = blankToUndefined(a.name) ?? blankToUndefined(a.service_area)
      if (name === undefined) {
        this.warnings.push(`${base}/service_areas/${String(index)}: left out, it has no name`)
        return
      }
      const code = a.uri?.startsWith(GSS_URI) ? a.uri.slice(GSS_URI.length) : undefined
      const area = serviceAreaSchema.safeParse({
        id: a.id.toLowerCase(),
        name: name.slice(0, 200),
        ...(code === undefined ? {} : { code }),
      })
      if (area.success) serviceAreas.push(area.data)
      else
        this.warnings.push(`${base}/service_areas/${String(index)}: left out, ${area.error.issues[0]?.message ?? ''}`)
    })
    let description = blankToUndefined(raw.description)
    if (description === undefined) {
      this.review('details', `${base}/description`, 'The service has no description: write one')
      description = PLACEHOLDER_DESCRIPTION
    }
    const url = this.optionalField(serviceSchema.shape.url, blankToUndefined(raw.url), `${base}/url`, 'website')
    const email = this.optionalField(
      serviceSchema.shape.email,
      blankToUndefined(raw.email),
      `${base}/email`,
      'email address',
    )
    if (serviceType === undefined) {
      this.review(
        'service-type',
        `${base}/attributes`,
        'No WTC service type: choose one, or map one of its taxonomy terms to a service type',
      )
    }
    const places = this.places(raw, base, raw.id.toLowerCase())
    if (places.length === 0 && !this.reasons.some((r) => r.code === 'location')) {
      this.review(
        'location',
        `${base}/service_at_locations`,
        'No place people can visit: the record gives no physical location. Add one, or say where it is offered',
      )
    }
    const toReview = this.reasons.length > 0
    const candidate = {
      id: raw.id.toLowerCase(),
      organisationId: organisation?.id ?? raw.id.toLowerCase(),
      name: raw.name,
      description,
      status: raw.status === 'active' && !toReview ? 'published' : 'draft',
      serviceType: serviceType ?? PLACEHOLDER_SERVICE_TYPE,
      substances,
      features,
      ...(byAndFor === undefined ? {} : { byAndForCommunity: byAndFor.value }),
      internalNotes: '',
      ...(url === undefined ? {} : { url }),
      ...(email === undefined ? {} : { email }),
      contacts,
      serviceAreas,
      eligibility: {
        womenOnly: features.includes('women-only-service'),
        ...(raw.minimum_age === undefined ? {} : { minimumAge: raw.minimum_age }),
        ...(raw.maximum_age === undefined ? {} : { maximumAge: raw.maximum_age }),
      },
      version: 1,
      ...(raw.last_modified === undefined ? {} : { lastModified: normaliseDateTime(raw.last_modified) }),
      ...(toReview ? { review: { reasons: this.reasons, publishWhenComplete: raw.status === 'active' } } : {}),
      ...(foreignTerms.length === 0 ? {} : { foreignTerms }),
      ...(this.options.source === undefined && String((value as { id?: unknown }).id) === raw.id
        ? {}
        : {
            origin: {
              id: String((value as { id?: unknown }).id).slice(0, 200),
              ...(this.options.source === undefined ? {} : { source: this.options.source.slice(0, 2000) }),
            },
          }),
    }
    const parsed = serviceSchema.safeParse(candidate)
    if (!parsed.success) {
      this.problems.push(...zodProblems(parsed.error.issues, (path) => serviceFieldPath(base, path, byAndFor?.index)))
    }
    if (this.problems.length > before || !parsed.success || !organisation) return
    this.directory.services.push(parsed.data)
    this.origins.services.push(base)
    for (const place of places) {
      this.directory.serviceAtLocations.push(place.sal)
      this.origins.serviceAtLocations.push(place.path)
      for (const s of place.schedules) {
        this.directory.schedules.push(s.value)
        this.origins.schedules.push(s.path)
      }
    }
  }

  /** An optional field our model checks more strictly than the standard: left out, to review, when it fails. */
  private optionalField(
    schema: { safeParse(v: unknown): { success: boolean } },
    value: string | undefined,
    path: string,
    label: string,
  ): string | undefined {
    if (value === undefined) return undefined
    if (schema.safeParse(value).success) return value
    this.review('details', path, `The ${label} given could not be kept: enter it again`)
    return undefined
  }

  private organisation(raw: RawService, base: string): Organisation | undefined {
    let name: string | undefined
    const path = `${base}/organization`
    const nested = isObject(raw.organization)
      ? raw.organization
      : {
          id: raw.organization_id ?? stableId('oruk-placeholder-organisation', raw.id.toLowerCase()),
          name: '',
          description: '',
        }
    if (!isObject(raw.organization)) {
      const known =
        raw.organization_id === undefined ? undefined : this.organisationById.get(raw.organization_id.toLowerCase())
      if (known && known.value.name !== PLACEHOLDER_ORGANISATION_NAME) return known.value
      this.review(
        'organisation',
        path,
        'The record does not describe the organisation that runs the service: choose or describe it',
      )
      name = PLACEHOLDER_ORGANISATION_NAME
      nested.description = PLACEHOLDER_DESCRIPTION
    }
    if (raw.organization_id !== undefined && raw.organization_id.toLowerCase() !== nested.id.toLowerCase()) {
      this.problem(`${base}/organization_id`, `must be the id of the organization given (${nested.id})`)
      return undefined
    }
    name ??= blankToUndefined(nested.name)
    let description = blankToUndefined(nested.description)
    if (description !== undefined && description.length > 2000) {
      this.review(
        'organisation',
        `${path}/description`,
        'The organisation’s description was shortened to 2000 characters: check it',
      )
      description = `${description.slice(0, 1999)}…`
    }
    if (name === undefined) {
      this.review('organisation', `${path}/name`, 'The organisation has no name: name it')
      name = PLACEHOLDER_ORGANISATION_NAME
    }
    if (description === undefined) {
      this.review('organisation', `${path}/description`, 'The organisation has no description: describe it')
      description = PLACEHOLDER_DESCRIPTION
    }
    const url = this.optionalField(
      organisationSchema.shape.url,
      blankToUndefined(nested.website),
      `${path}/website`,
      'organisation website',
    )
    const email = this.optionalField(
      organisationSchema.shape.email,
      blankToUndefined(nested.email),
      `${path}/email`,
      'organisation email address',
    )
    const parsed = organisationSchema.safeParse({
      id: nested.id.toLowerCase(),
      name,
      description,
      ...(url === undefined ? {} : { url }),
      ...(email === undefined ? {} : { email }),
    })
    if (!parsed.success) {
      this.problems.push(
        ...zodProblems(parsed.error.issues, (p) => `${path}/${organisationFields[String(p[0])] ?? String(p[0])}`),
      )
      return undefined
    }
    const known = this.organisationById.get(parsed.data.id)
    if (known) {
      if (JSON.stringify(known.value) !== JSON.stringify(parsed.data)) {
        this.problem(
          path,
          `organization ${parsed.data.id} is described differently at ${known.path}: make them the same`,
        )
        return undefined
      }
      return known.value
    }
    this.organisationById.set(parsed.data.id, { value: parsed.data, path })
    this.directory.organisations.push(parsed.data)
    this.origins.organisations.push(path)
    return parsed.data
  }

  private attributes(raw: RawService, base: string) {
    let serviceType: ServiceTypeCode | undefined
    const substances: SubstanceCode[] = []
    const features: FeatureCode[] = []
    const foreignTerms: ForeignTerm[] = []
    let byAndFor: { value: string | undefined; index: number } | undefined
    const addFeature = (code: FeatureCode) => {
      if (!features.includes(code)) features.push(code)
    }
    ;(raw.attributes ?? []).forEach((a, index) => {
      const path = `${base}/attributes/${String(index)}`
      const id = a.taxonomy_term_id ?? a.taxonomy_term?.id
      if (id === undefined) {
        this.problem(`${path}/taxonomy_term_id`, 'is required: say which taxonomy term the attribute links')
        return
      }
      if (a.taxonomy_term_id !== undefined && a.taxonomy_term !== undefined) {
        if (a.taxonomy_term_id.toLowerCase() !== a.taxonomy_term.id.toLowerCase()) {
          this.problem(`${path}/taxonomy_term/id`, `must be the same as taxonomy_term_id (${a.taxonomy_term_id})`)
          return
        }
      }
      const termPath = a.taxonomy_term_id === undefined ? `${path}/taxonomy_term/id` : `${path}/taxonomy_term_id`
      const found = findTermById(id)
      if (!found) {
        // Another publisher's term: kept as it is, and mapped when the council has mapped it.
        const term = a.taxonomy_term ?? { id }
        const key = foreignTermKey(term)
        foreignTerms.push({ key, attribute: { ...(a as unknown as Record<string, unknown>) } })
        if (!this.seenTerms.has(key)) {
          this.seenTerms.set(key, {
            key,
            termId: term.id,
            name: (term.name ?? term.id).slice(0, 500),
            ...(term.taxonomy === undefined ? {} : { taxonomy: term.taxonomy.slice(0, 500) }),
            ...(term.term_uri === undefined ? {} : { uri: term.term_uri.slice(0, 2000) }),
          })
        }
        const mapping = this.options.mappings?.get(key)
        if (mapping) {
          for (const code of mapping.features) if (code !== 'by-and-for') addFeature(code)
          if (mapping.serviceType !== undefined && serviceType === undefined) serviceType = mapping.serviceType
        }
        return
      }
      if (found.isGroup) {
        this.problem(termPath, `'${found.term.name}' is a group heading, not a term a service can have`)
        return
      }
      switch (found.kind) {
        case 'service-type':
          if (serviceType !== undefined && serviceType !== found.code) {
            this.warnings.push(`${termPath}: a service has one service type; this second one was left out`)
            return
          }
          serviceType = found.code as ServiceTypeCode
          break
        case 'substance':
          if (!substances.includes(found.code as SubstanceCode)) substances.push(found.code as SubstanceCode)
          break
        case 'feature':
          if (found.code === 'by-and-for') {
            const value = blankToUndefined(a.value)
            if (value === undefined) {
              this.review('details', `${path}/value`, 'By-and-for organisation without the community it serves: add it')
              return
            }
            byAndFor = { value, index }
          }
          addFeature(found.code as FeatureCode)
          break
      }
    })
    return { serviceType, substances, features, byAndFor, foreignTerms }
  }

  private places(raw: RawService, base: string, serviceId: string) {
    const places: {
      sal: ServiceAtLocation
      path: string
      schedules: { value: Schedule; path: string }[]
    }[] = []
    const salIds = new Map<string, number>()
    ;(raw.service_at_locations ?? []).forEach((rawSal, index) => {
      const path = `${base}/service_at_locations/${String(index)}`
      const salId = rawSal.id.toLowerCase()
      if (rawSal.service_id !== undefined && rawSal.service_id.toLowerCase() !== serviceId) {
        this.problem(`${path}/service_id`, `must be the id of the service it is in (${raw.id})`)
      }
      if (!rawSal.location) {
        this.review('location', `${path}/location`, 'A service at location without its location: add the place')
        return
      }
      if (rawSal.location_id !== undefined && rawSal.location_id.toLowerCase() !== rawSal.location.id.toLowerCase()) {
        this.problem(`${path}/location_id`, `must be the id of the location given (${rawSal.location.id})`)
      }
      const location = this.location(rawSal.location, `${path}/location`)
      if (!location) return
      salIds.set(salId, places.length)
      places.push({ sal: { id: salId, serviceId, locationId: location.id }, path, schedules: [] })
    })
    const addSchedule = (rawSchedule: RawSchedule, path: string, nestedIn?: string) => {
      let salId = rawSchedule.service_at_location_id?.toLowerCase()
      if (nestedIn !== undefined) {
        if (salId !== undefined && salId !== nestedIn) {
          this.problem(`${path}/service_at_location_id`, 'must be the id of the service at location it is in')
          return
        }
        salId = nestedIn
      }
      const when = scheduleWords(rawSchedule)
      if (salId === undefined) {
        const only = places.length === 1 ? places[0] : undefined
        if (!only) {
          this.review(
            'schedule',
            path,
            `A session (${when}) is not tied to one of the service’s places: add it to the place where it happens`,
          )
          return
        }
        salId = only.sal.id
      }
      const placeIndex = salIds.get(salId)
      const place = placeIndex === undefined ? undefined : places[placeIndex]
      if (!place) {
        this.review(
          'schedule',
          `${path}/service_at_location_id`,
          `A session (${when}) is at a place the directory could not keep: add it to the right place`,
        )
        return
      }
      for (const schedule of this.schedule(rawSchedule, path, salId, when)) {
        place.schedules.push({ value: schedule, path })
      }
    }
    ;(raw.schedules ?? []).forEach((s, index) => {
      addSchedule(s, `${base}/schedules/${String(index)}`)
    })
    ;(raw.service_at_locations ?? []).forEach((rawSal, index) => {
      ;(rawSal.schedules ?? []).forEach((s, sIndex) => {
        addSchedule(
          s,
          `${base}/service_at_locations/${String(index)}/schedules/${String(sIndex)}`,
          rawSal.id.toLowerCase(),
        )
      })
    })
    return places
  }

  private location(raw: RawLocation, path: string): Location | undefined {
    const known = this.locationById.get(raw.id.toLowerCase())
    const reasons: string[] = []
    const where = blankToUndefined(raw.name) ?? 'A location'
    if (raw.location_type !== 'physical') reasons.push(`it is ${raw.location_type}, not a place people can visit`)
    if (raw.latitude === undefined || raw.longitude === undefined) reasons.push('it has no latitude and longitude')
    const addressIndex = (raw.addresses ?? []).findIndex((a) => a.address_type === 'physical')
    const address = raw.addresses?.[addressIndex]
    if (!address) {
      reasons.push(
        (raw.addresses ?? []).some((a) => a.address_type === 'postal')
          ? 'its only address is a postal address'
          : 'it has no physical address',
      )
    }
    const name = blankToUndefined(raw.name)
    if (name === undefined) reasons.push('it has no name')
    if (reasons.length > 0 || !address) {
      this.review('location', path, `${where} could not be placed: ${reasons.join(', ')}. Add the place people visit`)
      return undefined
    }
    const addressPath = `${path}/addresses/${String(addressIndex)}`
    const candidate = {
      id: raw.id.toLowerCase(),
      name,
      ...(blankToUndefined(raw.description) === undefined ? {} : { description: blankToUndefined(raw.description) }),
      addressLine1: address.address_1,
      ...(blankToUndefined(address.address_2) === undefined
        ? {}
        : { addressLine2: blankToUndefined(address.address_2) }),
      town: address.city,
      ...(blankToUndefined(address.state_province) === undefined
        ? {}
        : { county: blankToUndefined(address.state_province) }),
      postcode: address.postal_code,
      latitude: raw.latitude,
      longitude: raw.longitude,
      accessibility: (raw.accessibility ?? [])
        .map((a) => blankToUndefined(a.description) ?? blankToUndefined(a.accessibility) ?? blankToUndefined(a.details))
        .filter((note): note is string => note !== undefined),
    }
    const parsed = locationSchema.safeParse(candidate)
    if (!parsed.success) {
      const issues = zodProblems(parsed.error.issues, (p) => locationFieldPath(path, addressPath, p))
      this.review(
        'location',
        issues[0]?.path ?? path,
        `${where} could not be placed: ${issues.map((i) => i.message).join('; ')}. Add the place people visit`,
      )
      return undefined
    }
    if (known) {
      if (JSON.stringify(known.value) !== JSON.stringify(parsed.data)) {
        this.problem(path, `location ${parsed.data.id} is described differently at ${known.path}: make them the same`)
        return undefined
      }
      return known.value
    }
    this.locationById.set(parsed.data.id, { value: parsed.data, path })
    this.directory.locations.push(parsed.data)
    this.origins.locations.push(path)
    return parsed.data
  }

  private schedule(raw: RawSchedule, path: string, salId: string, when: string): Schedule[] {
    const reasons: string[] = []
    if (raw.freq !== 'WEEKLY') reasons.push('it does not repeat every week')
    if (raw.interval !== undefined && raw.interval !== 1) reasons.push('it does not happen every week')
    const days: DayOfWeek[] = []
    if (raw.byday === undefined || raw.byday.trim() === '') {
      reasons.push('it names no day of the week')
    } else {
      for (const part of raw.byday.split(',')) {
        const day = dayByRrule.get(part.trim().toUpperCase())
        if (day === undefined) reasons.push(`'${part.trim()}' is not a day`)
        else if (!days.includes(day)) days.push(day)
      }
    }
    const start = raw.opens_at === undefined ? undefined : parseTime(raw.opens_at)
    const end = raw.closes_at === undefined ? undefined : parseTime(raw.closes_at)
    if (start === undefined || end === undefined) reasons.push('it has no opening and closing times')
    const mode = parseMode(raw.attending_type)
    if (mode === undefined) reasons.push('it does not say whether it is in person or online')
    if (reasons.length > 0 || start === undefined || end === undefined || mode === undefined) {
      this.review(
        'schedule',
        path,
        `A session (${when}) could not be kept: ${reasons.join(', ')}. Add it as a weekly session`,
      )
      return []
    }
    const womenOnly = raw.women_only ?? /\bwomen[- ]only\b/i.test(`${raw.description ?? ''} ${raw.notes ?? ''}`)
    const schedules: Schedule[] = []
    for (const day of days) {
      const candidate = {
        id: days.length === 1 ? raw.id.toLowerCase() : stableId('schedule', raw.id.toLowerCase(), rruleDays[day]),
        serviceAtLocationId: salId,
        dayOfWeek: day,
        start,
        end,
        womenOnly,
        mode,
        ...(blankToUndefined(raw.run_by) === undefined ? {} : { runBy: blankToUndefined(raw.run_by) }),
        ...(blankToUndefined(raw.notes) === undefined ? {} : { notes: blankToUndefined(raw.notes)?.slice(0, 1000) }),
      }
      const parsed = scheduleSchema.safeParse(candidate)
      if (!parsed.success) {
        this.problems.push(
          ...zodProblems(parsed.error.issues, (p) => `${path}/${scheduleFields[String(p[0])] ?? String(p[0])}`),
        )
        return []
      }
      schedules.push(parsed.data)
    }
    return schedules
  }

  finish(): Directory {
    if (this.problems.length > 0) return this.directory
    const parsed = directorySchema.safeParse(this.directory)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [kind, index, field] = issue.path
        const origin =
          typeof kind === 'string' && typeof index === 'number' && kind in this.origins
            ? this.origins[kind as keyof Origins][index]
            : undefined
        const suffix = kind === 'schedules' && typeof field === 'string' ? `/${scheduleFields[field] ?? field}` : ''
        this.problem(origin === undefined ? '' : `${origin}${suffix}`, issue.message)
      }
      return this.directory
    }
    return parsed.data
  }
}

/** A session in words for a review reason, from what the record says. */
function scheduleWords(raw: RawSchedule): string {
  const parts = [raw.byday, raw.opens_at && raw.closes_at ? `${raw.opens_at} to ${raw.closes_at}` : undefined]
    .filter((p): p is string => p !== undefined && p.trim() !== '')
    .join(' ')
  return parts === '' ? (blankToUndefined(raw.description)?.slice(0, 80) ?? 'no day or time given') : parts
}

function normaliseDateTime(value: string): string {
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? value : date.toISOString()
}

const organisationFields: Record<string, string> = {
  id: 'id',
  name: 'name',
  description: 'description',
  url: 'website',
  email: 'email',
}

const scheduleFields: Record<string, string> = {
  id: 'id',
  dayOfWeek: 'byday',
  start: 'opens_at',
  end: 'closes_at',
  mode: 'attending_type',
  womenOnly: 'women_only',
  runBy: 'run_by',
  notes: 'notes',
  serviceAtLocationId: 'service_at_location_id',
}

function serviceFieldPath(base: string, path: readonly PropertyKey[], byAndForIndex?: number): string {
  const [first, second, third] = path.map(String)
  switch (first) {
    case 'features':
      return `${base}/attributes`
    case 'byAndForCommunity':
      return byAndForIndex === undefined ? `${base}/attributes` : `${base}/attributes/${byAndForIndex}/value`
    case 'eligibility':
      return second === 'minimumAge'
        ? `${base}/minimum_age`
        : second === 'maximumAge'
          ? `${base}/maximum_age`
          : `${base}/attributes`
    case 'lastModified':
      return `${base}/last_modified`
    case 'contacts': {
      const field = third === 'phone' ? 'phones/0/number' : (third ?? '')
      return `${base}/contacts/${second ?? ''}${field === '' ? '' : `/${field}`}`
    }
    case 'serviceAreas':
      return `${base}/service_areas/${second ?? ''}${third === 'code' ? '/uri' : third === undefined ? '' : `/${third}`}`
    case undefined:
      return base
    default:
      return `${base}/${first}`
  }
}

function locationFieldPath(path: string, addressPath: string, field: readonly PropertyKey[]): string {
  const [first, second] = field.map(String)
  switch (first) {
    case 'addressLine1':
      return `${addressPath}/address_1`
    case 'addressLine2':
      return `${addressPath}/address_2`
    case 'town':
      return `${addressPath}/city`
    case 'county':
      return `${addressPath}/state_province`
    case 'postcode':
      return `${addressPath}/postal_code`
    case 'accessibility':
      return `${path}/accessibility/${second ?? ''}`
    case undefined:
      return path
    default:
      return `${path}/${first}`
  }
}
