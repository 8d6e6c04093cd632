/** `wtc seed demo`: the demo council (Barnet) with one account for each role. */
import type { Command } from 'commander'
import { DEMO_COUNCIL, DEMO_PASSWORD, seedDemo } from '../../demo/seed.js'
import type { CliContext } from '../context.js'

export function registerSeedCommands(program: Command, ctx: CliContext): void {
  const seed = program.command('seed').description('load example data')

  seed
    .command('demo')
    .description(`load the demo council, Barnet (${DEMO_COUNCIL}), with one demo account for each role`)
    .action(async () => {
      await ctx.withDatabase(async (database) => {
        const result = await seedDemo(database.db)
        ctx.out(
          result.loaded
            ? `Loaded the demo council, Barnet (${DEMO_COUNCIL}).`
            : `The demo council, Barnet (${DEMO_COUNCIL}), is already loaded; nothing changed.`,
        )
        ctx.out('Demo accounts (they sign in without a second factor; demo data only):')
        const width = Math.max(...result.accounts.map((a) => a.email.length))
        for (const account of result.accounts) ctx.out(`  ${account.email.padEnd(width)}  ${account.roles.join(', ')}`)
        ctx.out(`Password for each: ${DEMO_PASSWORD}`)
      })
    })
}
