/**
 * `wtc import oruk <file or URL>` and `wtc export oruk <file>`: a council's service directory in
 * and out as Open Referral UK 3.0 JSON.
 *
 * Import reads a file (up to 20 MB) or fetches a feed from an http(s) address (every page of its
 * services list, 20 MB in all, 30 seconds a request, public addresses only unless
 * ORUK_IMPORT_ALLOW_HOSTS names them, every redirect checked), with a progress bar, checks every
 * service, and merges it into the council's directory by id, all or nothing: on any problem it
 * lists each one with its JSON path, changes nothing and exits with code 1. Services that lack
 * what the directory needs are imported as drafts to review (ADR 0015).
 * Export writes the whole directory as a JSON array of full ORUK services in id order (published
 * services; drafts too with --include-drafts, as status 'inactive'), replacing the file atomically.
 */
import { randomBytes } from 'node:crypto'
import { rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { exportOruk, importOrukSource, MAX_IMPORT_BYTES } from '../../features/directory/api/exchange.js'
import { formatProblem } from '../../features/directory/oruk.js'
import type { DirectoryActor } from '../../features/directory/repository.js'
import { councilScope } from '../council.js'
import { CLI_ACTOR, CliError, type CliContext, EXIT_FAILED } from '../context.js'

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`

const cliActor: DirectoryActor = { userId: CLI_ACTOR.userId, label: CLI_ACTOR.label, role: 'operator' }

/** Checks a local file before the import: it exists and is within the size limit. */
async function checkOrukFile(file: string, maxBytes = MAX_IMPORT_BYTES): Promise<string> {
  const filePath = path.resolve(file)
  let size: number
  try {
    const info = await stat(filePath)
    if (!info.isFile()) throw new Error('not a file')
    size = info.size
  } catch {
    throw new CliError(`Cannot read ${filePath}: check the file exists.`)
  }
  if (size > maxBytes) {
    throw new CliError(
      `${path.basename(filePath)} is too large: ${(size / 1024 / 1024).toFixed(1)} MB. The most we accept is ${megabytes(maxBytes)}.`,
    )
  }
  return filePath
}

/** Writes `text` to `file` through a temporary file in the same folder and a rename. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const target = path.resolve(file)
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temporary, text, { encoding: 'utf8', flag: 'wx' })
    await rename(temporary, target)
  } catch (err) {
    await rm(temporary, { force: true })
    const detail = err instanceof Error ? err.message : String(err)
    throw new CliError(`Could not write ${target}: ${detail}`)
  }
}

function ensureCommand(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description)
}

export function registerDirectoryCommands(program: Command, ctx: CliContext): void {
  ensureCommand(program, 'import', 'import a file into a council')
    .command('oruk')
    .description('import an Open Referral UK 3.0 JSON file (a file or an https address) into a council’s service map')
    .argument('<source>', 'the JSON file, or an https:// address to fetch it from')
    .option('--council <gss>', 'the council, by GSS code (may be left out when the database holds one council)')
    .addHelpText(
      'after',
      '\nAccepts a page of services ({ "contents": [...] }), an array of services, or one service, up to 20 MB;\n' +
        'from an address, every page of the services list is read.\n' +
        'Services are matched by id: new ones are added, changed ones updated, none removed. Importing the\n' +
        'same file twice changes nothing. If any service has a problem, nothing changes and every problem\n' +
        'is listed with its JSON path.\n' +
        'Example: wtc import oruk barnet-services.json --council E09000003\n',
    )
    .action(async (source: string, opts: { council?: string }) => {
      const isUrl = /^[a-z][a-z0-9+.-]*:/i.test(source) && !/^[a-z]:[\\/]/i.test(source)
      const filePath = isUrl ? '' : await checkOrukFile(source)
      const allowHosts = ctx.settings().orukImportAllowHosts
      await ctx.withDatabase(async (database) => {
        const scope = await councilScope(database.db, opts.council)
        const name = isUrl ? source : path.basename(source)
        const progress = ctx.progress(`Importing ${name}`)
        let outcome: Awaited<ReturnType<typeof importOrukSource>>
        try {
          outcome = await importOrukSource(
            database.db,
            scope,
            cliActor,
            isUrl ? { kind: 'url', url: source } : { kind: 'file', path: filePath, name },
            {
              allowHosts,
              progress: (percent) => {
                progress.update(percent, 100)
              },
            },
          )
        } finally {
          progress.stop()
        }
        if (!outcome.ok) {
          ctx.err(`${name} was not imported into ${scope.councilName} (${scope.areaCode}): nothing has changed.`)
          ctx.err(`${String(outcome.problems.length)} ${outcome.problems.length === 1 ? 'problem' : 'problems'}:`)
          for (const problem of outcome.problems) ctx.err(`  ${formatProblem(problem)}`)
          ctx.exitCode = EXIT_FAILED
          return
        }
        ctx.out(`Imported ${name} into ${scope.councilName} (${scope.areaCode}).`)
        ctx.out(`  Services in the file: ${String(outcome.services)}`)
        ctx.out(`  Added:                ${String(outcome.created)}`)
        ctx.out(`  Updated:              ${String(outcome.updated)}`)
        ctx.out(`  Unchanged:            ${String(outcome.unchanged)}`)
        ctx.out(`  To review:            ${String(outcome.toReview)}`)
        if (outcome.toReview > 0) {
          ctx.out('  Services to review are drafts until a commissioner completes them at /directory/review.')
        }
        for (const warning of outcome.warnings) ctx.out(`  Note: ${warning}`)
      })
    })

  ensureCommand(program, 'export', 'export data from a council')
    .command('oruk')
    .description('write a council’s service map as Open Referral UK 3.0 JSON (an array of full services)')
    .argument('<file>', 'the JSON file to write (replaced if it exists)')
    .option('--council <gss>', 'the council, by GSS code (may be left out when the database holds one council)')
    .option('--include-drafts', 'include draft services, with status "inactive" (internal notes are never exported)')
    .action(async (file: string, opts: { council?: string; includeDrafts?: boolean }) => {
      await ctx.withDatabase(async (database) => {
        const scope = await councilScope(database.db, opts.council)
        const services = await exportOruk(database.db, scope, { includeDrafts: opts.includeDrafts === true })
        await writeAtomically(file, `${JSON.stringify(services, null, 2)}\n`)
        ctx.out(
          `Wrote ${String(services.length)} ${services.length === 1 ? 'service' : 'services'} of ${scope.councilName} (${scope.areaCode}) to ${path.resolve(file)}.`,
        )
      })
    })
}
