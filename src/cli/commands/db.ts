/** `wtc db migrate`: brings the database schema up to date (the server also does this at start). */
import type { Command } from 'commander'
import { migrationStatus } from '../../platform/backup.js'
import { loadReferenceData } from '../../platform/reference.js'
import { type CliContext, describeDatabase } from '../context.js'

export function registerDbCommands(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('look after the database schema')

  db.command('migrate')
    .description('apply the database migrations this version of WTC ships, and load its reference data')
    .action(async () => {
      await ctx.withDatabase(async (database) => {
        const before = await migrationStatus(database.db)
        await database.migrate()
        await loadReferenceData(database.db)
        const after = await migrationStatus(database.db)
        const applied = after.applied - before.applied
        ctx.out(
          applied === 0
            ? `The database is up to date (schema ${after.latest ?? 'unknown'}, ${describeDatabase(database)}).`
            : `Applied ${String(applied)} migration${applied === 1 ? '' : 's'}; the database is at schema ${after.latest ?? 'unknown'} (${describeDatabase(database)}).`,
        )
      }, 'open')
    })
}
