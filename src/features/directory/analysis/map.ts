/**
 * The distance map: the council's LSOA polygons shaded by distance band, with the places counted
 * marked, as an SVG string (src/lib/svg-map.ts). Polygons are shipped only for some councils
 * (src/db/reference/geo/); for others there is no map and the page says so (the table twin is
 * always there).
 */
import { readFileSync } from 'node:fs'
import { bandsFromBreaks, choroplethMap, type MapFeatureCollection } from '../../../lib/svg-map.js'
import { fromRoot } from '../../../platform/root.js'
import type { DistanceResult } from './analysis.js'

/** Councils (upper-tier GSS code) with LSOA polygons shipped, and their files. */
export const boundaryFiles: Record<string, { lsoas: string; outline: string }> = {
  E09000003: {
    lsoas: 'src/db/reference/geo/barnet-lsoa21.geojson',
    outline: 'src/db/reference/geo/barnet-outline.geojson',
  },
}

const cache = new Map<string, MapFeatureCollection>()

export function readCollection(file: string): MapFeatureCollection {
  let found = cache.get(file)
  if (found === undefined) {
    found = JSON.parse(readFileSync(fromRoot(file), 'utf8')) as MapFeatureCollection
    cache.set(file, found)
  }
  return found
}

export function hasBoundaries(areaCode: string): boolean {
  return boundaryFiles[areaCode] !== undefined
}

/** Trims a break to at most 2 decimals: 0.5, 1, 2.25. */
const formatKm = (km: number): string => String(Math.round(km * 100) / 100)

/**
 * Band break points around the chosen distance: half of it, it, twice it and four times it, so
 * that the chosen distance is always the edge between the second and third bands.
 */
export function distanceBreaks(withinKm: number): number[] {
  return [withinKm / 2, withinKm, withinKm * 2, withinKm * 4]
}

export function distanceBands(withinKm: number) {
  return bandsFromBreaks(distanceBreaks(withinKm), { format: formatKm })
}

/** The box around every position of the areas, widened by `margin` of its size on each side. */
export function boundsOf(
  areas: MapFeatureCollection,
  margin = 0.02,
): { minLat: number; maxLat: number; minLon: number; maxLon: number } {
  let minLat = Infinity
  let maxLat = -Infinity
  let minLon = Infinity
  let maxLon = -Infinity
  for (const feature of areas.features) {
    const g = feature.geometry
    if (g === null) continue
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
    for (const polygon of polygons) {
      for (const ring of polygon) {
        for (const [lon, lat] of ring) {
          if (lon === undefined || lat === undefined) continue
          minLat = Math.min(minLat, lat)
          maxLat = Math.max(maxLat, lat)
          minLon = Math.min(minLon, lon)
          maxLon = Math.max(maxLon, lon)
        }
      }
    }
  }
  const dLat = (maxLat - minLat) * margin
  const dLon = (maxLon - minLon) * margin
  return { minLat: minLat - dLat, maxLat: maxLat + dLat, minLon: minLon - dLon, maxLon: maxLon + dLon }
}

export interface DistanceMap {
  svg: string
  /** Places counted that lie outside the map (e.g. a residential rehab in another county); the table lists them. */
  placesOutside: number
}

/** The SVG map, or null when the council has no polygons shipped. */
export function distanceMap(areaCode: string, councilName: string, result: DistanceResult): DistanceMap | null {
  const files = boundaryFiles[areaCode]
  if (files === undefined) return null
  const areas = readCollection(files.lsoas)
  const outline = readCollection(files.outline)
  const box = boundsOf(areas)
  const inside = result.points.filter(
    (p) => p.lat >= box.minLat && p.lat <= box.maxLat && p.lon >= box.minLon && p.lon <= box.maxLon,
  )
  const byCode = new Map(result.rows.map((r) => [r.code, r]))
  const bands = distanceBands(result.withinKm)
  const code = (properties: Record<string, unknown> | null): string => {
    const value = properties?.LSOA21CD
    return typeof value === 'string' ? value : ''
  }
  const what = result.phrase
  const svg = choroplethMap({
    id: 'distance-map',
    title: `Map of ${councilName}: distance from each LSOA to the nearest ${what}`,
    description: `Each LSOA is shaded by the distance from its centre to the nearest ${what}; darker is farther. Places in the area are marked with circles. The table below gives the same figures.`,
    areas,
    outline,
    classes: bands.classes,
    classify: (feature) => bands.classOf(byCode.get(code(feature.properties))?.distanceKm ?? null),
    areaLabel: (feature) => {
      const row = byCode.get(code(feature.properties))
      if (!row) return code(feature.properties)
      return row.distanceKm === null
        ? `${row.name}: no place`
        : `${row.name}: ${row.distanceKm.toFixed(1)} km to ${row.nearest?.serviceName ?? 'the nearest place'}`
    },
    markers: inside.map((p) => ({ lat: p.lat, lon: p.lon, label: `${p.serviceName}, ${p.locationName}` })),
    markersLabel: 'Place counted',
    noDataLabel: 'No place in the directory',
  })
  return { svg, placesOutside: result.points.length - inside.length }
}
