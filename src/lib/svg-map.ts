/**
 * Server-side SVG choropleth of areas (e.g. a council's LSOAs shaded by distance to the nearest
 * service), for pages, downloads and reports. Pure and deterministic: the same input gives the
 * same bytes.
 *
 * Projection: equirectangular with the longitude scaled by cos(φ0), φ0 the middle latitude of the
 * map's extent, so that a kilometre east is as long as a kilometre north at that latitude (good
 * to well under 1% across a council). Coordinates are rounded to 0.1 SVG unit (about 2 m across
 * Barnet at the default width) and repeated points dropped, to keep the output small.
 *
 * Accessibility and CSP: role="img" with <title> and <desc> referenced by aria-labelledby; a
 * legend with a text label for every class (colour is never the only way to tell: each area also
 * has its own <title> naming its class, and pages show the same figures in a table); all text
 * escaped; presentation attributes only (no style attributes, no <style>, no <script>).
 */

export interface PolygonGeometry {
  type: 'Polygon'
  /** Rings of [lon, lat] positions; the first is the outer ring, any others are holes. */
  coordinates: number[][][]
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon'
  coordinates: number[][][][]
}

export interface MapFeature {
  type: 'Feature'
  properties: Record<string, unknown> | null
  geometry: PolygonGeometry | MultiPolygonGeometry | null
}

export interface MapFeatureCollection {
  type: 'FeatureCollection'
  features: MapFeature[]
}

export interface MapClass {
  key: string
  label: string
  /** A colour for the fill attribute, e.g. '#08519c'. */
  fill: string
}

export interface MapMarker {
  lat: number
  lon: number
  /** Shown as the marker's own <title>. */
  label: string
}

export interface ChoroplethOptions {
  /** Prefix for element ids, unique on the page: a letter then letters, digits, '-' or '_'. */
  id: string
  title: string
  description: string
  areas: MapFeatureCollection
  /** In legend order. */
  classes: readonly MapClass[]
  /** The key of the class an area belongs to, or null for no data. */
  classify: (feature: MapFeature) => string | null
  /** Text for an area's own <title> (e.g. 'Barnet 009A: 3.2 km'); its class label is added. */
  areaLabel?: (feature: MapFeature) => string
  /** A boundary drawn over the areas (e.g. the council's outline). */
  outline?: MapFeatureCollection
  /** Points drawn as circles (e.g. services). */
  markers?: readonly MapMarker[]
  /** The legend label for the markers. */
  markersLabel?: string
  /** Legend label for areas with no data. */
  noDataLabel?: string
  /** Width of the map in SVG units (default 640); the height follows from the extent. */
  width?: number
}

/** A sequential blue scale, light to dark (ColorBrewer Blues, 5 classes). */
export const SEQUENTIAL_FILLS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'] as const
export const NO_DATA_FILL = '#f3f2f1'
const AREA_STROKE = '#ffffff'
const OUTLINE_STROKE = '#0b0c0c'
const MARKER_FILL = '#d4351c'
const TEXT_FILL = '#0b0c0c'
const FONT = 'arial, sans-serif'

const PADDING = 8
const LEGEND_ROW = 24
const SWATCH = 16

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** Rounds to 0.1 and prints without a trailing '.0' or a '-0'. */
function fmt(value: number): string {
  const r = Math.round(value * 10) / 10
  return Object.is(r, -0) || r === 0 ? '0' : String(r)
}

function polygonsOf(geometry: MapFeature['geometry']): number[][][][] {
  if (geometry === null) return []
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
}

interface Extent {
  minLon: number
  minLat: number
  maxLon: number
  maxLat: number
}

function extentOf(collections: readonly MapFeatureCollection[], markers: readonly MapMarker[]): Extent | null {
  const e: Extent = { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity }
  const add = (lon: number, lat: number) => {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return
    e.minLon = Math.min(e.minLon, lon)
    e.maxLon = Math.max(e.maxLon, lon)
    e.minLat = Math.min(e.minLat, lat)
    e.maxLat = Math.max(e.maxLat, lat)
  }
  for (const c of collections) {
    for (const f of c.features) {
      for (const polygon of polygonsOf(f.geometry)) {
        for (const ring of polygon) for (const [lon, lat] of ring) add(lon ?? NaN, lat ?? NaN)
      }
    }
  }
  for (const m of markers) add(m.lon, m.lat)
  return Number.isFinite(e.minLon) ? e : null
}

interface Projection {
  x: (lon: number) => number
  y: (lat: number) => number
  height: number
}

function projection(extent: Extent, width: number): Projection {
  const phi0 = ((extent.minLat + extent.maxLat) / 2) * (Math.PI / 180)
  const k = Math.cos(phi0)
  const spanX = Math.max((extent.maxLon - extent.minLon) * k, 1e-9)
  const spanY = Math.max(extent.maxLat - extent.minLat, 1e-9)
  const inner = width - 2 * PADDING
  const scale = inner / spanX
  return {
    x: (lon) => PADDING + (lon - extent.minLon) * k * scale,
    y: (lat) => PADDING + (extent.maxLat - lat) * scale,
    height: spanY * scale + 2 * PADDING,
  }
}

/** A number of tenths as the shortest SVG number: 6416 -> '641.6', -3 -> '-.3', 80 -> '8'. */
function tenths(t: number): string {
  if (t === 0) return '0'
  const sign = t < 0 ? '-' : ''
  const a = Math.abs(t)
  const whole = Math.floor(a / 10)
  const frac = a % 10
  return `${sign}${whole === 0 ? '' : String(whole)}${frac === 0 ? '' : `.${frac}`}`
}

/** Joins SVG numbers, with a space only where the next does not start with '-'. */
function joinNumbers(numbers: string[]): string {
  let out = ''
  for (const n of numbers) out += out === '' || n.startsWith('-') ? n : ` ${n}`
  return out
}

/**
 * SVG path data for a feature: one subpath per ring, the first point absolute and the rest
 * relative ('l'), in whole tenths of a unit so that the relative steps add up exactly; points
 * that round onto the previous one are dropped.
 */
function pathData(geometry: MapFeature['geometry'], p: Projection): string {
  const parts: string[] = []
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      const xs: number[] = []
      const ys: number[] = []
      for (const position of ring) {
        const [lon, lat] = position
        if (lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) continue
        const x = Math.round(p.x(lon) * 10)
        const y = Math.round(p.y(lat) * 10)
        if (xs.length > 0 && x === xs[xs.length - 1] && y === ys[ys.length - 1]) continue
        xs.push(x)
        ys.push(y)
      }
      if (xs.length > 1 && xs[xs.length - 1] === xs[0] && ys[ys.length - 1] === ys[0]) {
        xs.pop()
        ys.pop()
      }
      if (xs.length < 3) continue
      const steps: string[] = []
      for (let i = 1; i < xs.length; i++) {
        steps.push(tenths((xs[i] ?? 0) - (xs[i - 1] ?? 0)), tenths((ys[i] ?? 0) - (ys[i - 1] ?? 0)))
      }
      parts.push(`M${joinNumbers([tenths(xs[0] ?? 0), tenths(ys[0] ?? 0)])}l${joinNumbers(steps)}z`)
    }
  }
  return parts.join('')
}

function checkId(id: string): void {
  if (!/^[A-Za-z][\w-]*$/.test(id)) throw new Error(`Map id must be a letter then letters, digits, - or _ (got ${id})`)
}

/** The choropleth as an SVG string. */
export function choroplethMap(options: ChoroplethOptions): string {
  checkId(options.id)
  const width = options.width ?? 640
  const markers = options.markers ?? []
  const classByKey = new Map(options.classes.map((c) => [c.key, c]))
  const extent = extentOf([options.areas, ...(options.outline ? [options.outline] : [])], markers) ?? {
    minLon: 0,
    minLat: 0,
    maxLon: 1,
    maxLat: 1,
  }
  const proj = projection(extent, width)
  const noDataLabel = options.noDataLabel ?? 'No data'

  let anyNoData = false
  const areaPaths: string[] = []
  for (const feature of options.areas.features) {
    if (feature.geometry === null) continue
    const key = options.classify(feature)
    const cls = key === null ? undefined : classByKey.get(key)
    if (key !== null && cls === undefined) throw new Error(`Unknown map class: ${key}`)
    if (cls === undefined) anyNoData = true
    const classLabel = cls?.label ?? noDataLabel
    const own = options.areaLabel?.(feature)
    const tooltip = own === undefined ? classLabel : `${own} (${classLabel})`
    areaPaths.push(
      `<path d="${pathData(feature.geometry, proj)}" fill="${escapeXml(cls?.fill ?? NO_DATA_FILL)}"><title>${escapeXml(tooltip)}</title></path>`,
    )
  }

  const outlinePaths = (options.outline?.features ?? [])
    .map((f) => pathData(f.geometry, proj))
    .filter((d) => d !== '')
    .map((d) => `<path d="${d}"/>`)

  const markerEls = markers
    .filter((m) => Number.isFinite(m.lat) && Number.isFinite(m.lon))
    .map(
      (m) =>
        `<circle cx="${fmt(proj.x(m.lon))}" cy="${fmt(proj.y(m.lat))}" r="4"><title>${escapeXml(m.label)}</title></circle>`,
    )

  // Legend, below the map: one row per class, then no data (if any area has none), then markers.
  const legendRows: string[] = []
  const legendTop = Math.ceil(proj.height) + 8
  let row = 0
  const rowY = () => legendTop + 28 + row * LEGEND_ROW
  for (const c of options.classes) {
    legendRows.push(
      `<rect x="${PADDING}" y="${rowY()}" width="${SWATCH}" height="${SWATCH}" fill="${escapeXml(c.fill)}" stroke="${OUTLINE_STROKE}" stroke-width="1"/>` +
        `<text x="${PADDING + SWATCH + 8}" y="${rowY() + 13}">${escapeXml(c.label)}</text>`,
    )
    row++
  }
  if (anyNoData) {
    legendRows.push(
      `<rect x="${PADDING}" y="${rowY()}" width="${SWATCH}" height="${SWATCH}" fill="${NO_DATA_FILL}" stroke="${OUTLINE_STROKE}" stroke-width="1"/>` +
        `<text x="${PADDING + SWATCH + 8}" y="${rowY() + 13}">${escapeXml(noDataLabel)}</text>`,
    )
    row++
  }
  if (markerEls.length > 0) {
    legendRows.push(
      `<circle cx="${PADDING + SWATCH / 2}" cy="${rowY() + SWATCH / 2}" r="4" fill="${MARKER_FILL}" stroke="${AREA_STROKE}" stroke-width="1"/>` +
        `<text x="${PADDING + SWATCH + 8}" y="${rowY() + 13}">${escapeXml(options.markersLabel ?? 'Service')}</text>`,
    )
    row++
  }
  const height = legendTop + 28 + row * LEGEND_ROW
  const titleId = `${options.id}-title`
  const descId = `${options.id}-desc`

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${titleId} ${descId}" font-family="${FONT}" font-size="14">`,
    `<title id="${titleId}">${escapeXml(options.title)}</title>`,
    `<desc id="${descId}">${escapeXml(options.description)}</desc>`,
    `<g stroke="${AREA_STROKE}" stroke-width="0.5" stroke-linejoin="round" fill-rule="evenodd">${areaPaths.join('')}</g>`,
    outlinePaths.length > 0
      ? `<g fill="none" stroke="${OUTLINE_STROKE}" stroke-width="1.5" stroke-linejoin="round">${outlinePaths.join('')}</g>`
      : '',
    markerEls.length > 0
      ? `<g fill="${MARKER_FILL}" stroke="${AREA_STROKE}" stroke-width="1">${markerEls.join('')}</g>`
      : '',
    `<g fill="${TEXT_FILL}"><text x="${PADDING}" y="${legendTop + 16}" font-weight="bold">Key</text>${legendRows.join('')}</g>`,
    '</svg>',
  ].join('')
}

export interface Bands {
  classes: MapClass[]
  /** The class key for a value (e.g. a distance), or null for no value. */
  classOf: (value: number | null) => string | null
}

/**
 * Classes from ascending break points, e.g. [1, 2, 5] km: 'Up to 1 km', 'More than 1 km, up to
 * 2 km', 'More than 2 km, up to 5 km', 'More than 5 km'. A value equal to a break belongs to the
 * band below it (the same rule as summariseDistances: 'beyond' means strictly more). Needs one fill
 * per band (breaks + 1); by default the first breaks.length + 1 of SEQUENTIAL_FILLS.
 */
export function bandsFromBreaks(
  breaks: readonly number[],
  options: { unit?: string; fills?: readonly string[]; format?: (value: number) => string } = {},
): Bands {
  const unit = options.unit ?? 'km'
  const format = options.format ?? ((v: number) => String(v))
  const fills = options.fills ?? SEQUENTIAL_FILLS
  if (breaks.length === 0) throw new Error('Give at least one break point')
  breaks.forEach((b, i) => {
    const before = i === 0 ? -Infinity : (breaks[i - 1] ?? -Infinity)
    if (!Number.isFinite(b) || b <= before) throw new Error('Break points must be finite numbers in ascending order')
  })
  if (fills.length < breaks.length + 1) throw new Error(`Give ${breaks.length + 1} fills for ${breaks.length} breaks`)
  const label = (v: number) => `${format(v)} ${unit}`
  const classes: MapClass[] = []
  for (let i = 0; i <= breaks.length; i++) {
    const lower = breaks[i - 1]
    const upper = breaks[i]
    let text: string
    if (lower === undefined) text = `Up to ${label(upper ?? 0)}`
    else if (upper === undefined) text = `More than ${label(lower)}`
    else text = `More than ${label(lower)}, up to ${label(upper)}`
    classes.push({ key: `band-${i}`, label: text, fill: fills[i] ?? NO_DATA_FILL })
  }
  return {
    classes,
    classOf: (value) => {
      if (value === null || !Number.isFinite(value)) return null
      const i = breaks.findIndex((b) => value <= b)
      return `band-${i === -1 ? breaks.length : i}`
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Point map: places marked by kind over a plain background of areas

/** Marker shapes, so that a kind is told by its shape as well as its colour. */
export const markerShapes = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'cross'] as const
export type MarkerShape = (typeof markerShapes)[number]

export interface PointKind {
  key: string
  label: string
  shape: MarkerShape
  /** A colour for the marker, e.g. '#0072b2'. */
  fill: string
}

export interface MapPoint {
  lat: number
  lon: number
  kind: string
  /** Filled markers and hollow ones are told apart in the key (e.g. women-only or not). */
  filled: boolean
  /** Shown as the marker's own <title>. */
  label: string
}

export interface PlaceLabel {
  lat: number
  lon: number
  text: string
}

export interface PointMapOptions {
  /** Prefix for element ids, unique on the page. */
  id: string
  title: string
  description: string
  /** Areas drawn as a plain background (e.g. the council's LSOAs). */
  areas: MapFeatureCollection
  outline?: MapFeatureCollection
  /** Place names written on the map (e.g. postcode districts). */
  labels?: readonly PlaceLabel[]
  /** In key order; every point's kind must be one of them. */
  kinds: readonly PointKind[]
  points: readonly MapPoint[]
  /** Key text for filled and hollow markers. */
  filledLabel: string
  hollowLabel: string
  width?: number
}

const BACKGROUND_FILL = '#f3f2f1'
const MARKER_SIZE = 6
/** Markers closer than this (SVG units) are spread around their shared spot so that each can be seen. */
const OVERLAP = 4

/** SVG for one marker centred on (x, y); `size` is about half its width. */
function markerElement(shape: MarkerShape, x: number, y: number, size: number, attrs: string, title: string): string {
  const t = title === '' ? '' : `<title>${escapeXml(title)}</title>`
  const n = (v: number) => fmt(v)
  switch (shape) {
    case 'circle':
      return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(size)}"${attrs}>${t}</circle>`
    case 'square':
      return `<rect x="${n(x - size * 0.9)}" y="${n(y - size * 0.9)}" width="${n(size * 1.8)}" height="${n(size * 1.8)}"${attrs}>${t}</rect>`
    case 'triangle':
      return `<path d="M${n(x)} ${n(y - size * 1.15)}L${n(x + size * 1.1)} ${n(y + size * 0.8)}L${n(x - size * 1.1)} ${n(y + size * 0.8)}z"${attrs}>${t}</path>`
    case 'triangle-down':
      return `<path d="M${n(x)} ${n(y + size * 1.15)}L${n(x + size * 1.1)} ${n(y - size * 0.8)}L${n(x - size * 1.1)} ${n(y - size * 0.8)}z"${attrs}>${t}</path>`
    case 'diamond':
      return `<path d="M${n(x)} ${n(y - size * 1.25)}L${n(x + size * 1.25)} ${n(y)}L${n(x)} ${n(y + size * 1.25)}L${n(x - size * 1.25)} ${n(y)}z"${attrs}>${t}</path>`
    case 'cross': {
      const a = size * 0.45
      const b = size * 1.15
      return `<path d="M${n(x - a)} ${n(y - b)}h${n(2 * a)}v${n(b - a)}h${n(b - a)}v${n(2 * a)}h${n(a - b)}v${n(b - a)}h${n(-2 * a)}v${n(a - b)}h${n(a - b)}v${n(-2 * a)}h${n(b - a)}z"${attrs}>${t}</path>`
    }
  }
}

/**
 * Screen positions for the points: points that fall on (almost) the same spot, such as several
 * services in one building, are set around a small circle centred on that spot, in the order
 * given, so that every marker shows. Deterministic.
 */
export function spreadPositions(
  positions: readonly { x: number; y: number }[],
  gap = MARKER_SIZE * 2.2,
): { x: number; y: number }[] {
  const groups: { x: number; y: number; members: number[] }[] = []
  positions.forEach((p, i) => {
    const group = groups.find((g) => Math.hypot(g.x - p.x, g.y - p.y) < OVERLAP)
    if (group) group.members.push(i)
    else groups.push({ x: p.x, y: p.y, members: [i] })
  })
  const out = positions.map((p) => ({ x: p.x, y: p.y }))
  for (const g of groups) {
    const count = g.members.length
    if (count < 2) continue
    // A circle on which neighbouring markers are `gap` apart: chord 2r·sin(π/n) = gap.
    const radius = gap / (2 * Math.sin(Math.PI / count))
    g.members.forEach((member, k) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * k) / count
      out[member] = { x: g.x + radius * Math.cos(angle), y: g.y + radius * Math.sin(angle) }
    })
  }
  return out
}

/** Places marked by kind (shape and colour) and by filled or hollow, over plain areas, as an SVG string. */
export function pointMap(options: PointMapOptions): string {
  checkId(options.id)
  const width = options.width ?? 640
  const kindByKey = new Map(options.kinds.map((k) => [k.key, k]))
  for (const p of options.points) {
    if (!kindByKey.has(p.kind)) throw new Error(`Unknown point kind: ${p.kind}`)
  }
  // The caller chooses which points belong on the map; the extent takes them all in.
  const located = options.points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon))
  const extent = extentOf(
    [options.areas, ...(options.outline ? [options.outline] : [])],
    located.map((p) => ({ ...p })),
  ) ?? {
    minLon: 0,
    minLat: 0,
    maxLon: 1,
    maxLat: 1,
  }
  const proj = projection(extent, width)
  const inside = (lat: number, lon: number) =>
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    lat >= extent.minLat &&
    lat <= extent.maxLat &&
    lon >= extent.minLon &&
    lon <= extent.maxLon
  const shown = located
  const spots = spreadPositions(shown.map((p) => ({ x: proj.x(p.lon), y: proj.y(p.lat) })))

  const areaPaths = options.areas.features
    .map((f) => pathData(f.geometry, proj))
    .filter((d) => d !== '')
    .map((d) => `<path d="${d}"/>`)
  const outlinePaths = (options.outline?.features ?? [])
    .map((f) => pathData(f.geometry, proj))
    .filter((d) => d !== '')
    .map((d) => `<path d="${d}"/>`)
  const labelEls = (options.labels ?? [])
    .filter((l) => inside(l.lat, l.lon))
    .map(
      (l) =>
        `<text x="${fmt(proj.x(l.lon))}" y="${fmt(proj.y(l.lat))}" text-anchor="middle">${escapeXml(l.text)}</text>`,
    )
  const markerEls = shown.map((p, i) => {
    const kind = kindByKey.get(p.kind)
    const spot = spots[i] ?? { x: 0, y: 0 }
    const fill = kind?.fill ?? MARKER_FILL
    const attrs = p.filled
      ? ` fill="${escapeXml(fill)}" stroke="${TEXT_FILL}" stroke-width="1"`
      : ` fill="#ffffff" stroke="${escapeXml(fill)}" stroke-width="2.5"`
    return markerElement(kind?.shape ?? 'circle', spot.x, spot.y, MARKER_SIZE, attrs, p.label)
  })

  // Key below the map: one row per kind in use, then filled and hollow.
  const used = options.kinds.filter((k) => shown.some((p) => p.kind === k.key))
  const legendTop = Math.ceil(proj.height) + 8
  const rows: string[] = []
  const rowY = (row: number) => legendTop + 28 + row * LEGEND_ROW
  const cx = PADDING + SWATCH / 2
  used.forEach((k, row) => {
    rows.push(
      markerElement(
        k.shape,
        cx,
        rowY(row) + SWATCH / 2,
        MARKER_SIZE,
        ` fill="${escapeXml(k.fill)}" stroke="${TEXT_FILL}" stroke-width="1"`,
        '',
      ) + `<text x="${PADDING + SWATCH + 8}" y="${rowY(row) + 13}">${escapeXml(k.label)}</text>`,
    )
  })
  let row = used.length
  const fillRows = [
    { filled: true, label: options.filledLabel, attrs: ` fill="${TEXT_FILL}" stroke="${TEXT_FILL}" stroke-width="1"` },
    { filled: false, label: options.hollowLabel, attrs: ` fill="#ffffff" stroke="${TEXT_FILL}" stroke-width="2.5"` },
  ]
  for (const f of fillRows) {
    if (!shown.some((p) => p.filled === f.filled)) continue
    rows.push(
      markerElement('circle', cx, rowY(row) + SWATCH / 2, MARKER_SIZE, f.attrs, '') +
        `<text x="${PADDING + SWATCH + 8}" y="${rowY(row) + 13}">${escapeXml(f.label)}</text>`,
    )
    row++
  }
  const height = legendTop + 28 + row * LEGEND_ROW
  const titleId = `${options.id}-title`
  const descId = `${options.id}-desc`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${titleId} ${descId}" font-family="${FONT}" font-size="14">`,
    `<title id="${titleId}">${escapeXml(options.title)}</title>`,
    `<desc id="${descId}">${escapeXml(options.description)}</desc>`,
    `<g fill="${BACKGROUND_FILL}" stroke="#b1b4b6" stroke-width="0.5" stroke-linejoin="round" fill-rule="evenodd">${areaPaths.join('')}</g>`,
    outlinePaths.length > 0
      ? `<g fill="none" stroke="${OUTLINE_STROKE}" stroke-width="1.5" stroke-linejoin="round">${outlinePaths.join('')}</g>`
      : '',
    labelEls.length > 0
      ? `<g fill="#505a5f" font-size="12" stroke="#ffffff" stroke-width="3" paint-order="stroke" stroke-linejoin="round">${labelEls.join('')}</g>`
      : '',
    markerEls.length > 0 ? `<g>${markerEls.join('')}</g>` : '',
    `<g fill="${TEXT_FILL}"><text x="${PADDING}" y="${legendTop + 16}" font-weight="bold">Key</text>${rows.join('')}</g>`,
    '</svg>',
  ].join('')
}
