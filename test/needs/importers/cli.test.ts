/**
 * `wtc import <kind> <file>` run in-process through runCli on an embedded data folder: the summary
 * on stdout, refusals listed with exit code 1, the council chosen by --council or (when there is
 * only one) by itself, and --kind for prevalence.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/main.js'
import { REFERENCE } from './helpers.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wtc-import-cli-'))
const env = { DATA_DIR: path.join(tmp, 'data') }

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

async function wtc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(
    args,
    { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } },
    { NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
  )
  return { code, stdout, stderr }
}

describe('wtc import', () => {
  it('explains itself', async () => {
    const help = await wtc(['import', '--help'])
    expect(help.code).toBe(0)
    for (const kind of ['ndtms-viewit', 'fingertips', 'prevalence', 'population', 'indicator']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${kind}\\b`, 'm'))
    }
    const prevalence = await wtc(['import', 'prevalence', '--help'])
    expect(prevalence.stdout).toContain('--kind <kind>')
    expect(prevalence.stdout).toContain('--council <gss>')
  })

  it('needs a council in the database first', async () => {
    const run = await wtc(['import', 'fingertips', REFERENCE.alcohol])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('No council uses WTC yet. Add one with "wtc councils add <gss>" first.')
  }, 60_000)

  it('imports for the only council without --council, and replaces on a second import', async () => {
    expect((await wtc(['councils', 'add', 'E09000003'])).code).toBe(0)
    const first = await wtc(['import', 'ndtms-viewit', REFERENCE.viewit])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(
      'Imported viewit-la-barnet-2009-2022.csv (NDTMS ViewIt adult treatment export) for Barnet (E09000003).',
    )
    // Python: 780 data rows.
    expect(first.stdout).toContain('  Rows read:     780\n')
    expect(first.stdout).toContain('  Rows stored:   780\n')
    expect(first.stdout).toContain('  Rows refused:  0\n')
    expect(first.stdout).toContain('  Stored as:     Barnet (your council), 2009/10 to 2021/22\n')
    expect(first.stdout).toContain('  Rows replaced: 0 ')
    expect(first.stdout).toContain('  Periods:       2009/10 to 2021/22\n')
    const second = await wtc(['import', 'ndtms-viewit', REFERENCE.viewit, '--council', 'E09000003'])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('  Rows replaced: 780 ')
  }, 120_000)

  it('lists every refused row and exits 1', async () => {
    const file = path.join(tmp, 'bad.csv')
    writeFileSync(
      file,
      'ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx\n2021/22,Barnet,F,Total,Total,5\n2021/22,Barnet,X,Total,Total,-5\n',
    )
    const run = await wtc(['import', 'ndtms-viewit', file, '--council', 'E09000003'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('Did not import bad.csv (NDTMS ViewIt adult treatment export) for Barnet (E09000003)')
    expect(run.stdout).toContain('  Rows refused:  1\n')
    expect(run.stdout).toContain('  row 3 | sex | "X" | This is not a sex WTC knows. Use F, M or Total.\n')
    expect(run.stdout).toContain('  row 3 | intreatment_allintx | "-5" | A count of people cannot be negative.\n')
    expect(run.stderr).toContain('The file was not imported because 1 row has problems. Nothing was changed.')
  }, 60_000)

  it('needs --kind for prevalence and --council when there are two councils', async () => {
    const noKind = await wtc(['import', 'prevalence', REFERENCE.dependence])
    expect(noKind.code).toBe(1)
    expect(noKind.stderr).toContain("required option '--kind <kind>' not specified")
    const badKind = await wtc(['import', 'prevalence', REFERENCE.dependence, '--kind', 'cannabis'])
    expect(badKind.code).toBe(1)
    expect(badKind.stderr).toContain('--kind must be alcohol or ocu, not "cannabis".')

    expect((await wtc(['councils', 'add', 'E06000001'])).code).toBe(0)
    const noCouncil = await wtc(['import', 'prevalence', REFERENCE.dependence, '--kind', 'alcohol'])
    expect(noCouncil.code).toBe(1)
    expect(noCouncil.stderr).toContain('This database holds more than one council: name one with --council <gss>')

    const ok = await wtc(['import', 'prevalence', REFERENCE.dependence, '--kind', 'alcohol', '--council', 'E06000001'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('for Hartlepool (E06000001)')
    // Python: 1,211 rows read, 456 with an interval.
    expect(ok.stdout).toContain('  Rows read:     1,211\n')
    expect(ok.stdout).toContain('  Rows stored:   456\n')
    expect(ok.stdout).toContain('Warnings:\n  - 755 rows have no confidence interval (NA)')
  }, 120_000)

  it('says when the file is not there', async () => {
    const run = await wtc(['import', 'fingertips', path.join(tmp, 'missing.csv')])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('missing.csv: check the file exists.')
  })
})
