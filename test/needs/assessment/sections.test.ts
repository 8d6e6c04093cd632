/**
 * Representation ratios against the council's female population, harm indicators by sex, and the
 * local insight and priorities sections, on hand-made data whose answers are worked out below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingertipsValues, localIndicators, populationEstimates } from '../../../src/db/schema/index.js'
import type { AssessmentView, Cell, SectionView, TableView } from '../../../src/features/needs/assessment/types.js'
import { createInsight } from '../../../src/features/needs/insight/repository.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { insertImport, insertNdtms } from './support.js'

const P = '2021/22'

function section(view: AssessmentView, id: string): SectionView {
  const s = view.sections.find((x) => x.id === id)
  if (!s) throw new Error(`no section ${id}`)
  return s
}
function table(view: AssessmentView, id: string): TableView {
  const t = view.sections.flatMap((s) => s.tables).find((x) => x.id === id)
  if (!t) throw new Error(`no table ${id}`)
  return t
}
function row(t: TableView, label: string): Record<string, Cell> {
  const first = t.columns[0]?.key ?? ''
  const r = t.rows.find((x) => x[first]?.display === label)
  if (!r) throw new Error(`no row ${label} in ${t.id}`)
  return r
}
const value = (cell: Cell | undefined): number => {
  if (typeof cell?.value !== 'number') throw new Error(`not a number: ${JSON.stringify(cell)}`)
  return cell.value
}

describe('representation, harm, insight and priorities', () => {
  let ctx: TestContext
  let user: TestUser
  let client: TestClient
  let view: AssessmentView

  beforeAll(async () => {
    ctx = await createTestContext()
    user = await ctx.user({ roles: ['commissioner'], totp: true })
    const db = ctx.database.db
    const scope = user.scope
    const ndtms = await insertImport(db, scope, 'ndtms-viewit')
    await insertNdtms(db, scope, ndtms, [
      {
        period: P,
        sex: 'F',
        measures: {
          intreatment_allintx: 400,
          newpresentation_newtx: 150,
          eth_white_allintx: 300,
          eth_mixed_allintx: 20,
          eth_asian_allintx: 40,
          eth_black_allintx: 20,
          eth_other_allintx: 20,
          sexuality_hetero_newtx: 130,
          sexuality_gaylesbian_newtx: 10,
          sexuality_bi_newtx: 10,
        },
      },
      { period: P, sex: 'M', measures: { intreatment_allintx: 900, newpresentation_newtx: 350 } },
      { period: P, sex: 'Persons', measures: { intreatment_allintx: 1300, newpresentation_newtx: 500 } },
      // England's rows, as a comparator that came in the same file.
      ...(['F', 'Persons'] as const).map((sex) => ({
        period: P,
        sex,
        areaCode: 'E92000001',
        areaName: 'England',
        areaLevel: 'england',
        measures: {
          intreatment_allintx: sex === 'F' ? 90000 : 300000,
          newpresentation_newtx: sex === 'F' ? 40000 : 125000,
        },
      })),
    ])
    const population = await insertImport(db, scope, 'population', 'Test: Census 2021')
    const women: [string, string, number][] = [
      ['all', 'all', 100000],
      ['ethnicity', 'white', 60000],
      ['ethnicity', 'mixed', 5000],
      ['ethnicity', 'asian', 20000],
      ['ethnicity', 'black', 10000],
      ['ethnicity', 'other', 5000],
    ]
    await db.insert(populationEstimates).values(
      women.map(([characteristic, category, count]) => ({
        tenantId: scope.tenantId,
        importId: population,
        areaCode: scope.areaCode,
        period: '2021',
        sex: 'F',
        ageGroup: '18+',
        characteristic,
        category,
        count,
        source: 'Test: Census 2021',
      })),
    )
    const ft = await insertImport(db, scope, 'fingertips', 'Test: Fingertips')
    const base = {
      tenantId: scope.tenantId,
      importId: ft,
      areaCode: scope.areaCode,
      areaName: scope.councilName,
      areaType: 'UTLA',
      age: 'All ages',
    }
    await db.insert(fingertipsValues).values([
      {
        ...base,
        indicatorId: 92906,
        indicatorName: 'Alcohol-specific admissions',
        sex: 'Female',
        period: '2022/23',
        periodSortable: 20220000,
        value: 400,
        lower95: 380,
        upper95: 420,
        count: 1200,
      },
      {
        ...base,
        indicatorId: 92906,
        indicatorName: 'Alcohol-specific admissions',
        sex: 'Male',
        period: '2022/23',
        periodSortable: 20220000,
        value: 700,
        lower95: 680,
        upper95: 720,
        count: 2100,
      },
      {
        ...base,
        indicatorId: 92906,
        indicatorName: 'Alcohol-specific admissions',
        sex: 'Persons',
        period: '2022/23',
        periodSortable: 20220000,
        value: 550,
        lower95: 535,
        upper95: 565,
        count: 3300,
      },
      {
        ...base,
        indicatorId: 92906,
        indicatorName: 'Alcohol-specific admissions',
        sex: 'Female',
        period: '2021/22',
        periodSortable: 20210000,
        value: 999,
        lower95: 990,
        upper95: 1010,
        count: 3000,
      },
      {
        ...base,
        indicatorId: 92432,
        indicatorName: 'Deaths from drug misuse',
        sex: 'Female',
        period: '2020 - 22',
        periodSortable: 20200000,
        value: 1.5,
        lower95: 0.3,
        upper95: 4.4,
        count: 3,
      },
      {
        ...base,
        indicatorId: 92432,
        indicatorName: 'Deaths from drug misuse',
        sex: 'Male',
        period: '2020 - 22',
        periodSortable: 20200000,
        value: 6.1,
        lower95: 3.9,
        upper95: 9.1,
        count: 24,
      },
      // The unmet need indicator belongs to the unmet need section, not here.
      {
        ...base,
        indicatorId: 93532,
        indicatorName: 'Unmet need alcohol',
        sex: 'Persons',
        period: '2020/21',
        periodSortable: 20200000,
        value: 80,
        lower95: 75,
        upper95: 85,
        count: 2000,
        denominator: 2500,
      },
    ])
    const li = await insertImport(db, scope, 'indicator', 'Test: local figures')
    const local = {
      tenantId: scope.tenantId,
      importId: li,
      areaCode: scope.areaCode,
      period: '2022/23',
      ageGroup: 'all',
      unit: '%',
      source: 'Test: local figures',
    }
    await db.insert(localIndicators).values([
      { ...local, indicator: 'children-in-need-parental-substance', sex: 'F', count: 40, denominator: 200 },
      { ...local, indicator: 'children-in-need-parental-substance', sex: 'M', count: 10, denominator: 100 },
      { ...local, indicator: 'children-in-need-parental-substance', sex: 'Persons', count: 50, denominator: 300 },
      { ...local, indicator: 'women-in-prison-released', sex: 'F', count: 2, denominator: 10, unit: 'count' },
      { ...local, indicator: 'women-in-prison-released', sex: 'Persons', count: 30, denominator: 60, unit: 'count' },
    ])
    await createInsight(
      db,
      scope,
      { userId: user.id, label: user.email },
      {
        organisation: 'Sisters Together',
        byAndFor: true,
        cohorts: ['minoritised_ethnic'],
        receivedOn: '2024-02-01',
        summary: 'Black women say services do not feel made for them.',
        sourceUrl: 'https://example.org/report',
      },
    )
    client = await ctx.signedIn(user)
    view = JSON.parse((await client.get('/needs?format=json')).body) as AssessmentView
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('representation ratio: share of women in treatment over share of women in the area, with its interval', () => {
    const t = table(view, 'representation-ethnicity')
    const black = row(t, 'Black, Black British, Caribbean or African')
    // 20 of 400 women in treatment = 5%; 10,000 of 100,000 women in the area = 10%; ratio 0.5.
    // Wilson(20, 400) = 3.260% to 7.596%, so the ratio's interval is 0.326 to 0.760.
    expect(black.allintxShare?.display).toBe('5.0%')
    expect(black.population?.display).toBe('10.0%')
    expect(value(black.ratio)).toBeCloseTo(0.5, 6)
    expect(value(black.ratioLower)).toBeCloseTo(0.32597, 4)
    expect(value(black.ratioUpper)).toBeCloseTo(0.75964, 4)
    expect(black.ratio?.display).toBe('0.50')
    // White: 300/400 = 75% against 60%: ratio 1.25 (1.176 to 1.317).
    const white = row(t, 'White')
    expect(value(white.ratio)).toBeCloseTo(1.25, 6)
    expect(value(white.ratioLower)).toBeCloseTo(1.17554, 4)
    const findings = section(view, 'representation').findings.join(' ')
    expect(findings).toContain(
      'Black, Black British, Caribbean or African women are under-represented among women in treatment compared with women living in the area: representation ratio 0.50 (95% confidence interval 0.33 to 0.76).',
    )
    expect(findings).toContain('White women are over-represented')
    // Sexual orientation has no population figures: it says so and links the template. (Disability and
    // religion are not in this export at all, so they have no table.)
    expect(findings).toContain('There are no local population figures for women by sexual orientation')
    expect(table(view, 'representation-sexuality').columns.map((c) => c.key)).not.toContain('ratio')
    expect(view.sections.flatMap((s) => s.tables).map((t) => t.id)).not.toContain('representation-religion')
    expect(section(view, 'representation').actions?.[0]?.href).toBe('/needs/templates')
    expect(section(view, 'representation').sourceIds.length).toBe(2)
  })

  it('England’s women’s share sits beside the council’s when the import brought England’s rows', () => {
    const t = table(view, 'access')
    expect(t.columns.map((c) => c.label)).toContain('England: women’s share')
    // England: 90,000 of 300,000 = 30.0%; the council: 400 of 1,300 = 30.8%.
    const treat = row(t, 'People in treatment')
    expect(treat.cmp0Share?.display).toBe('30.0%')
    expect(treat.womenShare?.display).toBe('30.8%')
    expect(section(view, 'access').findings.join(' ')).toContain('In England, women were 30.0%')
  })

  it('harm: Fingertips indicators by sex for the latest period, not the unmet need ones, small counts hidden', () => {
    const t = table(view, 'harm-fingertips')
    expect(t.rows.map((r) => r.indicator?.display)).toEqual([
      'Deaths from drug misuse (92432)',
      'Alcohol-specific admissions (92906)',
    ])
    const admissions = row(t, 'Alcohol-specific admissions (92906)')
    expect(admissions.period?.display).toBe('2022/23')
    expect(admissions.womenValue?.display).toBe('400.0')
    expect(admissions.womenLower?.display).toBe('380.0')
    expect(admissions.menValue?.display).toBe('700.0')
    expect(admissions.womenCount?.display).toBe('1,200')
    // 3 deaths among women: the count and the rate resting on it are hidden.
    const deaths = row(t, 'Deaths from drug misuse (92432)')
    expect(deaths.womenCount?.display).toBe('<5')
    expect(deaths.womenValue).toEqual({ value: null, display: '<5', status: 'primary' })
    expect(deaths.womenUpper?.value).toBeNull()
    const findings = section(view, 'harm').findings.join(' ')
    // Women 380 to 420 against men 680 to 720: the intervals do not overlap.
    expect(findings).toContain(
      'Alcohol-specific admissions (2022/23) was significantly lower for women (400.0) than for men (700.0).',
    )
    expect(findings).not.toContain('Deaths from drug misuse')
  })

  it('harm: local indicators, with a share and Wilson interval worked out where only counts were given', () => {
    const t = table(view, 'harm-local')
    const cin = row(t, 'Children in need parental substance')
    // 40 of 200 = 20% (Wilson 15.05% to 26.09%); men 10 of 100 = 10% (5.52% to 17.44%).
    expect(value(cin.womenValue)).toBeCloseTo(0.2, 6)
    expect(value(cin.womenLower)).toBeCloseTo(0.150452, 5)
    expect(value(cin.womenUpper)).toBeCloseTo(0.260855, 5)
    expect(value(cin.menValue)).toBeCloseTo(0.1, 6)
    // 2 women: hidden, and the share built on it too.
    const prison = row(t, 'Women in prison released')
    expect(prison.womenCount?.display).toBe('<5')
    expect(prison.womenValue?.value).toBeNull()
    for (const r of t.rows) {
      for (const c of t.columns.filter((x) => x.kind === 'count')) expect(r[c.key]?.display).not.toMatch(/^[1-4]$/)
    }
  })

  it('local insight is grouped by cohort and shown beside the sections it bears on', () => {
    const insight = table(view, 'insight')
    expect(insight.rows[0]?.organisation?.display).toBe('Sisters Together')
    expect(insight.rows[0]?.cohort?.display).toBe('Minoritised ethnic women')
    expect(insight.rows[0]?.received?.display).toBe('1 February 2024')
    expect(section(view, 'representation').insights.map((i) => i.organisation)).toEqual(['Sisters Together'])
    expect(section(view, 'referrals').insights).toEqual([])
    expect(section(view, 'insight').findings.join(' ')).toContain(
      '1 piece of local insight from 1 organisation, 1 of them by-and-for.',
    )
  })

  it('with no priorities, the section says how to record one', () => {
    const priorities = section(view, 'priorities')
    expect(priorities.status).toBe('no-data')
    expect(priorities.noDataAction?.href).toBe('/needs/priorities/new')
  })
})
