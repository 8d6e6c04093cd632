import { describe, expect, it } from 'vitest'
import { createPointIndex } from './geo.js'
import { distancesToNearest, parseLsoaCentroidsCsv, summariseDistances } from './lsoa.js'

const header =
  'LSOA21CD,LSOA21NM,LADCD,UTLACD,RGNCD,lat,lon,centroid_method,area_centroid_lat,area_centroid_lon,usual_residents_all,usual_residents_female'

describe('LSOA centroids file', () => {
  const csv = [
    header,
    'E01000001,City of London 001A,E09000001,E09000001,E12000007,51.519643,-0.096276,ons_pwc_2011_same_code,51.518007,-0.096773,1475,686',
    'E01000115,"Barnet 009A, with a comma",E09000003,E09000003,E12000007,51.6355,-0.1405,area_centroid,51.6355,-0.1405,1700,880',
  ].join('\n')

  it('reads every row, quoted names included', () => {
    const rows = parseLsoaCentroidsCsv(csv)
    expect(rows).toHaveLength(2)
    expect(rows[1]).toEqual({
      code: 'E01000115',
      name: 'Barnet 009A, with a comma',
      ladCode: 'E09000003',
      utlaCode: 'E09000003',
      regionCode: 'E12000007',
      lat: 51.6355,
      lon: -0.1405,
      centroidMethod: 'area_centroid',
      residents: 1700,
      femaleResidents: 880,
    })
  })

  it('keeps one upper-tier council when asked', () => {
    expect(parseLsoaCentroidsCsv(csv, { utlaCode: 'E09000003' }).map((r) => r.code)).toEqual(['E01000115'])
  })

  it('refuses a row whose female residents are not a whole number', () => {
    const bad = `${header}\nE01000001,A,E1,E1,E1,51.5,-0.1,x,51.5,-0.1,100,4.5`
    expect(() => parseLsoaCentroidsCsv(bad)).toThrow(/usual_residents_female/)
  })
})

describe('distance to the nearest service, weighted by female residents', () => {
  // Everything on the Greenwich meridian, so each distance is Δlat° × 111.19508 km.
  // Services: S1 at 51.00, S2 at 51.06.
  // LSOA A at 51.00 (600 women): nearest S1, 0 km
  // LSOA B at 51.01 (300 women): S1 is 0.01° = 1.11195 km, S2 is 0.05°; nearest S1, 1.11195 km
  // LSOA C at 51.04 (100 women): S1 is 0.04° = 4.44780 km, S2 is 0.02° = 2.22390 km; nearest S2
  const services = createPointIndex([
    { id: 'S1', lat: 51.0, lon: 0 },
    { id: 'S2', lat: 51.06, lon: 0 },
  ])
  const lsoas = [
    { code: 'A', name: 'Area A', lat: 51.0, lon: 0, femaleResidents: 600 },
    { code: 'B', name: 'Area B', lat: 51.01, lon: 0, femaleResidents: 300 },
    { code: 'C', name: 'Area C', lat: 51.04, lon: 0, femaleResidents: 100 },
  ]
  const distances = distancesToNearest(lsoas, services)

  it('finds each LSOA’s nearest service', () => {
    expect(distances.map((d) => d.nearestId)).toEqual(['S1', 'S1', 'S2'])
    expect(distances[0]?.distanceKm).toBe(0)
    expect(distances[1]?.distanceKm).toBeCloseTo(1.11195, 5)
    expect(distances[2]?.distanceKm).toBeCloseTo(2.2239, 4)
  })

  it('counts the women beyond 2 km: C only, 100 of 1,000 = 10%', () => {
    const s = summariseDistances(distances, 2)
    expect(s).toMatchObject({ lsoas: 3, lsoasBeyond: 1, femaleResidents: 1000, femaleResidentsBeyond: 100 })
    expect(s.femaleShareBeyond).toBeCloseTo(0.1, 12)
    // Weighted mean: (600 × 0 + 300 × 1.11195 + 100 × 2.22390) / 1000 = (333.585 + 222.390) / 1000 = 0.555975
    expect(s.femaleWeightedMeanKm).toBeCloseTo(0.555975, 5)
  })

  it('counts the women beyond 1 km: B and C, 400 of 1,000 = 40%', () => {
    const s = summariseDistances(distances, 1)
    expect(s.lsoasBeyond).toBe(2)
    expect(s.femaleResidentsBeyond).toBe(400)
    expect(s.femaleShareBeyond).toBeCloseTo(0.4, 12)
  })

  it('treats an LSOA exactly at the threshold as within it', () => {
    const atB = distances[1]?.distanceKm ?? Number.NaN
    expect(summariseDistances(distances, atB).femaleResidentsBeyond).toBe(100) // only C (2.22 km)
  })

  it('uses only the services the filter lets through', () => {
    // Without S2, C's nearest is S1 at 0.04° = 4.44780 km, and it is still the only one beyond 2 km;
    // the weighted mean becomes (333.585 + 444.780) / 1000 = 0.778365 km.
    const onlyS1 = distancesToNearest(lsoas, services, { filter: (id) => id === 'S1' })
    expect(onlyS1[2]).toMatchObject({ nearestId: 'S1' })
    expect(onlyS1[2]?.distanceKm).toBeCloseTo(4.4478, 4)
    expect(summariseDistances(onlyS1, 2).femaleWeightedMeanKm).toBeCloseTo(0.778365, 5)
  })

  it('counts every woman as beyond when there is no service at all', () => {
    const none = distancesToNearest(lsoas, createPointIndex<string>([]))
    expect(none.every((d) => d.nearestId === null && d.distanceKm === null)).toBe(true)
    const s = summariseDistances(none, 5)
    expect(s).toMatchObject({ lsoasBeyond: 3, femaleResidentsBeyond: 1000, femaleShareBeyond: 1 })
    expect(s.femaleWeightedMeanKm).toBeNull()
  })

  it('has no share when there are no women in the areas', () => {
    expect(summariseDistances([], 2)).toMatchObject({ lsoas: 0, femaleShareBeyond: null, femaleWeightedMeanKm: null })
  })

  it('refuses a negative or missing threshold', () => {
    expect(() => summariseDistances(distances, -1)).toThrow(RangeError)
    expect(() => summariseDistances(distances, Number.NaN)).toThrow(RangeError)
  })
})
