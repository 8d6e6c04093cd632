/**
 * Unmet need, cross-checked against OHID's own published figure. Barnet has no row in the
 * Fingertips extracts we hold, so the cross-check uses Hartlepool (E06000001), whose 2019/20 row
 * of indicator 93532 reads: value 76.768%, 95% interval 69.228% to 83.036%, count (not in
 * treatment) 1027.67, denominator (dependent drinkers) 1339. So OHID counted
 * 1339 − 1027.67 = 311.33 dependent drinkers in treatment.
 *
 * We give the council that prevalence (1339) through the prevalence import, with the interval
 * OHID's published limits imply (311.33 / (1 − 0.6923) = 1012 and 311.33 / (1 − 0.8304) = 1836),
 * and NDTMS rows with 200 people in the "alcohol only" group and 111 in "non-opiates and alcohol"
 * (311 together). Our unmet need must then agree with the published Fingertips value for the same
 * year, which the Fingertips import brings in from the publisher's file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssessmentView, Cell, SectionView, TableView } from '../../../src/features/needs/assessment/types.js'
import { importFile } from '../../../src/features/needs/importers/index.js'
import { DEMO_ALCOHOL_FEMALE_SHARE, DEMO_ALCOHOL_FEMALE_SHARE_SOURCE } from '../../../src/demo/needs-data.js'
import { setFemaleShare } from '../../../src/features/needs/insight/repository.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { sharedDataPath } from '../../support/shared.js'
import { insertImport, insertNdtms } from './support.js'

const P = '2019/20'

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
  if (!r) throw new Error(`no row ${label} in ${t.id}: ${t.rows.map((x) => x[first]?.display).join(', ')}`)
  return r
}
const value = (cell: Cell | undefined): number => {
  if (typeof cell?.value !== 'number') throw new Error(`not a number: ${JSON.stringify(cell)}`)
  return cell.value
}

describe('unmet need', () => {
  let ctx: TestContext
  let user: TestUser
  let client: TestClient
  let dir: string

  beforeAll(async () => {
    ctx = await createTestContext()
    user = await ctx.user({ roles: ['analyst'], totp: true, council: 'E06000001' })
    const db = ctx.database.db
    await importFile(db, user.scope, {
      kind: 'fingertips',
      filePath: sharedDataPath('fingertips', 'fingertips-93532-unmet-need-alcohol.csv'),
      fileName: 'fingertips-93532-unmet-need-alcohol.csv',
      userId: user.id,
    })
    dir = mkdtempSync(path.join(os.tmpdir(), 'wtc-unmet-'))
    const prevalenceFile = path.join(dir, 'prevalence.csv')
    writeFileSync(
      prevalenceFile,
      [
        'area_code,area_name,period,sex,age_group,substance_group,estimate,lower_95,upper_95,source',
        'E06000001,Hartlepool,2019/20,Persons,18+,all,1339,1012,1836,Test: OHID denominator for 93532',
      ].join('\n'),
    )
    await importFile(db, user.scope, {
      kind: 'prevalence-alcohol',
      filePath: prevalenceFile,
      fileName: 'prevalence.csv',
      userId: user.id,
    })
    const importId = await insertImport(db, user.scope, 'ndtms-viewit')
    const people = { F: [80, 41], M: [120, 70], Persons: [200, 111] } as const
    await insertNdtms(
      db,
      user.scope,
      importId,
      (['F', 'M', 'Persons'] as const).flatMap((sex) => [
        { period: P, sex, measures: { intreatment_allintx: people[sex][0] + people[sex][1] + 50 } },
        { period: P, sex, substance: 'alcohol_only', measures: { intreatment_allintx: people[sex][0] } },
        { period: P, sex, substance: 'non_opiate_and_alcohol', measures: { intreatment_allintx: people[sex][1] } },
      ]),
    )
    client = await ctx.signedIn(user)
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await ctx.close()
  })

  const get = async (): Promise<AssessmentView> => {
    const res = await client.get('/needs?format=json')
    expect(res.statusCode).toBe(200)
    return JSON.parse(res.body) as AssessmentView
  }

  it('agrees with OHID’s published 2019/20 figure for all people, within 0.1 percentage points', async () => {
    const view = await get()
    expect(view.selection.period).toBe(P)
    const all = row(table(view, 'unmet-need'), 'Alcohol: all people')
    // 1 − 311/1339 = 0.76774; OHID: 0.76768.
    expect(value(all.unmet)).toBeCloseTo(1 - 311 / 1339, 6)
    expect(Math.abs(value(all.unmet) - 0.7676792828)).toBeLessThan(0.001)
    // Lower limit from the lower prevalence bound: 1 − 311/1012 = 0.69269 (OHID 0.69228);
    // upper from the upper bound: 1 − 311/1836 = 0.83061 (OHID 0.83036).
    expect(value(all.unmetLower)).toBeCloseTo(1 - 311 / 1012, 6)
    expect(value(all.unmetUpper)).toBeCloseTo(1 - 311 / 1836, 6)
    expect(Math.abs(value(all.unmetLower) - 0.6922823217)).toBeLessThan(0.001)
    expect(Math.abs(value(all.unmetUpper) - 0.8303636363)).toBeLessThan(0.001)
    expect(all.inTreatment?.display).toBe('311')
    expect(all.notInTreatment?.display).toBe('1,028')
    expect(all.unmet?.modelled).toBeUndefined()

    const published = row(table(view, 'unmet-need-fingertips'), 'Dependent drinkers not in treatment (93532)')
    expect(published.area?.display).toBe('Hartlepool')
    const fingertipsRows = table(view, 'unmet-need-fingertips').rows.filter((r) => r.area?.display === 'Hartlepool')
    const same = fingertipsRows.find((r) => r.period?.display === P)
    expect(value(same?.value)).toBeCloseTo(0.7676792828, 6)
    expect(same?.value?.display).toBe('76.8%')
    expect(section(view, 'unmet-need').findings.join(' ')).toContain(
      'OHID’s published figure for dependent drinkers in 2019/20 is 76.8% (69.2% to 83.0%), against 76.8% worked out here.',
    )
  })

  it('without a stated female share, says what is missing for women instead of guessing', async () => {
    const view = await get()
    const women = row(table(view, 'unmet-need'), 'Alcohol: women')
    expect(women.unmet?.display).toBe('[x]')
    expect(women.basis?.display).toContain('no female share stated')
    expect(section(view, 'unmet-need').findings.join(' ')).toContain('state the female share')
    const need = row(table(view, 'access-need'), 'Alcohol')
    expect(need.need?.display).toBe('[x]')
    expect(need.basis?.display).toContain('missing')
  })

  it('with the demo’s example female share, makes no claim about women from it', async () => {
    await setFemaleShare(
      ctx.database.db,
      user.scope,
      { userId: user.id, label: user.email },
      { kind: 'alcohol', share: DEMO_ALCOHOL_FEMALE_SHARE, source: DEMO_ALCOHOL_FEMALE_SHARE_SOURCE },
    )
    const view = await get()
    const women = row(table(view, 'unmet-need'), 'Alcohol: women')
    expect(women.unmet?.display).toBe('[x]')
    expect(women.prevalence?.display).toBe('[x]')
    expect(women.basis?.display).toContain('example value')
    const unmetSection = section(view, 'unmet-need')
    expect(unmetSection.cards.some((c) => c.label.startsWith('Women'))).toBe(false)
    expect(unmetSection.cards.some((c) => c.modelled)).toBe(false)
    const need = row(table(view, 'access-need'), 'Alcohol')
    expect(need.need?.display).toBe('[x]')
    const findings = [...unmetSection.findings, ...section(view, 'access').findings].join(' ')
    expect(findings).not.toMatch(/over-represented|under-represented|in line with their estimated share/)
    expect(findings).not.toContain('30.0%')
    expect(findings).toContain('Set your council’s female share of need to see this comparison')
    const page = await client.get('/needs/access')
    expect(page.body).not.toContain('(modelled)')
  })

  it('with a stated female share, models women and men from it, labelled modelled, with the interval carried', async () => {
    await setFemaleShare(
      ctx.database.db,
      user.scope,
      { userId: user.id, label: user.email },
      {
        kind: 'alcohol',
        share: 0.35,
        source: 'Test assumption',
      },
    )
    const view = await get()
    const t = table(view, 'unmet-need')
    const women = row(t, 'Alcohol: women')
    // Women: 0.35 × 1339 = 468.65 (354.2 to 642.6); 121 in treatment.
    // 1 − 121/468.65 = 0.74181; 1 − 121/354.2 = 0.65839; 1 − 121/642.6 = 0.81170.
    expect(women.unmet?.modelled).toBe(true)
    expect(value(women.unmet)).toBeCloseTo(0.7418115865, 6)
    expect(value(women.unmetLower)).toBeCloseTo(0.6583850932, 6)
    expect(value(women.unmetUpper)).toBeCloseTo(0.8117024588, 6)
    expect(women.prevalence?.display).toBe('469')
    expect(women.inTreatment?.display).toBe('121')
    // Men: 0.65 × 1339 = 870.35; 1 − 190/870.35 = 0.78170.
    expect(value(row(t, 'Alcohol: men').unmet)).toBeCloseTo(0.7816970184, 6)
    const card = section(view, 'unmet-need').cards.find((c) => c.label.startsWith('Women dependent drinkers'))
    expect(card?.modelled).toBe(true)
    expect(card?.value).toBe('74.2%')
    // Women's share of need in the access section: the stated 35%, modelled.
    const need = row(table(view, 'access-need'), 'Alcohol')
    expect(need.need?.display).toBe('35.0%')
    expect(need.need?.modelled).toBe(true)
    // Women are 121 of 311 = 38.9% of people in treatment for alcohol (Wilson 33.7% to 44.4%): in line with 35%.
    expect(need.womenShare?.display).toBe('38.9%')
    // Every finding built on the stated share names the assumption in the sentence.
    const access = section(view, 'access').findings.find((f) => f.startsWith('Alcohol: women are'))
    expect(access).toContain(
      'assuming women are 35.0% of them, the female share your council stated (source: Test assumption)',
    )
    expect(access).toContain('in line with their estimated share of need')
    const unmetWomen = section(view, 'unmet-need').findings.find((f) =>
      f.includes('of women who are dependent drinkers'),
    )
    expect(unmetWomen).toMatch(
      /^Assuming women are 35\.0% of dependent drinkers \(the female share your council stated, source: Test assumption\), an estimated 74\.2%/,
    )
    const page = await client.get('/needs/access')
    expect(page.body).toContain('(modelled)')
  })

  it('opiates and crack: says which prevalence import is missing', async () => {
    const view = await get()
    expect(section(view, 'unmet-need').findings.join(' ')).toContain(
      'There is no prevalence estimate for opiate and crack users yet',
    )
    const ocu = row(table(view, 'unmet-need'), 'Opiates and crack: all people')
    expect(ocu.unmet?.display).toBe('[x]')
  })
})
