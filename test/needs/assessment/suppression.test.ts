/**
 * Small numbers: with a hand-made dataset full of counts from 1 to 4, no such count appears as a
 * count anywhere: not in the page's tables, not in the JSON cells, not in the CSV downloads; shares
 * built on a hidden count are hidden too; and a single hidden part of a total gets a second cell
 * hidden with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tableForPage } from '../../../src/features/needs/assessment/pages.js'
import type { AssessmentView, TableView } from '../../../src/features/needs/assessment/types.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { type HandRow, htmlTableCells, insertImport, insertNdtms, parseCsv } from './support.js'
import { allSectionPages } from './pages.js'

const P = '2021/22'

/** Women (F), men (M) and everyone (Persons) for all ages and substances: small counts throughout. */
const allAll: Record<'F' | 'M' | 'Persons', Record<string, number>> = {
  F: {
    intreatment_allintx: 23,
    newpresentation_newtx: 9,
    referralsource_self_family_friends_newtx: 3,
    referralsource_health_services_social_care_newtx: 2,
    referralsource_criminal_justice_newtx: 0,
    referralsource_substance_misuse_service_newtx: 4,
    referralsource_other_newtx: 0,
    referralsource_missing_newtx: 0,
    exits_successfulcompletion_allintx: 4,
    exits_droppedout_allintx: 2,
    exits_treatmentwithdrawn_allintx: 0,
    exits_prison_allintx: 1,
    exits_died_allintx: 0,
    exits_other_allintx: 0,
    waitsfirst_3weeksandunder_newtx: 3,
    waitsfirst_3to6weeks_newtx: 1,
    waitsfirst_over6weeks_newtx: 0,
    lengthintreatment_under1year_allintx: 12,
    lengthintreatment_1to2years_allintx: 4,
    lengthintreatment_2to4years_allintx: 3,
    lengthintreatment_4to6years_allintx: 2,
    lengthintreatment_over6years_allintx: 2,
    safeguarding_parentlivingwithchildren_allintx: 3,
    safeguarding_othercontactlivingwithchildren_allintx: 1,
    safeguarding_parentsnotwithchildren_allintx: 2,
    safeguarding_notparentnocontactwithchildren_allintx: 17,
    safeguarding_livingwithincompletedata_allintx: 0,
    safeguarding_parentlivingwithchildren_newtx: 1,
    safeguarding_othercontactlivingwithchildren_newtx: 0,
    safeguarding_parentsnotwithchildren_newtx: 2,
    safeguarding_notparentnocontactwithchildren_newtx: 6,
    safeguarding_livingwithincompletedata_newtx: 0,
    eth_white_allintx: 15,
    eth_mixed_allintx: 5,
    eth_asian_allintx: 0,
    eth_black_allintx: 3,
    eth_other_allintx: 0,
    eth_white_newtx: 6,
    eth_mixed_newtx: 1,
    eth_asian_newtx: 1,
    eth_black_newtx: 1,
    eth_other_newtx: 0,
    sexuality_hetero_newtx: 7,
    sexuality_gaylesbian_newtx: 1,
    sexuality_bi_newtx: 1,
    sexuality_other_newtx: 0,
    sexuality_notstated_newtx: 0,
    sexuality_missing_newtx: 0,
    disability_any_newtx: 3,
    disability_nodisability_newtx: 5,
    disability_notstated_newtx: 1,
    disability_allmissing_newtx: 0,
    religion_christian_newtx: 4,
    religion_muslim_newtx: 2,
    religion_none_newtx: 3,
    substanceanycitation_opiatesandorcrack_allintx: 9,
  },
  M: {
    intreatment_allintx: 40,
    newpresentation_newtx: 14,
    referralsource_self_family_friends_newtx: 6,
    referralsource_health_services_social_care_newtx: 4,
    referralsource_criminal_justice_newtx: 1,
    referralsource_substance_misuse_service_newtx: 3,
    referralsource_other_newtx: 0,
    referralsource_missing_newtx: 0,
    exits_successfulcompletion_allintx: 7,
    exits_droppedout_allintx: 3,
    exits_treatmentwithdrawn_allintx: 0,
    exits_prison_allintx: 2,
    exits_died_allintx: 1,
    exits_other_allintx: 0,
    waitsfirst_3weeksandunder_newtx: 10,
    waitsfirst_3to6weeks_newtx: 2,
    waitsfirst_over6weeks_newtx: 2,
    lengthintreatment_under1year_allintx: 20,
    lengthintreatment_1to2years_allintx: 10,
    lengthintreatment_2to4years_allintx: 5,
    lengthintreatment_4to6years_allintx: 3,
    lengthintreatment_over6years_allintx: 2,
    safeguarding_parentlivingwithchildren_allintx: 6,
    safeguarding_othercontactlivingwithchildren_allintx: 2,
    safeguarding_parentsnotwithchildren_allintx: 8,
    safeguarding_notparentnocontactwithchildren_allintx: 24,
    safeguarding_livingwithincompletedata_allintx: 0,
    safeguarding_parentlivingwithchildren_newtx: 3,
    safeguarding_othercontactlivingwithchildren_newtx: 1,
    safeguarding_parentsnotwithchildren_newtx: 2,
    safeguarding_notparentnocontactwithchildren_newtx: 8,
    safeguarding_livingwithincompletedata_newtx: 0,
    substanceanycitation_opiatesandorcrack_allintx: 21,
  },
  Persons: {
    intreatment_allintx: 63,
    newpresentation_newtx: 23,
    substanceanycitation_opiatesandorcrack_allintx: 30,
  },
}

/** Women by substance group: one small count (3), so one more cell must be hidden with it. */
const bySubstance: Record<string, Record<'F' | 'M' | 'Persons', [number, number]>> = {
  opiate: { F: [8, 2], M: [12, 4], Persons: [20, 6] },
  non_opiate_only: { F: [5, 1], M: [5, 2], Persons: [10, 3] },
  alcohol_only: { F: [7, 5], M: [18, 6], Persons: [25, 11] },
  non_opiate_and_alcohol: { F: [3, 1], M: [5, 2], Persons: [8, 3] },
}
const byAge: Record<string, Record<'F' | 'M' | 'Persons', [number, number]>> = {
  '18-29': { F: [4, 2], M: [9, 3], Persons: [13, 5] },
  '30-49': { F: [12, 5], M: [20, 7], Persons: [32, 12] },
  '50+': { F: [7, 2], M: [11, 4], Persons: [18, 6] },
}

function handRows(): HandRow[] {
  const rows: HandRow[] = []
  for (const sex of ['F', 'M', 'Persons'] as const) {
    rows.push({ period: P, sex, measures: allAll[sex] })
    for (const [substance, v] of Object.entries(bySubstance)) {
      rows.push({
        period: P,
        sex,
        substance,
        measures: { intreatment_allintx: v[sex][0], newpresentation_newtx: v[sex][1] },
      })
    }
    for (const [age, v] of Object.entries(byAge)) {
      rows.push({ period: P, sex, age, measures: { intreatment_allintx: v[sex][0], newpresentation_newtx: v[sex][1] } })
    }
  }
  return rows
}

const small = /^[1-4]$/

describe('small-number suppression on the assessment', () => {
  let ctx: TestContext
  let user: TestUser
  let client: TestClient
  let view: AssessmentView
  let tables: TableView[]
  let page: string

  beforeAll(async () => {
    ctx = await createTestContext()
    user = await ctx.user({ roles: ['commissioner'], totp: true })
    const importId = await insertImport(ctx.database.db, user.scope, 'ndtms-viewit')
    await insertNdtms(ctx.database.db, user.scope, importId, handRows())
    client = await ctx.signedIn(user)
    view = JSON.parse((await client.get('/needs?format=json')).body) as AssessmentView
    tables = view.sections.flatMap((s) => s.tables)
    page = await allSectionPages(client)
  })
  afterAll(async () => {
    await ctx.close()
  })

  const countColumns = (t: TableView) => t.columns.flatMap((c, i) => (c.kind === 'count' ? [{ c, i }] : []))

  it('the hand-made data reaches the tables that suppression applies to', () => {
    const ids = tables.map((t) => t.id)
    for (const id of [
      'access',
      'access-by-substance',
      'access-by-age',
      'access-trend',
      'referrals',
      'exits',
      'exits-waits',
      'exits-length',
      'safeguarding',
      'safeguarding-new',
    ]) {
      expect(ids).toContain(id)
    }
  })

  it('no JSON count cell holds or shows a number from 1 to 4', () => {
    let hidden = 0
    for (const t of tables) {
      for (const { c } of countColumns(t)) {
        for (const row of t.rows) {
          const cell = row[c.key]!
          expect(cell.display, `${t.id} ${c.key}`).not.toMatch(small)
          expect([1, 2, 3, 4]).not.toContain(cell.value)
          if (cell.status === 'primary') {
            expect(cell.display).toBe('<5')
            expect(cell.value).toBeNull()
            hidden++
          }
        }
      }
    }
    expect(hidden).toBeGreaterThan(20)
  })

  it('no count column of any table on the page shows a number from 1 to 4', () => {
    let cells = 0
    for (const t of tables) {
      const html = htmlTableCells(page, t.id)
      for (const { i } of countColumns(tableForPage(t))) {
        for (const row of html) {
          expect(row[i], t.id).not.toMatch(small)
          cells++
        }
      }
    }
    expect(cells).toBeGreaterThan(50)
    expect(page).toContain('&lt;5')
  })

  it('no count in the CSV downloads is a number from 1 to 4', async () => {
    const [, ...lines] = parseCsv((await client.get('/needs?format=csv')).body)
    const countLabels = new Map(tables.map((t) => [t.id, new Set(countColumns(t).map(({ c }) => c.label))]))
    let checked = 0
    for (const line of lines) {
      if (!countLabels.get(line[1] ?? '')?.has(line[4] ?? '')) continue
      expect(line[5], line.join(',')).not.toMatch(small)
      expect(line[6], line.join(',')).not.toMatch(small)
      checked++
    }
    expect(checked).toBeGreaterThan(50)
    for (const t of tables) {
      const [, ...rows] = parseCsv((await client.get(`/needs?format=csv&table=${t.id}`)).body)
      for (const { i } of countColumns(t)) for (const row of rows) expect(row[i], t.id).not.toMatch(small)
    }
  })

  it('a share built on a hidden count is hidden with the same symbol, and so is its interval and difference', () => {
    const referrals = tables.find((t) => t.id === 'referrals')
    const self = referrals?.rows.find((r) => r.category?.display === 'Self, family or friends')
    // Women 3 (hidden), men 6 of 14 (shown).
    expect(self?.women?.display).toBe('<5')
    expect(self?.womenShare).toEqual({ value: null, display: '<5', status: 'primary' })
    expect(self?.womenLower?.value).toBeNull()
    expect(self?.womenUpper?.value).toBeNull()
    expect(self?.men?.display).toBe('6')
    expect(self?.difference?.value).toBeNull()
    expect(self?.comparison?.display).toBe('Not calculated')
    for (const t of tables) {
      for (const row of t.rows) {
        for (const c of t.columns) {
          if (c.kind !== 'percent') continue
          const cell = row[c.key]!
          if (cell.status !== 'shown') expect(cell.value, `${t.id} ${c.key}`).toBeNull()
        }
      }
    }
  })

  it('one hidden part of a total takes the smallest other part with it, so it cannot be worked out', () => {
    // Women in treatment by substance group: 8, 5, 7, 3 of 23. Only the 3 is small; left alone it
    // would be 23 − 8 − 5 − 7. So the smallest other non-zero part, 5 (non-opiates only), is hidden too.
    const t = tables.find((x) => x.id === 'access-by-substance')
    const cell = (label: string) => t?.rows.find((r) => r.item?.display === label)?.womenTreat
    expect(cell('Non-opiates and alcohol')?.display).toBe('<5')
    expect(cell('Non-opiates only')).toEqual({ value: null, display: '[c]', status: 'secondary' })
    expect(cell('Opiates')?.display).toBe('8')
    expect(cell('Alcohol only')?.display).toBe('7')
    expect(cell('All substances')?.display).toBe('23')
  })

  it('findings and headline figures quote no count from 1 to 4', () => {
    const texts = view.sections.flatMap((s) => [...s.findings, ...s.cards.flatMap((c) => [c.value, c.detail])])
    expect(texts.length).toBeGreaterThan(5)
    for (const text of texts) expect(text).not.toMatch(/(^|[\s(])[1-4](\s+(of|women|men|waits|people)\b|\)|$)/)
  })

  it('charts label hidden bars with the hidden symbol and draw no number from 1 to 4', () => {
    for (const chart of view.sections.flatMap((s) => s.charts)) {
      expect(chart.svg, chart.id).not.toMatch(/>(Women|Men): [1-4]</)
    }
    const waits = view.sections.flatMap((s) => s.charts).find((c) => c.id === 'exits-waits-chart')
    expect(waits?.svg).toContain('Women: &lt;5')
  })
})
