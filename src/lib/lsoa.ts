/**
 * Lower layer super output areas (LSOAs, 2021) as the units of the distance analysis: the
 * representative point and Census 2021 female residents of each (src/db/reference/geo/
 * england-lsoa21-centroids.csv; see the README there), the distance from each to the nearest
 * point of an index (e.g. services with women-only provision), and the share of women living
 * beyond a distance. Pure: the file is read by
 * platform/reference.ts (loadLsoaCentroids).
 */
import { parse } from 'csv-parse/sync'
import { nearestForAll, type NearestOptions, type PointIndex } from './geo.js'

export interface LsoaCentroid {
  /** LSOA 2021 code, e.g. 'E01000115'. */
  code: string
  /** e.g. 'Barnet 009A'. */
  name: string
  /** Lower-tier (district) council code. */
  ladCode: string
  /** Upper-tier council code (county, unitary, metropolitan or London borough). */
  utlaCode: string
  regionCode: string
  /** Representative point: ONS population-weighted centroid, or the area centroid for new LSOAs. */
  lat: number
  lon: number
  centroidMethod: string
  /** Census 2021 usual residents. */
  residents: number
  /** Census 2021 usual residents who are female. */
  femaleResidents: number
}

type CentroidCsvRow = Record<string, string>

function count(value: string | undefined, what: string, code: string): number {
  const n = Number(value)
  if (value === undefined || value === '' || !Number.isInteger(n) || n < 0) {
    throw new Error(`LSOA ${code}: ${what} is not a whole number (${value ?? 'missing'})`)
  }
  return n
}

function coordinate(value: string | undefined, what: string, code: string): number {
  const n = Number(value)
  if (value === undefined || value === '' || !Number.isFinite(n)) {
    throw new Error(`LSOA ${code}: ${what} is not a number (${value ?? 'missing'})`)
  }
  return n
}

/**
 * Parses the centroids CSV (header LSOA21CD, LSOA21NM, LADCD, UTLACD, RGNCD, lat, lon,
 * centroid_method, ..., usual_residents_all, usual_residents_female). With `utlaCode`, keeps only
 * that upper-tier council's LSOAs. A malformed row throws (the file is ours, so that is a bug).
 */
export function parseLsoaCentroidsCsv(text: string, options: { utlaCode?: string } = {}): LsoaCentroid[] {
  const rows = parse<CentroidCsvRow>(text, { columns: true, skip_empty_lines: true, trim: true, bom: true })
  const result: LsoaCentroid[] = []
  for (const row of rows) {
    const code = row.LSOA21CD ?? ''
    if (options.utlaCode !== undefined && row.UTLACD !== options.utlaCode) continue
    result.push({
      code,
      name: row.LSOA21NM ?? '',
      ladCode: row.LADCD ?? '',
      utlaCode: row.UTLACD ?? '',
      regionCode: row.RGNCD ?? '',
      lat: coordinate(row.lat, 'lat', code),
      lon: coordinate(row.lon, 'lon', code),
      centroidMethod: row.centroid_method ?? '',
      residents: count(row.usual_residents_all, 'usual_residents_all', code),
      femaleResidents: count(row.usual_residents_female, 'usual_residents_female', code),
    })
  }
  return result
}

export interface LsoaDistance<Id> {
  code: string
  name: string
  femaleResidents: number
  /** The nearest point's id, or null when there is none (empty index, or all filtered out). */
  nearestId: Id | null
  /** Kilometres to it, or null when there is none. */
  distanceKm: number | null
}

type LsoaPoint = Pick<LsoaCentroid, 'code' | 'name' | 'lat' | 'lon' | 'femaleResidents'>

/** For each LSOA, in the order given, the nearest point of the index (optionally filtered). */
export function distancesToNearest<Id>(
  lsoas: readonly LsoaPoint[],
  index: PointIndex<Id>,
  options: Pick<NearestOptions<Id>, 'filter'> = {},
): LsoaDistance<Id>[] {
  const found = nearestForAll(
    index,
    lsoas.map((l) => ({ id: l.code, lat: l.lat, lon: l.lon })),
    options,
  )
  return lsoas.map((l, i) => {
    const n = found[i]?.nearest ?? null
    return {
      code: l.code,
      name: l.name,
      femaleResidents: l.femaleResidents,
      nearestId: n === null ? null : n.id,
      distanceKm: n === null ? null : n.distanceKm,
    }
  })
}

export interface DistanceSummary {
  thresholdKm: number
  lsoas: number
  /** LSOAs farther than the threshold from the nearest point, or with none at all. */
  lsoasBeyond: number
  femaleResidents: number
  femaleResidentsBeyond: number
  /** femaleResidentsBeyond / femaleResidents, 0..1; null when there are no female residents. */
  femaleShareBeyond: number | null
  /** Mean distance weighted by female residents over LSOAs with a nearest point; null if none. */
  femaleWeightedMeanKm: number | null
}

/**
 * The women living more than `thresholdKm` from the nearest point (strictly more: an LSOA exactly
 * at the threshold is within it). An LSOA with no point at all counts as beyond.
 */
export function summariseDistances(distances: readonly LsoaDistance<unknown>[], thresholdKm: number): DistanceSummary {
  if (!Number.isFinite(thresholdKm) || thresholdKm < 0) {
    throw new RangeError(`The distance must be a number of kilometres, 0 or more (got ${thresholdKm})`)
  }
  let lsoasBeyond = 0
  let female = 0
  let femaleBeyond = 0
  let weightedSum = 0
  let weightWithDistance = 0
  for (const d of distances) {
    female += d.femaleResidents
    const beyond = d.distanceKm === null || d.distanceKm > thresholdKm
    if (beyond) {
      lsoasBeyond++
      femaleBeyond += d.femaleResidents
    }
    if (d.distanceKm !== null) {
      weightedSum += d.distanceKm * d.femaleResidents
      weightWithDistance += d.femaleResidents
    }
  }
  return {
    thresholdKm,
    lsoas: distances.length,
    lsoasBeyond,
    femaleResidents: female,
    femaleResidentsBeyond: femaleBeyond,
    femaleShareBeyond: female === 0 ? null : femaleBeyond / female,
    femaleWeightedMeanKm: weightWithDistance === 0 ? null : weightedSum / weightWithDistance,
  }
}
