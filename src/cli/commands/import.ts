/**
 * `wtc import <kind> <file>`: imports a needs assessment data file for a council, all or nothing,
 * with a progress bar on a terminal. Prints what was read, stored, refused and replaced; a
 * refused file lists every problem (row, column, value, reason) and exits with code 1.
 */
import { statSync } from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import type { ImportKind } from '../../db/schema/needs.js'
import {
  importFile,
  importKindInfo,
  ImportRefusedError,
  type ImportSummary,
  MAX_REFUSALS,
} from '../../features/needs/importers/index.js'
import type { TenantScope } from '../../platform/tenancy.js'
import { councilScope } from '../council.js'
import { CliError, type CliContext, EXIT_FAILED } from '../context.js'

const commands: { name: string; kind: ImportKind | 'prevalence'; what: string }[] = [
  { name: 'ndtms-viewit', kind: 'ndtms-viewit', what: 'an NDTMS ViewIt adult treatment export (CSV)' },
  { name: 'fingertips', kind: 'fingertips', what: 'a Fingertips indicator data download (CSV), any indicator' },
  {
    name: 'prevalence',
    kind: 'prevalence',
    what: 'prevalence estimates: the published alcohol dependence file, or the prevalence template (needs --kind)',
  },
  { name: 'population', kind: 'population', what: 'local population estimates in the population template' },
  { name: 'indicator', kind: 'indicator', what: 'local indicators in the indicator template' },
]

export function registerImportCommands(program: Command, ctx: CliContext): void {
  const importCommand = program
    .command('import')
    .description('import a needs assessment data file for a council (all rows or none)')
    .addHelpText(
      'after',
      '\nEvery row is checked first: if any row has a problem, nothing is stored and each problem is listed.\n' +
        'Importing the same source and period again replaces what was there.\n' +
        'Example: wtc import ndtms-viewit viewit-barnet.csv --council E09000003\n',
    )

  for (const command of commands) {
    const sub = importCommand
      .command(command.name)
      .description(`import ${command.what}`)
      .argument('<file>', 'the CSV file')
      .option(
        '--council <gss>',
        'the council the data is for, by GSS code (may be left out when the database holds one council)',
      )
    if (command.kind === 'prevalence') {
      sub.requiredOption('--kind <kind>', 'alcohol (alcohol dependence) or ocu (opiate and crack cocaine use)')
    }
    sub.action(async (file: string, opts: { council?: string; kind?: string }) => {
      let kind: ImportKind
      if (command.kind === 'prevalence') {
        if (opts.kind !== 'alcohol' && opts.kind !== 'ocu') {
          throw new CliError(`--kind must be alcohol or ocu, not "${opts.kind ?? ''}".`)
        }
        kind = opts.kind === 'alcohol' ? 'prevalence-alcohol' : 'prevalence-ocu'
      } else {
        kind = command.kind
      }
      const filePath = path.resolve(file)
      try {
        if (!statSync(filePath).isFile()) throw new Error('not a file')
      } catch {
        throw new CliError(`Cannot read ${filePath}: check the file exists.`)
      }
      await ctx.withDatabase(async (database) => {
        const scope = await councilScope(database.db, opts.council)
        const progress = ctx.progress(`Importing ${path.basename(filePath)}`)
        let summary: ImportSummary
        try {
          summary = await importFile(
            database.db,
            scope,
            { kind, filePath, fileName: path.basename(filePath), userId: null, limits: ctx.settings().importLimits },
            (percent) => {
              progress.update(percent, 100)
            },
          )
        } catch (err) {
          progress.stop()
          if (err instanceof ImportRefusedError) {
            printSummary(ctx, err.summary, scope, false)
            ctx.err(err.message)
            ctx.exitCode = EXIT_FAILED
            return
          }
          throw err
        }
        progress.stop()
        printSummary(ctx, summary, scope, true)
      })
    })
  }
}

function printSummary(ctx: CliContext, summary: ImportSummary, scope: TenantScope, stored: boolean): void {
  const what = importKindInfo[summary.kind].label
  const n = (v: number) => v.toLocaleString('en-GB')
  ctx.out(
    stored
      ? `Imported ${summary.fileName} (${what}) for ${scope.councilName} (${scope.areaCode}).`
      : `Did not import ${summary.fileName} (${what}) for ${scope.councilName} (${scope.areaCode}): nothing was changed.`,
  )
  ctx.out(`  Rows read:     ${n(summary.rowsRead)}`)
  ctx.out(`  Rows stored:   ${n(summary.rowsStored)}`)
  ctx.out(`  Rows refused:  ${n(summary.rowsRefused)}`)
  if (stored)
    ctx.out(`  Rows replaced: ${n(summary.replacedRows)} (from earlier imports of the same source and period)`)
  const storedAs = summary.coverage.storedAs
  if (stored && typeof storedAs === 'string' && storedAs !== '') ctx.out(`  Stored as:     ${storedAs}`)
  const periods = summary.coverage.periods
  if (stored && Array.isArray(periods) && periods.length > 0) {
    const first = String(periods[0])
    const last = String(periods[periods.length - 1])
    ctx.out(`  Periods:       ${first === last ? first : `${first} to ${last}`}`)
  }
  if (summary.warnings.length > 0) {
    ctx.out('Warnings:')
    for (const w of summary.warnings) ctx.out(`  - ${w}`)
  }
  if (summary.refusals.length > 0) {
    ctx.out('Problems (row, column, value, reason):')
    for (const r of summary.refusals) {
      const row = r.row === 0 ? 'file' : `row ${String(r.row)}`
      ctx.out(`  ${row} | ${r.column || '-'} | ${r.value ? JSON.stringify(r.value) : '-'} | ${r.reason}`)
    }
    if (summary.refusals.length >= MAX_REFUSALS) {
      ctx.out(
        `  Only the first ${String(MAX_REFUSALS)} problems are listed; ${n(summary.rowsRefused)} rows were refused in all.`,
      )
    }
  }
}
