/**
 * The service and session forms of the directory pages. A form is read in two steps: first
 * strictly as text (unknown fields are a 400, as everywhere), then turned into the model's records
 * and checked with the model's own zod schemas (model.ts), so every rule of the directory (end
 * after start, a UK place, a real postcode, known taxonomy terms...) gives its own message on the
 * field it is about, GOV.UK style: an error summary linking to each field.
 */
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { type FormErrors, parseForm } from '../../../platform/forms.js'
import type { PostcodeDistricts } from '../../../lib/postcodes.js'
import { shippedPostcodeDistricts } from '../../../platform/reference.js'
import {
  type Contact,
  daysOfWeek,
  findSessionOverlaps,
  type Location,
  locationSchema,
  normalisePostcode,
  type Schedule,
  scheduleSchema,
  type Service,
  type ServiceArea,
  serviceSchema,
  sessionModes,
} from '../model.js'

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FormErrors; values: Record<string, unknown> }

// ---------------------------------------------------------------------------------------------
// Raw form text

const text = (label: string) => z.string({ error: `${label} must be text` }).optional()
const list = (label: string) =>
  z
    .preprocess(
      (v): unknown => (v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
      z.array(z.string({ error: `${label} must be chosen from the list` })),
    )
    .optional()

/** The fields of the service form, in the order they appear on the page (the error summary's order). */
export const serviceFormFields = [
  'name',
  'organisationId',
  'description',
  'serviceType',
  'substances',
  'status',
  'features',
  'byAndForCommunity',
  'minimumAge',
  'maximumAge',
  'url',
  'email',
  'contactName',
  'contactTitle',
  'contactEmail',
  'contactPhone',
  'serviceAreas',
  'locationName',
  'addressLine1',
  'addressLine2',
  'town',
  'postcode',
  'latitude',
  'longitude',
  'internalNotes',
  'version',
] as const
export type ServiceFormField = (typeof serviceFormFields)[number]

const rawServiceSchema = z.strictObject({
  name: text('Service name'),
  organisationId: text('Organisation'),
  description: text('Service description'),
  serviceType: text('Service type'),
  substances: list('Substances'),
  status: text('Status'),
  features: list('Features'),
  byAndForCommunity: text('Community served'),
  minimumAge: text('Minimum age'),
  maximumAge: text('Maximum age'),
  url: text('Service website'),
  email: text('Service email address'),
  contactName: text('Contact name'),
  contactTitle: text('Contact job title or team'),
  contactEmail: text('Contact email address'),
  contactPhone: text('Contact phone number'),
  serviceAreas: text('Areas served'),
  locationName: text('Location name'),
  addressLine1: text('Address line 1'),
  addressLine2: text('Address line 2'),
  town: text('Town or city'),
  postcode: text('Postcode'),
  latitude: text('Latitude'),
  longitude: text('Longitude'),
  internalNotes: text('Internal notes'),
  version: text('Version'),
})
export type RawServiceForm = z.infer<typeof rawServiceSchema>

const rawSessionSchema = z.strictObject({
  place: text('Place'),
  day: text('Day'),
  start: text('Start time'),
  end: text('End time'),
  womenOnly: text('Women only'),
  mode: text('How the session runs'),
  runBy: text('Run by'),
  notes: text('Session notes'),
  version: text('Version'),
})
export type RawSessionForm = z.infer<typeof rawSessionSchema>

const rawDeleteSchema = z.strictObject({ version: text('Version') })

// ---------------------------------------------------------------------------------------------
// Helpers

/** Blank text is 'not given' (the model refuses blank optional text). */
const given = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}

/** A number typed in a box: undefined when blank, NaN when it is not a number (the schema then says so). */
const numberOrBlank = (value: string | undefined): number | undefined => {
  const t = given(value)
  if (t === undefined) return undefined
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : Number.NaN
}

/** The version a form carries: a whole number of 1 or more, or null when missing or not one. */
export function parseVersion(value: string | undefined): number | null {
  const t = given(value)
  if (t === undefined || !/^\d{1,9}$/.test(t)) return null
  const n = Number(t)
  return n >= 1 ? n : null
}

/**
 * A time as people type it ('9:30', '0930', '9.30', '09:30') in the model's 'HH:MM' form. Anything
 * else is left as typed, so the model's message says what is wanted.
 */
export function normaliseTime(value: string | undefined): string | undefined {
  const t = given(value)
  if (t === undefined) return undefined
  const match = /^(\d{1,2})[:.]?(\d{2})$/.exec(t)
  if (!match) return t
  return `${(match[1] ?? '').padStart(2, '0')}:${match[2] ?? ''}`
}

class ErrorCollector {
  private readonly fields = new Map<string, string>()
  constructor(private readonly order: readonly string[]) {}
  add(field: string, message: string): void {
    if (!this.fields.has(field)) this.fields.set(field, message)
  }
  get empty(): boolean {
    return this.fields.size === 0
  }
  result(): FormErrors {
    const rank = (f: string) => {
      const i = this.order.indexOf(f)
      return i === -1 ? this.order.length : i
    }
    const entries = [...this.fields.entries()].sort((a, b) => rank(a[0]) - rank(b[0]))
    return {
      fields: Object.fromEntries(entries.map(([f, m]) => [f, { text: m }])),
      summary: entries.map(([f, m]) => ({ text: m, href: `#${f}` })),
    }
  }
}

/** Which field of the service form a model issue (by its path in the Service) is about. */
export function serviceFieldFor(path: readonly PropertyKey[]): ServiceFormField {
  const [first, second, third] = path
  switch (first) {
    case 'eligibility':
      return second === 'maximumAge' ? 'maximumAge' : 'minimumAge'
    case 'contacts':
      return third === 'title'
        ? 'contactTitle'
        : third === 'email'
          ? 'contactEmail'
          : third === 'phone'
            ? 'contactPhone'
            : 'contactName'
    case 'serviceAreas':
      return 'serviceAreas'
    case 'features':
      return 'features'
    case 'substances':
      return 'substances'
    case 'id':
    case 'version':
    case 'lastModified':
      return 'version'
    default:
      return serviceFormFields.includes(first as ServiceFormField) ? (first as ServiceFormField) : 'name'
  }
}

/** Which field of the service form a model issue (by its path in the Location) is about. */
export function locationFieldFor(path: readonly PropertyKey[]): ServiceFormField {
  switch (path[0]) {
    case 'name':
      return 'locationName'
    case 'addressLine1':
      return 'addressLine1'
    case 'addressLine2':
      return 'addressLine2'
    case 'town':
      return 'town'
    case 'postcode':
      return 'postcode'
    case 'longitude':
      return 'longitude'
    default:
      return 'latitude'
  }
}

// ---------------------------------------------------------------------------------------------
// The service form

export interface ServiceFormContext {
  /** The service being changed (null when adding one). */
  existing: Service | null
  /** Its first place, which the form edits (others are kept as they are). */
  existingLocation: Location | null
  existingServiceAtLocationId: string | null
  /** Organisations the user may put the service under. */
  organisationIds: readonly string[]
  council: { name: string; areaCode: string }
  districts?: PostcodeDistricts
  now?: Date
}

export interface ServiceFormResult {
  service: Service
  location: Location
  serviceAtLocationId: string
  /** The version the editor loaded (null for a new service). */
  expectedVersion: number | null
  /** Set when latitude and longitude were left blank and filled from the postcode district. */
  locatedFromDistrict: { outward: string; area: string } | null
}

/** The form's values for a service (and its first place), for the edit page. */
export function serviceFormValues(service: Service, location: Location | null): Record<string, unknown> {
  const contact = service.contacts[0]
  return {
    name: service.name,
    organisationId: service.organisationId,
    description: service.description,
    // While an import left the type to review, the placeholder is not offered as a choice.
    serviceType: service.review?.reasons.some((r) => r.code === 'service-type') === true ? '' : service.serviceType,
    substances: [...service.substances],
    status: service.status,
    features: [...service.features],
    byAndForCommunity: service.byAndForCommunity ?? '',
    minimumAge: service.eligibility.minimumAge?.toString() ?? '',
    maximumAge: service.eligibility.maximumAge?.toString() ?? '',
    url: service.url ?? '',
    email: service.email ?? '',
    contactName: contact?.name ?? '',
    contactTitle: contact?.title ?? '',
    contactEmail: contact?.email ?? '',
    contactPhone: contact?.phone ?? '',
    serviceAreas: service.serviceAreas.map((a) => a.name).join('\n'),
    locationName: location?.name ?? '',
    addressLine1: location?.addressLine1 ?? '',
    addressLine2: location?.addressLine2 ?? '',
    town: location?.town ?? '',
    postcode: location?.postcode ?? '',
    latitude: location ? String(location.latitude) : '',
    longitude: location ? String(location.longitude) : '',
    internalNotes: service.internalNotes,
    version: String(service.version),
  }
}

function serviceAreasFrom(
  textValue: string | undefined,
  existing: Service | null,
  council: ServiceFormContext['council'],
) {
  const names = (textValue ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const seen = new Set<string>()
  const areas: ServiceArea[] = []
  for (const name of names) {
    const key = name.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    const before = existing?.serviceAreas.find((a) => a.name.toLowerCase() === key)
    const code = before?.code ?? (key === council.name.toLowerCase() ? council.areaCode : undefined)
    areas.push({ id: before?.id ?? randomUUID(), name, ...(code === undefined ? {} : { code }) })
  }
  return areas
}

/**
 * Reads the service form into a service and its first place, checked with the model's schemas.
 * Latitude and longitude left blank are filled from the centre of the postcode's district.
 */
export function parseServiceForm(body: unknown, ctx: ServiceFormContext): Parsed<ServiceFormResult> {
  const raw = parseForm(rawServiceSchema, body)
  if (!raw.ok) return raw
  const f = raw.data
  const errors = new ErrorCollector(serviceFormFields)

  const expectedVersion = parseVersion(f.version)
  if (ctx.existing && expectedVersion === null) {
    errors.add(
      'version',
      'The form is missing the version of the service you opened. Open the service again and make your changes',
    )
  }

  const organisationId = given(f.organisationId)
  if (organisationId === undefined || !ctx.organisationIds.includes(organisationId)) {
    errors.add('organisationId', 'Choose the organisation that runs the service')
  }

  // Chosen terms keep the order they had, so saving a service unchanged changes nothing.
  const keepOrder = (chosen: string[], before: readonly string[] | undefined): string[] =>
    before === undefined
      ? chosen
      : [...before.filter((c) => chosen.includes(c)), ...chosen.filter((c) => !before.includes(c))]
  const features = keepOrder(f.features ?? [], ctx.existing?.features)
  const womenOnly = features.includes('women-only-service')
  const contactFields = {
    name: given(f.contactName),
    title: given(f.contactTitle),
    email: given(f.contactEmail),
    phone: given(f.contactPhone),
  }
  const anyContact = Object.values(contactFields).some((v) => v !== undefined)
  const firstContact = ctx.existing?.contacts[0]
  const contacts: Contact[] = [
    ...(anyContact
      ? [
          {
            id: firstContact?.id ?? randomUUID(),
            ...Object.fromEntries(Object.entries(contactFields).filter(([, v]) => v !== undefined)),
          } as Contact,
        ]
      : []),
    ...(ctx.existing?.contacts.slice(1) ?? []),
  ]
  const minimumAge = numberOrBlank(f.minimumAge)
  const maximumAge = numberOrBlank(f.maximumAge)
  const url = given(f.url)
  const email = given(f.email)
  const byAndForCommunity = given(f.byAndForCommunity)

  const candidate = {
    id: ctx.existing?.id ?? randomUUID(),
    organisationId: organisationId ?? ctx.organisationIds[0] ?? randomUUID(),
    name: f.name ?? '',
    description: f.description ?? '',
    status: f.status ?? '',
    serviceType: f.serviceType ?? '',
    substances: keepOrder(f.substances ?? [], ctx.existing?.substances),
    features,
    ...(byAndForCommunity === undefined ? {} : { byAndForCommunity }),
    internalNotes: (f.internalNotes ?? '').trim(),
    ...(url === undefined ? {} : { url }),
    ...(email === undefined ? {} : { email }),
    contacts,
    serviceAreas: serviceAreasFrom(f.serviceAreas, ctx.existing, ctx.council),
    eligibility: {
      womenOnly,
      ...(minimumAge === undefined ? {} : { minimumAge }),
      ...(maximumAge === undefined ? {} : { maximumAge }),
    },
    version: ctx.existing?.version ?? 1,
    lastModified: (ctx.now ?? new Date()).toISOString(),
  }
  if (f.status === undefined || f.status === '')
    errors.add('status', 'Choose whether the service is published or a draft')
  if (f.serviceType === undefined || f.serviceType === '') errors.add('serviceType', 'Choose a service type')
  const service = serviceSchema.safeParse(candidate)
  if (!service.success) {
    for (const issue of service.error.issues) errors.add(serviceFieldFor(issue.path), issue.message)
  }

  // The place
  if (given(f.postcode) === undefined) errors.add('postcode', 'Enter a postcode')
  const latitudeText = given(f.latitude)
  const longitudeText = given(f.longitude)
  let latitude = numberOrBlank(f.latitude)
  let longitude = numberOrBlank(f.longitude)
  let locatedFromDistrict: ServiceFormResult['locatedFromDistrict'] = null
  if (latitudeText === undefined && longitudeText === undefined) {
    const postcode = normalisePostcode(f.postcode ?? '')
    if (postcode !== undefined) {
      const district = (ctx.districts ?? shippedPostcodeDistricts()).lookup(postcode)
      if (district) {
        latitude = district.lat
        longitude = district.lon
        locatedFromDistrict = { outward: district.outward, area: district.area }
      } else {
        errors.add(
          'latitude',
          `We could not find the postcode district ${postcode.split(' ')[0] ?? postcode}: enter the latitude and longitude`,
        )
      }
    }
    // An invalid postcode has its own message; a stand-in point inside the UK keeps the
    // coordinates from adding a second, misleading one.
    latitude ??= 51.5
    longitude ??= -0.1
  } else if (latitudeText === undefined) {
    errors.add('latitude', 'Enter the latitude as well as the longitude, or leave both blank')
  } else if (longitudeText === undefined) {
    errors.add('longitude', 'Enter the longitude as well as the latitude, or leave both blank')
  }
  const addressLine2 = given(f.addressLine2)
  const location = locationSchema.safeParse({
    id: ctx.existingLocation?.id ?? randomUUID(),
    name: f.locationName ?? '',
    ...(ctx.existingLocation?.description === undefined ? {} : { description: ctx.existingLocation.description }),
    addressLine1: f.addressLine1 ?? '',
    ...(addressLine2 === undefined ? {} : { addressLine2 }),
    town: f.town ?? '',
    ...(ctx.existingLocation?.county === undefined ? {} : { county: ctx.existingLocation.county }),
    postcode: f.postcode ?? '',
    latitude: latitude ?? 51.5,
    longitude: longitude ?? -0.1,
    accessibility: ctx.existingLocation?.accessibility ?? [],
  })
  if (!location.success) {
    for (const issue of location.error.issues) errors.add(locationFieldFor(issue.path), issue.message)
  }

  if (!errors.empty || !service.success || !location.success) {
    return { ok: false, errors: errors.result(), values: { ...raw.data } }
  }
  return {
    ok: true,
    data: {
      service: service.data,
      location: location.data,
      serviceAtLocationId: ctx.existingServiceAtLocationId ?? randomUUID(),
      expectedVersion,
      locatedFromDistrict,
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The session form

export const sessionFormFields = [
  'place',
  'day',
  'start',
  'end',
  'womenOnly',
  'mode',
  'runBy',
  'notes',
  'version',
] as const

export interface SessionFormContext {
  /** The service's places: service at location id -> its sessions now. */
  places: { serviceAtLocationId: string; schedules: readonly Schedule[] }[]
}

const scheduleField: Record<string, (typeof sessionFormFields)[number]> = {
  dayOfWeek: 'day',
  start: 'start',
  end: 'end',
  womenOnly: 'womenOnly',
  mode: 'mode',
  runBy: 'runBy',
  notes: 'notes',
  serviceAtLocationId: 'place',
}

/** Reads the new-session form into a session, checked with the model and against the other sessions of its place. */
export function parseSessionForm(
  body: unknown,
  ctx: SessionFormContext,
): Parsed<{ schedule: Schedule; expectedVersion: number | null }> {
  const raw = parseForm(rawSessionSchema, body)
  if (!raw.ok) return raw
  const f = raw.data
  const errors = new ErrorCollector(sessionFormFields)
  const expectedVersion = parseVersion(f.version)
  if (expectedVersion === null) {
    errors.add(
      'version',
      'The form is missing the version of the service you opened. Open the service again and add the session',
    )
  }
  const onlyPlace = ctx.places.length === 1 ? ctx.places[0]?.serviceAtLocationId : undefined
  const placeId = given(f.place) ?? onlyPlace
  const place = ctx.places.find((p) => p.serviceAtLocationId === placeId)
  if (!place) errors.add('place', 'Choose the place where the session runs')
  const day = given(f.day)?.toLowerCase()
  if (day === undefined) errors.add('day', 'Choose the day of the session')
  else if (!(daysOfWeek as readonly string[]).includes(day))
    errors.add('day', 'Day must be a day of the week, like Monday')
  if (given(f.womenOnly) === undefined) errors.add('womenOnly', 'Say whether the session is for women only')
  if (given(f.mode) === undefined) errors.add('mode', 'Say whether the session is in person, online or both')
  else if (!(sessionModes as readonly string[]).includes(f.mode ?? '')) {
    errors.add('mode', 'Say whether the session is in person, online or both')
  }
  const runBy = given(f.runBy)
  const notes = given(f.notes)
  const candidate = {
    id: randomUUID(),
    serviceAtLocationId: place?.serviceAtLocationId ?? randomUUID(),
    dayOfWeek: day ?? '',
    start: normaliseTime(f.start) ?? '',
    end: normaliseTime(f.end) ?? '',
    womenOnly: f.womenOnly === 'yes' ? true : f.womenOnly === 'no' ? false : undefined,
    mode: f.mode ?? '',
    ...(runBy === undefined ? {} : { runBy }),
    ...(notes === undefined ? {} : { notes }),
  }
  if (candidate.start === '') errors.add('start', 'Enter the start time')
  if (candidate.end === '') errors.add('end', 'Enter the end time')
  const parsed = scheduleSchema.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors.add(scheduleField[String(issue.path[0])] ?? 'start', issue.message)
    }
  }
  if (parsed.success && place) {
    const all = [...place.schedules, parsed.data]
    const mine = all.length - 1
    const clash = findSessionOverlaps(all).find((o) => o.first === mine || o.second === mine)
    if (clash) errors.add('start', clash.message)
  }
  if (!errors.empty || !parsed.success) return { ok: false, errors: errors.result(), values: { ...raw.data } }
  return { ok: true, data: { schedule: parsed.data, expectedVersion } }
}

/** The delete-session form: just the version the user saw. */
export function parseDeleteSessionForm(body: unknown): Parsed<{ expectedVersion: number }> {
  const raw = parseForm(rawDeleteSchema, body)
  if (!raw.ok) return raw
  const expectedVersion = parseVersion(raw.data.version)
  if (expectedVersion === null) {
    const text =
      'The form is missing the version of the service you opened. Open the service again and remove the session'
    return {
      ok: false,
      values: { ...raw.data },
      errors: { fields: { version: { text } }, summary: [{ text, href: '#version' }] },
    }
  }
  return { ok: true, data: { expectedVersion } }
}

// ---------------------------------------------------------------------------------------------
// Problems the repository found

const sessionFieldOf = (key: string | undefined): (typeof sessionFormFields)[number] =>
  scheduleField[key ?? ''] ?? 'start'

/**
 * The repository's problems (dotted paths into the saved input, e.g. 'service.name',
 * 'places.0.location.postcode', 'places.0.schedules.2.end') as form errors on the form's fields.
 */
export function problemsToErrors(
  problems: readonly { field: string; message: string }[],
  form: 'service' | 'session',
): FormErrors {
  const errors = new ErrorCollector(form === 'service' ? serviceFormFields : sessionFormFields)
  for (const p of problems) {
    const parts = p.field.split('.')
    if (form === 'service') {
      if (parts[0] === 'service') errors.add(serviceFieldFor(parts.slice(1)), p.message)
      else if (parts[0] === 'places' && parts[2] === 'location') errors.add(locationFieldFor(parts.slice(3)), p.message)
      else errors.add('version', p.message)
    } else if (parts[0] === 'places' && parts[2] === 'schedules') {
      errors.add(sessionFieldOf(parts[4]), p.message)
    } else {
      errors.add('place', p.message)
    }
  }
  return errors.result()
}
