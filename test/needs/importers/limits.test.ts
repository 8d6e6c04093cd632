/**
 * Issue 10 point 1: one council's file of 1,000,000 rows with distinct indicator names, within
 * the upload limit, was imported and then froze every page. Imports now have limits per file and
 * per council on rows and on distinct indicators (IMPORT_MAX_ROWS, IMPORT_MAX_INDICATORS,
 * COUNCIL_MAX_INDICATOR_ROWS, COUNCIL_MAX_INDICATORS), refused with a message naming the row and
 * the setting, and nothing stored.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config.js'
import { importFile, ImportRefusedError } from '../../../src/features/needs/importers/index.js'
import type { ImportLimits } from '../../../src/features/needs/importers/limits.js'
import { type Setup, setup } from './helpers.js'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(async () => {
  await s.close()
})

const HEADER = 'indicator,area_code,period,sex,age_group,count,denominator,value,lower_95,upper_95,unit,source'
const row = (name: string, period = '2022/23') =>
  `${name},E09000003,${period},F,all,300,200000,150,133.5,168,per 100000,Hand-made`
const csv = (lines: string[]) => [HEADER, ...lines].join('\n')

const small: ImportLimits = {
  rowsPerImport: 4,
  indicatorsPerImport: 3,
  indicatorRowsPerCouncil: 6,
  indicatorsPerCouncil: 4,
}

async function refusedWith(file: string, limits: ImportLimits) {
  try {
    await importFile(s.database.db, s.barnet, {
      kind: 'indicator',
      filePath: file,
      fileName: path.basename(file),
      userId: null,
      limits,
    })
  } catch (err) {
    expect(err).toBeInstanceOf(ImportRefusedError)
    return (err as ImportRefusedError).summary
  }
  throw new Error('not refused')
}

describe('import limits', () => {
  it('the limits are settings, with defaults', () => {
    const config = loadConfig({ NODE_ENV: 'test' })
    expect(config.importLimits).toEqual({
      rowsPerImport: 1_000_000,
      indicatorsPerImport: 5_000,
      indicatorRowsPerCouncil: 2_000_000,
      indicatorsPerCouncil: 10_000,
    })
    expect(loadConfig({ NODE_ENV: 'test', IMPORT_MAX_INDICATORS: '50' }).importLimits.indicatorsPerImport).toBe(50)
  })

  it('a file with more rows than one import may hold is refused at the first row over, and nothing is stored', async () => {
    const before = await s.digest()
    const summary = await refusedWith(
      s.file('rows.csv', csv(['a', 'b', 'a', 'b', 'a'].map((n, i) => row(n, `${String(2015 + i)}/16`)))),
      small,
    )
    expect(summary.refusals[0]?.row).toBe(6)
    expect(summary.refusals[0]?.reason).toBe(
      'The file has more than 4 rows, the most one import may hold (IMPORT_MAX_ROWS). Split it into smaller files.',
    )
    expect(await s.digest()).toBe(before)
  })

  it('a file with more distinct indicators than one import may hold is refused naming the indicator', async () => {
    const before = await s.digest()
    const summary = await refusedWith(s.file('names.csv', csv(['a', 'b', 'c', 'd'].map((n) => row(n)))), small)
    expect(summary.refusals[0]).toMatchObject({
      row: 5,
      column: 'indicator',
      value: 'd',
      reason: 'The file has more than 3 different indicators, the most one import may hold (IMPORT_MAX_INDICATORS).',
    })
    expect(await s.digest()).toBe(before)
  })

  it('an import that would take the council over its indicator limits is refused, and the earlier data stays', async () => {
    const limits = { ...small, indicatorsPerImport: 100, rowsPerImport: 100 }
    await importFile(s.database.db, s.barnet, {
      kind: 'indicator',
      filePath: s.file('first.csv', csv(['p', 'q', 'r'].map((n) => row(n, '2010/11')))),
      fileName: 'first.csv',
      userId: null,
      limits,
    })
    const before = await s.digest()
    const names = await refusedWith(s.file('second.csv', csv(['x', 'y'].map((n) => row(n, '2011/12')))), limits)
    expect(names.refusals.map((r) => r.reason)).toEqual([
      'Your council would then hold 5 different indicators, more than the 4 allowed (COUNCIL_MAX_INDICATORS). Remove indicators you no longer need, or ask your administrator to raise the limit.',
    ])
    const rows = await refusedWith(
      s.file('third.csv', csv(['p', 'q', 'r', 'p'].map((n, i) => row(n, `${String(2012 + i)}/13`)))),
      limits,
    )
    expect(rows.refusals.map((r) => r.reason)).toEqual([
      'Your council would then hold 7 indicator rows, more than the 6 allowed (COUNCIL_MAX_INDICATOR_ROWS). Remove indicators you no longer need, or ask your administrator to raise the limit.',
    ])
    expect(await s.digest()).toBe(before)
  })
})
