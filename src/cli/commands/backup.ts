/** `wtc backup <file>` and `wtc restore <file>`: logical backups that move between PGlite and PostgreSQL. */
import path from 'node:path'
import type { Command } from 'commander'
import { anchorNewestEntry, checkpointFile } from '../../platform/audit-checkpoint.js'
import { BackupFileError, restoreBackup, RestoreRefusedError, writeBackup } from '../../platform/backup.js'
import { resolveSecretKey } from '../../platform/secrets.js'
import { CliError, type CliContext, describeDatabase } from '../context.js'

export function registerBackupCommands(program: Command, ctx: CliContext): void {
  program
    .command('backup')
    .description('write every table to a gzip’d JSON-lines file that "wtc restore" reads (PGlite or PostgreSQL)')
    .argument('<file>', 'the file to write, e.g. wtc-2026-11-25.backup.gz')
    .addHelpText(
      'after',
      '\nThe backup holds password hashes and encrypted second-factor secrets: keep it as safe as the database.\n' +
        'It is written from one consistent snapshot, so the server may keep running on PostgreSQL;\n' +
        'on the embedded database, stop the server first (only one process may use the data folder).\n',
    )
    .action(async (file: string) => {
      const target = path.resolve(file)
      await ctx.withDatabase(async (database) => {
        const progress = ctx.progress('Backing up')
        let summary
        try {
          summary = await writeBackup(database.db, target, {
            engine: database.engine,
            onProgress: (done, total) => {
              progress.update(done, total)
            },
          })
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code
          if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EROFS') {
            throw new CliError(`Cannot write the backup to ${target}: check the folder exists and can be written to.`)
          }
          throw err
        } finally {
          progress.stop()
        }
        // The newest audit entry, anchored outside the database with each backup (issue 10).
        const config = ctx.settings()
        await anchorNewestEntry(
          database.db,
          checkpointFile(config.dataDir, config.databaseUrl),
          await resolveSecretKey(database.db, config.secretKey),
        )
        ctx.out(
          `Backed up ${String(summary.rows)} rows from ${String(summary.tables.length)} tables (schema ${summary.migration}, ${describeDatabase(database)}) to ${target}`,
        )
      })
    })

  program
    .command('restore')
    .description('load a file made by "wtc backup" into an empty database (or, with --force, replace this one)')
    .argument('<file>', 'the backup file')
    .option('--force', 'delete everything in the database first (its schema is rebuilt), then restore')
    .addHelpText(
      'after',
      '\nThe restore runs as one transaction: if anything goes wrong, the database is left as it was.\n' +
        'A backup from an older version of WTC is loaded at its own schema and then migrated forward.\n',
    )
    .action(async (file: string, opts: { force?: boolean }) => {
      const source = path.resolve(file)
      await ctx.withDatabase(async (database) => {
        const progress = ctx.progress('Restoring')
        let summary
        try {
          summary = await restoreBackup(database.db, source, {
            force: opts.force ?? false,
            onProgress: (done, total) => {
              progress.update(done, total)
            },
          })
        } catch (err) {
          if (err instanceof BackupFileError || err instanceof RestoreRefusedError) throw new CliError(err.message)
          throw err
        } finally {
          progress.stop()
        }
        const forward = summary.migratedTo === summary.migration ? '' : `, then migrated to ${summary.migratedTo}`
        ctx.out(
          `Restored ${String(summary.rows)} rows into ${String(summary.tables.length)} tables (schema ${summary.migration}${forward}) in the ${describeDatabase(database)}.`,
        )
        ctx.out('Check the audit trail with "wtc audit verify".')
      }, 'open')
    })
}
