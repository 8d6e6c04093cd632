/**
 * Geography for the service map (pure): great-circle distance, a UK bounds check and a
 * nearest-neighbour index over points.
 *
 * Distances are haversine distances on a sphere of radius 6371.0088 km, the mean Earth radius
 * R1 = (2a + b) / 3 of the WGS84 ellipsoid (IUGG). On the ellipsoid, true distances differ from
 * these by at most about 0.5%, far less than the precision of an LSOA centroid or a postcode
 * district; for "how far is the nearest service" this is the right trade.
 *
 * The index is kdbush (a static k-d tree). `nearest` searches it with geokdbush (great-circle
 * k-nearest with a priority queue); geokdbush uses a radius of 6371 km internally, but it only
 * orders by the haversine term, which does not depend on the radius, so the order is the same as
 * ours, and we convert `maxDistanceKm` to its radius before asking. `nearestForAll` (one nearest
 * for many queries, e.g. every LSOA) walks the same tree with its own depth-first search, about 5x
 * faster than calling geokdbush per query (bench/nearest.ts). Distances returned are always ours,
 * from haversineKm, so they equal the brute-force ones exactly.
 */
import KDBush from 'kdbush'
import { around } from 'geokdbush'

/** Mean Earth radius R1 of the WGS84 ellipsoid, in kilometres. */
export const EARTH_MEAN_RADIUS_KM = 6371.0088

/** The radius geokdbush uses for its `maxDistance` argument. */
const GEOKDBUSH_RADIUS_KM = 6371

const RAD = Math.PI / 180

export interface LatLon {
  lat: number
  lon: number
}

/**
 * A box around the United Kingdom (Great Britain, Northern Ireland and the Isle of Man, with the
 * Isles of Scilly, St Kilda and Shetland), with a small margin: south 49.8 (Scilly is at 49.86),
 * north 60.9 (Muckle Flugga, Shetland, is at 60.86), west -8.7 (St Kilda is at -8.6; County
 * Fermanagh at -8.18), east 1.8 (Lowestoft Ness is at 1.76). The Channel Islands (about 49.2 N) are
 * Crown Dependencies, not part of the UK, and fall outside. The box is a sanity check for typed-in
 * or imported coordinates, not a coastline: a point in the North Sea or in Ireland near the border
 * passes.
 */
export const UK_BOUNDS = { minLat: 49.8, maxLat: 60.9, minLon: -8.7, maxLon: 1.8 } as const

/** True when the coordinates are finite numbers inside UK_BOUNDS (edges included). */
export function isInUk(lat: number, lon: number): boolean {
  return (
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    lat >= UK_BOUNDS.minLat &&
    lat <= UK_BOUNDS.maxLat &&
    lon >= UK_BOUNDS.minLon &&
    lon <= UK_BOUNDS.maxLon
  )
}

/** sin²(θ/2), the haversine of θ (radians). */
function hav(theta: number): number {
  const s = Math.sin(theta / 2)
  return s * s
}

/**
 * The haversine term h = hav(Δφ) + cos φ1 · cos φ2 · hav(Δλ), computed the way geokdbush computes
 * it so that both order points identically; distance = 2R · asin(√h).
 */
function haversineTerm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * hav((lon1 - lon2) * RAD) + hav((lat1 - lat2) * RAD)
}

function termToKm(h: number): number {
  return 2 * EARTH_MEAN_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h)))
}

/** Great-circle (haversine) distance in kilometres between two points given in degrees. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return termToKm(haversineTerm(lat1, lon1, lat2, lon2))
}

/** The same as haversineKm for two {lat, lon} objects. */
export function distanceKm(a: LatLon, b: LatLon): number {
  return haversineKm(a.lat, a.lon, b.lat, b.lon)
}

export interface IndexedPoint<Id> {
  id: Id
  lat: number
  lon: number
}

export interface Neighbour<Id> {
  id: Id
  distanceKm: number
}

export interface NearestOptions<Id> {
  /** How many to return at most (default: all that pass the other options). */
  maxResults?: number
  /** Only points at most this far (km, inclusive). */
  maxDistanceKm?: number
  /** Only points whose id passes. */
  filter?: (id: Id) => boolean
}

/** A static index: build once with createPointIndex, query many times. */
export interface PointIndex<Id> {
  readonly size: number
  readonly points: readonly IndexedPoint<Id>[]
  /** @internal the k-d tree; item i is points[i]. */
  readonly tree: KDBush
}

/**
 * Builds the index. Points must have finite coordinates (latitude -90..90, longitude -180..180);
 * anything else is a programming error and throws a RangeError naming the point.
 * `nodeSize` is the k-d tree leaf size; for one-nearest queries over 5,000 points, sizes from 8 to
 * 64 measured within noise of each other (bench/nearest.ts), and 16 is a middle choice.
 */
export function createPointIndex<Id>(points: readonly IndexedPoint<Id>[], nodeSize = 16): PointIndex<Id> {
  const copy = points.map((p) => ({ id: p.id, lat: p.lat, lon: p.lon }))
  const tree = new KDBush(copy.length, nodeSize)
  for (const p of copy) {
    if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon) || Math.abs(p.lat) > 90 || Math.abs(p.lon) > 180) {
      throw new RangeError(`Point ${String(p.id)} has invalid coordinates (${p.lat}, ${p.lon})`)
    }
    tree.add(p.lon, p.lat)
  }
  tree.finish()
  return { size: copy.length, points: copy, tree }
}

function checkQuery(lat: number, lon: number): void {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw new RangeError(`Invalid query coordinates (${lat}, ${lon})`)
  }
}

/**
 * The points nearest to (lat, lon), closest first, with their distances. Points at exactly the same
 * distance come in the index's own order (deterministic for the same index).
 */
export function nearest<Id>(
  index: PointIndex<Id>,
  lat: number,
  lon: number,
  options: NearestOptions<Id> = {},
): Neighbour<Id>[] {
  checkQuery(lat, lon)
  const maxResults = options.maxResults ?? Infinity
  if (index.size === 0 || maxResults <= 0) return []
  const { points } = index
  const filter = options.filter
  const predicate = filter
    ? (i: number) => {
        const p = points[i]
        return p !== undefined && filter(p.id)
      }
    : undefined
  const maxKm = options.maxDistanceKm
  // geokdbush's maxDistance, in its own radius, so that hav(d/6371) = hav(maxKm/R); a hair of slack
  // for rounding, then our own exact check below.
  const maxForLibrary = maxKm === undefined ? undefined : (maxKm * GEOKDBUSH_RADIUS_KM) / EARTH_MEAN_RADIUS_KM + 1e-9
  const ids = around(index.tree, lon, lat, maxResults, maxForLibrary, predicate)
  const result: Neighbour<Id>[] = []
  for (const i of ids) {
    const p = points[i]
    if (p === undefined) continue
    const d = haversineKm(lat, lon, p.lat, p.lon)
    if (maxKm !== undefined && d > maxKm) continue
    result.push({ id: p.id, distanceKm: d })
  }
  return result
}

export interface BulkQuery<QueryId> {
  id: QueryId
  lat: number
  lon: number
}

export interface BulkNearest<QueryId, Id> {
  id: QueryId
  /** The nearest point, or null when none passes the options (empty index, filter, maxDistanceKm). */
  nearest: Neighbour<Id> | null
}

/**
 * The haversine term from the query's unit vector (qx, qy, qz) to tree slot k's: c²/4, c the chord.
 * (A plain function: a closure made afresh for each query cost 40% of the bulk search.)
 */
function termAt(xyz: Float64Array, k: number, qx: number, qy: number, qz: number): number {
  const dx = (xyz[3 * k] ?? 0) - qx
  const dy = (xyz[3 * k + 1] ?? 0) - qy
  const dz = (xyz[3 * k + 2] ?? 0) - qz
  return (dx * dx + dy * dy + dz * dz) / 4
}

/**
 * The one nearest point for each query, e.g. the nearest service for every LSOA.
 *
 * This does not call geokdbush once per query (a few µs each, mostly allocation): it walks the
 * same kdbush tree depth-first, nearer half first, skipping a half whose lower bound (boxTerm) is
 * worse than the best so far, and starts each query with the previous query's answer as the best
 * so far, so queries that come in a sensible order (LSOAs in code order do) prune almost
 * everything. Points are compared by the squared chord between unit vectors, c² = 4h, which needs
 * no trigonometry. With a filter, it first builds a tree of just the points that pass. Same answers
 * as nearestForAllBruteForce (ties aside: any of the equally near points may come back); see
 * geo.test.ts.
 */
export function nearestForAll<QueryId, Id>(
  index: PointIndex<Id>,
  queries: readonly BulkQuery<QueryId>[],
  options: Omit<NearestOptions<Id>, 'maxResults'> = {},
): BulkNearest<QueryId, Id>[] {
  const { points, tree } = index
  const { filter, maxDistanceKm } = options
  if (filter) {
    // A tree of only the points that pass (about 1 ms for 5,000 points) prunes far better than
    // skipping refused points inside the full tree, whose boxes do not know about the filter.
    const kept = points.filter((p) => filter(p.id))
    return nearestForAll(
      createPointIndex(kept, tree.nodeSize),
      queries,
      maxDistanceKm === undefined ? {} : { maxDistanceKm },
    )
  }
  const ids = tree.ids
  const coords = tree.coords
  const nodeSize = tree.nodeSize
  const slots = ids.length
  // Per tree slot: unit vector, and cos(latitude) for the box bounds.
  const xyz = new Float64Array(3 * slots)
  const cosAt = new Float64Array(slots)
  for (let k = 0; k < slots; k++) {
    const phi = (coords[2 * k + 1] ?? 0) * RAD
    const lambda = (coords[2 * k] ?? 0) * RAD
    cosAt[k] = Math.cos(phi)
    xyz[3 * k] = Math.cos(phi) * Math.cos(lambda)
    xyz[3 * k + 1] = Math.cos(phi) * Math.sin(lambda)
    xyz[3 * k + 2] = Math.sin(phi)
  }
  // The root box: the points' own bounds (not the whole globe, whose polar edges, cos 90° = 0,
  // would make the longitude part of every box's bound vanish).
  let rootMinLon = Infinity
  let rootMinLat = Infinity
  let rootMaxLon = -Infinity
  let rootMaxLat = -Infinity
  for (const p of points) {
    rootMinLon = Math.min(rootMinLon, p.lon)
    rootMinLat = Math.min(rootMinLat, p.lat)
    rootMaxLon = Math.max(rootMaxLon, p.lon)
    rootMaxLat = Math.max(rootMaxLat, p.lat)
  }
  const rootCosMin = Math.cos(rootMinLat * RAD)
  const rootCosMax = Math.cos(rootMaxLat * RAD)
  // Upper bound on the haversine term: from maxDistanceKm (inclusive, with a hair of slack for
  // rounding; the exact check is at the end), or anything on the sphere.
  const limit =
    maxDistanceKm === undefined ? Infinity : hav(Math.min(Math.PI, maxDistanceKm / EARTH_MEAN_RADIUS_KM)) * (1 + 1e-12)

  // Explicit stack of boxes still to search, 9 numbers each: left, right, axis, minLon, minLat, maxLon,
  // maxLat, cos(minLat), cos(maxLat). The tree is at most ~log2(n) deep and the stack holds one
  // pending sibling per level plus two.
  const STRIDE = 9
  const stack = new Float64Array(STRIDE * 96)
  const results: BulkNearest<QueryId, Id>[] = []
  let previous = -1 // the last answer (a tree slot), to start the next search with

  for (const q of queries) {
    checkQuery(q.lat, q.lon)
    if (slots === 0) {
      results.push({ id: q.id, nearest: null })
      continue
    }
    const lat = q.lat
    const lon = q.lon
    const phi = lat * RAD
    const lambda = lon * RAD
    const cosLat = Math.cos(phi)
    const qx = cosLat * Math.cos(lambda)
    const qy = cosLat * Math.sin(lambda)
    const qz = Math.sin(phi)
    let best = -1 // a tree slot
    let bestTerm = limit
    if (previous >= 0) {
      const term = termAt(xyz, previous, qx, qy, qz)
      if (term <= bestTerm) {
        best = previous
        bestTerm = term
      }
    }

    stack[0] = 0
    stack[1] = slots - 1
    stack[2] = 0
    stack[3] = rootMinLon
    stack[4] = rootMinLat
    stack[5] = rootMaxLon
    stack[6] = rootMaxLat
    stack[7] = rootCosMin
    stack[8] = rootCosMax
    let top = 1
    while (top > 0) {
      top--
      const o = top * STRIDE
      const left = stack[o] ?? 0
      const right = stack[o + 1] ?? 0
      const axis = stack[o + 2] ?? 0
      const minLon = stack[o + 3] ?? 0
      const minLat = stack[o + 4] ?? 0
      const maxLon = stack[o + 5] ?? 0
      const maxLat = stack[o + 6] ?? 0
      const cosMin = stack[o + 7] ?? 0
      const cosMax = stack[o + 8] ?? 0
      if (boxTerm(lat, lon, cosLat, minLon, minLat, maxLon, maxLat, Math.min(cosMin, cosMax)) > bestTerm) continue

      if (right - left <= nodeSize) {
        for (let k = left; k <= right; k++) {
          const term = termAt(xyz, k, qx, qy, qz)
          if (term < bestTerm || (best < 0 && term <= bestTerm)) {
            bestTerm = term
            best = k
          }
        }
        continue
      }

      const m = (left + right) >> 1
      const midTerm = termAt(xyz, m, qx, qy, qz)
      if (midTerm < bestTerm || (best < 0 && midTerm <= bestTerm)) {
        bestTerm = midTerm
        best = m
      }
      const midLon = coords[2 * m] ?? 0
      const midLat = coords[2 * m + 1] ?? 0
      const midCos = cosAt[m] ?? 0
      // Lower half [left, m-1] and upper half [m+1, right]; push the far one first so the near one
      // is searched first.
      const lowerNear = axis === 0 ? lon <= midLon : lat <= midLat
      for (let pass = 0; pass < 2; pass++) {
        const lower = pass === 0 ? !lowerNear : lowerNear
        const p = top * STRIDE
        stack[p] = lower ? left : m + 1
        stack[p + 1] = lower ? m - 1 : right
        stack[p + 2] = 1 - axis
        if (axis === 0) {
          stack[p + 3] = lower ? minLon : midLon
          stack[p + 4] = minLat
          stack[p + 5] = lower ? midLon : maxLon
          stack[p + 6] = maxLat
          stack[p + 7] = cosMin
          stack[p + 8] = cosMax
        } else {
          stack[p + 3] = minLon
          stack[p + 4] = lower ? minLat : midLat
          stack[p + 5] = maxLon
          stack[p + 6] = lower ? midLat : maxLat
          stack[p + 7] = lower ? cosMin : midCos
          stack[p + 8] = lower ? midCos : cosMax
        }
        top++
      }
    }

    if (best < 0) {
      results.push({ id: q.id, nearest: null })
      continue
    }
    previous = best
    const p = points[ids[best] ?? 0]
    if (p === undefined) throw new Error('Point index out of step with its tree')
    const d = haversineKm(lat, lon, p.lat, p.lon)
    results.push({
      id: q.id,
      nearest: maxDistanceKm !== undefined && d > maxDistanceKm ? null : { id: p.id, distanceKm: d },
    })
  }
  return results
}

/** Circular longitude difference in degrees, 0..180, for longitudes in -180..180. */
function lonGap(a: number, b: number): number {
  const d = Math.abs(a - b)
  return d > 180 ? 360 - d : d
}

/**
 * A lower bound of hav(x) = sin²(x/2) for 0 <= x <= π without trigonometry: sin t >= t - t³/6 for
 * t >= 0 (Taylor, alternating remainder), and t - t³/6 > 0 for t <= π/2, so squaring keeps the
 * order. Relative error about x²/24 (under 1e-6 for boxes of tens of km).
 */
function havLowerBound(x: number): number {
  const t = x / 2
  const s = t - (t * t * t) / 6
  return s * s
}

/**
 * A lower bound of the haversine term from (lat, lon) to any point of a box: the term is
 * hav(Δφ) + cos φ1 · cos φ2 · hav(Δλ), and each part is at least its minimum over the box
 * (the nearest latitude; the smallest cos φ2, `minCos`, at one of the box's latitude edges since
 * cos is concave there; the nearest longitude, going round the back if shorter). Shaved by a
 * relative 1e-12 so that rounding never prunes a box holding an equally near point.
 */
function boxTerm(
  lat: number,
  lon: number,
  cosLat: number,
  minLon: number,
  minLat: number,
  maxLon: number,
  maxLat: number,
  minCos: number,
): number {
  const dLat = lat < minLat ? minLat - lat : lat > maxLat ? lat - maxLat : 0
  const dLon = lon >= minLon && lon <= maxLon ? 0 : Math.min(lonGap(lon, minLon), lonGap(lon, maxLon))
  const latTerm = dLat === 0 ? 0 : havLowerBound(dLat * RAD)
  if (dLon === 0) return latTerm * (1 - 1e-12)
  return (latTerm + cosLat * minCos * havLowerBound(dLon * RAD)) * (1 - 1e-12)
}

/**
 * The oracle and benchmark baseline: measures every point, then sorts by distance (ties keep the
 * input order). Same contract as nearest.
 */
export function nearestBruteForce<Id>(
  points: readonly IndexedPoint<Id>[],
  lat: number,
  lon: number,
  options: NearestOptions<Id> = {},
): Neighbour<Id>[] {
  checkQuery(lat, lon)
  const maxResults = options.maxResults ?? Infinity
  const { filter, maxDistanceKm } = options
  const all: Neighbour<Id>[] = []
  for (const p of points) {
    if (filter && !filter(p.id)) continue
    const d = haversineKm(lat, lon, p.lat, p.lon)
    if (maxDistanceKm !== undefined && d > maxDistanceKm) continue
    all.push({ id: p.id, distanceKm: d })
  }
  all.sort((a, b) => a.distanceKm - b.distanceKm)
  return all.slice(0, maxResults)
}

/**
 * Brute-force nearestForAll, the benchmark baseline: the points that pass the filter are picked
 * once, then for each query a plain scan of all of them with the haversine formula, keeping the
 * minimum (no sort, no allocation in the loop).
 */
export function nearestForAllBruteForce<QueryId, Id>(
  points: readonly IndexedPoint<Id>[],
  queries: readonly BulkQuery<QueryId>[],
  options: Omit<NearestOptions<Id>, 'maxResults'> = {},
): BulkNearest<QueryId, Id>[] {
  const { filter, maxDistanceKm } = options
  const candidates = filter ? points.filter((p) => filter(p.id)) : points
  return queries.map((q) => {
    checkQuery(q.lat, q.lon)
    let best: IndexedPoint<Id> | null = null
    let bestTerm = Infinity
    for (const p of candidates) {
      const h = haversineTerm(q.lat, q.lon, p.lat, p.lon)
      if (h < bestTerm) {
        bestTerm = h
        best = p
      }
    }
    if (best === null) return { id: q.id, nearest: null }
    const d = termToKm(bestTerm)
    if (maxDistanceKm !== undefined && d > maxDistanceKm) return { id: q.id, nearest: null }
    return { id: q.id, nearest: { id: best.id, distanceKm: d } }
  })
}
