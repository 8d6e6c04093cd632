/**
 * The service directory's domain: organisations, services, locations, services at locations and
 * weekly sessions (schedules), as zod schemas with plain-English messages that name the field,
 * and the types inferred from them. Pure: no database, no routes.
 *
 * A service's gender-responsive features, service type and substances are codes of our taxonomies
 * (taxonomy.ts). `eligibility.womenOnly` and the feature 'women-only-service' say the same thing
 * and must agree. `internalNotes` and draft services are never published (oruk.ts).
 */
import { z } from 'zod'
import { GSS_CODE } from '../../lib/gss.js'
import {
  type FeatureCode,
  featureCodes,
  featureLabel,
  serviceTypeCodes,
  substanceCodes,
  type ServiceTypeCode,
  type SubstanceCode,
} from '../../lib/taxonomy.js'

// ---------------------------------------------------------------------------------------------
// Small building blocks

export const daysOfWeek = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const
export type DayOfWeek = (typeof daysOfWeek)[number]

export const dayLabels: Record<DayOfWeek, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
}

/** RFC 5545 BYDAY codes. */
export const rruleDays: Record<DayOfWeek, string> = {
  monday: 'MO',
  tuesday: 'TU',
  wednesday: 'WE',
  thursday: 'TH',
  friday: 'FR',
  saturday: 'SA',
  sunday: 'SU',
}

export const sessionModes = ['in_person', 'online', 'both'] as const
export type SessionMode = (typeof sessionModes)[number]
export const sessionModeLabels: Record<SessionMode, string> = {
  in_person: 'In person',
  online: 'Online',
  both: 'In person or online',
}

export const serviceStatuses = ['published', 'draft'] as const
export type ServiceStatus = (typeof serviceStatuses)[number]

/** Minutes after midnight of a 'HH:MM' time. */
export function toMinutes(time: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(time)
  if (!match) throw new RangeError(`Not a HH:MM time: ${time}`)
  return Number(match[1]) * 60 + Number(match[2])
}

/**
 * A box around the United Kingdom, Northern Ireland, Scilly and Shetland included
 * (latitude 49.8 to 60.9, longitude -8.7 to 1.8). Coarse: it also holds a little of Ireland
 * and northern France, but it catches swapped, zero and foreign coordinates.
 */
export const UK_BOUNDS = { minLatitude: 49.8, maxLatitude: 60.9, minLongitude: -8.7, maxLongitude: 1.8 } as const

export function isInUk(latitude: number, longitude: number): boolean {
  return (
    latitude >= UK_BOUNDS.minLatitude &&
    latitude <= UK_BOUNDS.maxLatitude &&
    longitude >= UK_BOUNDS.minLongitude &&
    longitude <= UK_BOUNDS.maxLongitude
  )
}

const POSTCODE_PATTERN =
  /^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]([0-9]|[ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW]) ?[0-9][ABD-HJLNP-UW-Z]{2})$/

/** 'nw4 4bg' -> 'NW4 4BG'; undefined when it is not a UK postcode. */
export function normalisePostcode(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '').toUpperCase()
  if (!POSTCODE_PATTERN.test(compact)) return undefined
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`
}

const PHONE_PATTERN = /^(\+44 ?|0)[0-9 ]{9,13}$/

const uuid = (field: string) => z.uuid({ error: `${field} must be a UUID, like 0b6f9e0c-2d7a-4c52-9f0e-5f1b8a3c2d11` })

const requiredText = (field: string, max: number) =>
  z
    .string({ error: `Enter ${field.toLowerCase()}` })
    .trim()
    .min(1, { error: `Enter ${field.toLowerCase()}` })
    .max(max, { error: `${field} must be ${max} characters or fewer` })

const optionalText = (field: string, max: number) =>
  z
    .string({ error: `${field} must be text` })
    .trim()
    .min(1, { error: `${field} cannot be blank: leave it out instead` })
    .max(max, { error: `${field} must be ${max} characters or fewer` })
    .optional()

const optionalEmail = (field: string) =>
  z
    .email({ error: `${field} must be an email address, like name@example.org` })
    .max(254)
    .optional()

const optionalUrl = (field: string) =>
  z
    .url({
      protocol: /^https?$/,
      hostname: z.regexes.domain,
      error: `${field} must be a web address starting with https://`,
    })
    .max(2000)
    .optional()

const time = (field: string) =>
  z
    .string({ error: `Enter ${field.toLowerCase()}` })
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: `${field} must be a 24-hour time, like 09:30 or 18:00` })

// ---------------------------------------------------------------------------------------------
// Entities

export const organisationSchema = z.strictObject({
  id: uuid('Organisation id'),
  name: requiredText('Organisation name', 200),
  description: requiredText('Organisation description', 2000),
  url: optionalUrl('Organisation website'),
  email: optionalEmail('Organisation email address'),
})
export type Organisation = z.infer<typeof organisationSchema>

export const contactSchema = z
  .strictObject({
    id: uuid('Contact id'),
    name: optionalText('Contact name', 200),
    title: optionalText('Contact job title or team', 200),
    email: optionalEmail('Contact email address'),
    phone: z
      .string()
      .trim()
      .regex(PHONE_PATTERN, { error: 'Contact phone number must be a UK phone number, like 020 7946 0123' })
      .optional(),
  })
  .refine((c) => c.name !== undefined || c.title !== undefined, {
    error: 'Enter a contact name or a job title or team',
    path: ['name'],
  })
  .refine((c) => c.email !== undefined || c.phone !== undefined, {
    error: 'Enter a contact email address or phone number',
    path: ['phone'],
  })
export type Contact = z.infer<typeof contactSchema>

export const serviceAreaSchema = z.strictObject({
  id: uuid('Service area id'),
  name: requiredText('Service area name', 200),
  /** ONS GSS code of the area, e.g. E09000003 for Barnet. */
  code: z.string().regex(GSS_CODE, { error: 'Service area code must be an ONS area code, like E09000003' }).optional(),
})
export type ServiceArea = z.infer<typeof serviceAreaSchema>

export const eligibilitySchema = z
  .strictObject({
    womenOnly: z.boolean({ error: 'Say whether the service is for women only' }),
    minimumAge: z
      .number({ error: 'Minimum age must be a number' })
      .int({ error: 'Minimum age must be a whole number' })
      .min(0, { error: 'Minimum age must be 0 or more' })
      .max(120, { error: 'Minimum age must be 120 or less' })
      .optional(),
    maximumAge: z
      .number({ error: 'Maximum age must be a number' })
      .int({ error: 'Maximum age must be a whole number' })
      .min(0, { error: 'Maximum age must be 0 or more' })
      .max(120, { error: 'Maximum age must be 120 or less' })
      .optional(),
  })
  .refine((e) => e.minimumAge === undefined || e.maximumAge === undefined || e.minimumAge <= e.maximumAge, {
    error: 'Maximum age must be the same as or more than the minimum age',
    path: ['maximumAge'],
  })
export type Eligibility = z.infer<typeof eligibilitySchema>

/**
 * Why an imported service waits for a commissioner before it is published (ADR 0015): what our
 * model needs and the Open Referral UK record did not give. `path` is the JSON path in the file.
 */
export const reviewReasonCodes = ['service-type', 'location', 'schedule', 'contact', 'organisation', 'details'] as const
export type ReviewReasonCode = (typeof reviewReasonCodes)[number]
export const reviewReasonLabels: Record<ReviewReasonCode, string> = {
  'service-type': 'No WTC service type yet',
  location: 'No place people can visit (online or postal only, or a location we could not place)',
  schedule: 'A session not tied to one of its places',
  contact: 'A contact without a phone number or email address',
  organisation: 'The organisation is not fully described',
  details: 'A detail the directory could not keep as given',
}
export const reviewReasonSchema = z.strictObject({
  code: z.enum(reviewReasonCodes),
  message: z.string().max(2000),
  path: z.string().max(500),
})
export type ReviewReason = z.infer<typeof reviewReasonSchema>

export const reviewSchema = z.strictObject({
  reasons: z.array(reviewReasonSchema).min(1).max(200),
  /** Whether the record was active where it came from (so it is published once completed). */
  publishWhenComplete: z.boolean(),
})
export type Review = z.infer<typeof reviewSchema>

/**
 * A taxonomy term of another publisher, linked by an imported record: the ORUK attribute exactly
 * as read (its taxonomy_term with taxonomy name and URI), written out again unchanged on export.
 */
export const foreignTermSchema = z.strictObject({
  /** Lower-case key the council's term mapping uses: the term URI, else 'id:' and the term id. */
  key: z.string().min(1).max(2000),
  attribute: z.record(z.string(), z.unknown()),
})
export type ForeignTerm = z.infer<typeof foreignTermSchema>

/** Where an imported record came from: its id in the source file (kept when we had to give a new one). */
export const originSchema = z.strictObject({
  id: z.string().min(1).max(200),
  source: z.string().max(2000).optional(),
})
export type Origin = z.infer<typeof originSchema>

const featureCodeSchema = z.enum(featureCodes, {
  error: (issue) =>
    `Features: '${String(issue.input)}' is not a term of the gender-responsive features taxonomy. Choose from the published list`,
})

export const serviceSchema = z
  .strictObject({
    id: uuid('Service id'),
    organisationId: uuid('Organisation'),
    name: requiredText('Service name', 200),
    description: requiredText('Service description', 5000),
    status: z.enum(serviceStatuses, { error: 'Status must be published or draft' }),
    serviceType: z.enum(serviceTypeCodes, {
      error: (issue) => `Service type: '${String(issue.input)}' is not a known service type. Choose a service type`,
    }),
    substances: z.array(
      z.enum(substanceCodes, {
        error: (issue) => `Substances: '${String(issue.input)}' is not alcohol or drugs`,
      }),
    ),
    features: z.array(featureCodeSchema),
    /** Which community a by-and-for organisation serves, e.g. 'South Asian women'. */
    byAndForCommunity: optionalText('Community served', 200),
    /** Never published: not in ORUK, not on public pages. */
    internalNotes: z.string({ error: 'Internal notes must be text' }).max(5000, {
      error: 'Internal notes must be 5000 characters or fewer',
    }),
    url: optionalUrl('Service website'),
    email: optionalEmail('Service email address'),
    contacts: z.array(contactSchema),
    serviceAreas: z.array(serviceAreaSchema),
    eligibility: eligibilitySchema,
    /** Optimistic concurrency: the version the editor loaded; a save with an older one is refused. */
    version: z
      .number({ error: 'Version must be a number' })
      .int({ error: 'Version must be a whole number' })
      .min(1, { error: 'Version must be 1 or more' }),
    /** When the service or anything about it last changed (ISO 8601 in UTC). */
    lastModified: z.iso
      .datetime({ error: 'Last modified must be a date and time, like 2026-01-31T09:00:00Z' })
      .optional(),
    /** Set while an imported service waits for a commissioner to complete it (never published meanwhile). */
    review: reviewSchema.optional(),
    /** Terms of other publishers' taxonomies, kept and exported unchanged. */
    foreignTerms: z.array(foreignTermSchema).max(500).optional(),
    /** The record's id in the file it was imported from, when that differs or came from elsewhere. */
    origin: originSchema.optional(),
  })
  .superRefine((service, ctx) => {
    const seen = new Set<string>()
    service.features.forEach((code, index) => {
      if (seen.has(code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', index],
          message: `Features: '${featureLabel(code)}' is chosen more than once`,
        })
      }
      seen.add(code)
    })
    if (new Set(service.substances).size !== service.substances.length) {
      ctx.addIssue({ code: 'custom', path: ['substances'], message: 'Substances: choose each substance once' })
    }
    const hasWomenOnlyFeature = seen.has('women-only-service')
    if (service.eligibility.womenOnly !== hasWomenOnlyFeature) {
      ctx.addIssue({
        code: 'custom',
        path: ['features'],
        message: service.eligibility.womenOnly
          ? "Features: choose 'Women-only service' because the service is for women only"
          : "Features: 'Women-only service' is chosen but eligibility says the service is not for women only",
      })
    }
    if (seen.has('by-and-for') && service.byAndForCommunity === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['byAndForCommunity'],
        message: 'Enter the community the by-and-for organisation serves, like South Asian women',
      })
    }
    if (service.review !== undefined && service.status === 'published') {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: `Status: complete the service before publishing it (${service.review.reasons.map((r) => r.message).join('; ')})`,
      })
    }
    if (!seen.has('by-and-for') && service.byAndForCommunity !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['byAndForCommunity'],
        message: "Community served is only for by-and-for services: choose 'By-and-for organisation' or leave it out",
      })
    }
  })
export type Service = z.infer<typeof serviceSchema>

export const locationSchema = z
  .strictObject({
    id: uuid('Location id'),
    name: requiredText('Location name', 200),
    description: optionalText('Location description', 2000),
    addressLine1: requiredText('Address line 1', 200),
    addressLine2: optionalText('Address line 2', 200),
    town: requiredText('Town or city', 100),
    county: optionalText('County', 100),
    postcode: z.string({ error: 'Enter a postcode' }).transform((value, ctx) => {
      const normalised = normalisePostcode(value)
      if (normalised === undefined) {
        ctx.addIssue({ code: 'custom', message: 'Postcode must be a full UK postcode, like NW4 4BG' })
        return z.NEVER
      }
      return normalised
    }),
    latitude: z
      .number({ error: 'Latitude must be a number, like 51.5874' })
      .min(-90, { error: 'Latitude must be between -90 and 90' })
      .max(90, { error: 'Latitude must be between -90 and 90' }),
    longitude: z
      .number({ error: 'Longitude must be a number, like -0.2238' })
      .min(-180, { error: 'Longitude must be between -180 and 180' })
      .max(180, { error: 'Longitude must be between -180 and 180' }),
    /** Short plain notes, e.g. 'Step-free entrance', 'Hearing loop at reception'. */
    accessibility: z.array(requiredText('Accessibility note', 500)),
  })
  .superRefine((location, ctx) => {
    if (Math.abs(location.latitude) <= 90 && Math.abs(location.longitude) <= 180) {
      if (!isInUk(location.latitude, location.longitude)) {
        ctx.addIssue({
          code: 'custom',
          path: ['latitude'],
          message: `Latitude and longitude must be a place in the United Kingdom: ${location.latitude}, ${location.longitude} is outside it (are they swapped?)`,
        })
      }
    }
  })
export type Location = z.infer<typeof locationSchema>

export const serviceAtLocationSchema = z.strictObject({
  id: uuid('Service at location id'),
  serviceId: uuid('Service'),
  locationId: uuid('Location'),
})
export type ServiceAtLocation = z.infer<typeof serviceAtLocationSchema>

export const scheduleSchema = z
  .strictObject({
    id: uuid('Session id'),
    serviceAtLocationId: uuid('Service at location'),
    dayOfWeek: z.enum(daysOfWeek, { error: 'Day must be a day of the week, like monday' }),
    start: time('Start time'),
    end: time('End time'),
    womenOnly: z.boolean({ error: 'Say whether the session is for women only' }),
    mode: z.enum(sessionModes, { error: 'Say whether the session is in person, online or both' }),
    /** Who runs the session, e.g. 'Specialist women's worker from Example: Women's Network'. */
    runBy: optionalText('Run by', 200),
    notes: optionalText('Session notes', 1000),
  })
  .refine(
    (s) => !/^\d{2}:\d{2}$/.test(s.start) || !/^\d{2}:\d{2}$/.test(s.end) || toMinutes(s.end) > toMinutes(s.start),
    {
      error: 'End time must be after the start time',
      path: ['end'],
    },
  )
export type Schedule = z.infer<typeof scheduleSchema>

// ---------------------------------------------------------------------------------------------
// Overlapping sessions

export interface SessionOverlap {
  /** Indexes into the array given. */
  first: number
  second: number
  message: string
}

/**
 * Sessions of the same service at location on the same day whose times overlap (a session that
 * ends at 12:00 and one that starts at 12:00 do not overlap). Each overlapping pair once,
 * in the order of the array given.
 */
export function findSessionOverlaps(schedules: readonly Schedule[]): SessionOverlap[] {
  const overlaps: SessionOverlap[] = []
  const byKey = new Map<string, number[]>()
  schedules.forEach((s, index) => {
    const key = `${s.serviceAtLocationId}/${s.dayOfWeek}`
    const list = byKey.get(key) ?? []
    list.push(index)
    byKey.set(key, list)
  })
  for (const indexes of byKey.values()) {
    for (let i = 0; i < indexes.length; i++) {
      for (let j = i + 1; j < indexes.length; j++) {
        const a = schedules[indexes[i] ?? -1]
        const b = schedules[indexes[j] ?? -1]
        if (!a || !b) continue
        if (toMinutes(a.start) < toMinutes(b.end) && toMinutes(b.start) < toMinutes(a.end)) {
          overlaps.push({
            first: indexes[i] ?? -1,
            second: indexes[j] ?? -1,
            message: `Sessions overlap: ${dayLabels[b.dayOfWeek]} ${b.start} to ${b.end} overlaps ${dayLabels[a.dayOfWeek]} ${a.start} to ${a.end} at the same place. Change the times or join them into one session`,
          })
        }
      }
    }
  }
  return overlaps.sort((x, y) => x.second - y.second || x.first - y.first)
}

// ---------------------------------------------------------------------------------------------
// The whole directory

const entityArrays = {
  organisations: z.array(organisationSchema),
  services: z.array(serviceSchema),
  locations: z.array(locationSchema),
  serviceAtLocations: z.array(serviceAtLocationSchema),
  schedules: z.array(scheduleSchema),
}

/**
 * A council's directory, or part of it, with every cross-reference checked: ids unique, every
 * service's organisation, every service at location's service and location, and every session's
 * service at location present, no service twice at one location, no overlapping sessions.
 */
export const directorySchema = z.strictObject(entityArrays).superRefine((d, ctx) => {
  const issue = (path: (string | number)[], message: string) => {
    ctx.addIssue({ code: 'custom', path, message })
  }
  const ids = (kind: keyof typeof entityArrays, label: string, items: readonly { id: string }[]) => {
    const seen = new Set<string>()
    items.forEach((item, index) => {
      if (seen.has(item.id)) issue([kind, index, 'id'], `${label} id ${item.id} is used more than once`)
      seen.add(item.id)
    })
    return seen
  }
  const organisationIds = ids('organisations', 'Organisation', d.organisations)
  const serviceIds = ids('services', 'Service', d.services)
  const locationIds = ids('locations', 'Location', d.locations)
  const salIds = ids('serviceAtLocations', 'Service at location', d.serviceAtLocations)
  ids('schedules', 'Session', d.schedules)
  d.services.forEach((s, index) => {
    if (!organisationIds.has(s.organisationId)) {
      issue(
        ['services', index, 'organisationId'],
        `Organisation ${s.organisationId} of ${s.name} is not in the directory`,
      )
    }
  })
  const pairs = new Set<string>()
  d.serviceAtLocations.forEach((sal, index) => {
    if (!serviceIds.has(sal.serviceId)) {
      issue(['serviceAtLocations', index, 'serviceId'], `Service ${sal.serviceId} is not in the directory`)
    }
    if (!locationIds.has(sal.locationId)) {
      issue(['serviceAtLocations', index, 'locationId'], `Location ${sal.locationId} is not in the directory`)
    }
    const pair = `${sal.serviceId}/${sal.locationId}`
    if (pairs.has(pair)) {
      issue(['serviceAtLocations', index], 'The service is at this location more than once: list each place once')
    }
    pairs.add(pair)
  })
  d.schedules.forEach((s, index) => {
    if (!salIds.has(s.serviceAtLocationId)) {
      issue(
        ['schedules', index, 'serviceAtLocationId'],
        `Service at location ${s.serviceAtLocationId} is not in the directory`,
      )
    }
  })
  for (const overlap of findSessionOverlaps(d.schedules)) {
    issue(['schedules', overlap.second, 'start'], overlap.message)
  }
})
export type Directory = z.infer<typeof directorySchema>

export const emptyDirectory = (): Directory => ({
  organisations: [],
  services: [],
  locations: [],
  serviceAtLocations: [],
  schedules: [],
})

// ---------------------------------------------------------------------------------------------
// A service with everything about it

export interface ServicePlace {
  serviceAtLocation: ServiceAtLocation
  location: Location
  /** In day order (Monday first), then by start time. */
  schedules: Schedule[]
}

export interface ServiceRecord {
  service: Service
  organisation: Organisation
  places: ServicePlace[]
}

export function compareSessions(a: Schedule, b: Schedule): number {
  return (
    daysOfWeek.indexOf(a.dayOfWeek) - daysOfWeek.indexOf(b.dayOfWeek) ||
    toMinutes(a.start) - toMinutes(b.start) ||
    toMinutes(a.end) - toMinutes(b.end) ||
    a.id.localeCompare(b.id)
  )
}

/** Indexes a directory for building service records. */
export class DirectoryIndex {
  readonly organisations: Map<string, Organisation>
  readonly services: Map<string, Service>
  readonly locations: Map<string, Location>
  private readonly placesByService = new Map<string, ServiceAtLocation[]>()
  private readonly schedulesBySal = new Map<string, Schedule[]>()

  constructor(readonly directory: Directory) {
    this.organisations = new Map(directory.organisations.map((o) => [o.id, o]))
    this.services = new Map(directory.services.map((s) => [s.id, s]))
    this.locations = new Map(directory.locations.map((l) => [l.id, l]))
    for (const sal of directory.serviceAtLocations) {
      const list = this.placesByService.get(sal.serviceId) ?? []
      list.push(sal)
      this.placesByService.set(sal.serviceId, list)
    }
    for (const schedule of directory.schedules) {
      const list = this.schedulesBySal.get(schedule.serviceAtLocationId) ?? []
      list.push(schedule)
      this.schedulesBySal.set(schedule.serviceAtLocationId, list)
    }
  }

  /** The service with its organisation and places; throws when a reference is missing. */
  record(serviceId: string): ServiceRecord {
    const service = this.services.get(serviceId)
    if (!service) throw new RangeError(`Service ${serviceId} is not in the directory`)
    const organisation = this.organisations.get(service.organisationId)
    if (!organisation) throw new RangeError(`Organisation ${service.organisationId} is not in the directory`)
    const places = (this.placesByService.get(serviceId) ?? []).map((sal) => {
      const location = this.locations.get(sal.locationId)
      if (!location) throw new RangeError(`Location ${sal.locationId} is not in the directory`)
      const schedules = [...(this.schedulesBySal.get(sal.id) ?? [])].sort(compareSessions)
      return { serviceAtLocation: sal, location, schedules }
    })
    return { service, organisation, places }
  }

  records(): ServiceRecord[] {
    return this.directory.services.map((s) => this.record(s.id))
  }
}

export type { FeatureCode, ServiceTypeCode, SubstanceCode }
