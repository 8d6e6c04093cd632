/** `wtc audit verify`: walks the audit trail's hash chain and names the first entry that fails. */
import type { Command } from 'commander'
import { checkpointFile, verifyAuditTrail } from '../../platform/audit-checkpoint.js'
import { resolveSecretKey } from '../../platform/secrets.js'
import { type CliContext, EXIT_FAILED } from '../context.js'

export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('the audit trail')

  audit
    .command('verify')
    .description(
      'check that no audit entry was changed, removed or reordered; exit code 1 names the first one that was',
    )
    .action(async () => {
      await ctx.withDatabase(async (database) => {
        const progress = ctx.progress('Checking the audit trail')
        let result
        try {
          const config = ctx.settings()
          const secret = await resolveSecretKey(database.db, config.secretKey)
          result = await verifyAuditTrail(
            database.db,
            checkpointFile(config.dataDir, config.databaseUrl),
            secret,
            (checked, total) => {
              progress.update(checked, total)
            },
          )
        } finally {
          progress.stop()
        }
        if (result.ok) {
          ctx.out(`Audit trail intact: ${String(result.checked)} entries`)
        } else {
          ctx.err(`Audit trail broken at entry ${String(result.brokenId)}: ${result.reason}`)
          ctx.err(`The ${String(result.checked)} entries before it verify.`)
          ctx.exitCode = EXIT_FAILED
        }
      })
    })
}
