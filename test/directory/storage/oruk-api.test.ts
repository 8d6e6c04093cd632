/**
 * The public Open Referral UK API over the demo directory (Barnet) and a small second council.
 * Expected results are worked out in the test by brute force over the demo data (a plain filter
 * and sort of the in-memory directory), not read from the API's own SQL.
 */
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_DIRECTORY_COUNCIL, demoDirectory } from '../../../src/demo/directory-data.js'
import { seedDirectoryDemo } from '../../../src/demo/directory-seed.js'
import { stableId } from '../../../src/lib/ids.js'
import { type Directory, type Service, toMinutes } from '../../../src/features/directory/model.js'
import { formatProblem, validateOruk } from '../../../src/features/directory/oruk-validation.js'
import { importDirectory } from '../../../src/features/directory/repository.js'
import {
  featureDefinition,
  featureTaxonomy,
  groupTermId,
  orukTaxonomies,
  serviceTypeTaxonomy,
  substanceTaxonomy,
  termId,
} from '../../../src/lib/taxonomy.js'
import { haversineKm } from '../../../src/lib/geo.js'
import { ensureCouncil, shippedPostcodeDistricts } from '../../../src/platform/reference.js'
import { createTestContext, type TestContext } from '../../support/app.js'
import { errorsOf, standardValidators } from '../standard.js'

const COUNCIL_B = 'E08000025'

/** Council B's own small directory: one published service and one draft, with their own ids. */
function councilBDirectory(): Directory {
  const id = (...parts: string[]) => stableId('test', 'council-b', ...parts)
  const service = (key: string, status: 'published' | 'draft', name: string): Service => ({
    id: id('service', key),
    organisationId: id('organisation'),
    name,
    description: `Test: ${name}, a service of council B.`,
    status,
    serviceType: 'womens-centre',
    substances: [],
    features: ['women-only-service', 'children-welcome'],
    internalNotes: `Secret note of council B about ${key}`,
    contacts: [],
    serviceAreas: [],
    eligibility: { womenOnly: true },
    version: 1,
  })
  return {
    organisations: [{ id: id('organisation'), name: 'Test: Birmingham women', description: 'Test organisation.' }],
    services: [
      service('open', 'published', 'Test: Birmingham women’s centre'),
      service('draft', 'draft', 'Test: Birmingham draft service'),
    ],
    locations: [
      {
        id: id('location'),
        name: 'Test: Birmingham centre',
        addressLine1: '1 Test Street',
        town: 'Birmingham',
        postcode: 'B1 1AA',
        latitude: 52.4796,
        longitude: -1.9026,
        accessibility: [],
      },
    ],
    serviceAtLocations: [
      { id: id('sal', 'open'), serviceId: id('service', 'open'), locationId: id('location') },
      { id: id('sal', 'draft'), serviceId: id('service', 'draft'), locationId: id('location') },
    ],
    schedules: [
      {
        id: id('schedule', 'open'),
        serviceAtLocationId: id('sal', 'open'),
        dayOfWeek: 'saturday',
        start: '10:00',
        end: '12:00',
        womenOnly: true,
        mode: 'in_person',
      },
    ],
  }
}

const bDirectory = councilBDirectory()
const bPublished = bDirectory.services.filter((s) => s.status === 'published')
const demoPublished = demoDirectory().services.filter((s) => s.status === 'published')
const demoDrafts = demoDirectory().services.filter((s) => s.status === 'draft')
/** Every published service of both councils, as brute-force input: service, its locations and sessions. */
const everyPublished = [
  ...demoPublished.map((s) => ({ service: s, directory: demoDirectory(), council: DEMO_DIRECTORY_COUNCIL })),
  ...bPublished.map((s) => ({ service: s, directory: bDirectory, council: COUNCIL_B })),
]
const placesOf = (directory: Directory, serviceId: string) => {
  const sals = directory.serviceAtLocations.filter((x) => x.serviceId === serviceId)
  return sals.map((sal) => ({
    sal,
    location: directory.locations.find((l) => l.id === sal.locationId)!,
    schedules: directory.schedules.filter((x) => x.serviceAtLocationId === sal.id),
  }))
}
/** Code-point order, as the API's "C" collation. */
const byName = (a: { name: string; id: string }, b: { name: string; id: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

let ctx: TestContext

beforeAll(async () => {
  ctx = await createTestContext()
  const barnet = await ensureCouncil(ctx.app.db, DEMO_DIRECTORY_COUNCIL)
  await seedDirectoryDemo(ctx.app.db, barnet)
  const birmingham = await ensureCouncil(ctx.app.db, COUNCIL_B)
  await importDirectory(ctx.app.db, birmingham, { userId: null, label: 'test', role: 'commissioner' }, bDirectory)
})

afterAll(async () => {
  await ctx.close()
})

const get = (url: string) => ctx.client().get(url, { accept: 'application/json' })
// A typed view of a JSON body: the type is what the test expects to find, checked by its assertions.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
const body = <T = Record<string, unknown>>(res: LightMyRequestResponse) => JSON.parse(res.body) as T

interface Page<T = { id: string; name: string }> {
  total_items: number
  total_pages: number
  page_number: number
  size: number
  first_page: boolean
  last_page: boolean
  empty: boolean
  contents: T[]
}

/** Every item of a list, walking its pages; checks each page against both validators on the way. */
async function allPages(url: string, perPage = 20): Promise<{ id: string; name: string }[]> {
  const items: { id: string; name: string }[] = []
  for (let page = 1; page < 100; page++) {
    const sep = url.includes('?') ? '&' : '?'
    const res = await get(`${url}${sep}page=${String(page)}&per_page=${String(perPage)}`)
    expect(res.statusCode, res.body).toBe(200)
    const json = body<Page>(res)
    if (url.startsWith('/api/oruk/services')) {
      expect(standardValidators.servicePage(json), errorsOf(standardValidators.servicePage).join('\n')).toBe(true)
      expect(validateOruk('page', json).map(formatProblem)).toEqual([])
    }
    items.push(...json.contents)
    if (json.last_page) break
  }
  return items
}

describe('GET /api/oruk/', () => {
  it('says which version and profile it follows, readable from any site', async () => {
    const res = await get('/api/oruk/')
    expect(res.statusCode).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(body(res)).toMatchObject({ version: '3.0', profile: 'https://openreferraluk.org/' })
    expect(body<{ openapi_url: string }>(res).openapi_url).toBe('https://wtc.test/api/oruk/openapi.json')
    const openapi = await get('/api/oruk/openapi.json')
    expect(body<{ openapi: string }>(openapi).openapi).toMatch(/^3\./)
  })
})

describe('GET /api/oruk/services', () => {
  it('lists every published service of every council in name order, and no draft', async () => {
    const items = await allPages('/api/oruk/services')
    const expected = everyPublished.map((x) => x.service).sort(byName)
    expect(items.map((i) => i.id)).toEqual(expected.map((s) => s.id))
    const drafts = new Set([...demoDrafts, ...bDirectory.services.filter((s) => s.status === 'draft')].map((s) => s.id))
    expect(items.filter((i) => drafts.has(i.id))).toEqual([])
  })

  it('works out the pages: 46 published services at 20 a page are pages of 20, 20 and 6', async () => {
    // 45 published demo services (47 less 2 drafts) + 1 of council B = 46; ceil(46 / 20) = 3.
    expect(everyPublished).toHaveLength(46)
    const page3 = body<Page>(await get('/api/oruk/services?page=3&per_page=20'))
    expect(page3).toMatchObject({
      total_items: 46,
      total_pages: 3,
      page_number: 3,
      size: 6,
      first_page: false,
      last_page: true,
      empty: false,
    })
    const page1 = body<Page>(await get('/api/oruk/services?per_page=20'))
    expect(page1).toMatchObject({ total_pages: 3, page_number: 1, size: 20, first_page: true, last_page: false })
    const beyond = body<Page>(await get('/api/oruk/services?page=4&per_page=20'))
    expect(beyond).toMatchObject({ total_items: 46, size: 0, empty: true, last_page: true, contents: [] })
    // The default page size is 50: one page holds all 46.
    expect(body<Page>(await get('/api/oruk/services'))).toMatchObject({ size: 46, total_pages: 1 })
  })

  it('filters by text in the name or description, ignoring case', async () => {
    const needle = 'PREGNAN'
    const expected = everyPublished
      .map((x) => x.service)
      .filter((s) => `${s.name}\n${s.description}`.toLowerCase().includes(needle.toLowerCase()))
      .sort(byName)
    expect(expected.length).toBeGreaterThan(0)
    const items = await allPages(`/api/oruk/services?text=${needle}`)
    expect(items.map((i) => i.id)).toEqual(expected.map((s) => s.id))
    // The openapi calls it `search`.
    const search = await allPages(`/api/oruk/services?search=${needle}`)
    expect(search.map((i) => i.id)).toEqual(expected.map((s) => s.id))
    // A LIKE wildcard is taken literally.
    expect(body<Page>(await get('/api/oruk/services?text=%25')).total_items).toBe(
      everyPublished.filter((x) => `${x.service.name}${x.service.description}`.includes('%')).length,
    )
  })

  it.each([
    ['feature creche', termId('feature', 'children-welcome'), (s: Service) => s.features.includes('children-welcome')],
    [
      'feature group women-only',
      groupTermId('feature', 'women-only'),
      (s: Service) => s.features.some((f) => featureDefinition(f).group === 'women-only'),
    ],
    ['service type refuge', termId('service-type', 'refuge'), (s: Service) => s.serviceType === 'refuge'],
    [
      'service type group treatment',
      groupTermId('service-type', 'treatment'),
      (s: Service) => ['community-treatment', 'residential-rehab', 'inpatient-detox'].includes(s.serviceType),
    ],
    ['substance alcohol', termId('substance', 'alcohol'), (s: Service) => s.substances.includes('alcohol')],
  ])('filters by taxonomy term: %s', async (_label, term, predicate) => {
    const expected = everyPublished
      .map((x) => x.service)
      .filter(predicate)
      .sort(byName)
    expect(expected.length).toBeGreaterThan(0)
    const items = await allPages(`/api/oruk/services?taxonomy_term_id=${term}`)
    expect(items.map((i) => i.id)).toEqual(expected.map((s) => s.id))
  })

  it.each([
    ['monday', '10:00'],
    ['friday', '13:30'],
    ['saturday', '11:59'],
    ['tuesday', undefined],
    [undefined, '18:30'],
  ])('filters by day %s and time %s (a session that has started and not ended)', async (day, time) => {
    const expected = everyPublished
      .filter((x) =>
        placesOf(x.directory, x.service.id).some((p) =>
          p.schedules.some(
            (s) =>
              (day === undefined || s.dayOfWeek === day) &&
              (time === undefined || (toMinutes(s.start) <= toMinutes(time) && toMinutes(time) < toMinutes(s.end))),
          ),
        ),
      )
      .map((x) => x.service)
      .sort(byName)
    const query = [day === undefined ? '' : `day=${day}`, time === undefined ? '' : `time=${time}`]
      .filter(Boolean)
      .join('&')
    const items = await allPages(`/api/oruk/services?${query}`)
    expect(items.map((i) => i.id)).toEqual(expected.map((s) => s.id))
  })

  it('a session ending at 12:00 is not open at 12:00', async () => {
    // Council B's only session: Saturday 10:00 to 12:00.
    const at = async (time: string) =>
      (await allPages(`/api/oruk/services?council=${COUNCIL_B}&day=saturday&time=${time}`)).map((i) => i.id)
    expect(await at('10:00')).toEqual([bPublished[0]!.id])
    expect(await at('11:59')).toEqual([bPublished[0]!.id])
    expect(await at('12:00')).toEqual([])
    expect(await at('09:59')).toEqual([])
  })

  it.each([
    ['postcode NW9 4EU', 'postcode=NW9%204EU', 3],
    ['postcode en5 9zz (lower case)', 'postcode=en5%209zz', 1.5],
    ['coordinates in Finchley', 'lat=51.6004&lng=-0.194108', 2],
    ['coordinates in Birmingham, 5 km', 'lat=52.48&lng=-1.90', 5],
  ])('filters and sorts by distance from %s', async (_label, query, km) => {
    const districts = shippedPostcodeDistricts()
    const params = new URLSearchParams(query)
    const centre = params.has('postcode')
      ? (() => {
          const d = districts.lookup(params.get('postcode')!)!
          return { lat: d.lat, lon: d.lon }
        })()
      : { lat: Number(params.get('lat')), lon: Number(params.get('lng')) }
    const expected = everyPublished
      .map((x) => {
        const distances = placesOf(x.directory, x.service.id).map((p) =>
          haversineKm(centre.lat, centre.lon, p.location.latitude, p.location.longitude),
        )
        return { service: x.service, distance: distances.length === 0 ? Infinity : Math.min(...distances) }
      })
      .filter((x) => x.distance <= km)
      .sort((a, b) => a.distance - b.distance || byName(a.service, b.service))
    expect(expected.length).toBeGreaterThan(0)
    const items = await allPages(`/api/oruk/services?${query}&proximity=${String(km)}`, 7)
    expect(items.map((i) => i.id)).toEqual(expected.map((x) => x.service.id))
  })

  it('without proximity, sorts every service by distance, those without a place last', async () => {
    const centre = { lat: 51.6482, lon: -0.190229 } // EN5, High Barnet
    const expected = everyPublished
      .map((x) => {
        const distances = placesOf(x.directory, x.service.id).map((p) =>
          haversineKm(centre.lat, centre.lon, p.location.latitude, p.location.longitude),
        )
        return { service: x.service, distance: distances.length === 0 ? Infinity : Math.min(...distances) }
      })
      .sort((a, b) => a.distance - b.distance || byName(a.service, b.service))
    const items = await allPages(`/api/oruk/services?lat=${String(centre.lat)}&lng=${String(centre.lon)}`)
    expect(items.map((i) => i.id)).toEqual(expected.map((x) => x.service.id))
  })

  it('combines filters and the council', async () => {
    const expected = everyPublished
      .filter((x) => x.council === DEMO_DIRECTORY_COUNCIL && x.service.features.includes('children-welcome'))
      .map((x) => x.service)
      .sort(byName)
    const items = await allPages(
      `/api/oruk/services?council=${DEMO_DIRECTORY_COUNCIL}&taxonomy_term_id=${termId('feature', 'children-welcome')}`,
    )
    expect(items.map((i) => i.id)).toEqual(expected.map((s) => s.id))
    const b = await allPages(`/api/oruk/services?council=e08000025`)
    expect(b.map((i) => i.id)).toEqual(bPublished.map((s) => s.id))
    // A council that publishes nothing here: an empty list, not an error.
    expect(body<Page>(await get('/api/oruk/services?council=E09000001')).total_items).toBe(0)
  })

  it.each([
    ['page=0', 'page'],
    ['page=two', 'page'],
    ['per_page=101', 'per_page'],
    ['per_page=0', 'per_page'],
    ['per_page=1.5', 'per_page'],
    ['page=1&page=2', 'page'],
    ['postcode=NOT%20A%20POSTCODE', 'postcode'],
    ['postcode=ZZ9%209ZZ', 'postcode'],
    ['lat=10&lng=10', 'lat'],
    ['lat=51.5', 'lng'],
    ['lat=north&lng=0', 'lat'],
    ['proximity=5', 'proximity'],
    ['postcode=NW4%204BG&proximity=-1', 'proximity'],
    ['postcode=NW4%204BG&proximity=far', 'proximity'],
    ['day=funday', 'day'],
    ['time=25:00', 'time'],
    ['time=9am', 'time'],
    ['taxonomy_term_id=creche', 'taxonomy_term_id'],
    [`taxonomy_term_id=${stableId('not', 'a', 'term')}`, 'taxonomy_term_id'],
    [`taxonomy_id=${stableId('not', 'a', 'taxonomy')}`, 'taxonomy_id'],
    ['council=Barnet', 'council'],
  ])('refuses %s with 400 naming the field %s', async (query, field) => {
    const res = await get(`/api/oruk/services?${query}`)
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const json = body<{ error: string; field: string }>(res)
    expect(json.field).toBe(field)
    expect(json.error.length).toBeGreaterThan(10)
  })
})

describe('GET /api/oruk/services/:id', () => {
  it('gives every published demo service fully nested, valid against both validators', async () => {
    for (const service of demoPublished) {
      const res = await get(`/api/oruk/services/${service.id}`)
      expect(res.statusCode, service.name).toBe(200)
      const json = body(res)
      expect(standardValidators.service(json), errorsOf(standardValidators.service).join('\n')).toBe(true)
      expect(validateOruk('service', json).map(formatProblem)).toEqual([])
      const got = json as { id: string; name: string; organization_id: string; status: string }
      expect([got.id, got.name, got.organization_id, got.status]).toEqual([
        service.id,
        service.name,
        service.organisationId,
        'active',
      ])
    }
  })

  it('gives council B’s published service as the record written out by hand from its fixture', async () => {
    // Every value below comes from councilBDirectory() above, the ORUK field names of the
    // standard, and the taxonomy's published term names; ids follow the stableId scheme
    // (docs: src/lib/ids.ts) from the fixture's own parts.
    const b = (...parts: string[]) => stableId('test', 'council-b', ...parts)
    const term = (kind: string, code: string) => stableId('taxonomy-term', kind, code)
    const group = (kind: string, code: string) => stableId('taxonomy-group', kind, code)
    const serviceId = b('service', 'open')
    const attribute = (
      kind: string,
      code: string,
      name: string,
      description: string,
      groupCode: string,
      taxonomy: string,
    ) => ({
      id: stableId('attribute', serviceId, term(kind, code)),
      link_id: serviceId,
      link_type: 'service',
      taxonomy_term_id: term(kind, code),
      taxonomy_term: {
        id: term(kind, code),
        name,
        description,
        parent_id: group(kind, groupCode),
        taxonomy,
        taxonomy_id: stableId('taxonomy', kind),
        term: code,
      },
    })
    const expected = {
      id: serviceId,
      organization_id: b('organisation'),
      name: 'Test: Birmingham women’s centre',
      description: 'Test: Test: Birmingham women’s centre, a service of council B.',
      status: 'active',
      organization: { id: b('organisation'), name: 'Test: Birmingham women', description: 'Test organisation.' },
      service_at_locations: [
        {
          id: b('sal', 'open'),
          service_id: serviceId,
          location_id: b('location'),
          location: {
            id: b('location'),
            location_type: 'physical',
            name: 'Test: Birmingham centre',
            latitude: 52.4796,
            longitude: -1.9026,
            addresses: [
              {
                id: stableId('address', b('location')),
                location_id: b('location'),
                address_1: '1 Test Street',
                city: 'Birmingham',
                state_province: '',
                postal_code: 'B1 1AA',
                country: 'GB',
                address_type: 'physical',
              },
            ],
            accessibility: [],
          },
        },
      ],
      schedules: [
        {
          id: b('schedule', 'open'),
          service_id: serviceId,
          service_at_location_id: b('sal', 'open'),
          freq: 'WEEKLY',
          interval: 1,
          byday: 'SA',
          opens_at: '10:00',
          closes_at: '12:00',
          attending_type: 'In person',
          description: 'Saturday 10:00 to 12:00. Women-only session. In person.',
          women_only: true,
        },
      ],
      contacts: [],
      service_areas: [],
      attributes: [
        attribute(
          'service-type',
          'womens-centre',
          "Women's centre",
          'A centre just for women, with advice, groups and support for many kinds of problem.',
          'women-and-safety',
          'WTC service types',
        ),
        attribute(
          'feature',
          'women-only-service',
          'Women-only service',
          'The whole service is for women only. You will not meet men using the service.',
          'women-only',
          'WTC gender-responsive features',
        ),
        attribute(
          'feature',
          'children-welcome',
          'Creche or children welcome',
          'You can bring your children. Some sessions have a creche.',
          'children',
          'WTC gender-responsive features',
        ),
      ],
    }
    const res = await get(`/api/oruk/services/${serviceId}`)
    expect(res.statusCode).toBe(200)
    expect(body(res)).toEqual(expected)
  })

  it('never shows a draft or an internal note, and says 404 in JSON for an unknown id', async () => {
    for (const draft of [...demoDrafts, ...bDirectory.services.filter((s) => s.status === 'draft')]) {
      const res = await get(`/api/oruk/services/${draft.id}`)
      expect(res.statusCode).toBe(404)
      expect(body<{ error: string }>(res).error).toContain(draft.id)
    }
    const notes = [...demoDirectory().services, ...bDirectory.services].map((s) => s.internalNotes).filter(Boolean)
    expect(notes.length).toBeGreaterThan(2)
    for (const service of bPublished) {
      const res = await get(`/api/oruk/services/${service.id}`)
      expect(res.statusCode).toBe(200)
      for (const note of notes) expect(res.body).not.toContain(note)
    }
    expect((await get(`/api/oruk/services/${stableId('nothing')}`)).statusCode).toBe(404)
    expect((await get('/api/oruk/services/not-a-uuid')).statusCode).toBe(404)
    // The council filter applies to one record too.
    expect((await get(`/api/oruk/services/${bPublished[0]!.id}?council=${DEMO_DIRECTORY_COUNCIL}`)).statusCode).toBe(
      404,
    )
  })
})

describe('GET /api/oruk/service_at_locations', () => {
  it('lists each place of each published service once, valid, with its nested service for :id', async () => {
    const publishedIds = new Set(everyPublished.map((x) => x.service.id))
    const expectedSals = [...demoDirectory().serviceAtLocations, ...bDirectory.serviceAtLocations]
      .filter((x) => publishedIds.has(x.serviceId))
      .map((x) => x.id)
      .sort()
    const seen: string[] = []
    for (let page = 1; page < 50; page++) {
      const res = await get(`/api/oruk/service_at_locations?page=${String(page)}&per_page=25`)
      const json = body<Page<{ id: string; service_id: string }>>(res)
      for (const item of json.contents) {
        expect(
          standardValidators.serviceAtLocationList(item),
          errorsOf(standardValidators.serviceAtLocationList).join('\n'),
        ).toBe(true)
      }
      seen.push(...json.contents.map((c) => c.id))
      if (json.last_page) {
        expect(json.total_items).toBe(expectedSals.length)
        expect(json.total_pages).toBe(Math.ceil(expectedSals.length / 25))
        break
      }
    }
    expect(seen).toEqual(expectedSals)
    const first = demoDirectory().serviceAtLocations.find((x) => publishedIds.has(x.serviceId))!
    const one = await get(`/api/oruk/service_at_locations/${first.id}`)
    expect(one.statusCode).toBe(200)
    expect(standardValidators.service(body(one))).toBe(true)
    expect(body<{ id: string }>(one).id).toBe(first.serviceId)
    const draftSal = demoDirectory().serviceAtLocations.find((x) => !publishedIds.has(x.serviceId))!
    expect((await get(`/api/oruk/service_at_locations/${draftSal.id}`)).statusCode).toBe(404)
  })
})

describe('taxonomies and terms', () => {
  it('lists our three taxonomies and gives each by id', async () => {
    const res = await get('/api/oruk/taxonomies')
    const json = body<Page<{ id: string }>>(res)
    expect(json).toMatchObject({ total_items: 3, total_pages: 1, size: 3 })
    for (const t of json.contents)
      expect(standardValidators.taxonomy(t), errorsOf(standardValidators.taxonomy).join()).toBe(true)
    expect(json.contents.map((t) => t.id)).toEqual(orukTaxonomies.map((t) => t.id))
    const one = await get(`/api/oruk/taxonomies/${featureTaxonomy.id}`)
    expect(body<{ name: string }>(one).name).toBe(featureTaxonomy.name)
    expect((await get(`/api/oruk/taxonomies/${stableId('nope')}`)).statusCode).toBe(404)
  })

  it('pages the terms, filters them by taxonomy and gives each by id', async () => {
    const all =
      featureTaxonomy.taxonomy_terms.length +
      serviceTypeTaxonomy.taxonomy_terms.length +
      substanceTaxonomy.taxonomy_terms.length
    const first = body<Page<{ id: string; taxonomy_id: string }>>(await get('/api/oruk/taxonomy_terms?per_page=10'))
    expect(first).toMatchObject({ total_items: all, total_pages: Math.ceil(all / 10), size: 10 })
    for (const t of first.contents) expect(standardValidators.taxonomyTerm(t)).toBe(true)
    const substances = body<Page<{ id: string }>>(
      await get(`/api/oruk/taxonomy_terms?taxonomy_id=${substanceTaxonomy.id}`),
    )
    // Two substances: alcohol and drugs.
    expect(substances.total_items).toBe(2)
    expect(substances.contents.map((t) => t.id).sort()).toEqual(
      [termId('substance', 'alcohol'), termId('substance', 'drugs')].sort(),
    )
    const creche = await get(`/api/oruk/taxonomy_terms/${termId('feature', 'children-welcome')}`)
    expect(body<{ term: string }>(creche).term).toBe('children-welcome')
    expect((await get(`/api/oruk/taxonomy_terms/${stableId('nope')}`)).statusCode).toBe(404)
    expect((await get(`/api/oruk/taxonomy_terms?taxonomy_id=${stableId('nope')}`)).statusCode).toBe(400)
  })
})
