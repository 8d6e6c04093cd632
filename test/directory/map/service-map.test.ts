/**
 * The service map: the pure marker layout, the view model from the analysis fixture (whose six
 * published services and their places are listed in test/directory/analysis/fixture.ts), and the
 * page, CSV and JSON over HTTP with roles and another council.
 */
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importDirectory } from '../../../src/features/directory/repository.js'
import { insideCollection, serviceMapSvg, serviceMapView } from '../../../src/features/directory/map/service-map.js'
import { pointMap, spreadPositions } from '../../../src/lib/svg-map.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import { names, smallDirectory } from '../analysis/fixture.js'

const BARNET = { name: 'Barnet', areaCode: 'E09000003' }

describe('spreadPositions', () => {
  it('leaves apart points alone and sets points on one spot on a ring, neighbours a gap apart', () => {
    const apart = spreadPositions([
      { x: 0, y: 0 },
      { x: 100, y: 0 },
    ])
    expect(apart).toEqual([
      { x: 0, y: 0 },
      { x: 100, y: 0 },
    ])
    // Two on one spot: a ring of radius gap/2, straight above and below the spot.
    const two = spreadPositions(
      [
        { x: 50, y: 50 },
        { x: 50, y: 50 },
      ],
      10,
    )
    expect(two[0]?.x).toBeCloseTo(50)
    expect(two[0]?.y).toBeCloseTo(45)
    expect(two[1]?.x).toBeCloseTo(50)
    expect(two[1]?.y).toBeCloseTo(55)
    // Four on one spot: a square of side 10 around it, so each is 10/√2 from the spot.
    const four = spreadPositions(
      Array.from({ length: 4 }, () => ({ x: 0, y: 0 })),
      10,
    )
    for (const p of four) expect(Math.hypot(p.x, p.y)).toBeCloseTo(10 / Math.SQRT2)
    expect(Math.hypot((four[0]?.x ?? 0) - (four[1]?.x ?? 0), (four[0]?.y ?? 0) - (four[1]?.y ?? 0))).toBeCloseTo(10)
  })
})

describe('insideCollection', () => {
  const square = {
    type: 'FeatureCollection' as const,
    features: [
      {
        type: 'Feature' as const,
        properties: null,
        geometry: {
          type: 'Polygon' as const,
          coordinates: [
            [
              [0, 0],
              [10, 0],
              [10, 10],
              [0, 10],
              [0, 0],
            ],
            [
              [4, 4],
              [6, 4],
              [6, 6],
              [4, 6],
              [4, 4],
            ],
          ],
        },
      },
    ],
  }
  it('counts a point inside the outer ring and outside the hole', () => {
    expect(insideCollection(2, 2, square)).toBe(true)
    expect(insideCollection(5, 5, square)).toBe(false) // in the hole
    expect(insideCollection(11, 5, square)).toBe(false)
  })
})

describe('pointMap', () => {
  it('draws one marker per point, shaped by kind, filled or hollow, and refuses an unknown kind', () => {
    const empty = { type: 'FeatureCollection' as const, features: [] }
    const svg = pointMap({
      id: 'm',
      title: 'T & <t>',
      description: 'D',
      areas: empty,
      kinds: [
        { key: 'a', label: 'Kind A', shape: 'square', fill: '#111111' },
        { key: 'b', label: 'Kind B', shape: 'circle', fill: '#222222' },
      ],
      points: [
        { lat: 51.5, lon: -0.1, kind: 'a', filled: true, label: 'First' },
        { lat: 51.6, lon: -0.2, kind: 'b', filled: false, label: 'Second' },
      ],
      filledLabel: 'For women only',
      hollowLabel: 'Open to everyone',
    })
    expect(svg).toContain('<title id="m-title">T &amp; &lt;t&gt;</title>')
    expect(svg.match(/<rect [^>]*fill="#111111"[^>]*><title>First<\/title>/g)).toHaveLength(1)
    expect(svg.match(/<circle [^>]*fill="#ffffff" stroke="#222222"[^>]*><title>Second<\/title>/g)).toHaveLength(1)
    expect(svg).toContain('>For women only</text>')
    expect(svg).toContain('>Open to everyone</text>')
    expect(() =>
      pointMap({
        id: 'm',
        title: 'T',
        description: 'D',
        areas: empty,
        kinds: [],
        points: [{ lat: 51.5, lon: -0.1, kind: 'x', filled: true, label: 'X' }],
        filledLabel: 'f',
        hollowLabel: 'h',
      }),
    ).toThrow(/Unknown point kind/)
  })
})

describe('serviceMapView', () => {
  it('lists each published service at each place, by kind, and leaves the draft out', () => {
    const view = serviceMapView(BARNET, smallDirectory())
    // Published in the fixture: women's centre, GP, family hub, community venue, treatment service, rehab.
    expect(view.counts).toEqual({ services: 6, places: 6, womenOnlyServices: 1, placesOffMap: 0 })
    expect(view.places.map((p) => p.serviceName)).toEqual([
      names.rehab, // treatment, sorted by name
      names.ct,
      names.wc, // women's services and safety
      names.gp, // health
      names.fh, // children and families
      names.circle, // community and recovery
    ])
    expect(view.places.map((p) => p.serviceName)).not.toContain(names.draft)
    expect(Object.fromEntries(view.groups.map((g) => [g.code, g.places]))).toEqual({
      treatment: 2,
      'women-and-safety': 1,
      health: 1,
      families: 1,
      justice: 0,
      community: 1,
    })
    expect(view.places.find((p) => p.serviceName === names.wc)?.womenOnly).toBe(true)
  })

  it('draws the six places, the two at the health centre apart, with Barnet postcode districts as labels', () => {
    const svg = serviceMapSvg(serviceMapView(BARNET, smallDirectory()))
    expect(svg).not.toBeNull()
    const titles = [...(svg ?? '').matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1] ?? '')
    expect(titles.filter((t) => t.includes('Test'))).toHaveLength(6)
    const at = (name: string) => {
      const m = new RegExp(`<(?:circle|rect|path) ([^>]*)><title>${name.replace(/'/g, '&#39;')},`).exec(svg ?? '')
      return m?.[1] ?? ''
    }
    expect(at(names.gp)).not.toBe('')
    expect(at(names.gp)).not.toEqual(at(names.fh)) // same building, markers set apart
    // Hendon (NW4) and Chipping Barnet (EN5) are in Barnet; Enfield Town (EN1) is not.
    expect(svg).toContain('>NW4</text>')
    expect(svg).toContain('>EN5</text>')
    expect(svg).not.toContain('>EN1</text>')
  })

  it('has no map, only the table, for a council whose boundaries are not shipped', () => {
    const view = serviceMapView({ name: 'Enfield', areaCode: 'E09000010' }, smallDirectory())
    expect(view.hasMap).toBe(false)
    expect(serviceMapSvg(view)).toBeNull()
    expect(view.places).toHaveLength(6)
  })
})

describe('GET /directory/map', () => {
  let ctx: TestContext
  let commissioner: TestClient

  beforeAll(async () => {
    ctx = await createTestContext()
    const user = await ctx.user({ roles: ['commissioner'], totp: true, council: BARNET.areaCode })
    await importDirectory(
      ctx.database.db,
      user.scope,
      { userId: null, label: 'test seed', role: 'commissioner' },
      smallDirectory(),
    )
    commissioner = await ctx.signedIn(user)
  }, 60_000)

  afterAll(async () => {
    await ctx.close()
  })

  it('shows the map, the table twin and downloads with the same places', async () => {
    const html = await commissioner.get('/directory/map')
    expect(html.statusCode).toBe(200)
    expect(html.body).toContain('<svg')
    expect(html.body).toContain('Published services at each place')
    expect(html.body).not.toContain(names.draft)
    const csv = await commissioner.get('/directory/map?format=csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-disposition']).toContain('attachment')
    const rows: string[][] = parse(csv.body, { bom: true })
    expect(rows[0]).toEqual(['Service', 'Type', 'Women only', 'Place', 'Postcode', 'On the map'])
    expect(rows.slice(1).map((r) => r[0])).toEqual([names.rehab, names.ct, names.wc, names.gp, names.fh, names.circle])
    const json = JSON.parse((await commissioner.get('/directory/map?format=json')).body) as { places: unknown[] }
    expect(json.places).toHaveLength(6)
    expect((await commissioner.get('/directory/map?format=pdf')).statusCode).toBe(400)
  })

  it('is open to panel members, not to admins, and shows another council only its own services', async () => {
    const panel = await ctx.signedIn(await ctx.user({ roles: ['panel_member'], council: BARNET.areaCode }))
    const page = await panel.get('/directory/map')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(names.wc.replace("'", '&#39;'))
    const admin = await ctx.signedIn(await ctx.user({ roles: ['admin'], totp: true, council: BARNET.areaCode }))
    expect((await admin.get('/directory/map')).statusCode).toBe(403)
    const enfield = await ctx.signedIn(await ctx.user({ roles: ['commissioner'], totp: true, council: 'E09000010' }))
    const other = await enfield.get('/directory/map')
    expect(other.statusCode).toBe(200)
    expect(other.body).not.toContain(names.wc.replace("'", '&#39;'))
    expect(other.body).toContain('No published service has a place to visit yet.')
  })
})
