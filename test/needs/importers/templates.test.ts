/**
 * The population and indicator templates: the shipped files and their guide agree, filled-in
 * templates import, and wrong codes, categories and numbers are refused with nothing changed.
 */
import { readFileSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localIndicators, populationEstimates } from '../../../src/db/schema/index.js'
import { importKindInfo, templatePath } from '../../../src/features/needs/importers/index.js'
import { readLines, type Setup, setup, splitCsvLine, TEMPLATES } from './helpers.js'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(async () => {
  await s.close()
})

/** The template with its example rows' source replaced, as a user would fill it in. */
function filledIn(path: string, source = 'ONS Census 2021 table TS021'): string {
  return readFileSync(path, 'utf8').replace(
    /EXAMPLE ROW - delete it and give the publisher and title of your \w+/g,
    source,
  )
}

describe('the templates and their guide', () => {
  it('documents every column of every template, and each template has a header and 2 or 3 example rows', () => {
    const guide = readFileSync(TEMPLATES.readme, 'utf8')
    for (const path of [TEMPLATES.prevalence, TEMPLATES.population, TEMPLATES.indicator]) {
      const lines = readLines(path)
      expect(lines.length - 1).toBeGreaterThanOrEqual(2)
      expect(lines.length - 1).toBeLessThanOrEqual(3)
      for (const column of splitCsvLine(lines[0]!)) expect(guide).toContain(`| \`${column}\` |`)
    }
    // Every template named by the upload page exists and is in the guide.
    for (const info of Object.values(importKindInfo)) {
      if (!info.template) continue
      expect(guide).toContain(`\`${info.template}\``)
      expect(readFileSync(templatePath(info.template)!, 'utf8')).toContain('EXAMPLE ROW')
    }
    expect(templatePath('README.md')).toBe(TEMPLATES.readme)
    expect(templatePath('../../../../package.json')).toBeNull()
  })
})

describe('the population template', () => {
  it('imports a filled-in template with category codes', async () => {
    const summary = await s.run('population', s.file('population.csv', filledIn(TEMPLATES.population)))
    // The shipped template has 3 rows: all/all, ethnicity/white, ethnicity/black.
    expect(summary.rowsStored).toBe(3)
    const rows = await s.database.db
      .select()
      .from(populationEstimates)
      .where(eq(populationEstimates.tenantId, s.barnet.tenantId))
      .orderBy(populationEstimates.category)
    expect(rows.map((r) => [r.characteristic, r.category, r.count, r.sex, r.ageGroup])).toEqual([
      ['all', 'all', 150000, 'F', '18+'],
      ['ethnicity', 'black', 10000, 'F', '18+'],
      ['ethnicity', 'white', 90000, 'F', '18+'],
    ])
    const again = await s.run('population', s.file('population.csv', filledIn(TEMPLATES.population)))
    expect(again.replacedRows).toBe(3)
  })

  it.each([
    ['an unknown characteristic', 'E09000003,2021,F,18+,caste,x,10,ONS', 'characteristic', 'caste'],
    [
      'a category that is not a code',
      'E09000003,2021,F,18+,ethnicity,White British,10,ONS',
      'category',
      'White British',
    ],
    ['a negative count', 'E09000003,2021,F,18+,religion,none,-10,ONS', 'count', '-10'],
    ['an area name for a code', 'Barnet,2021,F,18+,all,all,10,ONS', 'area_code', 'Barnet'],
    ['a missing source', 'E09000003,2021,F,18+,all,all,10,', 'source', ''],
  ])('refuses %s', async (_what, line, column, value) => {
    const before = await s.digest()
    const header = 'area_code,period,sex,age_group,characteristic,category,count,source'
    const summary = await s.refused('population', s.file('bad-pop.csv', `${header}\n${line}\n`))
    expect(summary.refusals[0]).toMatchObject({ row: 2, column, value })
    expect(await s.digest()).toBe(before)
  })
})

describe('the indicator template', () => {
  it('imports a filled-in template, counts without values and values with intervals', async () => {
    const summary = await s.run('indicator', s.file('indicator.csv', filledIn(TEMPLATES.indicator, 'OHID LAPE')))
    expect(summary.rowsStored).toBe(2)
    const rows = await s.database.db.select().from(localIndicators).orderBy(localIndicators.indicator)
    expect(rows.map((r) => [r.indicator, r.count, r.denominator, r.value, r.lower95, r.upper95, r.unit])).toEqual([
      ['alcohol-specific-admissions', 300, 200000, 150, 133.5, 168, 'per 100000'],
      ['children-in-need-parental-substance-misuse', 120, null, null, null, null, 'count'],
    ])
  })

  it.each([
    ['a value outside its interval', 'deaths,E09000003,2022,F,all,5,1000,5,6,9,%,ONS', 'lower_95', '6'],
    ['no count and no value', 'deaths,E09000003,2022,F,all,,,,,,count,ONS', 'count', ''],
    ['a zero denominator', 'deaths,E09000003,2022,F,all,5,0,,,,count,ONS', 'denominator', '0'],
    [
      'an indicator name with spaces',
      'Deaths from drugs,E09000003,2022,F,all,5,,,,,count,ONS',
      'indicator',
      'Deaths from drugs',
    ],
    ['an unknown sex', 'deaths,E09000003,2022,W,all,5,,,,,count,ONS', 'sex', 'W'],
  ])('refuses %s', async (_what, line, column, value) => {
    const before = await s.digest()
    const header = 'indicator,area_code,period,sex,age_group,count,denominator,value,lower_95,upper_95,unit,source'
    const summary = await s.refused('indicator', s.file('bad-ind.csv', `${header}\n${line}\n`))
    expect(summary.refusals[0]).toMatchObject({ row: 2, column, value })
    expect(await s.digest()).toBe(before)
  })
})
