/**
 * The view models, the CSV and the map of the analysis pages, on the hand-made directory of
 * fixture.ts (U = 1.111951 km per 0.01° of latitude; the working is in analysis.test.ts).
 */
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import {
  distanceAnalysis,
  featureAnalysis,
  overviewMeasures,
  timeAnalysis,
} from '../../../src/features/directory/analysis/analysis.js'
import { boundsOf, distanceBands, distanceBreaks, distanceMap } from '../../../src/features/directory/analysis/map.js'
import {
  displayCell,
  displayTable,
  distancePage,
  featuresPage,
  findTable,
  tableToCsv,
  timePage,
} from '../../../src/features/directory/analysis/tables.js'
import { loadLsoaCentroids } from '../../../src/platform/reference.js'
import { ids, locations, names, smallDirectory, smallLsoas } from './fixture.js'

const directory = smallDirectory()
const base = {
  council: { name: 'Test council', areaCode: 'E09000003' },
  generatedAt: '2026-01-01T00:00:00.000Z',
  directory: { published: 6, drafts: 1 },
}

const csv = (text: string): string[][] => parse(text, { bom: true })

describe('cells', () => {
  it('shows numbers the GOV.UK way', () => {
    expect(displayCell('count', 12345)).toBe('12,345')
    expect(displayCell('km', 3)).toBe('3.0')
    expect(displayCell('km', null)).toBe('No service')
    expect(displayCell('percent', 16.7)).toBe('16.7%')
    expect(displayCell('percent', null)).toBe('None')
    expect(displayCell('count-share', { count: 1, of: 6, percent: 16.7 })).toBe('1 of 6 (16.7%)')
    expect(displayCell('count-share', { count: 0, of: 0, percent: null })).toBe('0 of 0')
    expect(displayCell('text', null)).toBe('')
  })
})

describe('distance page', () => {
  const results = overviewMeasures.map((m) => distanceAnalysis(directory, smallLsoas, m, 2))
  const chosen = results[0]
  if (!chosen) throw new Error('no result')
  const page = distancePage(base, chosen, results)

  it('summarises each measure with rounded figures', () => {
    // Women-only: 500 of 5000 beyond = 10%; mean 1.2 U = 1.334 -> 1.3 km.
    // Community treatment: 3000 of 5000 = 60%; mean 2.2 U = 2.446 -> 2.4 km.
    // Residential rehab (51.66): E1 6 U, E2 4 U, E3 1 U, E4 9 U; beyond 2 km E1, E2, E4 = 3500 = 70%;
    //   mean U × (6 × 1000 + 4 × 2000 + 1 × 1500 + 9 × 500) / 5000 = 4 U = 4.448 -> 4.4 km.
    // Inpatient detox: none, so everyone beyond and no mean.
    const rows = csv(tableToCsv(page.tables[0] ?? { id: '', caption: '', columns: [], rows: [], notes: [] }))
    expect(rows).toEqual([
      [
        'Distance to',
        'Places',
        'LSOAs more than 2 km away',
        'Women living more than 2 km away',
        'Share of women (%)',
        'Average distance for women (km)',
      ],
      ['Women-only provision', '3', '1', '500', '10', '1.3'],
      ['Community drug and alcohol treatment', '1', '3', '3000', '60', '2.4'],
      ['Residential rehabilitation', '1', '3', '3500', '70', '4.4'],
      ['Inpatient detox', '0', '4', '5000', '100', ''],
    ])
    expect(page.headline).toEqual({
      lead: '10.0% of women (500 of 5,000) live more than 2 km from the nearest place with women-only provision.',
      detail: 'That is 1 of 4 LSOAs. On average a woman lives 1.3 km from the nearest one.',
    })
  })

  it('lists every LSOA, farthest first, in the CSV and on the page alike', () => {
    const table = findTable(page, 'lsoas')
    if (!table) throw new Error('no table')
    const rows = csv(tableToCsv(table))
    // E0100004: 3 U = 3.336 -> 3.3 km to the women's centre, beyond 2 km.
    expect(rows[1]).toEqual(['E0100004', 'Test 001D', '500', '3.3', 'Yes', names.wc, "Test Women's Centre, NW4 9ZZ"])
    // E0100002: 1.5 U = 1.668 -> 1.7 km to the GP. E0100003: 1 U -> 1.1 km. E0100001: 0 km.
    expect(rows.slice(2).map((r) => [r[0], r[3], r[4]])).toEqual([
      ['E0100002', '1.7', 'No'],
      ['E0100003', '1.1', 'No'],
      ['E0100001', '0', 'No'],
    ])
    const shown = displayTable(table)
    expect(shown.rows[3]).toEqual([
      'E0100001',
      'Test 001A',
      '1,000',
      '0.0',
      'No',
      names.wc,
      "Test Women's Centre, NW4 9ZZ",
    ])
    expect(shown.columns.map((c) => c.numeric)).toEqual([false, false, true, true, false, false, false])
  })

  it('writes a headline for a type of service, and for nobody beyond', () => {
    const ct = results[1]
    if (!ct) throw new Error('no result')
    expect(distancePage(base, ct, results).headline.lead).toBe(
      '60.0% of women (3,000 of 5,000) live more than 2 km from the nearest community drug and alcohol treatment service.',
    )
    const far = distanceAnalysis(directory, smallLsoas, 'women-only', 4)
    expect(distancePage(base, far, [far]).headline.lead).toBe(
      '0.0% of women (0 of 5,000) live more than 4 km from the nearest place with women-only provision.',
    )
  })
})

describe('time and features pages', () => {
  it('puts the week grid into a table with sessions and services per part of the day', () => {
    const page = timePage(base, timeAnalysis(directory))
    const grid = findTable(page, 'grid-all')
    if (!grid) throw new Error('no table')
    const rows = csv(tableToCsv(grid))
    expect(rows[1]).toEqual(['Monday', '2', '2', '2', '1', '0', '0'])
    expect(rows[3]).toEqual(['Wednesday', '0', '0', '0', '0', '0', '0'])
    expect(grid.notes).toContain('No women-only sessions on Wednesday at any time')
    const sessions = findTable(page, 'sessions')
    expect(sessions?.rows).toHaveLength(5)
    expect(sessions?.rows[0]).toMatchObject({ day: 'Monday', start: '08:00', service: names.gp, mode: 'In person' })
  })

  it('gives counts and shares as two CSV columns', () => {
    const page = featuresPage(base, featureAnalysis(directory))
    const coverage = csv(tableToCsv(findTable(page, 'coverage') ?? page.tables[0]!))
    expect(coverage[0]).toEqual(['Feature', 'Services: services', 'Services: share (%)'])
    expect(coverage.find((r) => r[0] === 'Creche or children welcome')).toEqual([
      'Creche or children welcome',
      '3',
      '50',
    ])
    expect(coverage.find((r) => r[0] === 'Women-only group sessions')).toEqual([
      'Women-only group sessions',
      '1',
      '16.7',
    ])
    const byType = csv(tableToCsv(findTable(page, 'by-type') ?? page.tables[0]!))
    // 1 + 2 columns for each of the 6 types present.
    expect(byType[0]).toHaveLength(13)
    expect(byType[0]?.slice(5, 7)).toEqual(["Women's centre: services", "Women's centre: share (%)"])
    // Creche: women's centre 1 of 1, family hub 1 of 1, community venue 1 of 1, others 0.
    expect(byType.find((r) => r[0] === 'Creche or children welcome')).toEqual([
      'Creche or children welcome',
      '0',
      '0',
      '0',
      '0',
      '1',
      '100',
      '0',
      '0',
      '1',
      '100',
      '1',
      '100',
    ])
    expect(page.servicesWithNone).toBe(2)
  })
})

describe('map', () => {
  it('bands distances around the chosen distance', () => {
    expect(distanceBreaks(2)).toEqual([1, 2, 4, 8])
    expect(distanceBands(1.5).classes.map((c) => c.label)).toEqual([
      'Up to 0.75 km',
      'More than 0.75 km, up to 1.5 km',
      'More than 1.5 km, up to 3 km',
      'More than 3 km, up to 6 km',
      'More than 6 km',
    ])
    // 2 km exactly is within 2 km (band 1); a hair more is beyond it (band 2).
    expect(distanceBands(2).classOf(2)).toBe('band-1')
    expect(distanceBands(2).classOf(2.0001)).toBe('band-2')
  })

  it('has no map for a council without boundaries', () => {
    const result = distanceAnalysis(directory, smallLsoas, 'women-only', 2)
    expect(distanceMap('E09000010', 'Enfield', result)).toBeNull()
  })

  it('draws Barnet with the places inside it marked and counts the ones outside', () => {
    const moved = smallDirectory()
    const rehab = moved.locations.find((l) => l.id === locations.R.id)
    if (!rehab) throw new Error('fixture changed')
    rehab.latitude = 51.75 // north of Barnet's northern edge, 51.670
    const lsoas = loadLsoaCentroids({ utlaCode: 'E09000003' })
    const result = distanceAnalysis(moved, lsoas, 'women-only', 2)
    expect(result.points.map((p) => p.serviceId)).toEqual([ids.wc, ids.gp, ids.rehab])
    const map = distanceMap('E09000003', 'Barnet', result)
    if (!map) throw new Error('no map')
    expect(map.placesOutside).toBe(1)
    // 220 LSOAs, each a path with its own title.
    expect(map.svg.match(/<path d="[^"]+" fill="[^"]+"><title>/g)).toHaveLength(220)
    // Two markers inside, plus one in the key.
    expect(map.svg.match(/<circle /g)).toHaveLength(3)
    expect(map.svg).toContain('role="img"')
    expect(map.svg).not.toContain('style=')
  })

  it('finds the box around the polygons', () => {
    const box = boundsOf(
      {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: null,
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 50],
                  [1, 50],
                  [1, 52],
                  [0, 50],
                ],
              ],
            },
          },
        ],
      },
      0.1,
    )
    // Longitude 0..1 widened by 0.1 each side; latitude 50..52 by 0.2.
    expect(box.minLon).toBeCloseTo(-0.1, 12)
    expect(box.maxLon).toBeCloseTo(1.1, 12)
    expect(box.minLat).toBeCloseTo(49.8, 12)
    expect(box.maxLat).toBeCloseTo(52.2, 12)
  })
})

describe('every measure side by side', () => {
  it('gives each LSOA its distance to each kind of place, in code order', () => {
    const results = overviewMeasures.map((m) => distanceAnalysis(directory, smallLsoas, m, 2))
    const chosen = results[0]
    if (!chosen) throw new Error('no result')
    const table = findTable(distancePage(base, chosen, results), 'lsoas-all')
    if (!table) throw new Error('no table')
    const rows = csv(tableToCsv(table))
    expect(rows[0]).toEqual([
      'LSOA code',
      'LSOA name',
      'Female residents',
      'Women-only provision (km)',
      'Community drug and alcohol treatment (km)',
      'Residential rehabilitation (km)',
      'Inpatient detox (km)',
    ])
    // E0100001 (51.60): women-only 0; treatment at 51.63 3 U = 3.3; rehab at 51.66 6 U = 6.7; no detox.
    // E0100004 (51.57): women's centre 3 U = 3.3; treatment 6 U = 6.7; rehab 9 U = 10.0.
    expect(rows.slice(1)).toEqual([
      ['E0100001', 'Test 001A', '1000', '0', '3.3', '6.7', ''],
      ['E0100002', 'Test 001B', '2000', '1.7', '1.1', '4.4', ''],
      ['E0100003', 'Test 001C', '1500', '1.1', '2.2', '1.1', ''],
      ['E0100004', 'Test 001D', '500', '3.3', '6.7', '10', ''],
    ])
  })
})
