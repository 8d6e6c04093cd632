/**
 * A small hand-made directory and four LSOAs for the analysis tests. Every place and every LSOA
 * is on the meridian 0.2° W, so the distance between two of them is the arc of the meridian,
 * R · Δφ with R = 6371.0088 km: one hundredth of a degree of latitude is
 * U = 6371.0088 × 0.01 × π / 180 = 1.111951 km (worked out without the haversine formula).
 *
 *   latitude  place                         services there (published unless marked)
 *   51.600    A: Test Women's Centre        Women's centre (women only; Monday 10:00-13:00, 14:00-15:00)
 *   51.605    C: Test Health Centre         GP practice (Monday 08:00-09:00 women-only in person);
 *                                           Family hub (no sessions; features women-only groups, creche)
 *   51.625    E: Test Community Hall        Community venue, by-and-for South Asian women (no sessions)
 *   51.630    B: Test Recovery Hub          Community treatment (Tuesday 18:00-20:00 women-only ONLINE;
 *                                           Wednesday 09:00-11:00 mixed, in person)
 *   51.660    R: Test Residential House     Residential rehab (Thursday 12:00-17:00 women-only, in person or online)
 *   51.700    D: Test Outreach Base         DRAFT community treatment (Friday 18:00-20:00 women-only in person)
 *
 *   LSOA      latitude  female residents
 *   E0100001  51.60     1000
 *   E0100002  51.62     2000
 *   E0100003  51.65     1500
 *   E0100004  51.57      500
 */
import { stableId } from '../../../src/lib/ids.js'
import {
  type Directory,
  directorySchema,
  type Location,
  type Schedule,
  type Service,
} from '../../../src/features/directory/model.js'
import type { FeatureCode, ServiceTypeCode } from '../../../src/lib/taxonomy.js'
import type { AnalysisLsoa } from '../../../src/features/directory/analysis/analysis.js'

/** Kilometres in 0.01° of latitude (see above). */
export const U = (6371.0088 * 0.01 * Math.PI) / 180

export const LON = -0.2

const id = (...parts: string[]) => stableId('analysis-test', ...parts)

export const ids = {
  org: id('organisation', 'main'),
  circleOrg: id('organisation', 'circle'),
  wc: id('service', 'wc'),
  gp: id('service', 'gp'),
  fh: id('service', 'fh'),
  circle: id('service', 'circle'),
  ct: id('service', 'ct'),
  rehab: id('service', 'rehab'),
  draft: id('service', 'draft'),
}

export const names = {
  wc: "Test women's centre",
  gp: 'Test GP practice',
  fh: 'Test family hub',
  circle: 'Test Asian women’s circle',
  ct: 'Test treatment service',
  rehab: 'Test residential rehab',
  draft: 'Test outreach (planned)',
}

const location = (key: string, name: string, lat: number): Location => ({
  id: id('location', key),
  name,
  addressLine1: '1 Test Street',
  town: 'London',
  postcode: 'NW4 9ZZ',
  latitude: lat,
  longitude: LON,
  accessibility: [],
})

export const locations = {
  A: location('A', "Test Women's Centre", 51.6),
  C: location('C', 'Test Health Centre', 51.605),
  E: location('E', 'Test Community Hall', 51.625),
  B: location('B', 'Test Recovery Hub', 51.63),
  R: location('R', 'Test Residential House', 51.66),
  D: location('D', 'Test Outreach Base', 51.7),
}

function service(
  key: keyof typeof names,
  type: ServiceTypeCode,
  features: FeatureCode[],
  extra: Partial<Service> = {},
): Service {
  return {
    id: ids[key],
    organisationId: key === 'circle' ? ids.circleOrg : ids.org,
    name: names[key],
    description: 'A test service.',
    status: 'published',
    serviceType: type,
    substances: [],
    features,
    internalNotes: '',
    contacts: [],
    serviceAreas: [],
    eligibility: { womenOnly: features.includes('women-only-service') },
    version: 1,
    ...extra,
  }
}

const sal = (serviceKey: keyof typeof names, locationKey: keyof typeof locations) => ({
  id: id('sal', serviceKey, locationKey),
  serviceId: ids[serviceKey],
  locationId: locations[locationKey].id,
})

let scheduleCount = 0
const session = (
  serviceKey: keyof typeof names,
  locationKey: keyof typeof locations,
  day: Schedule['dayOfWeek'],
  start: string,
  end: string,
  womenOnly: boolean,
  mode: Schedule['mode'],
): Schedule => ({
  id: id('schedule', String(++scheduleCount)),
  serviceAtLocationId: sal(serviceKey, locationKey).id,
  dayOfWeek: day,
  start,
  end,
  womenOnly,
  mode,
})

export function smallDirectory(): Directory {
  return directorySchema.parse({
    organisations: [
      { id: ids.org, name: 'Test organisation', description: 'A test organisation.' },
      { id: ids.circleOrg, name: 'Test circle organisation', description: 'A by-and-for test organisation.' },
    ],
    services: [
      service('wc', 'womens-centre', ['women-only-service', 'women-only-space', 'children-welcome']),
      service('gp', 'gp-practice', []),
      service('fh', 'family-hub', ['children-welcome', 'women-only-groups']),
      service('circle', 'community-venue', ['by-and-for', 'interpreters', 'children-welcome'], {
        byAndForCommunity: 'South Asian women',
      }),
      service('ct', 'community-treatment', ['same-gender-key-worker']),
      service('rehab', 'residential-rehab', []),
      service('draft', 'community-treatment', ['sex-work-outreach', 'women-only-groups'], { status: 'draft' }),
    ],
    locations: Object.values(locations),
    serviceAtLocations: [
      sal('wc', 'A'),
      sal('gp', 'C'),
      sal('fh', 'C'),
      sal('circle', 'E'),
      sal('ct', 'B'),
      sal('rehab', 'R'),
      sal('draft', 'D'),
    ],
    schedules: [
      // The women's centre is for women only, so its sessions are women-only without being marked.
      session('wc', 'A', 'monday', '10:00', '13:00', false, 'in_person'),
      session('wc', 'A', 'monday', '14:00', '15:00', false, 'in_person'),
      session('gp', 'C', 'monday', '08:00', '09:00', true, 'in_person'),
      session('ct', 'B', 'tuesday', '18:00', '20:00', true, 'online'),
      session('ct', 'B', 'wednesday', '09:00', '11:00', false, 'in_person'),
      session('rehab', 'R', 'thursday', '12:00', '17:00', true, 'both'),
      session('draft', 'D', 'friday', '18:00', '20:00', true, 'in_person'),
    ],
  })
}

export const smallLsoas: AnalysisLsoa[] = [
  { code: 'E0100001', name: 'Test 001A', lat: 51.6, lon: LON, femaleResidents: 1000 },
  { code: 'E0100002', name: 'Test 001B', lat: 51.62, lon: LON, femaleResidents: 2000 },
  { code: 'E0100003', name: 'Test 001C', lat: 51.65, lon: LON, femaleResidents: 1500 },
  { code: 'E0100004', name: 'Test 001D', lat: 51.57, lon: LON, femaleResidents: 500 },
]
