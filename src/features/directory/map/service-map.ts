/**
 * The service map: every published service of the council at each of its places, as a view
 * model that the page's SVG map, its table twin, the CSV and the JSON all come from (ADR 21).
 *
 * Markers are keyed by the service type's group (shape and colour) and by women-only (filled) or
 * open to all (hollow). A place outside the council's outline box (e.g. a residential rehab in
 * another county) is listed in the table as outside the map. Services with no place to visit
 * (online or phone only) are listed apart. Place names on the map are postcode districts: WTC does
 * not ship ward boundaries, and a district is what a reader knows from addresses.
 */
import {
  type MapFeature,
  type MapFeatureCollection,
  type PlaceLabel,
  type PointKind,
  pointMap,
} from '../../../lib/svg-map.js'
import { shippedPostcodeDistricts } from '../../../platform/reference.js'
import { boundaryFiles, boundsOf, readCollection } from '../analysis/map.js'
import { type Directory, DirectoryIndex } from '../model.js'
import { serviceTypeDefinitions, serviceTypeGroups, type ServiceTypeGroupCode } from '../../../lib/taxonomy.js'

/** Shape and colour of each group's marker; every colour has at least 3:1 contrast on white and on the map's grey. */
export const groupKinds: Record<ServiceTypeGroupCode, Omit<PointKind, 'key' | 'label'>> = {
  treatment: { shape: 'circle', fill: '#1d70b8' },
  'women-and-safety': { shape: 'diamond', fill: '#d53880' },
  health: { shape: 'square', fill: '#00703c' },
  families: { shape: 'triangle', fill: '#a35a00' },
  justice: { shape: 'triangle-down', fill: '#505a5f' },
  community: { shape: 'cross', fill: '#6f3a9e' },
}

export interface MapPlaceRow {
  serviceId: string
  serviceName: string
  organisationName: string
  typeName: string
  groupCode: ServiceTypeGroupCode
  groupName: string
  womenOnly: boolean
  placeName: string
  postcode: string
  lat: number
  lon: number
  /** False for a place beyond the area the map shows. */
  onMap: boolean
}

export interface ServiceWithoutPlace {
  serviceId: string
  serviceName: string
  organisationName: string
  typeName: string
  womenOnly: boolean
}

export interface ServiceMapView {
  council: { name: string; areaCode: string }
  /** Whether the council's boundaries are shipped, so that a map can be drawn. */
  hasMap: boolean
  counts: { services: number; places: number; womenOnlyServices: number; placesOffMap: number }
  groups: { code: ServiceTypeGroupCode; name: string; places: number; shape: string; fill: string }[]
  places: MapPlaceRow[]
  withoutPlace: ServiceWithoutPlace[]
}

const groupName = new Map<string, string>(serviceTypeGroups.map((g) => [g.code, g.name]))
const typeByCode = new Map(serviceTypeDefinitions.map((t) => [t.code as string, t]))
const groupOrder: ServiceTypeGroupCode[] = serviceTypeGroups.map((g) => g.code)

/** The view model, from the council's published directory. Pure apart from reading the shipped boundaries. */
export function serviceMapView(council: { name: string; areaCode: string }, directory: Directory): ServiceMapView {
  const files = boundaryFiles[council.areaCode]
  const box = files === undefined ? null : boundsOf(readCollection(files.lsoas))
  const index = new DirectoryIndex(directory)
  const places: MapPlaceRow[] = []
  const withoutPlace: ServiceWithoutPlace[] = []
  // Only what is published, whatever the caller loaded: the map shows what a woman can find.
  const published = directory.services.filter((s) => s.status === 'published')
  for (const record of published.map((s) => index.record(s.id))) {
    const { service, organisation } = record
    const type = typeByCode.get(service.serviceType)
    const groupCode: ServiceTypeGroupCode = type?.group ?? 'community'
    const base = {
      serviceId: service.id,
      serviceName: service.name,
      organisationName: organisation.name,
      typeName: type?.name ?? service.serviceType,
      womenOnly: service.eligibility.womenOnly,
    }
    if (record.places.length === 0) {
      withoutPlace.push(base)
      continue
    }
    for (const place of record.places) {
      const { latitude: lat, longitude: lon } = place.location
      const onMap = box !== null && lat >= box.minLat && lat <= box.maxLat && lon >= box.minLon && lon <= box.maxLon
      places.push({
        ...base,
        groupCode,
        groupName: groupName.get(groupCode) ?? groupCode,
        placeName: place.location.name,
        postcode: place.location.postcode,
        lat,
        lon,
        onMap,
      })
    }
  }
  places.sort(
    (a, b) =>
      groupOrder.indexOf(a.groupCode) - groupOrder.indexOf(b.groupCode) ||
      a.serviceName.localeCompare(b.serviceName, 'en-GB') ||
      a.placeName.localeCompare(b.placeName, 'en-GB'),
  )
  withoutPlace.sort((a, b) => a.serviceName.localeCompare(b.serviceName, 'en-GB'))
  return {
    council,
    hasMap: files !== undefined,
    counts: {
      services: published.length,
      places: places.length,
      womenOnlyServices: published.filter((s) => s.eligibility.womenOnly).length,
      placesOffMap: files === undefined ? 0 : places.filter((p) => !p.onMap).length,
    },
    groups: groupOrder.map((code) => ({
      code,
      name: groupName.get(code) ?? code,
      places: places.filter((p) => p.groupCode === code).length,
      ...groupKinds[code],
    })),
    places,
    withoutPlace,
  }
}

/** The table twin's columns (also the CSV's header): at most six. */
export const placeColumns = ['Service', 'Type', 'Women only', 'Place', 'Postcode', 'On the map'] as const

export function placeRows(view: ServiceMapView): (string | number)[][] {
  return view.places.map((p) => [
    p.serviceName,
    p.typeName,
    p.womenOnly ? 'Yes' : 'No',
    p.placeName,
    p.postcode,
    !view.hasMap ? 'No map for this council' : p.onMap ? 'Yes' : 'No: outside the area shown',
  ])
}

// ---------------------------------------------------------------------------------------------
// The SVG

/** Ray casting: whether a point lies inside any polygon of the collection (holes respected). */
export function insideCollection(lat: number, lon: number, collection: MapFeatureCollection): boolean {
  const inRing = (ring: number[][]): boolean => {
    let inside = false
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi = 0, yi = 0] = ring[i] ?? []
      const [xj = 0, yj = 0] = ring[j] ?? []
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside
    }
    return inside
  }
  const polygons = (f: MapFeature): number[][][][] =>
    f.geometry === null ? [] : f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
  return collection.features.some((f) =>
    polygons(f).some(([outer, ...holes]) => outer !== undefined && inRing(outer) && !holes.some(inRing)),
  )
}

const labelCache = new Map<string, PlaceLabel[]>()

/** Postcode districts whose centre lies inside the council's outline, as map labels. */
function districtLabels(areaCode: string, outline: MapFeatureCollection): PlaceLabel[] {
  let labels = labelCache.get(areaCode)
  if (labels === undefined) {
    labels = shippedPostcodeDistricts()
      .all()
      .filter((d) => insideCollection(d.lat, d.lon, outline))
      .map((d) => ({ lat: d.lat, lon: d.lon, text: d.outward }))
      .sort((a, b) => a.text.localeCompare(b.text, 'en-GB'))
    labelCache.set(areaCode, labels)
  }
  return labels
}

/** The map as SVG, or null when the council's boundaries are not shipped. */
export function serviceMapSvg(view: ServiceMapView): string | null {
  const files = boundaryFiles[view.council.areaCode]
  if (files === undefined) return null
  const outline = readCollection(files.outline)
  const kinds: PointKind[] = view.groups.map((g) => ({
    key: g.code,
    label: g.name,
    shape: groupKinds[g.code].shape,
    fill: g.fill,
  }))
  return pointMap({
    id: 'service-map',
    title: `Map of ${view.council.name}'s published services`,
    description: `${String(view.counts.places - view.counts.placesOffMap)} places where published services run, inside ${view.council.name}'s boundary. Each marker's shape and colour give the kind of service; a filled marker is a service for women only, a hollow one is open to everyone. Labels are postcode districts. The table below lists the same places.`,
    areas: readCollection(files.lsoas),
    outline,
    labels: districtLabels(view.council.areaCode, outline),
    kinds,
    points: view.places
      .filter((p) => p.onMap)
      .map((p) => ({
        lat: p.lat,
        lon: p.lon,
        kind: p.groupCode,
        filled: p.womenOnly,
        label: `${p.serviceName}, ${p.placeName}, ${p.postcode} (${p.typeName}${p.womenOnly ? ', women only' : ''})`,
      })),
    filledLabel: 'For women only',
    hollowLabel: 'Open to everyone',
  })
}
