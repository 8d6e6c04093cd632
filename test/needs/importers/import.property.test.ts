/**
 * Property tests: whatever bytes arrive, importFile either stores the whole file or throws
 * ImportRefusedError with the database exactly as it was (table digests before and after); it
 * never throws anything else and never leaves part of a file behind.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImportRefusedError, type ImportKind } from '../../../src/features/needs/importers/index.js'
import { joinCsvLine, readLines, REFERENCE, type Setup, setup, splitCsvLine } from './helpers.js'

let s: Setup
beforeAll(async () => {
  s = await setup()
  // Something a refused file must leave alone (small, so that each digest is quick).
  await s.run('fingertips', REFERENCE.alcohol)
})
afterAll(async () => {
  await s.close()
})

const KINDS: ImportKind[] = [
  'ndtms-viewit',
  'fingertips',
  'prevalence-alcohol',
  'prevalence-ocu',
  'population',
  'indicator',
]

/** Imports and checks the all-or-nothing property; returns whether the file was stored. */
async function importChecked(kind: ImportKind, content: Buffer | string): Promise<boolean> {
  const file = s.file('property.csv', content)
  const before = await s.digest()
  try {
    const summary = await s.run(kind, file)
    // Stored: every row read is stored (or left out with a warning), under one import id.
    const table = {
      'ndtms-viewit': 'ndtms_rows',
      fingertips: 'fingertips_values',
      'prevalence-alcohol': 'prevalence_estimates',
      'prevalence-ocu': 'prevalence_estimates',
      population: 'population_estimates',
      indicator: 'local_indicators',
    }[kind]
    expect(await s.count(`${table} WHERE import_id = '${summary.importId ?? ''}'`)).toBe(summary.rowsStored)
    expect(summary.rowsRefused).toBe(0)
    return true
  } catch (err) {
    if (!(err instanceof ImportRefusedError)) throw err
    expect(err.summary.importId).toBeNull()
    expect(err.summary.refusals.length).toBeGreaterThan(0)
    expect(await s.digest()).toBe(before)
    return false
  }
}

const viewitLines = readLines(REFERENCE.viewit)
/** A 2021/22 slice of the real export (30 rows), so that each run is quick. */
const viewitSlice = [
  viewitLines[0]!,
  ...viewitLines
    .slice(1)
    .filter((l) => l.startsWith('2021/22'))
    .slice(0, 30),
]
const fingertipsLines = readLines(REFERENCE.ocu)

type Mutation =
  | { op: 'delete-cell'; row: number; col: number }
  | { op: 'duplicate-row'; row: number }
  | { op: 'flip-cell'; row: number; col: number; value: string }
  | { op: 'delete-row'; row: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete-cell' as const), row: fc.nat(), col: fc.nat() }),
  fc.record({ op: fc.constant('duplicate-row' as const), row: fc.nat() }),
  fc.record({
    op: fc.constant('flip-cell' as const),
    row: fc.nat(),
    col: fc.nat(),
    value: fc.oneof(
      fc.constantFrom('', '-5', 'NULL', '*', 'c', 'abc', '1e400', '  7 ', 'TOTAL', 'Narnia', '2021/22', '"', '\n'),
      fc.string({ maxLength: 6 }),
    ),
  }),
  fc.record({ op: fc.constant('delete-row' as const), row: fc.nat() }),
)

function mutate(lines: string[], mutations: Mutation[]): string {
  const rows = lines.map(splitCsvLine)
  for (const m of mutations) {
    const r = m.row % rows.length
    const cells = rows[r]!
    if (m.op === 'delete-cell') cells.splice(m.col % cells.length, 1)
    else if (m.op === 'duplicate-row') rows.splice(r, 0, [...cells])
    else if (m.op === 'delete-row' && rows.length > 1) rows.splice(r, 1)
    else if (m.op === 'flip-cell') cells[m.col % cells.length] = m.value
  }
  return rows.map(joinCsvLine).join('\n')
}

describe('importFile is all or nothing', () => {
  it('on arbitrary bytes: only ImportRefusedError, and nothing changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KINDS), fc.uint8Array({ maxLength: 3000 }), async (kind, bytes) => {
        await importChecked(kind, Buffer.from(bytes))
      }),
      { numRuns: 30 },
    )
  }, 180_000)

  it('on arbitrary text made of CSV characters: the same', async () => {
    const unit = fc.constantFrom('a', '1', ',', '"', '\n', '\r\n', 'Barnet', '2021/22', 'F', 'Total', '-', '.')
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KINDS), fc.string({ unit, maxLength: 400 }), async (kind, text) => {
        const header =
          kind === 'ndtms-viewit' ? 'ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx\n' : ''
        await importChecked(kind, header + text)
      }),
      { numRuns: 30 },
    )
  }, 180_000)

  it('on real ViewIt rows with cells deleted, duplicated or changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        await importChecked('ndtms-viewit', mutate(viewitSlice, mutations))
      }),
      { numRuns: 30 },
    )
  }, 180_000)

  it('on real Fingertips rows with cells deleted, duplicated or changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        await importChecked('fingertips', mutate(fingertipsLines, mutations))
      }),
      { numRuns: 30 },
    )
  }, 180_000)

  it('a duplicated data row is always refused, and the earlier import is untouched', async () => {
    const before = await s.count('ndtms_rows', s.barnet)
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: viewitSlice.length - 1 }), async (row) => {
        const stored = await importChecked('ndtms-viewit', mutate(viewitSlice, [{ op: 'duplicate-row', row }]))
        expect(stored).toBe(false)
      }),
      { numRuns: 10 },
    )
    expect(await s.count('ndtms_rows', s.barnet)).toBe(before)
  }, 180_000)
})
