import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  buildDemoDirectory,
  demoDirectory,
  demoDistrictCentroids,
  type DemoDistrict,
} from '../../src/demo/directory-data.js'
import { directorySchema, DirectoryIndex, toMinutes } from '../../src/features/directory/model.js'
import { serviceTypeCodes } from '../../src/lib/taxonomy.js'
import { sharedDataPath } from '../support/shared.js'

const shared = (...parts: string[]) => sharedDataPath('geo', ...parts)

/** Postcode district centroids read straight from the published CSV (Postcode, Latitude, Longitude first). */
function districtCentroids(): Map<string, [number, number]> {
  const lines = readFileSync(shared('postcode-districts.csv'), 'utf8').split('\n').slice(1)
  const map = new Map<string, [number, number]>()
  for (const line of lines) {
    const [code, lat, lon] = line.split(',')
    if (code && lat && lon) map.set(code, [Number(lat), Number(lon)])
  }
  return map
}

/** Haversine distance in metres (R = 6,371,008.8 m). */
function metres(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180
  const dLat = (b[0] - a[0]) * rad
  const dLon = (b[1] - a[1]) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h))
}

/** Ray casting point-in-polygon on Barnet's dissolved outline (one ring, lon/lat). */
function inBarnet(lat: number, lon: number): boolean {
  const outline = JSON.parse(readFileSync(shared('barnet-outline.geojson'), 'utf8')) as {
    features: { geometry: { type: string; coordinates: number[][][] } }[]
  }
  const ring = outline.features[0]!.geometry.coordinates[0]!
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

const d = demoDirectory()
const published = d.services.filter((s) => s.status === 'published')

describe('the demo directory', () => {
  it('is a valid directory of about 40 published services and a few drafts', () => {
    expect(directorySchema.safeParse(d).success).toBe(true)
    expect(published.length).toBeGreaterThanOrEqual(38)
    expect(published.length).toBeLessThanOrEqual(48)
    expect(d.services.filter((s) => s.status === 'draft').length).toBeGreaterThanOrEqual(1)
  })

  it('has every service type', () => {
    const types = new Set(published.map((s) => s.serviceType))
    for (const code of serviceTypeCodes) expect(types.has(code), code).toBe(true)
  })

  it('marks every name, description and contact as example data', () => {
    for (const o of d.organisations) {
      expect(o.name).toMatch(/^Example: /)
      expect(o.description).toMatch(/^Example: /)
      expect(o.email).toMatch(/\.example\.org$/)
      expect(o.url).toMatch(/^https:\/\/example\.org\//)
    }
    for (const l of d.locations) expect(l.name).toMatch(/^Example: /)
    for (const s of d.services) {
      expect(s.name).toMatch(/^Example: /)
      expect(s.description).toMatch(/^Example: /)
      expect(s.email).toMatch(/@example\.org$/)
      for (const c of s.contacts) {
        expect(c.title).toMatch(/^Example: /)
        expect(c.email).toMatch(/@example\.org$/)
        // Ofcom's drama range for London: 020 7946 0000 to 020 7946 0999.
        expect(c.phone).toMatch(/^020 7946 0\d{3}$/)
      }
    }
  })

  it('uses centroids copied correctly from postcode-districts.csv', () => {
    const csv = districtCentroids()
    for (const [district, [lat, lon]] of Object.entries(demoDistrictCentroids)) {
      expect(csv.get(district), district).toEqual([lat, lon])
    }
  })

  it('puts every location within 800 m of its postcode district’s centroid', () => {
    // Jitter is at most 0.005 degrees each way: 0.005 * 111.2 km = 556 m north-south and
    // 0.005 * 111.2 * cos(51.7 degrees) = 345 m east-west, so at most sqrt(556² + 345²) = 654 m.
    const csv = districtCentroids()
    for (const l of d.locations) {
      const district = l.postcode.split(' ')[0] as DemoDistrict
      const centroid = csv.get(district)
      expect(centroid, l.postcode).toBeDefined()
      expect(metres(centroid!, [l.latitude, l.longitude]), l.name).toBeLessThan(800)
    }
  })

  it('keeps every location inside Barnet except residential rehab and inpatient detox', () => {
    const index = new DirectoryIndex(d)
    const outside = new Set<string>()
    for (const s of d.services) {
      for (const place of index.record(s.id).places) {
        if (!inBarnet(place.location.latitude, place.location.longitude)) outside.add(s.serviceType)
      }
    }
    expect([...outside].sort()).toEqual(['inpatient-detox', 'residential-rehab'])
  })

  it('has women-only sessions, and deliberately none on a weekend evening or in person after 18:00', () => {
    const index = new DirectoryIndex(d)
    const womenOnly = published.flatMap((s) =>
      index.record(s.id).places.flatMap((p) => p.schedules.filter((x) => x.womenOnly)),
    )
    expect(womenOnly.length).toBeGreaterThanOrEqual(20)
    const evening = (end: string) => toMinutes(end) > 18 * 60
    expect(womenOnly.filter((x) => (x.dayOfWeek === 'saturday' || x.dayOfWeek === 'sunday') && evening(x.end))).toEqual(
      [],
    )
    expect(womenOnly.filter((x) => x.mode !== 'online' && evening(x.end))).toEqual([])
    // There is one women-only evening session, online on Wednesday, and a Saturday morning one.
    expect(womenOnly.filter((x) => evening(x.end)).map((x) => [x.dayOfWeek, x.mode])).toEqual([['wednesday', 'online']])
    expect(womenOnly.some((x) => x.dayOfWeek === 'saturday')).toBe(true)
  })

  it('gives every women-only service the women-only feature and some by-and-for services a community', () => {
    for (const s of d.services) expect(s.features.includes('women-only-service')).toBe(s.eligibility.womenOnly)
    expect(published.filter((s) => s.byAndForCommunity !== undefined).map((s) => s.byAndForCommunity)).toEqual([
      'South Asian women',
      'LGBTQ+ people',
    ])
  })

  it('is the same every time it is built (stable ids)', () => {
    expect(JSON.stringify(buildDemoDirectory())).toBe(JSON.stringify(d))
  })
})
