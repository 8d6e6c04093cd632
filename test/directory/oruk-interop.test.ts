/**
 * Reading Open Referral UK as other publishers write it (issue 8, issue 10 point 3, ADR 0015):
 * the standard's own examples and the HSDS 3.0 examples import (to review where our model needs
 * more); the Outpost Spring-paged feed and ORUK 1.x/2.x shapes are normalised with a warning per
 * repair naming its JSON path; a record using every optional part we keep round-trips exactly,
 * foreign terms unchanged; the record cap is checked before parsing; problems stop at a cap.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type Directory, DirectoryIndex } from '../../src/features/directory/model.js'
import {
  formatProblem,
  MAX_PROBLEMS,
  type OrukImportResult,
  parseOrukDocument,
  parseOrukJson,
  serviceToOruk,
} from '../../src/features/directory/oruk.js'
import { countListRecords } from '../../src/features/directory/oruk-scan.js'
import { htmlToText } from '../../src/features/directory/oruk-repair.js'
import { featureTerms, serviceTypeTerms, substanceTerms, termId } from '../../src/lib/taxonomy.js'
import { sharedDataPath, sharedPath } from '../support/shared.js'
import { errorsOf, standardValidators } from './standard.js'

const ok = (result: OrukImportResult) => {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
  return result
}
const reasonsOf = (directory: Directory) =>
  directory.services.map((s) => (s.review?.reasons ?? []).map((r) => `${r.code} ${r.path}`))

describe('the record cap, checked before the file is parsed', () => {
  it('counts the records of a list by hand-worked examples, never inside strings or deeper arrays', () => {
    expect(countListRecords('[{},{},{}]', 10)).toEqual({ count: 3, exceeded: false, path: '' })
    expect(countListRecords('[ "[,]", "a,b" , 1 ]', 10).count).toBe(3)
    expect(countListRecords('[{"a":[1,2,3],"b":{"c":[4,5]}}]', 10).count).toBe(1)
    expect(countListRecords('{"total_items": 2, "contents": [{"id":"x,"}, {}]}', 10).count).toBe(2)
    expect(countListRecords('{"id": "a", "name": "[1,2]"}', 10).count).toBe(0)
    expect(countListRecords('[]', 10).count).toBe(0)
    expect(countListRecords('{"contents":[{},{},{}]}', 2)).toEqual({ count: 3, exceeded: true, path: '/contents/2' })
  })

  it('refuses a 18 MB array of six million empty objects at the cap, naming where it stopped', () => {
    // 6,000,000 records of "{}," less the last comma, in brackets: 18,000,001 bytes, under the 20 MB limit.
    const text = `[${'{},'.repeat(5_999_999)}{}]`
    expect(Buffer.byteLength(text)).toBe(18_000_001)
    const result = parseOrukJson(text)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.problems.map(formatProblem)).toEqual([
      '/10000: The file holds more than 10,000 records, the most one import takes: split it into smaller files',
    ])
  })

  it('stops after a bounded number of problems and says so', () => {
    const records = Array.from({ length: 500 }, () => ({ id: 'x', name: 1, status: 'active' }))
    const result = parseOrukDocument(records)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1)
    expect(result.problems.at(-1)?.message).toBe(
      `The import stopped after ${String(MAX_PROBLEMS)} problems: correct these and try again`,
    )
  })
})

describe('the standard’s own examples', () => {
  const files = [
    sharedPath('standards', 'oruk-3.0', 'examples', 'service_full.json'),
    sharedPath('standards', 'oruk-3.0', 'examples', 'service_list.json'),
    sharedDataPath('feeds', 'oruk', 'hsds3-spec-examples', 'service_full.json'),
    sharedDataPath('feeds', 'oruk', 'hsds3-spec-examples', 'service_list.json'),
  ]
  it.each(files)('%s imports, to review where our model needs more', (file) => {
    const result = ok(parseOrukJson(readFileSync(file, 'utf8')))
    expect(result.directory.services.map((s) => [s.name, s.status])).toEqual([['Community Counselling', 'draft']])
    // No WTC service type in any example; the full records' only location is at latitude 100.
    expect(reasonsOf(result.directory)[0]).toContain(
      `service-type ${file.endsWith('list.json') ? '/contents/0' : ''}/attributes`,
    )
  })

  it('the UK profile’s service_full keeps its foreign term and reports each reason at its path', () => {
    const file = sharedPath('standards', 'oruk-3.0', 'examples', 'service_full.json')
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { attributes: unknown[] }
    const result = ok(parseOrukJson(readFileSync(file, 'utf8')))
    expect(reasonsOf(result.directory)[0]).toEqual([
      'contact /contacts/0',
      'service-type /attributes',
      'location /service_at_locations/0/location',
      'schedule /schedules/0',
    ])
    expect(result.directory.services[0]?.foreignTerms?.map((t) => t.attribute)).toEqual(raw.attributes)
  })
})

describe('feeds as publishers write them', () => {
  it('reads the Outpost Spring-paged feed: every record, with its repairs named by JSON path', () => {
    const result = ok(
      parseOrukJson(readFileSync(sharedDataPath('feeds', 'oruk', 'bucks-outpost_scout-x_services.json'), 'utf8')),
    )
    // The file is one Spring page: "size": 20 and 20 entries in "content" (of 2805 in all).
    expect(result.directory.services).toHaveLength(20)
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        '/content: a Spring-style page (content, totalElements) read as a page of services',
        '/content/0/organisation: read as organization',
        '/content/0/regular_schedules: read as schedules',
        '/content/0/locations: read as service_at_locations',
        '/content/0/taxonomies: read as attributes',
        '/content/0/status: missing: read as active',
      ]),
    )
    expect(
      result.warnings.some((w) => /^\/content\/0\/id: 1 is not a UUID: read as the stable id [0-9a-f-]{36}$/.test(w)),
    ).toBe(true)
    // Every Outpost record lacks a WTC service type: all wait for review, none is published.
    expect(result.directory.services.every((s) => s.review !== undefined && s.status === 'draft')).toBe(true)
    // Outpost's Monday 10:00-17:00 at St Joseph's became a weekly session there.
    const first = new DirectoryIndex(result.directory).record(result.directory.services[0]!.id)
    expect(first.places[0]?.location.postcode).toBe('HP21 7JF')
    expect(first.places[0]?.schedules.map((s) => [s.dayOfWeek, s.start, s.end])).toEqual([['monday', '10:00', '17:00']])
  })

  const legacy = () => ({
    id: 'svc-17',
    name: 'Example: Drop-in for women',
    description: 'Tea &amp; talk<br>Every week',
    status: 'active',
    last_modified: '2024-05-01T09:30:00',
    minimum_age: -1,
    maximum_age: '65',
    organization: { id: 'org-3', name: 'Example: Women’s Aid', description: 'A charity' },
    service_taxonomys: [{ id: 'st-1', taxonomy: { id: 'tx-9', name: 'Drop-in', vocabulary: 'Local services' } }],
    contacts: [{ name: 'Sam', phones: [{ number: '020 7946 0123' }] }],
    service_at_locations: [
      {
        id: 'sal-1',
        location: {
          id: 'loc-1',
          name: 'Hendon Hub',
          latitude: 51.588,
          longitude: -0.224,
          physical_addresses: [
            { address_1: '1 Example Road', city: 'London', state_province: '', postal_code: 'NW4 4BG', country: 'GB' },
          ],
          accessibility_for_disabilities: [{ accessibility: 'Step-free entrance' }],
        },
      },
    ],
    regular_schedules: [{ weekday: 3, opens_at: '10:00', closes_at: '12:00' }],
    holiday_schedules: [{ closed: true, start_date: '2024-12-25' }],
  })

  it('normalises an ORUK 1.x/2.x record with a bare array and a byte-order mark, listing each repair', () => {
    const result = ok(parseOrukJson(`\uFEFF${JSON.stringify([legacy()])}`))
    expect(result.shape).toBe('array')
    const [service] = result.directory.services
    expect(service?.description).toBe('Tea & talk\nEvery week')
    expect(service?.lastModified).toBe('2024-05-01T09:30:00.000Z')
    expect(service?.eligibility).toEqual({ womenOnly: false, maximumAge: 65 })
    expect(service?.contacts.map((c) => c.phone)).toEqual(['020 7946 0123'])
    expect(result.directory.schedules.map((s) => [s.dayOfWeek, s.start, s.end])).toEqual([
      ['wednesday', '10:00', '12:00'],
    ])
    expect(result.directory.locations.map((l) => [l.postcode, l.accessibility])).toEqual([
      ['NW4 4BG', ['Step-free entrance']],
    ])
    expect(service?.foreignTerms?.[0]?.attribute.taxonomy_term).toMatchObject({
      name: 'Drop-in',
      taxonomy: 'Local services',
    })
    expect(service?.origin).toEqual({ id: 'svc-17' })
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        '/: a byte-order mark at the start of the file was left out',
        '/0/last_modified: a date and time without a time zone: read as UTC',
        '/0/minimum_age: -1 read as no age limit',
        '/0/maximum_age: the text "65" read as a number',
        '/0/description: HTML read as plain text',
        '/0/service_taxonomys: read as attributes',
        '/0/regular_schedules: read as schedules',
        '/0/holiday_schedules: left out: the directory holds weekly sessions only',
        '/0/service_at_locations/0/location/physical_addresses: read as addresses of type physical',
        '/0/schedules/0/weekday: read as byday WE, every week',
      ]),
    )
    expect(result.warnings.some((w) => w.startsWith('/0/contacts/0/id: missing: given the stable id '))).toBe(true)
  })

  it('gives child objects without ids the same stable ids on every import', () => {
    const a = ok(parseOrukDocument(legacy())).directory
    const b = ok(parseOrukDocument(legacy())).directory
    expect(a.services[0]?.contacts[0]?.id).toBe(b.services[0]?.contacts[0]?.id)
    expect(a.schedules.map((s) => s.id)).toEqual(b.schedules.map((s) => s.id))
    expect(a.services[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('refuses, with its JSON path, what is still not the standard after repairs', () => {
    const broken = { ...legacy(), status: 'open', contacts: [{ id: 'c', phones: 'none' }] }
    const result = parseOrukDocument(broken)
    expect(!result.ok && result.problems.map(formatProblem)).toEqual([
      '/status: must be one of "active", "inactive", "defunct", "temporarily closed"',
      '/contacts/0/phones: must be an array',
    ])
  })

  it('turns HTML into plain text, decoding references and keeping paragraphs', () => {
    expect(htmlToText('<p>One &amp; two</p><ul><li>a</li><li>b &#8217;c&#x2019;</li></ul>')).toBe(
      'One & two\n- a\n- b ’c’',
    )
  })
})

describe('a record using every optional part we keep', () => {
  const serviceId = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d'
  const salA = '1a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d'
  const salB = '2a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d'
  const foreign = {
    id: '3a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
    link_id: serviceId,
    link_type: 'service',
    taxonomy_term_id: '4a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
    taxonomy_term: {
      id: '4a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
      name: 'Women’s services',
      description: 'Services for women',
      taxonomy: 'Example directory',
      term_uri: 'https://taxonomy.example.org/womens-services',
    },
    value: 'kept as written',
  }
  const directory: Directory = {
    organisations: [
      {
        id: '5a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
        name: 'Example: Women’s Network',
        description: 'A charity run by and for women.',
        url: 'https://network.example.org/',
        email: 'hello@network.example.org',
      },
    ],
    services: [
      {
        id: serviceId,
        organisationId: '5a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
        name: 'Example: Women’s recovery group',
        description: 'A weekly group for women.',
        status: 'published',
        serviceType: 'community-treatment',
        substances: ['alcohol', 'drugs'],
        features: ['women-only-service', 'by-and-for', 'children-welcome'],
        byAndForCommunity: 'South Asian women',
        internalNotes: '',
        url: 'https://network.example.org/group',
        email: 'group@network.example.org',
        contacts: [
          {
            id: '6a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
            name: 'Asha',
            title: 'Group worker',
            email: 'asha@network.example.org',
            phone: '020 7946 0123',
          },
        ],
        serviceAreas: [{ id: '7a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', name: 'Barnet', code: 'E09000003' }],
        eligibility: { womenOnly: true, minimumAge: 18, maximumAge: 99 },
        version: 1,
        lastModified: '2026-01-31T09:00:00.000Z',
        foreignTerms: [{ key: 'https://taxonomy.example.org/womens-services', attribute: foreign }],
      },
    ],
    locations: [
      {
        id: '8a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
        name: 'Hendon Hub',
        description: 'Ground floor.',
        addressLine1: '1 Example Road',
        addressLine2: 'Hendon',
        town: 'London',
        county: 'Greater London',
        postcode: 'NW4 4BG',
        latitude: 51.588,
        longitude: -0.224,
        accessibility: ['Step-free entrance', 'Hearing loop'],
      },
      {
        id: '9a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
        name: 'Finchley Centre',
        addressLine1: '2 Example Street',
        town: 'London',
        postcode: 'N3 1AA',
        latitude: 51.6,
        longitude: -0.19,
        accessibility: [],
      },
    ],
    serviceAtLocations: [
      { id: salA, serviceId, locationId: '8a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d' },
      { id: salB, serviceId, locationId: '9a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d' },
    ],
    schedules: [
      {
        id: 'aa1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
        serviceAtLocationId: salA,
        dayOfWeek: 'monday',
        start: '09:30',
        end: '12:00',
        womenOnly: true,
        mode: 'in_person',
        runBy: 'Asha',
        notes: 'Creche on site',
      },
      {
        id: 'ba1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
        serviceAtLocationId: salB,
        dayOfWeek: 'thursday',
        start: '18:00',
        end: '20:00',
        womenOnly: false,
        mode: 'both',
      },
    ],
  }
  const input = serviceToOruk(new DirectoryIndex(directory).record(serviceId))

  it('is a valid ORUK 3.0 service by the standard’s own schema, with our terms and the foreign one', () => {
    expect(standardValidators.service(input), errorsOf(standardValidators.service).join('\n')).toBe(true)
    expect(input.attributes.map((a) => a.taxonomy_term_id)).toEqual([
      termId('service-type', 'community-treatment'),
      substanceTerms.alcohol.id,
      substanceTerms.drugs.id,
      featureTerms['women-only-service'].id,
      featureTerms['by-and-for'].id,
      featureTerms['children-welcome'].id,
      foreign.taxonomy_term_id,
    ])
    expect(serviceTypeTerms['community-treatment'].id).toBe(input.attributes[0]?.taxonomy_term_id)
  })

  it('imports and exports again exactly, the foreign term unchanged', () => {
    const result = ok(parseOrukDocument(JSON.parse(JSON.stringify(input)) as unknown))
    expect(result.warnings).toEqual([])
    expect(result.directory.services[0]?.review).toBeUndefined()
    const again = serviceToOruk(new DirectoryIndex(result.directory).record(serviceId))
    expect(JSON.parse(JSON.stringify(again))).toEqual(JSON.parse(JSON.stringify(input)))
    expect(again.attributes.at(-1)).toEqual(foreign)
  })
})
