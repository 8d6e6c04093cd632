/**
 * Prevalence import: the published alcohol dependence file as it is, and the prevalence template
 * for OCU or sex-split estimates. Expected numbers from a separate Python csv pass (noted).
 */
import { readFileSync } from 'node:fs'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prevalenceEstimates } from '../../../src/db/schema/index.js'
import { REFERENCE, type Setup, setup, TEMPLATES } from './helpers.js'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(async () => {
  await s.close()
})

const TEMPLATE_HEADER = 'area_code,area_name,period,sex,age_group,substance_group,estimate,lower_95,upper_95,source'

describe('the published alcohol dependence estimates', () => {
  it('stores the rows that have an interval and says which were left out', async () => {
    const summary = await s.run('prevalence-alcohol', REFERENCE.dependence)
    // Python: 1,211 data rows; 755 (2010 to 2014) have NA for both limits; 152 x 3 = 456 remain
    // (2015/16, 2016/17, 2017/18).
    expect(summary.rowsRead).toBe(1211)
    expect(summary.rowsStored).toBe(456)
    expect(summary.warnings).toContain(
      '755 rows have no confidence interval (NA) and were not stored: 2010, 2011, 2012, 2013 and 2014.',
    )
    expect(summary.coverage).toMatchObject({ kind: 'alcohol', periods: ['2015/16', '2016/17', '2017/18'] })
    const barnet = await s.database.db
      .select()
      .from(prevalenceEstimates)
      .where(and(eq(prevalenceEstimates.areaCode, 'E09000003'), eq(prevalenceEstimates.period, '2017/18')))
    // Python: London,Barnet,E09000003,3046,2237,4284,2017/18.
    expect(barnet).toHaveLength(1)
    expect(barnet[0]).toMatchObject({
      kind: 'alcohol',
      estimate: 3046,
      lower95: 2237,
      upper95: 4284,
      sex: 'Persons',
      ageGroup: '18+',
      substanceGroup: 'all',
      areaName: 'Barnet',
    })
    expect(barnet[0]?.source).toContain('Open Government Licence')
  })

  it('re-importing replaces the same kind and periods, and leaves OCU estimates alone', async () => {
    const ocuFile = s.file(
      'ocu.csv',
      `${TEMPLATE_HEADER}\nE09000003,Barnet,2017/18,Persons,15-64,ocu,1500,1200,1900,OHID OCU estimates 2016/17\n`,
    )
    await s.run('prevalence-ocu', ocuFile)
    const again = await s.run('prevalence-alcohol', REFERENCE.dependence)
    expect(again.replacedRows).toBe(456)
    expect(await s.count('prevalence_estimates', s.barnet)).toBe(457)
  })

  it('refuses the alcohol file when imported as OCU', async () => {
    const before = await s.digest()
    const summary = await s.refused('prevalence-ocu', REFERENCE.dependence)
    expect(summary.refusals[0]?.reason).toContain('This is the alcohol dependence estimates file')
    expect(await s.digest()).toBe(before)
  })

  it('refuses an interval that does not hold its estimate', async () => {
    const before = await s.digest()
    const text = readFileSync(REFERENCE.dependence, 'utf8').replace(
      'London,Barnet,E09000003,3046,2237,4284,2017/18',
      'London,Barnet,E09000003,3046,3100,4284,2017/18',
    )
    const summary = await s.refused('prevalence-alcohol', s.file('bad-interval.csv', text))
    expect(summary.rowsRefused).toBe(1)
    expect(summary.refusals[0]).toMatchObject({
      column: 'Alcohol_lower_CI',
      value: '3100',
      reason: 'The lower limit is above the estimate (3046).',
    })
    expect(await s.digest()).toBe(before)
  })
})

describe('the prevalence template', () => {
  it('imports OCU estimates split by sex', async () => {
    const fresh = await setup()
    try {
      const file = fresh.file(
        'ocu-sex.csv',
        [
          TEMPLATE_HEADER,
          'E09000003,,2019/20,Female,15-64,OCU,400,300,550,OHID OCU prevalence 2019/20',
          'E09000003,,2019/20,M,15-64,ocu,1100,850,1400,OHID OCU prevalence 2019/20',
          'E92000001,England,2019/20,Persons,15-64,,313971,299161,338711,OHID OCU prevalence 2019/20',
        ].join('\n'),
      )
      const summary = await fresh.run('prevalence-ocu', file)
      expect(summary.rowsStored).toBe(3)
      const rows = await fresh.database.db.select().from(prevalenceEstimates).orderBy(prevalenceEstimates.sex)
      expect(rows.map((r) => [r.kind, r.sex, r.substanceGroup, r.areaName])).toEqual([
        ['ocu', 'F', 'ocu', 'Barnet'],
        ['ocu', 'M', 'ocu', 'Barnet'],
        ['ocu', 'Persons', 'all', 'England'],
      ])
    } finally {
      await fresh.close()
    }
  })

  it('refuses the template as shipped, because its rows are examples', async () => {
    const before = await s.digest()
    const summary = await s.refused('prevalence-ocu', TEMPLATES.prevalence)
    // The shipped template has 3 example rows.
    expect(summary.rowsRefused).toBe(3)
    expect(summary.refusals.every((r) => r.column === 'source')).toBe(true)
    expect(summary.refusals[0]?.reason).toBe('This is an example row from the template. Delete it before you import.')
    expect(await s.digest()).toBe(before)
  })

  it.each([
    [
      'an upper limit below the estimate',
      '100,90,95',
      'upper_95',
      '95',
      'The upper limit is below the estimate (100).',
    ],
    ['a negative estimate', '-1,0,5', 'estimate', '-1', 'An estimate of people cannot be negative.'],
    ['a missing limit', '100,,120', 'lower_95', '', 'This is missing. Enter a number.'],
    ['a word for a number', 'lots,90,120', 'estimate', 'lots', 'This is not a number.'],
  ])('refuses %s', async (_what, numbers, column, value, reason) => {
    const before = await s.digest()
    const file = s.file('bad-ocu.csv', `${TEMPLATE_HEADER}\nE09000003,Barnet,2019/20,F,15-64,ocu,${numbers},OHID\n`)
    const summary = await s.refused('prevalence-ocu', file)
    expect(summary.refusals).toContainEqual({ row: 2, column, value, reason })
    expect(await s.digest()).toBe(before)
  })
})
