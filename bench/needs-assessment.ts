/**
 * Issue 10 point 1: the needs assessment for 1,000,000 indicator rows with 25,000 distinct
 * indicators, built in memory (the section builders, without the database), twice: all local
 * indicators, then all Fingertips indicators. For each it reports the build time and the longest
 * event-loop stall seen while it ran (perf_hooks.monitorEventLoopDelay), beside a baseline
 * measured in the same run: sorting the same rows by indicator, the least any grouping can cost.
 *
 * Run alone: `npx tsx bench/needs-assessment.ts [--rows N] [--indicators N]`, or as the
 * `needs-assessment` section of `npm run bench`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { type AssessmentData, NdtmsCube } from '../src/features/needs/assessment/model.js'
import type { FingertipsRecord, LocalIndicatorRecord } from '../src/features/needs/assessment/repository.js'
import { buildAssessmentFromData } from '../src/features/needs/assessment/service.js'
import { TimeSlicer } from '../src/lib/time-slice.js'
import type { TenantScope } from '../src/platform/tenancy.js'

const scope = { tenantId: 'bench', areaCode: 'E09000003', councilName: 'Barnet' } as TenantScope
const sexes = ['F', 'M', 'Persons'] as const
const ages = ['all', '18-29', '30-49', '50+']

export interface AssessmentScenario {
  label: string
  rows: number
  indicators: number
  buildMs: number
  /** Longest time the event loop was held while the assessment was built. */
  longestStallMs: number
  /** The same, as the 99th percentile of the delays sampled every millisecond. */
  p99StallMs: number
  /** Times the build gave way to other work, and the longest stretch of work between two of them. */
  pauses: number
  longestSliceMs: number
  /** The longest stall of the event loop over the same time with nothing running (other processes, the machine). */
  idleLongestStallMs: number
  /** Sorting the same rows by indicator, in the same run. */
  baselineSortMs: number
  ratioToBaseline: number
  tableRows: number
}

function localRows(rows: number, indicators: number): LocalIndicatorRecord[] {
  const out: LocalIndicatorRecord[] = []
  for (let i = 0; i < rows; i++) {
    const k = Math.floor(i / indicators)
    out.push({
      id: i,
      tenantId: scope.tenantId,
      importId: 'bench-import',
      indicator: `indicator-${String(i % indicators).padStart(6, '0')}`,
      areaCode: scope.areaCode,
      period: String(2010 + (k % 10)),
      sex: sexes[k % 3] ?? 'F',
      ageGroup: ages[Math.floor(k / 10) % 4] ?? 'all',
      count: (i * 7) % 200,
      denominator: 1000 + (i % 5000),
      value: k % 2 === 0 ? null : ((i * 13) % 1000) / 10,
      lower95: k % 2 === 0 ? null : ((i * 13) % 1000) / 10 - 1,
      upper95: k % 2 === 0 ? null : ((i * 13) % 1000) / 10 + 1,
      unit: 'per 100,000',
      source: 'Generated for the benchmark',
    })
  }
  return out
}

function fingertipsRows(rows: number, indicators: number): FingertipsRecord[] {
  const out: FingertipsRecord[] = []
  for (let i = 0; i < rows; i++) {
    const k = Math.floor(i / indicators)
    const id = 100000 + (i % indicators)
    const value = ((i * 13) % 1000) / 10
    out.push({
      id: i,
      tenantId: scope.tenantId,
      importId: 'bench-import',
      indicatorId: id,
      indicatorName: `Generated indicator ${String(id)}`,
      parentCode: null,
      parentName: null,
      areaCode: scope.areaCode,
      areaName: 'Barnet',
      areaType: 'Counties & UAs (from Apr 2023)',
      sex: ['Female', 'Male', 'Persons'][k % 3] ?? 'Persons',
      age: '18+ yrs',
      categoryType: '',
      category: '',
      period: String(2010 + (Math.floor(k / 3) % 14)),
      periodSortable: (2010 + (Math.floor(k / 3) % 14)) * 1e6,
      periodRange: '1y',
      value,
      lower95: value - 1,
      upper95: value + 1,
      lower998: null,
      upper998: null,
      count: (i * 7) % 200,
      denominator: 1000,
      valueNote: null,
      recentTrend: null,
      comparedToEngland: 'Similar',
    })
  }
  return out
}

function dataWith(fingertips: FingertipsRecord[], local: LocalIndicatorRecord[]): AssessmentData {
  return {
    scope,
    selection: { period: '2019', substanceGroup: 'all', ageGroup: 'all' },
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

async function scenario(
  label: string,
  data: AssessmentData,
  keyOf: () => (string | number)[],
  rows: number,
  indicators: number,
): Promise<AssessmentScenario> {
  const idle = monitorEventLoopDelay({ resolution: 1 })
  idle.enable()
  await new Promise((resolve) => setTimeout(resolve, 1000))
  idle.disable()
  const t0 = performance.now()
  keyOf().sort()
  const baselineSortMs = performance.now() - t0
  // Let the event loop settle before measuring it.
  await new Promise((resolve) => setTimeout(resolve, 50))
  const delay = monitorEventLoopDelay({ resolution: 1 })
  const slicer = new TimeSlicer()
  delay.enable()
  const started = performance.now()
  const view = await buildAssessmentFromData(data, slicer)
  const buildMs = performance.now() - started
  await new Promise((resolve) => setTimeout(resolve, 5))
  delay.disable()
  const harm = view.sections.find((s) => s.id === 'harm')
  return {
    label,
    rows,
    indicators,
    buildMs: Math.round(buildMs),
    longestStallMs: Number((delay.max / 1e6).toFixed(1)),
    p99StallMs: Number((delay.percentile(99) / 1e6).toFixed(1)),
    pauses: slicer.pauses,
    longestSliceMs: Number(slicer.longestSliceMs.toFixed(1)),
    idleLongestStallMs: Number((idle.max / 1e6).toFixed(1)),
    baselineSortMs: Math.round(baselineSortMs),
    ratioToBaseline: Number((buildMs / Math.max(1, baselineSortMs)).toFixed(2)),
    tableRows: harm?.tables.reduce((n, t) => n + t.rows.length, 0) ?? 0,
  }
}

export async function runNeedsAssessmentBench(
  rows = 1_000_000,
  indicators = 25_000,
): Promise<{ scenarios: AssessmentScenario[] }> {
  const scenarios: AssessmentScenario[] = []
  {
    const local = localRows(rows, indicators)
    scenarios.push(
      await scenario('local indicators', dataWith([], local), () => local.map((r) => r.indicator), rows, indicators),
    )
  }
  {
    const fingertips = fingertipsRows(rows, indicators)
    scenarios.push(
      await scenario(
        'Fingertips indicators',
        dataWith(fingertips, []),
        () => fingertips.map((r) => r.indicatorId),
        rows,
        indicators,
      ),
    )
  }
  for (const s of scenarios) {
    process.stdout.write(
      `  ${s.label.padEnd(22)} ${s.rows.toLocaleString('en-GB')} rows, ${s.indicators.toLocaleString('en-GB')} indicators: ` +
        `built in ${String(s.buildMs)} ms (${String(s.ratioToBaseline)} x sorting the rows), longest stall ${String(s.longestStallMs)} ms, ` +
        `p99 ${String(s.p99StallMs)} ms (idle machine: ${String(s.idleLongestStallMs)} ms), gave way ${String(s.pauses)} times (longest slice ${String(s.longestSliceMs)} ms), ${String(s.tableRows)} table rows\n`,
    )
  }
  return { scenarios }
}

const argument = (name: string): number | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : undefined
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runNeedsAssessmentBench(argument('rows'), argument('indicators'))
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'needs-assessment-latest.json'), `${JSON.stringify(result, null, 2)}\n`)
}
