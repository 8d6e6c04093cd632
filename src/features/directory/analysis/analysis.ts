/**
 * Gap and co-location analysis of a council's service directory, for commissioners (issue 4).
 * Pure: every function takes the directory (the model's Directory) and, for distances, the
 * council's LSOA centroids, and returns plain data; routes.ts loads them and tables.ts turns the
 * results into the tables shown, downloaded as CSV and as JSON.
 *
 * Rules used throughout (the pages say so in words):
 * - Only published services count. Drafts are left out until they are published, so the analysis
 *   shows what a woman can find today (`publishedDirectory`).
 * - A session is women-only when the session is marked women-only or the whole service is for
 *   women only (`eligibility.womenOnly`).
 * - A place has women-only provision for a service when the service is for women only, or it has
 *   at least one women-only session there that you can go to in person (in person, or in person or
 *   online). Online-only sessions are in the time grid but not in the distance analysis: you do not
 *   travel to them.
 * - Parts of the day: morning is before 12:00, afternoon 12:00 to 17:00, evening after 17:00. A
 *   session counts in every part of the day it overlaps (10:00 to 13:00 is morning and afternoon;
 *   a session ending at 12:00 is morning only).
 * - Distances are great-circle distances (src/lib/geo.ts) from the LSOA's population-weighted
 *   centroid to the service's address; "beyond" a distance means strictly farther (src/lib/lsoa.ts).
 */
import { createPointIndex, haversineKm } from '../../../lib/geo.js'
import { listInWords } from '../../../lib/words.js'
import { distancesToNearest, type LsoaCentroid, summariseDistances, type DistanceSummary } from '../../../lib/lsoa.js'
import { type InsightCohort, insightCohorts } from '../../../db/schema/index.js'
import { cohortLabels } from '../../../platform/cohorts.js'
import {
  type DayOfWeek,
  type Directory,
  daysOfWeek,
  dayLabels,
  type Location,
  type Schedule,
  type Service,
  toMinutes,
} from '../model.js'
import {
  type FeatureCode,
  featureLabel,
  featureTermDefinitions,
  type ServiceTypeCode,
  serviceTypeDefinition,
  serviceTypeDefinitions,
  serviceTypeLabel,
} from '../../../lib/taxonomy.js'

// ---------------------------------------------------------------------------------------------
// Which services count

/** The published part of a directory: drafts, and places and sessions of drafts, left out. */
export function publishedDirectory(directory: Directory): Directory {
  const services = directory.services.filter((s) => s.status === 'published')
  const serviceIds = new Set(services.map((s) => s.id))
  const serviceAtLocations = directory.serviceAtLocations.filter((sal) => serviceIds.has(sal.serviceId))
  const salIds = new Set(serviceAtLocations.map((sal) => sal.id))
  const locationIds = new Set(serviceAtLocations.map((sal) => sal.locationId))
  const organisationIds = new Set(services.map((s) => s.organisationId))
  return {
    organisations: directory.organisations.filter((o) => organisationIds.has(o.id)),
    services,
    locations: directory.locations.filter((l) => locationIds.has(l.id)),
    serviceAtLocations,
    schedules: directory.schedules.filter((s) => salIds.has(s.serviceAtLocationId)),
  }
}

export interface DirectoryCounts {
  published: number
  drafts: number
}

export function directoryCounts(directory: Directory): DirectoryCounts {
  const published = directory.services.filter((s) => s.status === 'published').length
  return { published, drafts: directory.services.length - published }
}

/** A service at one of its places, with what the analysis needs. */
interface Place {
  service: Service
  location: Location
  organisationName: string
  schedules: Schedule[]
}

function placesOf(directory: Directory): Place[] {
  const services = new Map(directory.services.map((s) => [s.id, s]))
  const locations = new Map(directory.locations.map((l) => [l.id, l]))
  const organisations = new Map(directory.organisations.map((o) => [o.id, o.name]))
  const schedulesBySal = new Map<string, Schedule[]>()
  for (const schedule of directory.schedules) {
    const list = schedulesBySal.get(schedule.serviceAtLocationId) ?? []
    list.push(schedule)
    schedulesBySal.set(schedule.serviceAtLocationId, list)
  }
  const places: Place[] = []
  for (const sal of directory.serviceAtLocations) {
    const service = services.get(sal.serviceId)
    const location = locations.get(sal.locationId)
    if (!service || !location) continue
    places.push({
      service,
      location,
      organisationName: organisations.get(service.organisationId) ?? '',
      schedules: schedulesBySal.get(sal.id) ?? [],
    })
  }
  return places
}

const isWomenOnlySession = (service: Service, schedule: Schedule): boolean =>
  schedule.womenOnly || service.eligibility.womenOnly

function hasInPersonWomenOnlyProvision(place: Place): boolean {
  if (place.service.eligibility.womenOnly) return true
  return place.schedules.some((s) => isWomenOnlySession(place.service, s) && s.mode !== 'online')
}

// ---------------------------------------------------------------------------------------------
// Distance

export const DEFAULT_DISTANCE_KM = 2
export const DEFAULT_COLOCATION_KM = 1
export const MIN_WITHIN_KM = 0.1
export const MAX_WITHIN_KM = 50

/** What the distance is measured to: places with women-only provision, or services of one type. */
export type DistanceMeasure = 'women-only' | ServiceTypeCode

export const WOMEN_ONLY_MEASURE = 'women-only'

export function measureLabel(measure: DistanceMeasure): string {
  return measure === WOMEN_ONLY_MEASURE ? 'Women-only provision' : serviceTypeLabel(measure)
}

/** How a sentence names the nearest place: 'place with women-only provision', 'residential rehabilitation service'. */
export function measurePhrase(measure: DistanceMeasure): string {
  if (measure === WOMEN_ONLY_MEASURE) return 'place with women-only provision'
  const label = lowerFirst(serviceTypeLabel(measure))
  return label.endsWith('service') ? label : `${label} service`
}

/** The treatment service types (taxonomy `treatment` flag), in taxonomy order. */
export const treatmentTypes: ServiceTypeCode[] = serviceTypeDefinitions.filter((t) => t.treatment).map((t) => t.code)

/** The types of place women already use (taxonomy `placeWomenUse` flag), in taxonomy order. */
export const placeWomenUseTypes: ServiceTypeCode[] = serviceTypeDefinitions
  .filter((t) => t.placeWomenUse)
  .map((t) => t.code)

/** Measures summarised side by side on the distance page: women-only provision, then each treatment type. */
export const overviewMeasures: DistanceMeasure[] = [WOMEN_ONLY_MEASURE, ...treatmentTypes]

export interface ServicePoint {
  /** `<service id>/<location id>` */
  key: string
  serviceId: string
  serviceName: string
  organisationName: string
  serviceType: ServiceTypeCode
  locationId: string
  locationName: string
  postcode: string
  lat: number
  lon: number
}

function toPoint(place: Place): ServicePoint {
  return {
    key: `${place.service.id}/${place.location.id}`,
    serviceId: place.service.id,
    serviceName: place.service.name,
    organisationName: place.organisationName,
    serviceType: place.service.serviceType,
    locationId: place.location.id,
    locationName: place.location.name,
    postcode: place.location.postcode,
    lat: place.location.latitude,
    lon: place.location.longitude,
  }
}

/**
 * The places of published services that the distance is measured to, in directory order: for
 * 'women-only', places with in-person women-only provision; for a service type, every place of
 * a service of that type.
 */
export function measurePoints(directory: Directory, measure: DistanceMeasure): ServicePoint[] {
  const places = placesOf(publishedDirectory(directory))
  const kept =
    measure === WOMEN_ONLY_MEASURE
      ? places.filter(hasInPersonWomenOnlyProvision)
      : places.filter((p) => p.service.serviceType === measure)
  return kept.map(toPoint)
}

export type AnalysisLsoa = Pick<LsoaCentroid, 'code' | 'name' | 'lat' | 'lon' | 'femaleResidents'>

export interface LsoaDistanceRow {
  code: string
  name: string
  femaleResidents: number
  /** Kilometres to the nearest place, or null when there is none. */
  distanceKm: number | null
  nearest: ServicePoint | null
  /** Strictly farther than the chosen distance, or no place at all. */
  beyond: boolean
}

export interface DistanceResult {
  measure: DistanceMeasure
  label: string
  /** e.g. 'place with women-only provision' */
  phrase: string
  withinKm: number
  points: ServicePoint[]
  /** Farthest first (LSOAs with no place at all first of all), then by LSOA code. */
  rows: LsoaDistanceRow[]
  summary: DistanceSummary
}

/** For every LSOA, the distance to the nearest place of the measure, and the women beyond `withinKm`. */
export function distanceAnalysis(
  directory: Directory,
  lsoas: readonly AnalysisLsoa[],
  measure: DistanceMeasure,
  withinKm: number,
): DistanceResult {
  const points = measurePoints(directory, measure)
  const index = createPointIndex(points.map((p, i) => ({ id: i, lat: p.lat, lon: p.lon })))
  const distances = distancesToNearest(lsoas, index)
  const summary = summariseDistances(distances, withinKm)
  const rows: LsoaDistanceRow[] = distances.map((d) => ({
    code: d.code,
    name: d.name,
    femaleResidents: d.femaleResidents,
    distanceKm: d.distanceKm,
    nearest: d.nearestId === null ? null : (points[d.nearestId] ?? null),
    beyond: d.distanceKm === null || d.distanceKm > withinKm,
  }))
  rows.sort(
    (a, b) =>
      (b.distanceKm ?? Infinity) - (a.distanceKm ?? Infinity) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  )
  return { measure, label: measureLabel(measure), phrase: measurePhrase(measure), withinKm, points, rows, summary }
}

// ---------------------------------------------------------------------------------------------
// Time

export const dayParts = ['morning', 'afternoon', 'evening'] as const
export type DayPart = (typeof dayParts)[number]

export const dayPartLabels: Record<DayPart, string> = {
  morning: 'Morning (before 12:00)',
  afternoon: 'Afternoon (12:00 to 17:00)',
  evening: 'Evening (after 17:00)',
}

const dayPartWords: Record<DayPart, string> = { morning: 'morning', afternoon: 'afternoon', evening: 'evening' }

/** [start, end) of each part of the day, in minutes after midnight. */
const dayPartBounds: Record<DayPart, [number, number]> = {
  morning: [0, 12 * 60],
  afternoon: [12 * 60, 17 * 60],
  evening: [17 * 60, 24 * 60],
}

/** The parts of the day a session from `start` to `end` overlaps (by at least a minute). */
export function dayPartsOf(start: string, end: string): DayPart[] {
  const s = toMinutes(start)
  const e = toMinutes(end)
  return dayParts.filter((part) => {
    const [from, to] = dayPartBounds[part]
    return s < to && e > from
  })
}

export type ModeView = 'all' | 'in_person' | 'online'
export const modeViews: readonly ModeView[] = ['all', 'in_person', 'online']

export const modeViewLabels: Record<ModeView, string> = {
  all: 'All women-only sessions',
  in_person: 'Women-only sessions in person',
  online: 'Women-only sessions online',
}

const modeViewWords: Record<ModeView, string> = { all: '', in_person: 'in-person ', online: 'online ' }

export interface WomenOnlySession {
  scheduleId: string
  serviceId: string
  serviceName: string
  serviceType: ServiceTypeCode
  locationName: string
  day: DayOfWeek
  start: string
  end: string
  mode: Schedule['mode']
  parts: DayPart[]
}

export interface TimeCell {
  day: DayOfWeek
  part: DayPart
  sessions: number
  services: number
  serviceNames: string[]
}

export interface TimeGrid {
  mode: ModeView
  label: string
  /** One row per day, Monday first; in each, the three parts of the day in order. */
  rows: { day: DayOfWeek; label: string; cells: TimeCell[] }[]
  sessions: number
  /** Empty cells in words; a day with no session at all is one sentence. */
  gaps: string[]
}

export interface TimeResult {
  sessions: WomenOnlySession[]
  grids: TimeGrid[]
}

/** Whether a session of this mode is in the grid for `mode` (a session for both is in each). */
export const inMode = (mode: ModeView, sessionMode: Schedule['mode']): boolean =>
  mode === 'all' || sessionMode === 'both' || sessionMode === mode

/** Women-only sessions of published services across the area, as a week grid for each way of taking part. */
export function timeAnalysis(directory: Directory): TimeResult {
  const sessions: WomenOnlySession[] = []
  for (const place of placesOf(publishedDirectory(directory))) {
    for (const schedule of place.schedules) {
      if (!isWomenOnlySession(place.service, schedule)) continue
      sessions.push({
        scheduleId: schedule.id,
        serviceId: place.service.id,
        serviceName: place.service.name,
        serviceType: place.service.serviceType,
        locationName: place.location.name,
        day: schedule.dayOfWeek,
        start: schedule.start,
        end: schedule.end,
        mode: schedule.mode,
        parts: dayPartsOf(schedule.start, schedule.end),
      })
    }
  }
  sessions.sort(
    (a, b) =>
      daysOfWeek.indexOf(a.day) - daysOfWeek.indexOf(b.day) ||
      toMinutes(a.start) - toMinutes(b.start) ||
      a.serviceName.localeCompare(b.serviceName, 'en-GB') ||
      a.scheduleId.localeCompare(b.scheduleId),
  )
  const grids = modeViews.map((mode) => timeGrid(sessions, mode))
  return { sessions, grids }
}

function timeGrid(all: readonly WomenOnlySession[], mode: ModeView): TimeGrid {
  const sessions = all.filter((s) => inMode(mode, s.mode))
  const rows = daysOfWeek.map((day) => ({
    day,
    label: dayLabels[day],
    cells: dayParts.map((part) => {
      const here = sessions.filter((s) => s.day === day && s.parts.includes(part))
      const names = [...new Set(here.map((s) => s.serviceName))].sort((a, b) => a.localeCompare(b, 'en-GB'))
      return {
        day,
        part,
        sessions: here.length,
        services: new Set(here.map((s) => s.serviceId)).size,
        serviceNames: names,
      }
    }),
  }))
  const what = `No ${modeViewWords[mode]}women-only sessions on`
  const gaps: string[] = []
  for (const row of rows) {
    const empty = row.cells.filter((c) => c.sessions === 0)
    if (empty.length === dayParts.length) gaps.push(`${what} ${row.label} at any time`)
    else for (const cell of empty) gaps.push(`${what} ${row.label} ${dayPartWords[cell.part]}`)
  }
  return { mode, label: modeViewLabels[mode], rows, sessions: sessions.length, gaps }
}

// ---------------------------------------------------------------------------------------------
// Features

export interface Share {
  count: number
  of: number
  /** count / of, 0..1; null when `of` is 0. */
  share: number | null
}

const share = (count: number, of: number): Share => ({ count, of, share: of === 0 ? null : count / of })

export interface FeatureCoverage {
  feature: FeatureCode
  label: string
  total: Share
  /** In the order of FeatureResult.types. */
  byType: Share[]
}

export interface ServiceSummary {
  id: string
  name: string
  organisationName: string
  serviceType: ServiceTypeCode
  typeLabel: string
}

export interface FeatureResult {
  services: number
  /** Service types with at least one published service, in taxonomy order. */
  types: { code: ServiceTypeCode; label: string; services: number }[]
  /** Every feature of the taxonomy, in taxonomy order. */
  features: FeatureCoverage[]
  /** Published services with none of the features. */
  servicesWithNone: ServiceSummary[]
}

function summaryOf(service: Service, organisations: Map<string, string>): ServiceSummary {
  return {
    id: service.id,
    name: service.name,
    organisationName: organisations.get(service.organisationId) ?? '',
    serviceType: service.serviceType,
    typeLabel: serviceTypeLabel(service.serviceType),
  }
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en-GB')

/** How many published services of each type have each gender-responsive feature. */
export function featureAnalysis(directory: Directory): FeatureResult {
  const { services, organisations } = publishedDirectory(directory)
  const orgNames = new Map(organisations.map((o) => [o.id, o.name]))
  const types = serviceTypeDefinitions
    .map((t) => ({ code: t.code, label: t.name, services: services.filter((s) => s.serviceType === t.code).length }))
    .filter((t) => t.services > 0)
  const features = featureTermDefinitions.map((f): FeatureCoverage => {
    const having = services.filter((s) => (s.features as readonly string[]).includes(f.code))
    return {
      feature: f.code,
      label: f.name,
      total: share(having.length, services.length),
      byType: types.map((t) => share(having.filter((s) => s.serviceType === t.code).length, t.services)),
    }
  })
  const servicesWithNone = services
    .filter((s) => s.features.length === 0)
    .map((s) => summaryOf(s, orgNames))
    .sort(byName)
  return { services: services.length, types, features, servicesWithNone }
}

// ---------------------------------------------------------------------------------------------
// Cohorts

/**
 * Which services serve each cohort of the needs assessment. A service serves a cohort when it
 * has any of the cohort's features, is of any of its service types, or is a by-and-for service
 * whose community (its `byAndForCommunity` words) matches the cohort's pattern; for young women,
 * also when it is only for women up to a given age.
 *
 * | cohort              | features                                      | service types                | by-and-for community words                              |
 * |---------------------|-----------------------------------------------|------------------------------|---------------------------------------------------------|
 * | minoritised_ethnic  |                                               |                              | Asian, Black, African, Caribbean, ethnic, minoritised, Somali, Turkish, Kurdish, Arab, Chinese, Latin, Roma, Gypsy, Traveller, Eritrean, Tamil, Polish, Eastern European |
 * | lgbtq               | lgbtq-affirming                               |                              | LGBT, lesbian, bisexual, trans, queer                   |
 * | neurodiverse        | neurodiversity-adjustments                    |                              | neurodivergent, autistic, ADHD, learning disab(ility)   |
 * | disabled            | accessible-premises                           |                              | disabled, deaf, blind                                   |
 * | religious_community |                                               |                              | Muslim, Jewish, Orthodox, Christian, Hindu, Sikh, faith  |
 * | pregnant            | pregnancy-question, specialist-midwife-link   | maternity                    | pregnant                                                |
 * | mothers             | children-welcome                              | family-hub, fdac             | mothers                                                 |
 * | children_removed    | space-without-children                        | post-proceedings             | children removed                                        |
 * | homeless            |                                               | housing                      | homeless                                                |
 * | criminal_justice    | rapid-scripts-on-release                      | probation                    | prison, offending                                       |
 * | sex_work            | sex-work-outreach                             |                              | sex work, sell sex                                      |
 * | rural               | outreach-home-visits, transport-help, online-or-phone |                      | rural                                                   |
 * | older_women         |                                               |                              | older                                                   |
 * | migrant             | interpreters                                  |                              | migrant, refugee, asylum                                |
 * | domestic_abuse      | domestic-abuse-worker                         | domestic-abuse, refuge       | domestic abuse                                          |
 * | young_women         | (or eligibility up to age 25)                 |                              | young                                                   |
 */
export interface CohortCriteria {
  features: readonly FeatureCode[]
  serviceTypes: readonly ServiceTypeCode[]
  /** Matched against the community of a by-and-for service. */
  community: RegExp | null
  /** Services only for women up to this age serve the cohort. */
  maximumAgeUpTo?: number
}

export const cohortCriteria: Record<InsightCohort, CohortCriteria> = {
  minoritised_ethnic: {
    features: [],
    serviceTypes: [],
    community:
      /\b(asian|black|african|caribbean|ethnic|minoriti[sz]ed|somali|turkish|kurdish|arab|chinese|latin|roma|gypsy|traveller|eritrean|tamil|polish|eastern european)/i,
  },
  lgbtq: { features: ['lgbtq-affirming'], serviceTypes: [], community: /\b(lgbt|lesbian|bisexual|trans|queer)/i },
  neurodiverse: {
    features: ['neurodiversity-adjustments'],
    serviceTypes: [],
    community: /\b(neuro|autis|adhd|learning disab)/i,
  },
  disabled: { features: ['accessible-premises'], serviceTypes: [], community: /\b(disab|deaf|blind)/i },
  religious_community: {
    features: [],
    serviceTypes: [],
    community: /\b(muslim|jewish|orthodox|christian|hindu|sikh|faith)/i,
  },
  pregnant: {
    features: ['pregnancy-question', 'specialist-midwife-link'],
    serviceTypes: ['maternity'],
    community: /\bpregnan/i,
  },
  mothers: { features: ['children-welcome'], serviceTypes: ['family-hub', 'fdac'], community: /\bmothers?\b/i },
  children_removed: {
    features: ['space-without-children'],
    serviceTypes: ['post-proceedings'],
    community: /\bchildren (have been |were )?removed/i,
  },
  homeless: { features: [], serviceTypes: ['housing'], community: /\bhomeless/i },
  criminal_justice: {
    features: ['rapid-scripts-on-release'],
    serviceTypes: ['probation'],
    community: /\b(prison|offending)/i,
  },
  sex_work: { features: ['sex-work-outreach'], serviceTypes: [], community: /\b(sex work|sell sex)/i },
  rural: {
    features: ['outreach-home-visits', 'transport-help', 'online-or-phone'],
    serviceTypes: [],
    community: /\brural/i,
  },
  older_women: { features: [], serviceTypes: [], community: /\bolder\b/i },
  migrant: { features: ['interpreters'], serviceTypes: [], community: /\b(migrant|refugee|asylum)/i },
  domestic_abuse: {
    features: ['domestic-abuse-worker'],
    serviceTypes: ['domestic-abuse', 'refuge'],
    community: /\bdomestic abuse/i,
  },
  young_women: { features: [], serviceTypes: [], community: /\byoung\b/i, maximumAgeUpTo: 25 },
}

/** The rule of a cohort in words, for the page's table of rules. */
export function cohortRuleText(cohort: InsightCohort): string {
  const c = cohortCriteria[cohort]
  const parts: string[] = []
  if (c.features.length > 0) parts.push(`has ${orList(c.features.map((f) => `‘${featureLabel(f)}’`))}`)
  if (c.serviceTypes.length > 0)
    parts.push(`is ${orList(c.serviceTypes.map((t) => `a ${lowerFirst(serviceTypeLabel(t))}`))}`)
  if (c.maximumAgeUpTo !== undefined) parts.push(`is only for women aged ${String(c.maximumAgeUpTo)} or under`)
  parts.push('is a by-and-for service for this community')
  return `A service that ${orList(parts)}`
}

export interface CohortService extends ServiceSummary {
  /** Why the service counts, e.g. 'LGBTQ+ affirming', 'By-and-for: LGBTQ+ women'. */
  reasons: string[]
  byAndFor: boolean
  community: string | null
}

export interface CohortResult {
  cohort: InsightCohort
  label: string
  rule: string
  services: CohortService[]
  /** Organisations with a by-and-for service for this cohort, by name. */
  byAndForOrganisations: string[]
}

export interface CohortsResult {
  cohorts: CohortResult[]
  /** Cohorts no published service serves. */
  cohortsWithNone: { cohort: InsightCohort; label: string }[]
}

/** For each cohort of the needs assessment, the published services and by-and-for organisations that serve it. */
export function cohortAnalysis(directory: Directory): CohortsResult {
  const { services, organisations } = publishedDirectory(directory)
  const orgNames = new Map(organisations.map((o) => [o.id, o.name]))
  const cohorts = insightCohorts.map((cohort): CohortResult => {
    const criteria = cohortCriteria[cohort]
    const matched: CohortService[] = []
    for (const service of services) {
      const reasons: string[] = []
      for (const f of criteria.features)
        if ((service.features as readonly string[]).includes(f)) reasons.push(featureLabel(f))
      if ((criteria.serviceTypes as readonly string[]).includes(service.serviceType)) {
        reasons.push(serviceTypeLabel(service.serviceType))
      }
      const max = service.eligibility.maximumAge
      if (criteria.maximumAgeUpTo !== undefined && max !== undefined && max <= criteria.maximumAgeUpTo) {
        reasons.push(`Only for women aged ${String(max)} or under`)
      }
      const community = service.byAndForCommunity ?? null
      const byAndFor =
        service.features.includes('by-and-for') && community !== null && (criteria.community?.test(community) ?? false)
      if (byAndFor) reasons.push(`By-and-for: ${community}`)
      if (reasons.length > 0) {
        matched.push({ ...summaryOf(service, orgNames), reasons, byAndFor, community: byAndFor ? community : null })
      }
    }
    matched.sort(byName)
    const byAndForOrganisations = [...new Set(matched.filter((m) => m.byAndFor).map((m) => m.organisationName))].sort(
      (a, b) => a.localeCompare(b, 'en-GB'),
    )
    return {
      cohort,
      label: cohortLabels[cohort],
      rule: cohortRuleText(cohort),
      services: matched,
      byAndForOrganisations,
    }
  })
  return {
    cohorts,
    cohortsWithNone: cohorts.filter((c) => c.services.length === 0).map((c) => ({ cohort: c.cohort, label: c.label })),
  }
}

// ---------------------------------------------------------------------------------------------
// Co-location

/** Features that make a setting women-only, counted to rank pairs at the same distance. */
export const womenOnlyFeatures: readonly FeatureCode[] = [
  'women-only-service',
  'women-only-groups',
  'women-only-space',
  'same-gender-key-worker',
  'space-without-children',
]

export interface ColocationPair {
  treatment: ServicePoint
  place: ServicePoint
  distanceKm: number
  /** At the same address already. */
  sameLocation: boolean
  /** Women-only features of the two services together (see womenOnlyFeatures). */
  womenOnlyFeatures: number
  /** What each could offer the other, in a sentence or two. */
  offer: string
}

export interface ColocationResult {
  withinKm: number
  treatmentServices: number
  placeServices: number
  /** Pairs in different buildings: closest first; at the same distance, more women-only features first; then by names. */
  pairs: ColocationPair[]
  /** Pairs already at the same address, ranked the same way (by women-only features, then names). */
  alreadyTogether: ColocationPair[]
}

/** What a place women use can offer a treatment service (feature -> words), in this order. */
const placeOffers: [FeatureCode, string][] = [
  ['women-only-service', 'a women-only setting'],
  ['women-only-space', 'a women-only space'],
  ['women-only-groups', 'women-only groups'],
  ['children-welcome', 'a creche or children welcome'],
  ['space-without-children', 'a space without children'],
  ['domestic-abuse-worker', 'a domestic abuse worker on site'],
  ['escort-from-entrance', 'an escort from the entrance'],
  ['psychologically-informed-environment', 'a calm, psychologically informed setting'],
  ['specialist-midwife-link', 'a link with a specialist midwife'],
  ['evening-or-weekend', 'evening or weekend opening'],
]

/** What a treatment service can bring to a place women use (feature -> words), in this order. */
const treatmentOffers: [FeatureCode, string][] = [
  ['same-gender-key-worker', 'a woman key worker on request'],
  ['rapid-scripts-on-release', 'quick prescriptions on release from prison'],
  ['outreach-home-visits', 'outreach'],
]

const placeNouns: Partial<Record<ServiceTypeCode, string>> = {
  'womens-centre': "women's centre",
  'domestic-abuse': 'domestic abuse service',
  'womens-health-hub': "women's health hub",
  'gp-practice': 'GP practice',
  'family-hub': 'family hub',
  'community-venue': 'community venue',
}

export const andList = (items: readonly string[]): string => listInWords(items)
const orList = (items: readonly string[]): string => listInWords(items, 'or')

const lowerFirst = (text: string): string =>
  /^[A-Z][a-z]/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text

/**
 * The generated sentence for a pair, e.g. "The women's centre offers a women-only space and a
 * creche; the treatment service could run a women-only clinic there, with a woman key worker on
 * request, and give staff a quick route into treatment."
 */
export function offerSentence(treatment: Service, place: Service): string {
  const noun = placeNouns[place.serviceType] ?? lowerFirst(serviceTypeDefinition(place.serviceType).name)
  const has = (service: Service, f: FeatureCode) => (service.features as readonly string[]).includes(f)
  const offers = placeOffers.filter(([f]) => has(place, f)).map(([, words]) => words)
  const womenOnlySetting = ['women-only-service', 'women-only-space', 'women-only-groups'].some((f) =>
    has(place, f as FeatureCode),
  )
  const first =
    offers.length > 0 ? `The ${noun} offers ${andList(offers)}` : `The ${noun} is a place women already go to`
  const clinic = womenOnlySetting ? 'a women-only clinic' : 'a drop-in clinic for women'
  const brings = treatmentOffers.filter(([f]) => has(treatment, f)).map(([, words]) => words)
  const withWhat = brings.length > 0 ? `, with ${andList(brings)},` : ''
  return `${first}; the treatment service could run ${clinic} there${withWhat} and give staff a quick route into treatment.`
}

/** A place women go to in person: it has no sessions listed, or at least one that is not online only. */
export const isAttended = (place: Pick<Place, 'schedules'>): boolean =>
  place.schedules.length === 0 || place.schedules.some((s) => s.mode !== 'online')

/**
 * Pairs of a published treatment service and a published place women already use within
 * `withinKm` of each other (the nearest two of their places), ranked.
 */
export function colocationAnalysis(directory: Directory, withinKm: number): ColocationResult {
  const places = placesOf(publishedDirectory(directory))
  // A clinic can only share a building that women go to: a place whose sessions are all online is
  // an address, not somewhere women attend, so it is left out on either side of a pair.
  const attended = places.filter(isAttended)
  const treatmentPlaces = attended.filter((p) => serviceTypeDefinition(p.service.serviceType).treatment)
  const womenPlaces = attended.filter((p) => serviceTypeDefinition(p.service.serviceType).placeWomenUse)
  const best = new Map<string, { t: Place; w: Place; d: number }>()
  for (const t of treatmentPlaces) {
    for (const w of womenPlaces) {
      if (t.service.id === w.service.id) continue
      const d = haversineKm(t.location.latitude, t.location.longitude, w.location.latitude, w.location.longitude)
      if (d > withinKm) continue
      const key = `${t.service.id}|${w.service.id}`
      const found = best.get(key)
      if (found === undefined || d < found.d) best.set(key, { t, w, d })
    }
  }
  const pairs = [...best.values()].map(({ t, w, d }): ColocationPair => {
    const count = (service: Service) => womenOnlyFeatures.filter((f) => service.features.includes(f)).length
    return {
      treatment: toPoint(t),
      place: toPoint(w),
      distanceKm: d,
      sameLocation: t.location.id === w.location.id,
      womenOnlyFeatures: count(t.service) + count(w.service),
      offer: offerSentence(t.service, w.service),
    }
  })
  pairs.sort(
    (a, b) =>
      a.distanceKm - b.distanceKm ||
      b.womenOnlyFeatures - a.womenOnlyFeatures ||
      a.treatment.serviceName.localeCompare(b.treatment.serviceName, 'en-GB') ||
      a.place.serviceName.localeCompare(b.place.serviceName, 'en-GB'),
  )
  const serviceCount = (list: Place[]) => new Set(list.map((p) => p.service.id)).size
  return {
    withinKm,
    treatmentServices: serviceCount(treatmentPlaces),
    placeServices: serviceCount(womenPlaces),
    pairs: pairs.filter((p) => !p.sameLocation),
    alreadyTogether: pairs.filter((p) => p.sameLocation),
  }
}
