/**
 * `wtc needs report`: the needs assessment of one council for one year, as JSON, CSV or a Word
 * document, from the same view model as the page. The file is written whole or not at all (to a
 * temporary file beside it, then renamed), and the export is audited as "wtc cli".
 */
import { randomBytes } from 'node:crypto'
import { rename, stat, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { assessmentToCsv } from '../../features/needs/assessment/export.js'
import { renderAssessmentDocx } from '../../features/needs/report/docx.js'
import { assessmentFor, SelectionError } from '../../features/needs/report/selection.js'
import { recordAudit } from '../../platform/audit.js'
import { scopeForCouncilCode, type TenantScope, UnknownCouncilError } from '../../platform/tenancy.js'
import { CLI_ACTOR, CliError, type CliContext } from '../context.js'

const formats = ['json', 'csv', 'docx'] as const
type Format = (typeof formats)[number]

/** Writes `data` to `file` through a temporary file in the same folder, so a reader never sees half a file. */
export async function writeFileAtomically(file: string, data: string | Buffer): Promise<void> {
  const target = path.resolve(file)
  const folder = path.dirname(target)
  const folderStat = await stat(folder).catch(() => null)
  if (!folderStat?.isDirectory()) throw new CliError(`The folder ${folder} does not exist.`)
  const targetStat = await stat(target).catch(() => null)
  if (targetStat?.isDirectory()) throw new CliError(`${target} is a folder. Give a file name with --out.`)
  const temp = path.join(folder, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, data, { mode: 0o600 })
    await rename(temp, target)
  } catch (err) {
    await unlink(temp).catch(() => undefined)
    throw err
  }
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${String(bytes)} bytes` : `${(bytes / 1024).toFixed(0)} KB`
}

export function registerNeedsCommands(program: Command, ctx: CliContext): void {
  const needs = program.command('needs').description('the needs assessment of women’s drug and alcohol treatment')

  needs
    .command('report')
    .description('write a council’s needs assessment for one year as JSON, CSV or a Word document')
    .requiredOption('--council <gss>', 'the council’s GSS code, e.g. E09000003')
    .requiredOption('--year <year>', 'the financial year, e.g. 2021/22')
    .option('--substance <group>', 'a substance group, e.g. alcohol_only (default: all substances)')
    .option('--age <band>', 'an age band, e.g. 18-29 (default: all ages)')
    .requiredOption('--format <format>', `one of: ${formats.join(', ')}`)
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .addHelpText(
      'after',
      '\nThe figures are the ones the needs assessment page shows: small numbers are already hidden.\n' +
        'Example: wtc needs report --council E09000003 --year 2021/22 --format docx --out barnet-2021-22.docx\n',
    )
    .action(
      async (opts: {
        council: string
        year: string
        substance?: string
        age?: string
        format: string
        out: string
      }) => {
        const format = opts.format.trim().toLowerCase()
        if (!(formats as readonly string[]).includes(format)) {
          throw new CliError(`Unknown format: ${opts.format}. Use one of: ${formats.join(', ')}.`)
        }
        await ctx.withDatabase(async (database) => {
          let scope: TenantScope
          try {
            scope = await scopeForCouncilCode(database.db, opts.council)
          } catch (err) {
            if (err instanceof UnknownCouncilError) throw new CliError(err.message)
            throw err
          }
          let view
          try {
            view = await assessmentFor(database.db, scope, {
              period: opts.year,
              substance: opts.substance,
              age: opts.age,
            })
          } catch (err) {
            if (err instanceof SelectionError) throw new CliError(err.message)
            throw err
          }
          const data = await render(format as Format, view)
          await writeFileAtomically(opts.out, data)
          await recordAudit(database.db, {
            action: 'needs.report.download',
            tenantId: scope.tenantId,
            actor: CLI_ACTOR,
            details: {
              format,
              period: view.selection.period,
              substanceGroup: view.selection.substanceGroup,
              ageGroup: view.selection.ageGroup,
            },
          })
          const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length
          ctx.out(
            `Wrote the needs assessment for ${view.council.name} (${view.council.code}), ${view.selection.period}, to ${opts.out} (${format}, ${sizeText(bytes)}).`,
          )
          const empty = view.sections.filter((s) => s.status === 'no-data').map((s) => s.title)
          if (empty.length > 0) ctx.out(`Sections with no data yet: ${empty.join(', ')}.`)
        })
      },
    )
}

async function render(format: Format, view: Parameters<typeof renderAssessmentDocx>[0]): Promise<string | Buffer> {
  switch (format) {
    case 'json':
      return JSON.stringify(view, null, 2)
    case 'csv':
      return assessmentToCsv(view)
    case 'docx':
      return renderAssessmentDocx(view)
  }
}
