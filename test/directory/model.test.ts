import { describe, expect, it } from 'vitest'
import {
  type Directory,
  directorySchema,
  findSessionOverlaps,
  isInUk,
  locationSchema,
  normalisePostcode,
  type Schedule,
  scheduleSchema,
  serviceSchema,
  toMinutes,
} from '../../src/features/directory/model.js'

const ids = {
  org: '11111111-1111-4111-8111-111111111111',
  service: '22222222-2222-4222-8222-222222222222',
  location: '33333333-3333-4333-8333-333333333333',
  sal: '44444444-4444-4444-8444-444444444444',
  contact: '55555555-5555-4555-8555-555555555555',
}
const scheduleId = (n: number) => `66666666-6666-4666-8666-${String(n).padStart(12, '0')}`

const service = {
  id: ids.service,
  organisationId: ids.org,
  name: 'Test service',
  description: 'A test service.',
  status: 'published',
  serviceType: 'community-treatment',
  substances: ['alcohol'],
  features: ['women-only-groups'],
  internalNotes: '',
  contacts: [{ id: ids.contact, title: 'Duty worker', phone: '020 7946 0001' }],
  serviceAreas: [],
  eligibility: { womenOnly: false },
  version: 1,
}

const location = {
  id: ids.location,
  name: 'Test place',
  addressLine1: '1 Test Road',
  town: 'Hendon',
  postcode: 'nw4 9za',
  latitude: 51.5874,
  longitude: -0.2238,
  accessibility: [],
}

const session = (n: number, day: Schedule['dayOfWeek'], start: string, end: string): Schedule => ({
  id: scheduleId(n),
  serviceAtLocationId: ids.sal,
  dayOfWeek: day,
  start,
  end,
  womenOnly: false,
  mode: 'in_person',
})

const messages = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.map(String).join('.')}: ${i.message}`)

describe('schedule validation', () => {
  it('accepts a Monday 10:00 to 12:00 women-only session', () => {
    expect(scheduleSchema.safeParse({ ...session(1, 'monday', '10:00', '12:00'), womenOnly: true }).success).toBe(true)
  })

  it('refuses an end before the start, naming the end time', () => {
    expect(messages(scheduleSchema.safeParse(session(1, 'monday', '14:00', '13:30')))).toEqual([
      'end: End time must be after the start time',
    ])
  })

  it('refuses an end equal to the start', () => {
    expect(messages(scheduleSchema.safeParse(session(1, 'monday', '14:00', '14:00')))).toEqual([
      'end: End time must be after the start time',
    ])
  })

  it('refuses times that are not 24-hour HH:MM', () => {
    expect(messages(scheduleSchema.safeParse(session(1, 'monday', '9am', '24:00')))).toEqual([
      'start: Start time must be a 24-hour time, like 09:30 or 18:00',
      'end: End time must be a 24-hour time, like 09:30 or 18:00',
    ])
  })

  it('turns HH:MM into minutes', () => {
    expect(toMinutes('09:30')).toBe(570) // 9 * 60 + 30
    expect(toMinutes('23:59')).toBe(1439)
  })
})

describe('overlapping sessions', () => {
  it('finds sessions of one place and day whose times overlap, and only those', () => {
    const sessions = [
      session(1, 'monday', '10:00', '12:00'),
      session(2, 'monday', '11:30', '13:00'), // overlaps 1 (11:30 < 12:00)
      session(3, 'monday', '12:00', '14:00'), // touches 1 at 12:00 (no overlap), overlaps 2 (12:00 < 13:00)
      session(4, 'tuesday', '11:00', '12:00'), // another day
      { ...session(5, 'monday', '10:00', '12:00'), serviceAtLocationId: ids.location }, // another place
    ]
    const found = findSessionOverlaps(sessions).map((o) => [o.first, o.second])
    expect(found).toEqual([
      [0, 1],
      [1, 2],
    ])
  })

  it('refuses a directory with overlapping sessions, in plain words at the later session', () => {
    const directory = {
      organisations: [{ id: ids.org, name: 'Org', description: 'An organisation.' }],
      services: [service],
      locations: [location],
      serviceAtLocations: [{ id: ids.sal, serviceId: ids.service, locationId: ids.location }],
      schedules: [session(1, 'wednesday', '13:00', '15:00'), session(2, 'wednesday', '14:00', '16:00')],
    }
    expect(messages(directorySchema.safeParse(directory))).toEqual([
      'schedules.1.start: Sessions overlap: Wednesday 14:00 to 16:00 overlaps Wednesday 13:00 to 15:00 at the same place. Change the times or join them into one session',
    ])
    const fixed: Directory = directorySchema.parse({
      ...directory,
      schedules: [session(1, 'wednesday', '13:00', '14:00'), session(2, 'wednesday', '14:00', '16:00')],
    })
    expect(fixed.schedules).toHaveLength(2)
  })

  it('refuses dangling references', () => {
    const result = directorySchema.safeParse({
      organisations: [],
      services: [service],
      locations: [],
      serviceAtLocations: [{ id: ids.sal, serviceId: ids.service, locationId: ids.location }],
      schedules: [],
    })
    expect(messages(result)).toEqual([
      `services.0.organisationId: Organisation ${ids.org} of Test service is not in the directory`,
      `serviceAtLocations.0.locationId: Location ${ids.location} is not in the directory`,
    ])
  })
})

describe('location validation', () => {
  it('normalises the postcode', () => {
    expect(locationSchema.parse(location).postcode).toBe('NW4 9ZA')
    expect(normalisePostcode('  ec1a1bb ')).toBe('EC1A 1BB')
    expect(normalisePostcode('NW4')).toBeUndefined()
    expect(normalisePostcode('12345')).toBeUndefined()
  })

  it('refuses coordinates outside the UK: Paris, and Hendon with latitude and longitude swapped', () => {
    // Paris 48.8566, 2.3522: south of 49.8 and east of 1.8.
    expect(messages(locationSchema.safeParse({ ...location, latitude: 48.8566, longitude: 2.3522 }))).toEqual([
      'latitude: Latitude and longitude must be a place in the United Kingdom: 48.8566, 2.3522 is outside it (are they swapped?)',
    ])
    expect(messages(locationSchema.safeParse({ ...location, latitude: -0.2238, longitude: 51.5874 }))).toEqual([
      'latitude: Latitude and longitude must be a place in the United Kingdom: -0.2238, 51.5874 is outside it (are they swapped?)',
    ])
  })

  it('accepts the corners of the UK: Lerwick, Belfast, St Mary’s (Scilly), Lowestoft', () => {
    expect(isInUk(60.155, -1.145)).toBe(true)
    expect(isInUk(54.597, -5.93)).toBe(true)
    expect(isInUk(49.914, -6.315)).toBe(true)
    expect(isInUk(52.475, 1.75)).toBe(true)
    expect(isInUk(0, 0)).toBe(false)
  })

  it('refuses a latitude that is not a number', () => {
    expect(messages(locationSchema.safeParse({ ...location, latitude: '51.5' }))).toEqual([
      'latitude: Latitude must be a number, like 51.5874',
    ])
  })
})

describe('service validation', () => {
  it('accepts a valid service', () => {
    expect(messages(serviceSchema.safeParse(service))).toEqual([])
  })

  it('refuses an unknown taxonomy term, naming it', () => {
    expect(messages(serviceSchema.safeParse({ ...service, features: ['women-only-groups', 'free-cake'] }))).toEqual([
      "features.1: Features: 'free-cake' is not a term of the gender-responsive features taxonomy. Choose from the published list",
    ])
  })

  it('refuses an unknown service type', () => {
    expect(messages(serviceSchema.safeParse({ ...service, serviceType: 'spa' }))).toEqual([
      "serviceType: Service type: 'spa' is not a known service type. Choose a service type",
    ])
  })

  it('needs women-only eligibility and the women-only feature to agree', () => {
    expect(messages(serviceSchema.safeParse({ ...service, eligibility: { womenOnly: true } }))).toEqual([
      "features: Features: choose 'Women-only service' because the service is for women only",
    ])
    expect(
      serviceSchema.safeParse({ ...service, eligibility: { womenOnly: true }, features: ['women-only-service'] })
        .success,
    ).toBe(true)
  })

  it('needs the community of a by-and-for service', () => {
    expect(messages(serviceSchema.safeParse({ ...service, features: ['by-and-for'] }))).toEqual([
      'byAndForCommunity: Enter the community the by-and-for organisation serves, like South Asian women',
    ])
  })

  it('refuses a contact with neither phone nor email, and a phone number that is not UK', () => {
    expect(
      messages(serviceSchema.safeParse({ ...service, contacts: [{ id: ids.contact, title: 'Duty worker' }] })),
    ).toEqual(['contacts.0.phone: Enter a contact email address or phone number'])
    expect(
      messages(
        serviceSchema.safeParse({ ...service, contacts: [{ id: ids.contact, title: 'Desk', phone: '+1 555 0100' }] }),
      ),
    ).toEqual(['contacts.0.phone: Contact phone number must be a UK phone number, like 020 7946 0123'])
  })

  it('refuses a website that is not http(s) and a blank name', () => {
    expect(messages(serviceSchema.safeParse({ ...service, url: 'javascript:alert(1)', name: '  ' }))).toEqual([
      'name: Enter service name',
      'url: Service website must be a web address starting with https://',
    ])
  })

  it('refuses a version below 1 (optimistic concurrency starts at 1)', () => {
    expect(messages(serviceSchema.safeParse({ ...service, version: 0 }))).toEqual([
      'version: Version must be 1 or more',
    ])
  })
})
