/** Pure parts of the directory pages: parts of the day, the filter query, typed times and versions. */
import { describe, expect, it } from 'vitest'
import { normaliseTime, parseVersion, problemsToErrors } from '../../../src/features/directory/web/forms.js'
import { filtersFrom, filterQuery, sessionInPart } from '../../../src/features/directory/web/presenter.js'

describe('parts of the day', () => {
  // Morning is before 12:00, afternoon 12:00 to 17:00, evening from 17:00; a session is in a part
  // when any of it falls in that part, so one that ends exactly at a boundary is not in the next.
  const cases: [string, string, { morning: boolean; afternoon: boolean; evening: boolean }][] = [
    ['10:00', '12:00', { morning: true, afternoon: false, evening: false }],
    ['11:30', '12:30', { morning: true, afternoon: true, evening: false }],
    ['12:00', '17:00', { morning: false, afternoon: true, evening: false }],
    ['16:00', '18:00', { morning: false, afternoon: true, evening: true }],
    ['17:00', '19:00', { morning: false, afternoon: false, evening: true }],
    ['08:00', '20:00', { morning: true, afternoon: true, evening: true }],
  ]
  for (const [start, end, want] of cases) {
    it(`${start} to ${end}`, () => {
      expect({
        morning: sessionInPart({ start, end }, 'morning'),
        afternoon: sessionInPart({ start, end }, 'afternoon'),
        evening: sessionInPart({ start, end }, 'evening'),
      }).toEqual(want)
    })
  }
})

describe('the filter query string', () => {
  it('is the bare list path with no filters and the default sort', () => {
    expect(filterQuery(filtersFrom({}))).toBe('/directory')
  })
  it('lists the filters in a fixed order, repeats a key for each value, and adds a non-default sort', () => {
    const f = filtersFrom({
      status: ['draft'],
      type: ['refuge', 'housing'],
      day: ['monday'],
      womenOnlySessions: 'yes',
      sort: 'changed',
      order: 'desc',
    })
    expect(filterQuery(f)).toBe(
      '/directory?type=refuge&type=housing&day=monday&status=draft&womenOnlySessions=yes&sort=changed&order=desc',
    )
    expect(filterQuery(f, { sort: false })).toBe(
      '/directory?type=refuge&type=housing&day=monday&status=draft&womenOnlySessions=yes',
    )
  })
})

describe('typed times and versions', () => {
  it('reads times as people type them', () => {
    expect(normaliseTime('9:30')).toBe('09:30')
    expect(normaliseTime('0930')).toBe('09:30')
    expect(normaliseTime('9.30')).toBe('09:30')
    expect(normaliseTime(' 18:00 ')).toBe('18:00')
    // Left as typed, for the model to refuse with its own message.
    expect(normaliseTime('half past nine')).toBe('half past nine')
    expect(normaliseTime('')).toBeUndefined()
  })
  it('reads a version only as a whole number of 1 or more', () => {
    expect(parseVersion('3')).toBe(3)
    expect(parseVersion('0')).toBeNull()
    expect(parseVersion('-1')).toBeNull()
    expect(parseVersion('2.5')).toBeNull()
    expect(parseVersion('')).toBeNull()
    expect(parseVersion(undefined)).toBeNull()
  })
})

describe("the repository's problems on the form's fields", () => {
  it('maps service, place and session paths to the fields of each form', () => {
    const service = problemsToErrors(
      [
        { field: 'places.0.location.postcode', message: 'Postcode must be a full UK postcode, like NW4 4BG' },
        { field: 'service.name', message: 'Enter service name' },
        { field: 'service.contacts.0.phone', message: 'Contact phone number must be a UK phone number' },
      ],
      'service',
    )
    // In the order of the form: name, then the contact, then the postcode.
    expect(service.summary.map((s) => s.href)).toEqual(['#name', '#contactPhone', '#postcode'])
    const session = problemsToErrors(
      [{ field: 'places.0.schedules.3.end', message: 'End time must be after the start time' }],
      'session',
    )
    expect(session.fields).toEqual({ end: { text: 'End time must be after the start time' } })
  })
})
