import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createPointIndex,
  distanceKm,
  EARTH_MEAN_RADIUS_KM,
  haversineKm,
  type IndexedPoint,
  isInUk,
  nearest,
  nearestBruteForce,
  nearestForAll,
  nearestForAllBruteForce,
} from './geo.js'

describe('haversine distance', () => {
  it('London to Paris is about 343.56 km', () => {
    // φ1 = 51.5074°, φ2 = 48.8566°, Δφ = -2.6508°, Δλ = 2.3522 - (-0.1278) = 2.48°.
    // sin(Δφ/2) = sin(-1.3254°) = -0.0231305, squared 0.00053502
    // cos φ1 = 0.6224136, cos φ2 = 0.6579459, product 0.4095137
    // sin(Δλ/2) = sin(1.24°) = 0.0216404, squared 0.00046831
    // a = 0.00053502 + 0.4095137 × 0.00046831 = 0.00053502 + 0.00019178 = 0.00072680
    // c = 2 asin(√a) = 2 asin(0.0269592) = 2 × 0.0269625 = 0.0539250 rad
    // d = 6371.0088 × 0.0539250 = 343.56 km
    expect(haversineKm(51.5074, -0.1278, 48.8566, 2.3522)).toBeCloseTo(343.56, 1)
    expect(distanceKm({ lat: 48.8566, lon: 2.3522 }, { lat: 51.5074, lon: -0.1278 })).toBeCloseTo(343.56, 1)
  })

  it('one degree along a meridian is 2πR/360 = 6371.0088 × π / 180 = 111.195 km, at any latitude', () => {
    // 6371.0088 × 0.01745329 = 111.19508
    expect(haversineKm(0, 0, 1, 0)).toBeCloseTo(111.19508, 4)
    expect(haversineKm(51, -0.2, 52, -0.2)).toBeCloseTo(111.19508, 4)
    expect(EARTH_MEAN_RADIUS_KM).toBe(6371.0088)
  })

  it('one degree of longitude at 60° N is about half a degree at the equator', () => {
    // a = cos²60° · sin²(0.5°) = 0.25 × 0.00872654² = 0.25 × 7.61524e-5 = 1.90381e-5
    // c = 2 asin(√a) = 2 asin(0.00436327) = 0.00872656; d = 6371.0088 × 0.00872656 = 55.597 km
    // (the parallel itself would be 111.195 × 0.5 = 55.598; the great circle is a touch shorter)
    expect(haversineKm(60, 0, 60, 1)).toBeCloseTo(55.597, 3)
  })

  it('antipodes are half the circumference apart, πR = 20015.114 km', () => {
    expect(haversineKm(0, 0, 0, 180)).toBeCloseTo(Math.PI * 6371.0088, 6)
    expect(haversineKm(0, 0, 0, 180)).toBeCloseTo(20015.114, 3)
  })

  it('is zero from a point to itself and the same both ways', () => {
    expect(haversineKm(51.59, -0.25, 51.59, -0.25)).toBe(0)
    expect(haversineKm(51, 0, 52, 1)).toBe(haversineKm(52, 1, 51, 0))
  })
})

describe('UK bounds check', () => {
  it.each([
    ['London', 51.5074, -0.1278, true],
    ['Lerwick, Shetland', 60.155, -1.145, true],
    ['Belfast', 54.597, -5.93, true],
    ['St Mary’s, Isles of Scilly', 49.914, -6.31, true],
    ['Lowestoft', 52.48, 1.75, true],
    ['Douglas, Isle of Man', 54.15, -4.48, true],
    ['Paris', 48.8566, 2.3522, false],
    ['St Helier, Jersey (a Crown Dependency, not the UK)', 49.186, -2.107, false],
    ['Amsterdam', 52.37, 4.9, false],
    ['Reykjavik', 64.15, -21.94, false],
    ['swapped latitude and longitude of London', -0.1278, 51.5074, false],
    ['0, 0', 0, 0, false],
    ['not a number', Number.NaN, 0, false],
  ])('%s: %s, %s is inside: %s', (_name, lat, lon, expected) => {
    expect(isInUk(lat, lon)).toBe(expected)
  })

  it('is a box, not a coastline: the edges count as inside', () => {
    expect(isInUk(49.8, -8.7)).toBe(true)
    expect(isInUk(60.9, 1.8)).toBe(true)
    expect(isInUk(60.91, 0)).toBe(false)
  })
})

describe('nearest with the index', () => {
  // Points along the Greenwich meridian, 0.01° (1.11195 km) apart, and one off to the east.
  const points: IndexedPoint<string>[] = [
    { id: 'a', lat: 51.0, lon: 0 },
    { id: 'b', lat: 51.01, lon: 0 },
    { id: 'c', lat: 51.02, lon: 0 },
    { id: 'd', lat: 51.0, lon: 1 },
  ]
  const index = createPointIndex(points)

  it('returns the nearest first with their distances', () => {
    const found = nearest(index, 51.0, 0, { maxResults: 3 })
    expect(found.map((n) => n.id)).toEqual(['a', 'b', 'c'])
    // 0, 0.01° and 0.02° of meridian: 0, 1.11195 and 2.22390 km
    expect(found[0]?.distanceKm).toBe(0)
    expect(found[1]?.distanceKm).toBeCloseTo(1.11195, 5)
    expect(found[2]?.distanceKm).toBeCloseTo(2.2239, 4)
  })

  it('stops at maxDistanceKm, inclusive', () => {
    expect(nearest(index, 51.0, 0, { maxDistanceKm: 1.112 }).map((n) => n.id)).toEqual(['a', 'b'])
    expect(nearest(index, 51.0, 0, { maxDistanceKm: 1.1119 }).map((n) => n.id)).toEqual(['a'])
  })

  it('skips points the filter refuses', () => {
    expect(nearest(index, 51.0, 0, { maxResults: 1, filter: (id) => id !== 'a' }).map((n) => n.id)).toEqual(['b'])
    expect(nearestForAll(index, [{ id: 'q', lat: 51.0, lon: 0 }], { filter: (id) => id === 'd' })[0]?.nearest?.id).toBe(
      'd',
    )
  })

  it('finds nothing in an empty index', () => {
    const empty = createPointIndex<string>([])
    expect(empty.size).toBe(0)
    expect(nearest(empty, 51, 0)).toEqual([])
    expect(nearestForAll(empty, [{ id: 'q', lat: 51, lon: 0 }])).toEqual([{ id: 'q', nearest: null }])
  })

  it('gives null in bulk when nothing is within maxDistanceKm', () => {
    expect(nearestForAll(index, [{ id: 'q', lat: 52, lon: 0 }], { maxDistanceKm: 50 })).toEqual([
      { id: 'q', nearest: null },
    ])
  })

  it('refuses points and queries with impossible coordinates', () => {
    expect(() => createPointIndex([{ id: 'x', lat: 91, lon: 0 }])).toThrow(RangeError)
    expect(() => createPointIndex([{ id: 'x', lat: Number.NaN, lon: 0 }])).toThrow(RangeError)
    expect(() => nearest(index, 0, 181)).toThrow(RangeError)
    expect(() => nearestForAll(index, [{ id: 'q', lat: Number.NaN, lon: 0 }])).toThrow(RangeError)
  })
})

// Random points: mostly around England, sometimes anywhere on Earth (to exercise the poles and the
// 180° meridian), with repeats to force ties.
const ukPoint = fc.record({
  lat: fc.double({ min: 49.9, max: 55.8, noNaN: true }),
  lon: fc.double({ min: -6.4, max: 1.8, noNaN: true }),
})
const worldPoint = fc.record({
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
})
// Near the awkward places: the poles and the 180° meridian, where longitudes wrap.
const wrap = (lon: number) => (lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon)
const awkwardPoint = fc
  .record({
    centre: fc.constantFrom({ lat: 0, lon: 180 }, { lat: 65, lon: -180 }, { lat: 89, lon: 0 }, { lat: -88, lon: 90 }),
    dLat: fc.double({ min: -3, max: 3, noNaN: true }),
    dLon: fc.double({ min: -20, max: 20, noNaN: true }),
  })
  .map(({ centre, dLat, dLon }) => ({
    lat: Math.max(-90, Math.min(90, centre.lat + dLat)),
    lon: wrap(centre.lon + dLon),
  }))
const anyPoint = fc.oneof(
  { arbitrary: ukPoint, weight: 4 },
  { arbitrary: worldPoint, weight: 1 },
  { arbitrary: awkwardPoint, weight: 2 },
)
const pointSet = fc
  .array(anyPoint, { minLength: 1, maxLength: 300 })
  .chain((ps) =>
    fc
      .array(fc.nat({ max: ps.length - 1 }), { maxLength: 10 })
      .map((repeats) => [...ps, ...repeats.map((i) => ps[i] ?? { lat: 0, lon: 0 })]),
  )
  .map((ps) => ps.map((p, i) => ({ id: i, lat: p.lat, lon: p.lon })))

/** The index and the oracle agree when they give the same distances, in order, and every id has its distance. */
function expectSameAnswer(
  points: IndexedPoint<number>[],
  query: { lat: number; lon: number },
  got: { id: number; distanceKm: number }[],
  want: { id: number; distanceKm: number }[],
): void {
  expect(got.length).toBe(want.length)
  got.forEach((n, i) => {
    expect(n.distanceKm).toBeCloseTo(want[i]?.distanceKm ?? Number.NaN, 9)
    const p = points[n.id]
    expect(p).toBeDefined()
    if (p) expect(n.distanceKm).toBeCloseTo(haversineKm(query.lat, query.lon, p.lat, p.lon), 9)
  })
}

describe('the bulk search where longitudes wrap and near the poles', () => {
  // A grid straddling the 180° meridian (lon 170 .. 179.9 and -180 .. -170.1) and one around the
  // North Pole; a small leaf size makes the tree deep, so many boxes end at ±180°.
  const grid: IndexedPoint<number>[] = []
  for (let i = 0; i < 200; i++) {
    const lon = 170 + (i % 100) * 0.2
    grid.push({ id: i, lat: Math.floor(i / 100) * 0.5, lon: lon > 180 ? lon - 360 : lon })
  }
  for (let i = 0; i < 72; i++) grid.push({ id: 200 + i, lat: 88 + (i % 3) * 0.5, lon: -180 + i * 5 })
  const queries = [
    { id: 'east of 180', lat: 0.2, lon: 179.95 },
    { id: 'west of 180', lat: 0.3, lon: -179.95 },
    { id: 'on 180', lat: 0.1, lon: 180 },
    { id: 'on -180', lat: 0.1, lon: -180 },
    { id: 'far east', lat: -5, lon: 168 },
    { id: 'pole', lat: 90, lon: 0 },
    { id: 'near pole, far side', lat: 89.9, lon: 177.5 },
    { id: 'between', lat: 45, lon: -175 },
  ]

  it.each([2, 4, 16])('gives the brute-force distances with leaves of %i', (nodeSize) => {
    const got = nearestForAll(createPointIndex(grid, nodeSize), queries)
    const want = nearestForAllBruteForce(grid, queries)
    expect(got.map((g) => g.nearest?.distanceKm.toFixed(9))).toEqual(want.map((w) => w.nearest?.distanceKm.toFixed(9)))
  })

  it('finds the point across the 180° meridian', () => {
    // The grid's points on the equator nearest (0, -179.95) are (0, 180), across the meridian,
    // 0.05° of equator away = 0.05 × 111.19508 = 5.560 km, and (0, -179.8), 0.15° away.
    const [west] = nearestForAll(createPointIndex(grid, 2), [{ id: 'q', lat: 0, lon: -179.95 }])
    expect(west?.nearest?.distanceKm).toBeCloseTo(0.05 * 111.19508, 6)
    expect(grid[west?.nearest?.id ?? -1]?.lon).toBe(180)
  })
})

describe('the index gives the same answers as brute force (fast-check)', () => {
  it('k nearest, with and without a filter and a distance limit', () => {
    fc.assert(
      fc.property(
        pointSet,
        anyPoint,
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.double({ min: 0, max: 800, noNaN: true }), { nil: undefined }),
        fc.boolean(),
        (points, query, k, maxDistanceKm, filtered) => {
          const filter = filtered ? (id: number) => id % 3 !== 0 : undefined
          const options = { maxResults: k, ...(maxDistanceKm === undefined ? {} : { maxDistanceKm }), filter }
          const index = createPointIndex(points)
          expectSameAnswer(
            points,
            query,
            nearest(index, query.lat, query.lon, options),
            nearestBruteForce(points, query.lat, query.lon, options),
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('one nearest for many queries in bulk', () => {
    fc.assert(
      fc.property(
        pointSet,
        fc.array(anyPoint, { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        fc.option(fc.double({ min: 0, max: 300, noNaN: true }), { nil: undefined }),
        fc.integer({ min: 2, max: 64 }),
        (points, queryPoints, filtered, maxDistanceKm, nodeSize) => {
          const queries = queryPoints.map((q, i) => ({ id: `q${i}`, lat: q.lat, lon: q.lon }))
          const options = {
            ...(filtered ? { filter: (id: number) => id % 2 === 0 } : {}),
            ...(maxDistanceKm === undefined ? {} : { maxDistanceKm }),
          }
          const got = nearestForAll(createPointIndex(points, nodeSize), queries, options)
          const want = nearestForAllBruteForce(points, queries, options)
          got.forEach((g, i) => {
            const w = want[i]
            expect(g.id).toBe(w?.id)
            expectSameAnswer(
              points,
              queries[i] ?? { lat: 0, lon: 0 },
              g.nearest ? [g.nearest] : [],
              w?.nearest ? [w.nearest] : [],
            )
          })
        },
      ),
      { numRuns: 500 },
    )
  })

  it('brute force k nearest is sorted and agrees with the bulk baseline on the first', () => {
    fc.assert(
      fc.property(pointSet, anyPoint, (points, query) => {
        const all = nearestBruteForce(points, query.lat, query.lon)
        expect(all.length).toBe(points.length)
        for (let i = 1; i < all.length; i++) {
          expect(all[i]?.distanceKm).toBeGreaterThanOrEqual(all[i - 1]?.distanceKm ?? 0)
        }
        const one = nearestForAllBruteForce(points, [{ id: 'q', ...query }])[0]?.nearest
        expect(one?.distanceKm).toBeCloseTo(all[0]?.distanceKm ?? Number.NaN, 9)
      }),
      { numRuns: 100 },
    )
  })
})
