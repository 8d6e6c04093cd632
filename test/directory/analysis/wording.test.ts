/**
 * The analysis pages' wording (issue 11): no double negatives, "parts of the week" explained, a
 * week grid whose cells add up to the figure the page gives, no clinic proposed in an online-only
 * place, and the 220 LSOA rows behind a disclosure. Expected values are worked out by hand from
 * the fixture (fixture.ts; the sessions are listed in analysis.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { colocationAnalysis, isAttended, timeAnalysis } from '../../../src/features/directory/analysis/analysis.js'
import {
  cohortsHeadline,
  featuresHeadline,
  gridTotalSentence,
  timeHeadline,
  timePage,
  toTableView,
} from '../../../src/features/directory/analysis/tables.js'
import { tableToCsv, type TableView } from '../../../src/lib/table.js'
import { createViewEnvironment } from '../../../src/platform/views.js'
import { ids, names, smallDirectory } from './fixture.js'

const base = {
  council: { name: 'Test council', areaCode: 'E09000003' },
  generatedAt: '2026-01-01T00:00:00.000Z',
  directory: { published: 6, drafts: 1 },
}

describe('the week grid and its total count the same thing', () => {
  const page = timePage(base, timeAnalysis(smallDirectory()))
  const grid = (mode: string) => page.grids.find((g) => g.mode === mode)

  it('adds up the cells of each grid by hand', () => {
    // All: Monday morning 2 (GP 08:00-09:00, women's centre 10:00-13:00), Monday afternoon 2
    // (women's centre 10:00-13:00 and 14:00-15:00), Tuesday evening 1, Thursday afternoon 1 = 6
    // for 5 sessions, because the 10:00-13:00 session is in two parts of the day.
    expect(grid('all')).toMatchObject({ sessions: 5, cellTotal: 6, spanning: 1, partTotals: [2, 3, 1] })
    expect(grid('all')?.totalSentence).toBe(
      '5 sessions a week. Each cell counts the sessions running in that part of the day, and 1 session runs into more than one part, so the grid’s cells add up to 6.',
    )
    // In person: the women's centre's two, the GP's and the rehab's (both): 2 + 2 + 1 = 5.
    expect(grid('in_person')).toMatchObject({ sessions: 4, cellTotal: 5, spanning: 1, partTotals: [2, 3, 0] })
    // Online: the treatment service's Tuesday evening and the rehab's Thursday afternoon, one part each.
    expect(grid('online')).toMatchObject({ sessions: 2, cellTotal: 2, spanning: 0, partTotals: [0, 1, 1] })
    expect(grid('online')?.totalSentence).toBe(
      '2 sessions a week. Each runs in one part of the day, so the grid’s cells add up to 2.',
    )
    for (const g of page.grids) {
      expect(
        g.partTotals.reduce((a, b) => a + b, 0),
        g.mode,
      ).toBe(g.cellTotal)
    }
  })

  it('says in the grid table what a cell counts', () => {
    const table = page.tables.find((t) => t.id === 'grid-all')
    expect(table?.notes[0]).toBe(
      'A session counts in every part of the day it runs in, so a session from 10:00 to 13:00 counts in the morning and the afternoon.',
    )
  })

  it('words a total with no sessions plainly', () => {
    expect(gridTotalSentence(0, 0, 0)).toBe('0 sessions a week.')
    expect(gridTotalSentence(1, 2, 1)).toBe(
      '1 session a week. Each cell counts the sessions running in that part of the day, and 1 session runs into more than one part, so the grid’s cells add up to 2.',
    )
  })
})

describe('headlines without double negatives', () => {
  it('features', () => {
    expect(featuresHeadline(45, 0)).toBe(
      'All 45 published services have at least one of the gender-responsive features.',
    )
    expect(featuresHeadline(45, 45)).toBe(
      'None of the 45 published services has any of the gender-responsive features.',
    )
    expect(featuresHeadline(6, 2)).toBe('2 of the 6 published services have none of the gender-responsive features.')
    expect(featuresHeadline(6, 1)).toBe('1 of the 6 published services has none of the gender-responsive features.')
    expect(featuresHeadline(0, 0)).toBe('There are no published services yet.')
  })

  it('time, explaining the parts of the week', () => {
    expect(timeHeadline(33, 8)).toBe(
      '33 women-only sessions a week. 8 of the 21 parts of the week (each day’s morning, afternoon and evening) have no session.',
    )
    expect(timeHeadline(33, 0)).toBe(
      '33 women-only sessions a week. Every one of the 21 parts of the week (each day’s morning, afternoon and evening) has at least one.',
    )
  })

  it('groups of women', () => {
    expect(cohortsHeadline(9, 0)).toBe('Every one of the 9 groups of women has at least one service that serves them.')
    expect(cohortsHeadline(9, 3)).toBe('3 of the 9 groups of women have no service that serves them.')
  })

  it('never starts with "0 of"', () => {
    for (const text of [featuresHeadline(45, 0), timeHeadline(33, 0), cohortsHeadline(9, 0)]) {
      expect(text).not.toMatch(/(^|\. )0 of/)
    }
  })
})

describe('co-location proposes clinics only where women go in person', () => {
  it('tells an attended place from an online-only one', () => {
    expect(isAttended({ schedules: [] })).toBe(true)
    const s = smallDirectory().schedules[0]
    if (!s) throw new Error('fixture changed')
    expect(isAttended({ schedules: [{ ...s, mode: 'online' }] })).toBe(false)
    expect(
      isAttended({
        schedules: [
          { ...s, mode: 'online' },
          { ...s, mode: 'both' },
        ],
      }),
    ).toBe(true)
  })

  it('leaves out the women’s centre once all its sessions are online', () => {
    // Within 3.5 km the pairs are circle, family hub, GP and women's centre (analysis.test.ts).
    const changed = smallDirectory()
    const wcLinks = new Set(changed.serviceAtLocations.filter((x) => x.serviceId === ids.wc).map((x) => x.id))
    const wcSessions = changed.schedules.filter((s) => wcLinks.has(s.serviceAtLocationId))
    expect(wcSessions).toHaveLength(2)
    for (const s of wcSessions) s.mode = 'online'
    const result = colocationAnalysis(changed, 3.5)
    expect(result.pairs.map((p) => p.place.serviceName)).toEqual([names.circle, names.fh, names.gp])
    expect(result.placeServices).toBe(3)
  })
})

describe('the shared table partial and writer', () => {
  const env = createViewEnvironment({ env: 'test' })
  const rows = Array.from({ length: 25 }, (_, i) => ({
    name: { value: `Area ${String(i + 1)}`, display: `Area ${String(i + 1)}`, status: 'shown' as const },
    km: { value: 25 - i, display: `${String(25 - i)}.0`, status: 'shown' as const },
  }))
  const table: TableView = {
    id: 'lsoas',
    caption: 'Distance from each LSOA, farthest first',
    columns: [
      { key: 'name', label: 'LSOA name', kind: 'text' },
      { key: 'km', label: 'Distance (km)', kind: 'km' },
      { key: 'code', label: 'LSOA code', kind: 'text', downloadOnly: true },
    ],
    rows,
    notes: [],
  }

  it('shows the worst 20 first and every area behind "Show all areas"', () => {
    const html = env.render('platform/views/partials/table.njk', {
      table,
      downloadBase: '?',
      previewRows: 20,
      previewLabel: 'areas',
    })
    const [preview, rest] = html.split('<details')
    expect(rest).toBeDefined()
    // 20 body rows + 1 header row before the disclosure; 25 + 1 inside it.
    expect(preview?.match(/<tr /g)).toHaveLength(21)
    expect(rest?.match(/<tr /g)).toHaveLength(26)
    expect(rest).toContain('Show all 25 areas')
    expect(preview).toContain('Area 20<')
    expect(preview).not.toContain('Area 21<')
    expect(html).toContain('role="region"')
    expect(html).toContain('(first 20 of 25)</caption>')
    // The download-only column is not on the page.
    expect(html).not.toContain('LSOA code')
  })

  it('keeps hidden values hidden and text formula-safe in the machine-value CSV', () => {
    const hidden: TableView = {
      id: 't',
      caption: 'c',
      columns: [
        { key: 'name', label: 'Name', kind: 'text' },
        { key: 'n', label: 'Count', kind: 'count' },
      ],
      rows: [
        {
          name: { value: '=SUM(A1)', display: '=SUM(A1)', status: 'shown' },
          n: { value: null, display: '<5', status: 'primary' },
        },
        { name: { value: 'B', display: 'B', status: 'shown' }, n: { value: 12, display: '12', status: 'shown' } },
      ],
      notes: [],
    }
    expect(tableToCsv(hidden, 'values')).toBe('\uFEFF"Name","Count"\r\n"\'=SUM(A1)","<5"\r\n"B",12\r\n')
    expect(tableToCsv(hidden, 'display')).toBe('\uFEFF"Name","Count"\r\n"\'=SUM(A1)","<5"\r\n"B","12"\r\n')
  })

  it('turns an analysis table into the shared model with a count and its share', () => {
    const view = toTableView({
      id: 'x',
      caption: 'x',
      columns: [{ key: 's', label: 'Services', kind: 'count-share' }],
      rows: [{ s: { count: 2, of: 3, percent: 66.7 } }, { s: null }],
      notes: [],
    })
    expect(view.rows[0]?.s).toEqual({ value: 2, display: '2 of 3 (66.7%)', status: 'shown', share: 66.7 })
    expect(view.rows[1]?.s).toEqual({ value: null, display: 'None', status: 'not-available' })
  })
})
