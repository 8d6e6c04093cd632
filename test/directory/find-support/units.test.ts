/** The search service's pure parts and its cache, without the web page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importDirectory } from '../../../src/features/directory/repository.js'
import {
  buildSearchIndex,
  formatDistance,
  MAX_RESULTS,
  type SearchableService,
  searchServices,
  formatTime,
  Gazetteer,
  placeKey,
  readSearchQuery,
  resolveLocation,
  SearchIndexCache,
} from '../../../src/features/directory/find-support/search.js'
import { shippedPostcodeDistricts } from '../../../src/platform/reference.js'
import { createTestDatabase, type TestDatabase } from '../../support/db.js'
import { NW4, seedDirectories, specDirectory, specs } from './fixtures.js'

describe('plain words', () => {
  it('times read the GOV.UK way', () => {
    expect(formatTime('09:30')).toBe('9:30am')
    expect(formatTime('10:00')).toBe('10am')
    expect(formatTime('12:00')).toBe('midday')
    expect(formatTime('12:15')).toBe('12:15pm')
    expect(formatTime('17:00')).toBe('5pm')
    expect(formatTime('00:00')).toBe('midnight')
    expect(formatTime('23:45')).toBe('11:45pm')
  })

  it('distances are in km and miles, one decimal place under 10, whole from 10', () => {
    // 1.609344 km is exactly 1 mile.
    expect(formatDistance(1.609344, false).text).toBe('1.6 km (1.0 mile)')
    // 16.09344 km = 10 miles exactly.
    expect(formatDistance(16.09344, true).text).toBe('About 16 km (10 miles)')
    // 9.96 km rounds to 10 (not '10.0'); 9.96 / 1.609344 = 6.1889 miles.
    expect(formatDistance(9.96, false).text).toBe('10 km (6.2 miles)')
    expect(formatDistance(0.04, false).text).toBe('0.0 km (0.0 miles)')
  })

  it('place names match whatever the case, accents and punctuation', () => {
    expect(placeKey('St. Albans')).toBe('st albans')
    expect(placeKey('  BRIGHTON & hove ')).toBe('brighton and hove')
    expect(placeKey('Ynys Môn')).toBe('ynys mon')
    expect(placeKey("King's Lynn")).toBe('kings lynn')
  })
})

describe('reading the form', () => {
  it('keeps known filters in a fixed order, once each, and the distance when it is offered', () => {
    expect(readSearchQuery({ q: 'NW4', filter: ['drugs', 'women-only', 'drugs', 'bogus'], distance: '25' })).toEqual({
      q: 'NW4',
      filters: ['women-only', 'drugs'],
      distanceMiles: 25,
    })
    expect(readSearchQuery({ q: 'x', filter: 'alcohol' })).toEqual({ q: 'x', filters: ['alcohol'], distanceMiles: 10 })
    expect(readSearchQuery({})).toEqual({ q: undefined, filters: [], distanceMiles: 10 })
    expect(readSearchQuery({ q: ['a', 'b'], distance: '11' })).toEqual({ q: 'a', filters: [], distanceMiles: 10 })
  })
})

describe('finding places', () => {
  const lookups = () => ({
    postcodesApiUrl: undefined,
    districts: shippedPostcodeDistricts(),
    gazetteer: Gazetteer.shipped(),
  })

  it('a full postcode offline is its district’s middle (NW4: 51.5874, -0.223758 in the districts file)', async () => {
    const r = await resolveLocation('nw44bg', lookups())
    expect(r).toEqual({
      ok: true,
      origin: { lat: 51.5874, lon: -0.223758, label: 'the NW4 postcode district', precision: 'district' },
    })
  })

  it('offline, the postcode finder is never called', async () => {
    let called = 0
    const fetchImpl = (() => {
      called++
      return Promise.reject(new Error('no'))
    }) as typeof fetch
    await resolveLocation('NW4 4BG', { ...lookups(), fetchImpl })
    expect(called).toBe(0)
  })

  it('a town in one area only is found at the middle of its districts', async () => {
    // Colindale appears only in NW9 ('The Hyde, Colindale, Kingsbury, Queensbury, West Hendon'):
    // NW9's middle is 51.5865, -0.25369.
    const r = await resolveLocation('colindale', lookups())
    expect(r).toEqual({ ok: true, origin: { lat: 51.5865, lon: -0.25369, label: 'Colindale', precision: 'place' } })
  })

  it('a gazetteer built from given places: whole areas win over towns; a town in two areas is ambiguous', () => {
    const g = new Gazetteer(
      [{ name: 'Barnet', lat: 51.6, lon: -0.2, area: 'Barnet' }],
      [
        { name: 'Barnet', lat: 1, lon: 1, area: 'Elsewhere' },
        { name: 'Newtown', lat: 52, lon: -3, area: 'Powys' },
        { name: 'Newtown', lat: 53, lon: -2, area: 'Cheshire' },
        { name: 'Oldtown', lat: 50, lon: -1, area: 'Hampshire' },
        { name: 'Oldtown', lat: 50.02, lon: -1.02, area: 'Hampshire' },
      ],
    )
    expect(g.find('barnet')).toEqual({
      ok: true,
      origin: { lat: 51.6, lon: -0.2, label: 'Barnet', precision: 'place' },
    })
    const ambiguous = g.find('Newtown')
    expect(ambiguous.ok).toBe(false)
    expect(!ambiguous.ok && ambiguous.kind === 'ambiguous' ? ambiguous.choices.map((c) => c.query) : []).toEqual([
      'Newtown, Cheshire',
      'Newtown, Powys',
    ])
    expect(g.find('Newtown, Powys')).toEqual({
      ok: true,
      origin: { lat: 52, lon: -3, label: 'Newtown', precision: 'place' },
    })
    // Two districts of one area: the plain mean, (50 + 50.02) / 2 = 50.01, (-1 + -1.02) / 2 = -1.01.
    const old = g.find('oldtown')
    expect(old.ok && old.origin.lat).toBeCloseTo(50.01, 10)
    expect(old.ok && old.origin.lon).toBeCloseTo(-1.01, 10)
    const missing = g.find('Newt')
    expect(!missing.ok && missing.kind === 'place-not-found' ? missing.suggestions : null).toEqual(['Newtown'])
  })
})

describe('the search index cache', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(async () => {
    await database.close()
  })

  it('is built once while nothing changes, and again after any change', async () => {
    const { scopes } = await seedDirectories(database.db)
    const cache = new SearchIndexCache(database.db)
    const first = await cache.get()
    // 5 published services within reach + Sunderland = 6 published of the 8 specs (2 drafts).
    expect(first.services.map((s) => s.service.name).sort()).toEqual(
      specs
        .filter((s) => s.status === 'published')
        .map((s) => s.name)
        .sort(),
    )
    expect(await cache.get()).toBe(first)
    expect(cache.builds).toBe(1)

    const [a, b] = await Promise.all([cache.get(), cache.get()])
    expect(a).toBe(first)
    expect(b).toBe(first)
    expect(cache.builds).toBe(1)

    const extra = specDirectory({ ...specs[0]!, key: 'extra', name: 'Extra service', example: false })
    await importDirectory(database.db, scopes.camden, { userId: null, label: 'test', role: 'system' }, extra)
    const second = await cache.get()
    expect(second).not.toBe(first)
    expect(cache.builds).toBe(2)
    expect(second.services.some((s) => s.service.name === 'Extra service')).toBe(true)
  })
})

describe('searching the index', () => {
  /** 60 services, service i at 0.001 x (60 - i) degree north of NW4's middle, each with a second place farther away. */
  const services: SearchableService[] = Array.from({ length: 60 }, (_, i) => {
    const d = specDirectory({ ...specs[0]!, key: `s${String(i)}`, name: `Service ${String(i)}`, example: false })
    const service = d.services[0]!
    const location = { ...d.locations[0]!, latitude: NW4.lat + 0.001 * (60 - i), longitude: NW4.lon }
    const farther = { ...location, id: `${location.id.slice(0, -1)}0`, latitude: NW4.lat - 0.5 }
    return {
      tenantId: 't',
      areaCode: 'E09000003',
      councilName: 'Test',
      service,
      organisation: d.organisations[0],
      isExample: false,
      places: [
        { location: farther, sessions: [] },
        { location, sessions: [] },
      ],
    }
  })

  it('gives each service once, at its nearest place, nearest first, at most 50', () => {
    const hits = searchServices(buildSearchIndex(services), NW4, [], 1000)
    expect(MAX_RESULTS).toBe(50)
    expect(hits).toHaveLength(50)
    // Nearest is service 59 (0.001 degree = 0.1111951 km), then 58, ... down to service 10 (0.050 degree).
    expect(hits.map((h) => h.entry.service.name)).toEqual(
      Array.from({ length: 50 }, (_, k) => `Service ${String(59 - k)}`),
    )
    expect(hits[0]?.distanceKm).toBeCloseTo(0.1111951, 6)
    expect(hits[49]?.distanceKm).toBeCloseTo(5.559755, 5)
    expect(hits.every((h) => h.place.location.latitude > NW4.lat)).toBe(true)
  })

  it('the distance limit is inclusive of what is within it and excludes what is beyond', () => {
    // 0.5 km takes 0.001 to 0.004 degree (0.44 km); 0.005 degree is 0.556 km, beyond.
    const hits = searchServices(buildSearchIndex(services), NW4, [], 0.5)
    expect(hits.map((h) => h.entry.service.name)).toEqual(['Service 59', 'Service 58', 'Service 57', 'Service 56'])
  })
})
