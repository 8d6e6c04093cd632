/**
 * End to end on real published data: Barnet's NDTMS ViewIt export goes in through the import
 * engine, and the assessment's figures are checked against the publisher's own file in the shared
 * folder, read here independently with csv-parse, with every interval worked out in this file by
 * the formula written out below (not by calling src/lib/stats).
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/features/needs/importers/index.js'
import type { AssessmentView, Cell, TableView } from '../../../src/features/needs/assessment/types.js'
import { fromRoot } from '../../../src/platform/root.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { sharedDataPath } from '../../support/shared.js'

/** z for a two-sided 95% interval. */
const Z = 1.959963984540054

/**
 * Wilson score interval for x successes out of n (Wilson 1927):
 *   centre = (p + z²/2n) / (1 + z²/n)
 *   half   = z / (1 + z²/n) × sqrt( p(1 − p)/n + z²/4n² )
 */
function wilson(x: number, n: number): { p: number; lower: number; upper: number } {
  const p = x / n
  const denominator = 1 + (Z * Z) / n
  const centre = (p + (Z * Z) / (2 * n)) / denominator
  const half = (Z / denominator) * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))
  return { p, lower: centre - half, upper: centre + half }
}

/**
 * Newcombe's hybrid score interval (method 10) for pA − pB:
 *   lower = d − sqrt((pA − lA)² + (uB − pB)²),  upper = d + sqrt((uA − pA)² + (pB − lB)²)
 */
function newcombe(a: [number, number], b: [number, number]): { d: number; lower: number; upper: number } {
  const A = wilson(...a)
  const B = wilson(...b)
  const d = A.p - B.p
  return {
    d,
    lower: d - Math.sqrt((A.p - A.lower) ** 2 + (B.upper - B.p) ** 2),
    upper: d + Math.sqrt((A.upper - A.p) ** 2 + (B.p - B.lower) ** 2),
  }
}

type CsvRow = Record<string, string>

/** The publisher's file, as published (shared/data), not the product's copy. */
const published = parse<CsvRow>(readFileSync(sharedDataPath('ndtms', 'viewit-la-barnet-2009-2022.csv'), 'utf8'), {
  columns: true,
  bom: true,
  skip_empty_lines: true,
})

function publishedRow(period: string, sex: 'F' | 'M' | 'Total', age = 'total', drug = 'total'): CsvRow {
  const row = published.find(
    (r) =>
      r.ReportingPeriod === period &&
      r.sex?.toLowerCase() === sex.toLowerCase() &&
      r.age_group?.toLowerCase() === age &&
      r.drug_group?.toLowerCase() === drug,
  )
  if (!row) throw new Error(`no published row for ${period} ${sex} ${age} ${drug}`)
  return row
}

const num = (row: CsvRow, measure: string): number => {
  const v = row[measure]
  if (v === undefined || v === 'NULL' || v === '') throw new Error(`${measure} is not published`)
  return Number(v)
}

function table(view: AssessmentView, id: string): TableView {
  const t = view.sections.flatMap((s) => s.tables).find((x) => x.id === id)
  if (!t) throw new Error(`no table ${id}`)
  return t
}

function rowOf(t: TableView, label: string): Record<string, Cell> {
  const first = t.columns[0]?.key ?? ''
  const row = t.rows.find((r) => r[first]?.display === label)
  if (!row) throw new Error(`no row ${label} in ${t.id}`)
  return row
}

const numberOf = (cell: Cell | undefined): number => {
  if (typeof cell?.value !== 'number') throw new Error(`cell has no number: ${JSON.stringify(cell)}`)
  return cell.value
}

describe('needs assessment on Barnet’s published NDTMS data', () => {
  let ctx: TestContext
  let commissioner: TestUser
  let client: TestClient
  let view: AssessmentView

  beforeAll(async () => {
    ctx = await createTestContext()
    commissioner = await ctx.user({ roles: ['commissioner'], totp: true })
    const summary = await importFile(ctx.database.db, commissioner.scope, {
      kind: 'ndtms-viewit',
      filePath: fromRoot('src/db/reference/needs/viewit-la-barnet-2009-2022.csv'),
      fileName: 'viewit-la-barnet-2009-2022.csv',
      userId: commissioner.id,
    })
    expect(summary.rowsRefused).toBe(0)
    client = await ctx.signedIn(commissioner)
    const res = await client.get('/needs?format=json')
    expect(res.statusCode).toBe(200)
    view = JSON.parse(res.body) as AssessmentView
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('defaults to the latest year, all substances and all ages, and offers the 13 years of the file', () => {
    expect(view.selection).toEqual({ period: '2021/22', substanceGroup: 'all', ageGroup: 'all' })
    const years = new Set(published.map((r) => r.ReportingPeriod))
    expect(view.options.periods).toHaveLength(years.size)
    expect(view.options.periods[0]).toBe('2021/22')
    expect(view.council.code).toBe('E09000003')
  })

  it('women’s share of people in treatment in 2021/22 is 455 of 1,465, and of new presentations 215 of 650', () => {
    const women = publishedRow('2021/22', 'F')
    const all = publishedRow('2021/22', 'Total')
    // The published totals (not a sum of rounded parts): 455 and 1465; 215 and 650.
    expect(num(women, 'intreatment_allintx')).toBe(455)
    expect(num(all, 'intreatment_allintx')).toBe(1465)
    const access = table(view, 'access')
    const treat = rowOf(access, 'People in treatment')
    expect(treat.women?.display).toBe('455')
    expect(treat.all?.display).toBe('1,465')
    // 455 / 1465 = 0.31058; Wilson 95%: 0.2874 to 0.3347.
    const w = wilson(455, 1465)
    expect(numberOf(treat.womenShare)).toBeCloseTo(w.p, 5)
    expect(numberOf(treat.womenLower)).toBeCloseTo(w.lower, 5)
    expect(numberOf(treat.womenUpper)).toBeCloseTo(w.upper, 5)
    expect(treat.womenShare?.display).toBe('31.1%')
    expect(w.lower).toBeCloseTo(0.2874, 4)
    expect(w.upper).toBeCloseTo(0.3347, 4)

    const fresh = rowOf(access, 'New presentations')
    expect(num(women, 'newpresentation_newtx')).toBe(215)
    expect(num(all, 'newpresentation_newtx')).toBe(650)
    // 215 / 650 = 0.33077; Wilson 95%: 0.2957 to 0.3678.
    const n = wilson(215, 650)
    expect(numberOf(fresh.womenShare)).toBeCloseTo(n.p, 5)
    expect(numberOf(fresh.womenLower)).toBeCloseTo(n.lower, 5)
    expect(numberOf(fresh.womenUpper)).toBeCloseTo(n.upper, 5)
    expect(fresh.womenShare?.display).toBe('33.1%')

    const access0 = view.sections.find((s) => s.id === 'access')
    expect(access0?.status).toBe('ready')
    expect(access0?.cards.map((c) => c.value)).toContain('31.1%')
    expect(`${access0?.notes.join(' ') ?? ''} ${access.notes.join(' ')}`).toContain(
      'rounded to the nearest 5 by the publisher',
    )
  })

  it('referral shares of new presentations match the raw counts, with Wilson intervals and Newcombe differences', () => {
    const women = publishedRow('2021/22', 'F')
    const men = publishedRow('2021/22', 'M')
    const t = table(view, 'referrals')
    const sources: [string, string][] = [
      ['Self, family or friends', 'referralsource_self_family_friends_newtx'],
      ['Health services and social care', 'referralsource_health_services_social_care_newtx'],
      ['Criminal justice', 'referralsource_criminal_justice_newtx'],
      ['Substance misuse services', 'referralsource_substance_misuse_service_newtx'],
      ['Other sources', 'referralsource_other_newtx'],
      ['Not recorded', 'referralsource_missing_newtx'],
    ]
    const fTotal = num(women, 'newpresentation_newtx')
    const mTotal = num(men, 'newpresentation_newtx')
    for (const [label, measure] of sources) {
      const row = rowOf(t, label)
      const f = num(women, measure)
      const m = num(men, measure)
      expect(row.women?.value).toBe(f)
      expect(row.men?.value).toBe(m)
      const wf = wilson(f, fTotal)
      const wm = wilson(m, mTotal)
      expect(numberOf(row.womenShare)).toBeCloseTo(wf.p, 5)
      expect(numberOf(row.womenLower)).toBeCloseTo(f === 0 ? 0 : wf.lower, 5)
      expect(numberOf(row.womenUpper)).toBeCloseTo(wf.upper, 5)
      expect(numberOf(row.menShare)).toBeCloseTo(wm.p, 5)
      const d = newcombe([f, fTotal], [m, mTotal])
      // Differences are published in percentage points.
      expect(numberOf(row.difference)).toBeCloseTo(d.d * 100, 3)
      if (f > 0 && m > 0) {
        expect(numberOf(row.differenceLower)).toBeCloseTo(d.lower * 100, 3)
        expect(numberOf(row.differenceUpper)).toBeCloseTo(d.upper * 100, 3)
      }
    }
    // Self, family or friends: women 110 of 215 = 51.2% (44.5% to 57.8%).
    const self = rowOf(t, 'Self, family or friends')
    expect(self.womenShare?.display).toBe('51.2%')
    expect(self.womenLower?.display).toBe('44.5%')
    expect(self.womenUpper?.display).toBe('57.8%')
    // Criminal justice: women 10/215 = 4.65%, men 45/440 = 10.23%; d = −5.58 points,
    // Newcombe interval −9.39 to −1.12: excludes 0, so women were significantly less likely.
    const cj = rowOf(t, 'Criminal justice')
    expect(cj.comparison?.display).toBe('Significantly lower for women')
    const referrals = view.sections.find((s) => s.id === 'referrals')
    expect(referrals?.findings.join(' ')).toContain(
      'Women were significantly less likely than men to be referred through the criminal justice system',
    )
    // Self-referral: d = +6.84 points, interval −1.28 to +14.88 includes 0: no significant difference.
    expect(self.comparison?.display).toBe('No significant difference')
    // The published total is shown, not the sum of the six rounded sources (210 for women).
    const total = rowOf(t, 'All new presentations (published total)')
    expect(total.women?.value).toBe(215)
    const sumOfParts = sources.reduce((s, [, m]) => s + num(women, m), 0)
    expect(sumOfParts).toBe(210)
  })

  it('exits are shares of everyone in treatment, women against men', () => {
    const women = publishedRow('2021/22', 'F')
    const t = table(view, 'exits')
    const completed = rowOf(t, 'Completed treatment successfully')
    // 100 of 455 women in treatment = 22.0%.
    expect(num(women, 'exits_successfulcompletion_allintx')).toBe(100)
    const w = wilson(100, 455)
    expect(numberOf(completed.womenShare)).toBeCloseTo(w.p, 5)
    expect(completed.womenShare?.display).toBe('22.0%')
  })

  it('counts people in treatment for alcohol and for opiates and crack as OHID does', () => {
    const t = table(view, 'access-need')
    // Alcohol: "alcohol only" + "non-opiates and alcohol", two published counts (440 + 230 = 670 for
    // everyone; 170 + 75 = 245 for women in 2021/22).
    const alcohol = rowOf(t, 'Alcohol')
    const all = (drug: string, sex: 'F' | 'Total') =>
      num(publishedRow('2021/22', sex, 'total', drug), 'intreatment_allintx')
    expect(alcohol.all?.value).toBe(all('alcohol only', 'Total') + all('non-opiate & alcohol', 'Total'))
    expect(alcohol.all?.value).toBe(670)
    expect(alcohol.women?.value).toBe(245)
    // Opiates and crack: the published count of people citing opiates and/or crack (640), which is more
    // than the opiate group alone (605): it includes crack users in the non-opiate groups.
    const ocu = rowOf(t, 'Opiates and crack')
    expect(ocu.all?.value).toBe(num(publishedRow('2021/22', 'Total'), 'substanceanycitation_opiatesandorcrack_allintx'))
    expect(ocu.all?.value).toBe(640)
    expect(all('opiate', 'Total')).toBe(605)
  })

  it('ethnicity of women in treatment matches the published counts', () => {
    const women = publishedRow('2021/22', 'F')
    const t = table(view, 'representation-ethnicity')
    const black = rowOf(t, 'Black, Black British, Caribbean or African')
    expect(black.allintxCount?.value).toBe(num(women, 'eth_black_allintx'))
    // 45 of 455 women in treatment = 9.9%.
    const w = wilson(45, 455)
    expect(numberOf(black.allintxShare)).toBeCloseTo(w.p, 5)
    expect(numberOf(black.allintxLower)).toBeCloseTo(w.lower, 5)
    expect(black.allintxShare?.display).toBe('9.9%')
  })

  it('the page shows the same figures, with a table for each chart', async () => {
    const page = await client.get('/needs/access')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Needs assessment')
    expect(page.body).toContain('id="table-access"')
    expect(page.body).toContain('>31.1%<')
    expect(page.body).toContain('>1,465<')
    expect(page.body).toContain('role="img"')
    expect(page.body).toContain('needs/priorities/new?title=')
  })

  it('another year and substance group can be chosen', async () => {
    const res = await client.get('/needs?format=json&period=2019%2F20&substance=alcohol_only&age=30-49')
    expect(res.statusCode).toBe(200)
    const other = JSON.parse(res.body) as AssessmentView
    expect(other.selection).toEqual({ period: '2019/20', substanceGroup: 'alcohol_only', ageGroup: '30-49' })
    const women = publishedRow('2019/20', 'F', '30-49', 'alcohol only')
    const all = publishedRow('2019/20', 'Total', '30-49', 'alcohol only')
    const treat = rowOf(table(other, 'access'), 'People in treatment')
    expect(treat.women?.value).toBe(num(women, 'intreatment_allintx'))
    expect(treat.all?.value).toBe(num(all, 'intreatment_allintx'))
  })
})
