/**
 * A small national directory for the find-support tests: services of three councils placed at
 * known offsets due north or south of the middle of the NW4 postcode district, so that distances
 * can be worked out by hand (same longitude: distance = R x Δlatitude in radians).
 *
 * NW4's middle, from src/db/reference/geo/postcode-districts.csv: 51.5874, -0.223758.
 * R = 6371.0088 km (mean Earth radius used by src/lib/geo.ts).
 * 0.01 degree = 0.01 x π / 180 = 1.7453293e-4 rad -> x 6371.0088 = 1.111951 km.
 */
import { randomUUID } from 'node:crypto'
import type { Db } from '../../../src/platform/db/index.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { ensureCouncil } from '../../../src/platform/reference.js'
import type {
  DayOfWeek,
  Directory,
  Location,
  Schedule,
  Service,
  SessionMode,
} from '../../../src/features/directory/model.js'
import { importDirectory } from '../../../src/features/directory/repository.js'
import type { FeatureCode, ServiceTypeCode, SubstanceCode } from '../../../src/lib/taxonomy.js'

export const NW4 = { lat: 51.5874, lon: -0.223758 }
/** Kilometres per 0.01 degree of latitude, worked above. */
export const KM_PER_CENTI_DEGREE = 1.111951

export interface SessionSpec {
  day: DayOfWeek
  start: string
  end: string
  womenOnly: boolean
  mode: SessionMode
}

export interface ServiceSpec {
  key: string
  name: string
  council: 'barnet' | 'camden' | 'sunderland'
  status: 'published' | 'draft'
  example?: boolean
  type: ServiceTypeCode
  substances: SubstanceCode[]
  features: FeatureCode[]
  /** Places as offsets of latitude (degrees) from NW4's middle, or absolute coordinates. */
  places: ({ dLat: number } | { lat: number; lon: number })[]
  sessions: SessionSpec[]
  phone?: string
  email?: string
  url?: string
}

const mon10to12women: SessionSpec = { day: 'monday', start: '10:00', end: '12:00', womenOnly: true, mode: 'in_person' }

/**
 * The services. For each: the distance from NW4's middle (nearest place), worked by hand, and the
 * filters each passes (women-only, children, online, evenings-weekends, alcohol, drugs,
 * domestic-abuse, pregnancy), read off the mapping documented in src/features/directory/find-support/search.ts.
 */
export const specs: ServiceSpec[] = [
  {
    // +0.01 degree: 1.111951 km. Women-only service, alcohol and drugs, women-only Monday session.
    key: 'hendon-women',
    name: 'Hendon Women’s Recovery Group',
    council: 'barnet',
    status: 'published',
    example: true,
    type: 'community-treatment',
    substances: ['alcohol', 'drugs'],
    features: ['women-only-service', 'same-gender-key-worker'],
    places: [{ dLat: 0.01 }],
    sessions: [mon10to12women],
    phone: '020 7946 0001',
    email: 'hendon@example.org',
    url: 'https://hendon.example.org',
  },
  {
    // Nearest place -0.02 degree: 2.223902 km. Camden: another council. Domestic abuse service, an
    // online session.
    key: 'camden-da',
    name: 'Camden Domestic Abuse Advice',
    council: 'camden',
    status: 'published',
    type: 'domestic-abuse',
    substances: [],
    features: ['domestic-abuse-enquiry'],
    places: [{ dLat: -0.02 }],
    sessions: [{ day: 'wednesday', start: '13:00', end: '15:00', womenOnly: false, mode: 'online' }],
    phone: '020 7946 0002',
  },
  {
    // Two places: +0.03 (3.335853 km) and -0.04 (4.447804 km): nearest is 3.335853 km.
    // Mixed, drugs only, children welcome, a Saturday session (weekend).
    key: 'colindale-recovery',
    name: 'Colindale Recovery Hub',
    council: 'barnet',
    status: 'published',
    type: 'community-treatment',
    substances: ['drugs'],
    features: ['children-welcome'],
    places: [{ dLat: 0.03 }, { dLat: -0.04 }],
    sessions: [{ day: 'saturday', start: '10:00', end: '13:00', womenOnly: false, mode: 'in_person' }],
    email: 'colindale@example.org',
  },
  {
    // +0.05 degree: 5.559755 km. Maternity (pregnancy), an evening session 17:30 to 19:30.
    key: 'maternity',
    name: 'Specialist Midwife Clinic',
    council: 'barnet',
    status: 'published',
    type: 'maternity',
    substances: ['alcohol'],
    features: ['specialist-midwife-link'],
    places: [{ dLat: 0.05 }],
    sessions: [{ day: 'tuesday', start: '17:30', end: '19:30', womenOnly: false, mode: 'both' }],
    url: 'https://midwife.example.org',
  },
  {
    // +0.07 degree: 7.783657 km. A mixed service with a women-only group session (not women-only
    // as a whole), and the feature 'evening-or-weekend' with no evening session listed.
    key: 'mill-hill',
    name: 'Mill Hill Drink Support',
    council: 'barnet',
    status: 'published',
    type: 'community-treatment',
    substances: ['alcohol'],
    features: ['evening-or-weekend', 'women-only-groups'],
    places: [{ dLat: 0.07 }],
    sessions: [{ day: 'thursday', start: '09:00', end: '11:00', womenOnly: false, mode: 'in_person' }],
    phone: '020 7946 0005',
  },
  {
    // Drafts, nearer than everything: must never appear.
    key: 'barnet-draft',
    name: 'Barnet Draft Service',
    council: 'barnet',
    status: 'draft',
    type: 'womens-centre',
    substances: ['alcohol', 'drugs'],
    features: ['women-only-service', 'children-welcome', 'online-or-phone', 'evening-or-weekend'],
    places: [{ dLat: 0.005 }],
    sessions: [mon10to12women],
  },
  {
    key: 'camden-draft',
    name: 'Camden Draft Service',
    council: 'camden',
    status: 'draft',
    type: 'refuge',
    substances: ['alcohol', 'drugs'],
    features: ['women-only-service', 'specialist-midwife-link'],
    places: [{ dLat: -0.015 }],
    sessions: [mon10to12women],
  },
  {
    // Far away (Sunderland, about 390 km): beyond every distance offered.
    key: 'sunderland',
    name: 'Sunderland Women’s Centre',
    council: 'sunderland',
    status: 'published',
    type: 'womens-centre',
    substances: ['alcohol', 'drugs'],
    features: ['women-only-service', 'children-welcome'],
    places: [{ lat: 54.9046, lon: -1.3822 }],
    sessions: [mon10to12women],
  },
]

export const councilCodes = { barnet: 'E09000003', camden: 'E09000007', sunderland: 'E08000024' } as const

export interface Seeded {
  scopes: Record<keyof typeof councilCodes, TenantScope>
  ids: Record<string, string>
}

export function placeCoordinates(p: ServiceSpec['places'][number]): { lat: number; lon: number } {
  return 'dLat' in p ? { lat: NW4.lat + p.dLat, lon: NW4.lon } : p
}

/** One spec as a one-service directory, with fresh ids. */
export function specDirectory(spec: ServiceSpec, serviceId = randomUUID()): Directory {
  const organisationId = randomUUID()
  const womenOnly = spec.features.includes('women-only-service')
  const service: Service = {
    id: serviceId,
    organisationId,
    name: spec.name,
    description: `${spec.name}: support near you.`,
    status: spec.status,
    serviceType: spec.type,
    substances: spec.substances,
    features: spec.features,
    internalNotes: 'INTERNAL-NOTE-NEVER-PUBLIC',
    ...(spec.url === undefined ? {} : { url: spec.url }),
    ...(spec.email === undefined ? {} : { email: spec.email }),
    contacts: spec.phone === undefined ? [] : [{ id: randomUUID(), title: 'Reception', phone: spec.phone }],
    serviceAreas: [],
    eligibility: { womenOnly },
    version: 1,
  }
  const locations: Location[] = spec.places.map((p, i) => {
    const { lat, lon } = placeCoordinates(p)
    return {
      id: randomUUID(),
      name: `${spec.name} place ${String(i + 1)}`,
      addressLine1: `${String(i + 1)} High Street`,
      town: 'London',
      postcode: 'NW4 4BG',
      latitude: lat,
      longitude: lon,
      accessibility: [],
    }
  })
  const serviceAtLocations = locations.map((l) => ({ id: randomUUID(), serviceId, locationId: l.id }))
  const schedules: Schedule[] = serviceAtLocations.flatMap((sal) =>
    spec.sessions.map((s) => ({
      id: randomUUID(),
      serviceAtLocationId: sal.id,
      dayOfWeek: s.day,
      start: s.start,
      end: s.end,
      womenOnly: s.womenOnly,
      mode: s.mode,
    })),
  )
  return {
    organisations: [{ id: organisationId, name: `${spec.name} Trust`, description: 'A test organisation.' }],
    services: [service],
    locations,
    serviceAtLocations,
    schedules,
  }
}

/** Imports every spec into its council (one import per service: the example flag is per import). */
export async function seedDirectories(db: Db, list: ServiceSpec[] = specs): Promise<Seeded> {
  const scopes = {
    barnet: await ensureCouncil(db, councilCodes.barnet),
    camden: await ensureCouncil(db, councilCodes.camden),
    sunderland: await ensureCouncil(db, councilCodes.sunderland),
  }
  const ids: Record<string, string> = {}
  for (const spec of list) {
    const directory = specDirectory(spec)
    ids[spec.key] = directory.services[0]?.id ?? ''
    await importDirectory(db, scopes[spec.council], { userId: null, label: 'test', role: 'system' }, directory, {
      isExample: spec.example ?? false,
    })
  }
  return { scopes, ids }
}

/**
 * The order the page shows results in (issue 11): drug and alcohol help, then women's services,
 * then other support, nearest first within each. Written out by hand for the fixtures' service
 * types, not read from src/features/directory/find-support/results.ts.
 */
const helpRankOfType: Partial<Record<ServiceTypeCode, number>> = {
  'community-treatment': 0,
  'domestic-abuse': 1,
  refuge: 1,
  'womens-centre': 1,
  maternity: 2,
}

/** Names (given nearest first) in the page's order; `extra` gives the types of services not in `specs`. */
export function inHelpOrder(names: readonly string[], extra: readonly ServiceSpec[] = []): string[] {
  const rank = (name: string): number => {
    const spec = [...specs, ...extra].find((s) => s.name === name)
    const r = spec === undefined ? undefined : helpRankOfType[spec.type]
    if (r === undefined) throw new Error(`no help group written down for ${name}`)
    return r
  }
  return names
    .map((name, at) => ({ name, at, rank: rank(name) }))
    .sort((a, b) => a.rank - b.rank || a.at - b.at)
    .map((x) => x.name)
}
