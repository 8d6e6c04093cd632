/**
 * `wtc import oruk <file or URL>` and `wtc export oruk <file>`: a council's service directory in
 * and out as Open Referral UK 3.0 JSON.
 *
 * Import reads a file (up to 20 MB) or fetches an https address (up to 20 MB, 30 seconds), checks
 * every service, and merges it into the council's directory by id, all or nothing: on any problem
 * it lists each one with its JSON path, changes nothing and exits with code 1.
 * Export writes the whole directory as a JSON array of full ORUK services in id order (published
 * services; drafts too with --include-drafts, as status 'inactive'), replacing the file atomically.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { exportOruk, importOrukText, MAX_IMPORT_BYTES } from '../../features/directory/api/exchange.js'
import { formatProblem } from '../../features/directory/oruk.js'
import type { DirectoryActor } from '../../features/directory/repository.js'
import { councilScope } from '../council.js'
import { CLI_ACTOR, CliError, type CliContext, EXIT_FAILED } from '../context.js'

const FETCH_TIMEOUT_MS = 30_000
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`

const cliActor: DirectoryActor = { userId: CLI_ACTOR.userId, label: CLI_ACTOR.label, role: 'operator' }

const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]'

/** Fetches an ORUK file: https only (http only from this computer), at most `maxBytes`, within the timeout. */
export async function fetchOruk(
  address: string,
  maxBytes = MAX_IMPORT_BYTES,
  timeoutMs = FETCH_TIMEOUT_MS,
): Promise<string> {
  let url: URL
  try {
    url = new URL(address)
  } catch {
    throw new CliError(`${address} is not a web address.`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new CliError(`Only https addresses can be imported: ${address} is not one.`)
  }
  let response: Response
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
      headers: { accept: 'application/json' },
    })
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError' ? 'it did not answer in time' : 'it could not be reached'
    throw new CliError(`Could not fetch ${address}: ${reason}.`)
  }
  if (!response.ok) throw new CliError(`Could not fetch ${address}: it answered ${String(response.status)}.`)
  const declared = Number(response.headers.get('content-length') ?? '')
  const tooLarge = () =>
    new CliError(`The file at ${address} is too large: the most we accept is ${megabytes(maxBytes)}.`)
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel()
    throw tooLarge()
  }
  const chunks: Uint8Array[] = []
  let received = 0
  if (response.body) {
    const reader = response.body.getReader()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        received += value.byteLength
        if (received > maxBytes) {
          await reader.cancel()
          throw tooLarge()
        }
        chunks.push(value)
      }
    } catch (err) {
      if (err instanceof CliError) throw err
      throw new CliError(`Could not fetch ${address}: the download stopped part-way.`)
    }
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Reads a local ORUK file of at most `maxBytes`. */
async function readOrukFile(file: string, maxBytes = MAX_IMPORT_BYTES): Promise<string> {
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
  const handle = await open(filePath, 'r')
  try {
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
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
      '\nAccepts a page of services ({ "contents": [...] }), an array of services, or one service, up to 20 MB.\n' +
        'Services are matched by id: new ones are added, changed ones updated, none removed. Importing the\n' +
        'same file twice changes nothing. If any service has a problem, nothing changes and every problem\n' +
        'is listed with its JSON path.\n' +
        'Example: wtc import oruk barnet-services.json --council E09000003\n',
    )
    .action(async (source: string, opts: { council?: string }) => {
      const isUrl = /^[a-z]+:\/\//i.test(source)
      const text = isUrl ? await fetchOruk(source) : await readOrukFile(source)
      await ctx.withDatabase(async (database) => {
        const scope = await councilScope(database.db, opts.council)
        const outcome = await importOrukText(database.db, scope, cliActor, text)
        const name = isUrl ? source : path.basename(source)
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
