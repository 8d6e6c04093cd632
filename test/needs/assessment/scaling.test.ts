/**
 * Issue 10 point 1: one council's big indicator file froze the server. These tests hold the
 * assessment's section builders to work linear in their rows (each row looked at a bounded number
 * of times, however many indicators there are) and to give the event loop back while they work.
 * Speed itself is measured in bench/needs-assessment.ts, not asserted here.
 */
import { describe, expect, it } from 'vitest'
import { discloseCounts } from '../../../src/lib/suppression.js'
import { TimeSlicer } from '../../../src/lib/time-slice.js'
import { type AssessmentData, NdtmsCube } from '../../../src/features/needs/assessment/model.js'
import type { FingertipsRecord, LocalIndicatorRecord } from '../../../src/features/needs/assessment/repository.js'
import { buildHarm } from '../../../src/features/needs/assessment/sections/harm.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'

const scope = { tenantId: 't', areaCode: 'E09000003', councilName: 'Barnet' } as TenantScope

function localRow(indicator: string, period: string, sex: string, count: number): LocalIndicatorRecord {
  return {
    id: 0,
    tenantId: 't',
    importId: 'i',
    indicator,
    areaCode: scope.areaCode,
    period,
    sex,
    ageGroup: 'all',
    count,
    denominator: 1000,
    value: null,
    lower95: null,
    upper95: null,
    unit: 'per cent',
    source: 'Hand-made',
  }
}

function fingertipsRow(indicatorId: number, period: string, sex: string, count: number): FingertipsRecord {
  return {
    id: 0,
    tenantId: 't',
    importId: 'i',
    indicatorId,
    indicatorName: `Indicator ${String(indicatorId)}`,
    parentCode: null,
    parentName: null,
    areaCode: scope.areaCode,
    areaName: 'Barnet',
    areaType: 'Counties & UAs',
    sex,
    age: '18+ yrs',
    categoryType: '',
    category: '',
    period,
    periodSortable: Number(period) * 1e6,
    periodRange: '1y',
    value: 10,
    lower95: 9,
    upper95: 11,
    lower998: null,
    upper998: null,
    count,
    denominator: 1000,
    valueNote: null,
    recentTrend: null,
    comparedToEngland: null,
  }
}

function dataWith(fingertips: FingertipsRecord[], local: LocalIndicatorRecord[]): AssessmentData {
  return {
    scope,
    selection: { period: '2023/24', substanceGroup: 'all', ageGroup: 'all' },
    ndtms: new NdtmsCube([], scope.areaCode),
    fingertips,
    prevalence: [],
    population: [],
    localIndicators: local,
    femaleShares: [],
    insights: [],
    priorities: [],
    imports: [],
  }
}

/** Wraps rows so that every read of `field` is counted. */
function counted<T extends object>(rows: T[], field: keyof T): { rows: T[]; reads: () => number } {
  let reads = 0
  const wrapped = rows.map(
    (row) =>
      new Proxy(row, {
        get(target, key, receiver) {
          if (key === field) reads++
          return Reflect.get(target, key, receiver) as unknown
        },
      }),
  )
  return { rows: wrapped, reads: () => reads }
}

describe('needs assessment sections scale with their rows', () => {
  it('harm looks at each local indicator row a bounded number of times, however many indicators there are', async () => {
    const rows: LocalIndicatorRecord[] = []
    for (let i = 0; i < 1000; i++) {
      const name = `indicator-${String(i).padStart(4, '0')}`
      rows.push(localRow(name, '2022', 'F', 40), localRow(name, '2023', 'F', 50), localRow(name, '2023', 'M', 60))
    }
    const probe = counted(rows, 'indicator')
    const section = await buildHarm(dataWith([], probe.rows))
    expect(section.tables[0]?.rows).toHaveLength(1000)
    // Filtering every row once per indicator would read the name 3,000 x 1,000 times.
    expect(probe.reads()).toBeLessThanOrEqual(rows.length * 4)
  })

  it('harm looks at each Fingertips row a bounded number of times, however many indicators there are', async () => {
    const rows: FingertipsRecord[] = []
    for (let i = 1; i <= 1000; i++) {
      rows.push(fingertipsRow(i, '2022', 'Female', 40), fingertipsRow(i, '2023', 'Female', 50))
      rows.push(fingertipsRow(i, '2023', 'Male', 60))
    }
    const probe = counted(rows, 'indicatorId')
    const section = await buildHarm(dataWith(probe.rows, []))
    expect(section.tables[0]?.rows).toHaveLength(1000)
    expect(probe.reads()).toBeLessThanOrEqual(rows.length * 4)
  })

  it('harm gives the event loop back while it works through many indicators', async () => {
    const rows: LocalIndicatorRecord[] = []
    for (let i = 0; i < 300; i++) rows.push(localRow(`indicator-${String(i)}`, '2023', 'F', 50))
    let othersRan = 0
    const other = setInterval(() => othersRan++, 0)
    let ranBeforeDone = -1
    // A slicer with no budget gives way at every check, so other work must have run by the end.
    await Promise.resolve(buildHarm(dataWith([], rows), new TimeSlicer(0, 1))).then(() => {
      ranBeforeDone = othersRan
    })
    clearInterval(other)
    expect(ranBeforeDone).toBeGreaterThan(0)
  })

  it('harm gives the same table when built in slices as the small hand-worked case', async () => {
    const rows = [
      localRow('admissions', '2022', 'F', 7),
      localRow('admissions', '2023', 'F', 3),
      localRow('admissions', '2023', 'M', 12),
      localRow('admissions', '2023', 'Persons', 15),
    ]
    const section = await buildHarm(dataWith([], rows), new TimeSlicer(0, 1))
    const row = section.tables[0]?.rows[0]
    // Women 3 is hidden (<5); men 12 would give it away from the total 15, so the smaller of men and total is hidden too.
    expect(row?.period?.display).toBe('2023')
    expect(row?.womenCount?.display).toBe('<5')
    expect(row?.menCount?.display).toBe('[c]')
    expect(row?.allCount?.display).toBe('15')
  })
})

describe('small-number suppression scales with independent tables', () => {
  it('20,000 separate tables each with one small count hide exactly one more cell each', () => {
    const cells = []
    const groups = []
    for (let i = 0; i < 20000; i++) {
      cells.push(
        { key: `${String(i)}:F`, count: 2 },
        { key: `${String(i)}:M`, count: 30 },
        { key: `${String(i)}:T`, count: 32 },
      )
      groups.push({ total: `${String(i)}:T`, parts: [`${String(i)}:F`, `${String(i)}:M`] })
    }
    const out = discloseCounts(cells, groups)
    let secondary = 0
    for (const d of out.values()) if (d.status === 'secondary') secondary++
    expect(secondary).toBe(20000)
    expect(out.get('19999:M')?.display).toBe('[c]')
    expect(out.get('19999:T')?.display).toBe('32')
  })
})
