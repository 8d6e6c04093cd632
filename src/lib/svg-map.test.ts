import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import path from 'node:path'
import {
  bandsFromBreaks,
  choroplethMap,
  escapeXml,
  type MapFeature,
  type MapFeatureCollection,
  NO_DATA_FILL,
} from './svg-map.js'

const square = (lon0: number, lat0: number, lon1: number, lat1: number): number[][] => [
  [lon0, lat0],
  [lon1, lat0],
  [lon1, lat1],
  [lon0, lat1],
  [lon0, lat0],
]

const feature = (code: string, geometry: MapFeature['geometry']): MapFeature => ({
  type: 'Feature',
  properties: { code },
  geometry,
})

const classes = [
  { key: 'near', label: 'Up to 2 km', fill: '#eff3ff' },
  { key: 'far', label: 'More than 2 km', fill: '#08519c' },
]

/** The contents of the first <g> (the areas). */
const areaGroup = (svg: string): string => /<g [^>]*fill-rule="evenodd">(.*?)<\/g>/.exec(svg)?.[1] ?? ''

describe('choropleth map', () => {
  it('projects with longitude scaled by cos(middle latitude)', () => {
    // One area, lon 0..2, lat 60..61. φ0 = 60.5°, cos φ0 = 0.4924236, so the width in "degrees
    // north" is 2 × 0.4924236 = 0.9848471. Drawing width 640 - 2 × 8 padding = 624, so the scale is
    // 624 / 0.9848471 = 633.6009 units per degree of latitude.
    // x(0) = 8, x(2) = 8 + 624 = 632; y(61) = 8, y(60) = 8 + 633.6009 = 641.6 (rounded to 0.1).
    // Height of the map 633.6009 + 16 = 649.6; the key starts at ceil(649.6) + 8 = 658 and takes
    // 28 + 2 rows × 24 = 76, so the picture is 734 tall.
    // Path: start absolute at (8, 641.6), then relative steps (+624, 0), (0, 8 - 641.6 = -633.6),
    // (8 - 632 = -624, 0), and close (the ring's last point repeats the first and is dropped).
    const svg = choroplethMap({
      id: 'm',
      title: 'T',
      description: 'D',
      areas: {
        type: 'FeatureCollection',
        features: [feature('a', { type: 'Polygon', coordinates: [square(0, 60, 2, 61)] })],
      },
      classes,
      classify: () => 'near',
    })
    expect(svg).toContain('viewBox="0 0 640 734"')
    expect(areaGroup(svg)).toBe(
      '<path d="M8 641.6l624 0 0-633.6-624 0z" fill="#eff3ff"><title>Up to 2 km</title></path>',
    )
  })

  const areas: MapFeatureCollection = {
    type: 'FeatureCollection',
    features: [
      feature('plain', { type: 'Polygon', coordinates: [square(-0.2, 51.6, -0.19, 51.61)] }),
      feature('with a hole', {
        type: 'Polygon',
        coordinates: [square(-0.18, 51.6, -0.16, 51.62), square(-0.175, 51.605, -0.165, 51.615)],
      }),
      feature('two parts', {
        type: 'MultiPolygon',
        coordinates: [[square(-0.15, 51.6, -0.14, 51.61)], [square(-0.13, 51.6, -0.12, 51.61)]],
      }),
      feature('no shape', null),
    ],
  }
  const render = () =>
    choroplethMap({
      id: 'distance-map',
      title: 'Women\'s services <b>&</b> "distance"',
      description: 'Each area is shaded by distance.',
      areas,
      classes,
      classify: (f) => (f.properties?.code === 'plain' ? 'near' : f.properties?.code === 'two parts' ? null : 'far'),
      areaLabel: (f) => `<script>alert(1)</script> ${String(f.properties?.code)}`,
      markers: [{ lat: 51.605, lon: -0.195, label: 'Women & families centre' }],
      markersLabel: 'Service with women-only sessions',
    })

  it('draws one path per area with a shape, one subpath per ring', () => {
    const paths = areaGroup(render()).match(/<path /g) ?? []
    expect(paths).toHaveLength(3) // 'no shape' has no geometry
    const ds = [...areaGroup(render()).matchAll(/ d="([^"]*)"/g)].map((m) => m[1] ?? '')
    expect(ds.map((d) => (d.match(/M/g) ?? []).length)).toEqual([1, 2, 2])
    expect(ds.every((d) => /^(M[^Mlz]+l[^Mlz]+z)+$/.test(d))).toBe(true) // plain, outer + hole, two parts
  })

  it('escapes every piece of text', () => {
    const svg = render()
    expect(svg).toContain(
      '<title id="distance-map-title">Women&#39;s services &lt;b&gt;&amp;&lt;/b&gt; &quot;distance&quot;</title>',
    )
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; plain (Up to 2 km)')
    expect(svg).toContain('<title>Women &amp; families centre</title>')
    expect(svg).not.toContain('<script')
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })

  it('is an accessible image with no style attributes', () => {
    const svg = render()
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain('role="img"')
    expect(svg).toContain('aria-labelledby="distance-map-title distance-map-desc"')
    expect(svg).toContain('<desc id="distance-map-desc">Each area is shaded by distance.</desc>')
    expect(svg).not.toMatch(/style=|<style/)
  })

  it('has a key with every class, no data (used here) and the markers', () => {
    const svg = render()
    for (const label of ['Up to 2 km', 'More than 2 km', 'No data', 'Service with women-only sessions']) {
      expect(svg).toContain(`>${label}</text>`)
    }
    expect(areaGroup(svg)).toContain(
      `fill="${NO_DATA_FILL}"><title>&lt;script&gt;alert(1)&lt;/script&gt; two parts (No data)`,
    )
    expect(svg.match(/<circle /g)).toHaveLength(2) // the marker and its key
  })

  it('leaves no data out of the key when every area has a class', () => {
    const svg = choroplethMap({ id: 'm', title: 'T', description: 'D', areas, classes, classify: () => 'far' })
    expect(svg).not.toContain('No data')
  })

  it('gives the same bytes every time', () => {
    expect(render()).toBe(render())
  })

  it('refuses an unknown class and an unsafe id', () => {
    expect(() =>
      choroplethMap({ id: 'm', title: 'T', description: 'D', areas, classes, classify: () => 'nope' }),
    ).toThrow(/Unknown map class/)
    expect(() =>
      choroplethMap({ id: 'm" onload="x', title: 'T', description: 'D', areas, classes, classify: () => 'far' }),
    ).toThrow(/Map id/)
  })

  it('draws Barnet’s 220 LSOAs in well under 100 kB', () => {
    const barnet = JSON.parse(
      readFileSync(path.join(import.meta.dirname, '..', 'db', 'reference', 'geo', 'barnet-lsoa21.geojson'), 'utf8'),
    ) as MapFeatureCollection
    const outline = JSON.parse(
      readFileSync(path.join(import.meta.dirname, '..', 'db', 'reference', 'geo', 'barnet-outline.geojson'), 'utf8'),
    ) as MapFeatureCollection
    const bands = bandsFromBreaks([1, 2, 5])
    const svg = choroplethMap({
      id: 'barnet',
      title: 'Barnet',
      description: 'LSOAs',
      areas: barnet,
      outline,
      classes: bands.classes,
      classify: (f) => bands.classOf(String(f.properties?.LSOA21CD).endsWith('A') ? 0.5 : 3),
    })
    expect(areaGroup(svg).match(/<path /g)).toHaveLength(220)
    expect(svg.length).toBeLessThan(100_000)
  })
})

describe('bands from break points', () => {
  const bands = bandsFromBreaks([1, 2, 5])

  it('labels each band in plain words', () => {
    expect(bands.classes.map((c) => c.label)).toEqual([
      'Up to 1 km',
      'More than 1 km, up to 2 km',
      'More than 2 km, up to 5 km',
      'More than 5 km',
    ])
    expect(bands.classes.map((c) => c.fill)).toEqual(['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd'])
  })

  it('puts a value on a break in the band below', () => {
    expect(bands.classOf(0)).toBe('band-0')
    expect(bands.classOf(1)).toBe('band-0')
    expect(bands.classOf(1.0001)).toBe('band-1')
    expect(bands.classOf(5)).toBe('band-2')
    expect(bands.classOf(40)).toBe('band-3')
    expect(bands.classOf(null)).toBeNull()
  })

  it('refuses breaks out of order and too few fills', () => {
    expect(() => bandsFromBreaks([2, 1])).toThrow(/ascending/)
    expect(() => bandsFromBreaks([])).toThrow(/at least one/)
    expect(() => bandsFromBreaks([1, 2], { fills: ['#000', '#111'] })).toThrow(/3 fills/)
  })
})
