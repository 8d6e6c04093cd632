import { describe, expect, it } from 'vitest'
import { demoDirectory, demoServiceId } from '../../src/demo/directory-data.js'
import { type Directory, DirectoryIndex } from '../../src/features/directory/model.js'
import {
  directoryToOruk,
  directoryToOrukDump,
  formatProblem,
  type OrukImportResult,
  orukPage,
  paginate,
  parseOrukDocument,
  parseOrukJson,
  serviceAtLocationsToOrukSummaries,
  serviceToOruk,
  serviceToOrukSummary,
} from '../../src/features/directory/oruk.js'
import { featureTerms, serviceTypeTerms } from '../../src/lib/taxonomy.js'
import { errorsOf, standardValidators } from './standard.js'

const index = new DirectoryIndex(demoDirectory())
const published = demoDirectory().services.filter((s) => s.status === 'published')
const drafts = demoDirectory().services.filter((s) => s.status === 'draft')
const exported = directoryToOruk(demoDirectory())

const clone = <T>(value: T): T => structuredClone(value)
const problemsOf = (result: OrukImportResult): string[] => (result.ok ? [] : result.problems.map(formatProblem))
const importOk = (result: OrukImportResult): Directory => {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
  return result.directory
}
/** Each service's review reasons as 'code path', in file order ([] for a complete service). */
const reviewOf = (result: OrukImportResult, serviceId: string): string[] =>
  (importOk(result).services.find((x) => x.id === serviceId)?.review?.reasons ?? []).map((r) => `${r.code} ${r.path}`)

describe('directory -> ORUK', () => {
  it('maps every published demo service, and only those', () => {
    expect(published.length).toBeGreaterThanOrEqual(38)
    expect(drafts.length).toBeGreaterThan(0)
    expect(exported.map((s) => s.id)).toEqual(published.map((s) => s.id))
  })

  it.each(published.map((s) => [s.name, s.id]))('%s validates against the compiled service schema', (_name, id) => {
    const oruk = serviceToOruk(index.record(id))
    const valid = standardValidators.service(oruk)
    expect(valid, errorsOf(standardValidators.service).join('\n')).toBe(true)
  })

  it('validates every list item and service at location item against the list schemas', () => {
    for (const s of published) {
      const record = index.record(s.id)
      expect(standardValidators.serviceList(serviceToOrukSummary(record)), s.name).toBe(true)
      for (const item of serviceAtLocationsToOrukSummaries(record)) {
        const ok = standardValidators.serviceAtLocationList(item)
        expect(ok, errorsOf(standardValidators.serviceAtLocationList).join('\n')).toBe(true)
      }
    }
  })

  it('never outputs draft services or internal notes', () => {
    const withNotes = demoDirectory().services.filter((s) => s.internalNotes !== '')
    expect(withNotes.some((s) => s.status === 'published')).toBe(true)
    const text = JSON.stringify(directoryToOrukDump(demoDirectory()))
    for (const s of withNotes) expect(text).not.toContain(s.internalNotes)
    for (const s of drafts) {
      expect(text).not.toContain(s.id)
      expect(text).not.toContain(s.name)
      expect(() => serviceToOruk(index.record(s.id))).toThrow(/draft/)
      expect(() => serviceToOrukSummary(index.record(s.id))).toThrow(/draft/)
    }
    expect(text).not.toMatch(/internal/i)
  })

  it('maps the Hendon service’s Monday women’s hub as an RFC 5545 style weekly schedule', () => {
    const hendon = exported.find((s) => s.id === demoServiceId('hendonTreatment'))
    const hub = hendon?.schedules.find((s) => s.byday === 'MO' && s.women_only)
    expect(hub).toMatchObject({
      freq: 'WEEKLY',
      interval: 1,
      byday: 'MO',
      opens_at: '13:00',
      closes_at: '16:00',
      attending_type: 'In person',
      women_only: true,
      notes: "Women's hub on the first floor",
      service_at_location_id: hendon?.service_at_locations[0]?.id,
    })
    expect(hub?.description).toMatch(/^Monday 13:00 to 16:00\. Women-only session\. In person\. Run by /)
  })

  it('links the service type, substances and features as attributes with full taxonomy terms', () => {
    const hendon = exported.find((s) => s.id === demoServiceId('hendonTreatment'))
    const termIds = hendon?.attributes.map((a) => a.taxonomy_term_id) ?? []
    expect(termIds[0]).toBe(serviceTypeTerms['community-treatment'].id)
    expect(termIds).toContain(featureTerms['same-gender-key-worker'].id)
    const attr = hendon?.attributes.find((a) => a.taxonomy_term_id === featureTerms['women-only-groups'].id)
    expect(attr).toMatchObject({
      link_id: hendon?.id,
      link_type: 'service',
      taxonomy_term: featureTerms['women-only-groups'],
    })
    const circle = exported.find((s) => s.id === demoServiceId('asianWomensWellbeing'))
    expect(circle?.attributes.find((a) => a.taxonomy_term_id === featureTerms['by-and-for'].id)?.value).toBe(
      'South Asian women',
    )
  })

  it('gives contacts their phone and the borough its ONS geography URI', () => {
    const hendon = exported.find((s) => s.id === demoServiceId('hendonTreatment'))
    expect(hendon?.contacts[0]?.phones[0]?.number).toMatch(/^020 7946 0\d{3}$/)
    expect(hendon?.service_areas[0]).toMatchObject({
      name: 'London Borough of Barnet',
      uri: 'http://statistics.data.gov.uk/id/statistical-geography/E09000003',
    })
  })
})

describe('pagination envelope', () => {
  it('works out pages by hand: 45 items, 20 a page', () => {
    const items = Array.from({ length: 45 }, (_, i) => i)
    // ceil(45 / 20) = 3 pages: 20, 20, 5 items.
    expect(paginate(items, 1, 20)).toMatchObject({
      total_items: 45,
      total_pages: 3,
      page_number: 1,
      size: 20,
      first_page: true,
      last_page: false,
      empty: false,
    })
    expect(paginate(items, 3, 20)).toMatchObject({
      size: 5,
      first_page: false,
      last_page: true,
      empty: false,
      contents: [40, 41, 42, 43, 44],
    })
    expect(paginate(items, 4, 20)).toMatchObject({ size: 0, last_page: true, empty: true, contents: [] })
    expect(paginate([], 1, 20)).toMatchObject({
      total_items: 0,
      total_pages: 0,
      first_page: true,
      last_page: true,
      empty: true,
    })
  })

  it('refuses page 0 and a page size of 0', () => {
    expect(() => paginate([1], 0, 10)).toThrow(RangeError)
    expect(() => orukPage([], { totalItems: 0, pageNumber: 1, perPage: 0 })).toThrow(RangeError)
  })

  it('validates against the openapi Page shape with service list items', () => {
    const summaries = published.map((s) => serviceToOrukSummary(index.record(s.id)))
    for (const page of [paginate(summaries, 1, 10), paginate(summaries, 5, 10), paginate(summaries, 99, 10)]) {
      expect(standardValidators.servicePage(page), errorsOf(standardValidators.servicePage).join('\n')).toBe(true)
    }
    // The check can fail: a page number as text is refused.
    expect(standardValidators.servicePage({ ...paginate(summaries, 1, 10), page_number: '1' })).toBe(false)
  })
})

describe('round trip', () => {
  it('directory -> ORUK -> directory -> ORUK gives identical JSON', () => {
    const first = directoryToOrukDump(demoDirectory())
    const imported = importOk(parseOrukJson(JSON.stringify(first)))
    const second = directoryToOrukDump(imported)
    expect(JSON.stringify(second)).toBe(JSON.stringify(first))
  })

  it('imports the published directory exactly, less internal notes, with version 1', () => {
    const imported = importOk(parseOrukDocument(clone(exported)))
    const publishedIds = new Set(published.map((s) => s.id))
    const expectedServices = published.map((s) => ({ ...s, internalNotes: '', version: 1 }))
    expect(imported.services).toEqual(expectedServices)
    const salIds = new Set(
      demoDirectory()
        .serviceAtLocations.filter((x) => publishedIds.has(x.serviceId))
        .map((x) => x.id),
    )
    const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id))
    expect(byId(imported.serviceAtLocations)).toEqual(
      byId(demoDirectory().serviceAtLocations.filter((x) => salIds.has(x.id))),
    )
    expect(byId(imported.schedules)).toEqual(
      byId(demoDirectory().schedules.filter((x) => salIds.has(x.serviceAtLocationId))),
    )
    const usedLocations = new Set(imported.serviceAtLocations.map((x) => x.locationId))
    expect(byId(imported.locations)).toEqual(byId(demoDirectory().locations.filter((l) => usedLocations.has(l.id))))
    expect(byId(imported.organisations)).toEqual(
      byId(demoDirectory().organisations.filter((o) => published.some((s) => s.organisationId === o.id))),
    )
  })

  it('accepts a file that starts with a UTF-8 byte order mark', () => {
    const text = `\uFEFF${JSON.stringify(exported.slice(0, 2))}`
    expect(importOk(parseOrukJson(text)).services).toHaveLength(2)
  })

  it('accepts a page, an array of services and a single service', () => {
    const page = importOk(parseOrukDocument(directoryToOrukDump(demoDirectory())))
    const array = importOk(parseOrukDocument(clone(exported)))
    const single = parseOrukDocument(clone(exported[0]))
    expect(page.services).toHaveLength(published.length)
    expect(array.services).toHaveLength(published.length)
    expect(single.ok && single.shape).toBe('service')
    expect(importOk(single).services.map((s) => s.id)).toEqual([exported[0]?.id])
  })

  it('accepts a list page of one-to-one items: services without places or terms wait for review as drafts', () => {
    const summaries = paginate(
      published.map((s) => serviceToOrukSummary(index.record(s.id))),
      1,
      2,
    )
    const result = parseOrukDocument(summaries)
    const directory = importOk(result)
    expect(directory.services.map((s) => s.status)).toEqual(['draft', 'draft'])
    for (const [i, item] of summaries.contents.entries()) {
      expect(reviewOf(result, item.id)).toEqual([
        `service-type /contents/${String(i)}/attributes`,
        `location /contents/${String(i)}/service_at_locations`,
      ])
      expect(directory.services.find((s) => s.id === item.id)?.review?.publishWhenComplete).toBe(true)
    }
  })
})

describe('import refusals name the JSON path', () => {
  const page = () => clone(directoryToOrukDump(demoDirectory()))

  it('not JSON', () => {
    const problems = problemsOf(parseOrukJson('{"contents": [}'))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^\/: The file is not JSON( \(the error is at character \d+\))?$/)
    // Never a quote of the file (issue 10 point 6).
    expect(problems[0]).not.toContain('contents')
  })

  it('JSON that is not ORUK', () => {
    expect(problemsOf(parseOrukJson('{"hello": "world"}'))).toEqual([
      '/: This is not Open Referral UK JSON: expected a service, an array of services or a page of services with "contents"',
    ])
    expect(problemsOf(parseOrukJson('42'))).toHaveLength(1)
  })

  it('too large', () => {
    expect(problemsOf(parseOrukJson(JSON.stringify(page()), { maxBytes: 1024 }))[0]).toMatch(
      /^\/: The file is too large: \d+\.\d MB\. The most we accept is 0\.0 MB$/,
    )
  })

  it('wrong types, a missing field and a bad enum, each at its path', () => {
    const doc = page()
    const s3 = doc.contents[3] as unknown as Record<string, unknown> & (typeof doc.contents)[number]
    ;(s3.service_at_locations[0]!.location as unknown as Record<string, unknown>).latitude = true
    ;(doc.contents[5] as unknown as Record<string, unknown>).status = 'open'
    delete (doc.contents[7] as unknown as Record<string, unknown>).name
    ;(doc.contents[8]!.schedules[0] as unknown as Record<string, unknown>).women_only = 'yes'
    ;(doc as unknown as Record<string, unknown>).total_items = 'many'
    expect(problemsOf(parseOrukDocument(doc))).toEqual([
      '/total_items: must be a whole number',
      '/contents/3/service_at_locations/0/location/latitude: must be a number',
      '/contents/5/status: must be one of "active", "inactive", "defunct", "temporarily closed"',
      '/contents/7/name: is required',
      '/contents/8/schedules/0/women_only: must be true or false',
    ])
  })

  it('a term of another taxonomy is kept as it is, not refused', () => {
    const doc = page()
    const attr = doc.contents[2]!.attributes[1]!
    attr.taxonomy_term_id = '0f0f0f0f-0000-4000-8000-000000000000'
    attr.taxonomy_term = { ...attr.taxonomy_term, id: attr.taxonomy_term_id, name: 'Free cake' }
    const result = parseOrukDocument(doc)
    const service = importOk(result).services.find((s) => s.id === doc.contents[2]!.id)
    expect(service?.foreignTerms?.map((t) => t.attribute)).toEqual([attr])
    expect(result.ok && result.seenTerms.map((t) => t.name)).toEqual(['Free cake'])
  })

  it('coordinates outside the UK, a bad postcode, and a schedule that ends before it starts', () => {
    const doc = page()
    const location = doc.contents[0]!.service_at_locations[0]!.location
    location.latitude = 48.8566
    location.longitude = 2.3522
    doc.contents[1]!.service_at_locations[0]!.location.addresses[0]!.postal_code = 'NOT A POSTCODE'
    const schedule = doc.contents[2]!.schedules[0]!
    schedule.opens_at = '15:00'
    schedule.closes_at = '14:00'
    // Times the wrong way round cannot be read: refused at their path.
    expect(problemsOf(parseOrukDocument(doc))).toEqual([
      '/contents/2/schedules/0/closes_at: End time must be after the start time',
    ])
    // Places that cannot be placed are allowed by the standard: the services wait for review.
    schedule.opens_at = '13:00'
    const result = parseOrukDocument(doc)
    const reasons = (i: number) => importOk(result).services.find((s) => s.id === doc.contents[i]!.id)?.review?.reasons
    expect(reasons(0)?.[0]).toEqual({
      code: 'location',
      path: '/contents/0/service_at_locations/0/location/latitude',
      message: `${location.name} could not be placed: Latitude and longitude must be a place in the United Kingdom: 48.8566, 2.3522 is outside it (are they swapped?). Add the place people visit`,
    })
    expect(reasons(1)?.[0]?.path).toBe('/contents/1/service_at_locations/0/location/addresses/0/postal_code')
    expect(reasons(2)).toBeUndefined()
  })

  it('overlapping sessions, at the later session', () => {
    const doc = page()
    const schedules = doc.contents[0]!.schedules // Hendon: Monday 09:00-12:30 then 13:00-16:00
    expect([schedules[0]?.byday, schedules[0]?.opens_at, schedules[1]?.byday, schedules[1]?.opens_at]).toEqual([
      'MO',
      '09:00',
      'MO',
      '13:00',
    ])
    schedules[1]!.opens_at = '12:00'
    expect(problemsOf(parseOrukDocument(doc))).toEqual([
      '/contents/0/schedules/1/opens_at: Sessions overlap: Monday 12:00 to 16:00 overlaps Monday 09:00 to 12:30 at the same place. Change the times or join them into one session',
    ])
  })

  it('a service twice, and a schedule for another service’s place', () => {
    const doc = page()
    doc.contents.push(clone(doc.contents[0]!))
    doc.contents[1]!.schedules[0]!.service_at_location_id = doc.contents[0]!.service_at_locations[0]!.id
    const last = doc.contents.length - 1
    expect(problemsOf(parseOrukDocument(doc))).toEqual([
      `/contents/${last}/id: service ${doc.contents[0]!.id} is in the file more than once (first at /contents/0)`,
    ])
    doc.contents.pop()
    // A session at a place that is not the service's own: the service waits for review.
    expect(reviewOf(parseOrukDocument(doc), doc.contents[1]!.id)).toEqual([
      'schedule /contents/1/schedules/0/service_at_location_id',
    ])
  })

  it('monthly schedules and unknown days', () => {
    const doc = page()
    ;(doc.contents[0]!.schedules[0] as unknown as Record<string, unknown>).freq = 'MONTHLY'
    doc.contents[0]!.schedules[1]!.byday = 'MO,XX'
    const result = parseOrukDocument(doc)
    expect(reviewOf(result, doc.contents[0]!.id)).toEqual([
      'schedule /contents/0/schedules/0',
      'schedule /contents/0/schedules/1',
    ])
    const messages = importOk(result).services[0]?.review?.reasons.map((r) => r.message) ?? []
    expect(messages[0]).toContain('it does not repeat every week')
    expect(messages[1]).toContain("'XX' is not a day")
  })

  it('lists every problem, not just the first', () => {
    const doc = page()
    for (const s of doc.contents.slice(0, 10)) (s as unknown as Record<string, unknown>).name = 42
    expect(problemsOf(parseOrukDocument(doc))).toEqual(
      doc.contents.slice(0, 10).map((_, i) => `/contents/${String(i)}/name: must be a string`),
    )
  })
})

describe('import of other publishers’ ORUK', () => {
  const foreign = () => {
    const s = clone(exported[0]!) as unknown as Record<string, unknown>
    const schedules = s.schedules as Record<string, unknown>[]
    const sal = (s.service_at_locations as Record<string, unknown>[])[0]!
    // Move the schedules under the service at location (HSDS 3.0 core), without our extensions.
    sal.schedules = schedules.slice(0, 2).map((x) => {
      const rest = { ...x }
      delete rest.women_only
      delete rest.run_by
      delete rest.service_at_location_id
      return { ...rest, opens_at: `${String(rest.opens_at)}:00`, closes_at: `${String(rest.closes_at)}:00` }
    })
    s.schedules = []
    return s
  }

  it('reads schedules nested in a service at location, with seconds and without our extension fields', () => {
    const directory = importOk(parseOrukDocument(foreign()))
    expect(directory.schedules.map((x) => [x.dayOfWeek, x.start, x.end, x.womenOnly])).toEqual([
      ['monday', '09:00', '12:30', false],
      // women_only is gone: "Women-only session." in the description still says so.
      ['monday', '13:00', '16:00', true],
    ])
  })

  it('splits a schedule with several days into one session a day', () => {
    const s = foreign()
    const sal = (s.service_at_locations as Record<string, unknown>[])[0]!
    sal.schedules = [
      {
        id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
        freq: 'WEEKLY',
        byday: 'TU,TH',
        opens_at: '10:00',
        closes_at: '12:00',
        attending_type: 'You can attend in person or via video',
      },
    ]
    const directory = importOk(parseOrukDocument(s))
    expect(directory.schedules.map((x) => [x.dayOfWeek, x.start, x.end, x.mode])).toEqual([
      ['tuesday', '10:00', '12:00', 'both'],
      ['thursday', '10:00', '12:00', 'both'],
    ])
    expect(new Set(directory.schedules.map((x) => x.id)).size).toBe(2)
  })

  it('lets a service name its organization by id when another service in the file describes it', () => {
    const [a, b] = [clone(exported[1]!), clone(exported[0]!)] // both run by the Barnet Recovery Partnership
    expect(a.organization_id).toBe(b.organization_id)
    delete (a as unknown as Record<string, unknown>).organization
    const directory = importOk(parseOrukDocument([a, b]))
    expect(directory.services.map((s) => s.organisationId)).toEqual([b.organization_id, b.organization_id])
    expect(directory.organisations).toHaveLength(1)
    delete (b as unknown as Record<string, unknown>).organization
    // The standard does not require the organisation: without one anywhere, both wait for review.
    const neither = parseOrukDocument([a, b])
    expect(reviewOf(neither, a.id)).toEqual(['organisation /0/organization'])
    expect(reviewOf(neither, b.id)).toEqual(['organisation /1/organization'])
  })

  it('imports an inactive service as a draft, with a warning', () => {
    const s = clone(exported[0]!) as unknown as Record<string, unknown>
    s.status = 'temporarily closed'
    const result = parseOrukDocument(s)
    expect(importOk(result).services[0]?.status).toBe('draft')
    expect(result.ok && result.warnings).toEqual([
      `/: ${String(s.name)} has status 'temporarily closed', so it is imported as a draft and not published.`,
    ])
  })
})
