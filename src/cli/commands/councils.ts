/** `wtc councils`: the councils (tenants) that use this installation. */
import type { Command } from 'commander'
import { asc, eq, sql } from 'drizzle-orm'
import { organisations, users } from '../../db/schema/index.js'
import { recordAudit } from '../../platform/audit.js'
import { ensureCouncil } from '../../platform/reference.js'
import { scopeForCouncilCode, UnknownCouncilError } from '../../platform/tenancy.js'
import { CLI_ACTOR, CliError, type CliContext } from '../context.js'

export function registerCouncilCommands(program: Command, ctx: CliContext): void {
  const councils = program.command('councils').description('the councils that use WTC (each one is a tenant)')

  councils
    .command('add')
    .description('let a council use WTC, by its ONS GSS code (e.g. E09000003 for Barnet)')
    .argument('<gss>', 'the council’s GSS code (upper-tier councils of England)')
    .action(async (gss: string) => {
      await ctx.withDatabase(async (database) => {
        const outcome = await database.db.transaction(async (tx) => {
          const existing = await scopeForCouncilCode(tx, gss).catch((err: unknown) => {
            if (err instanceof UnknownCouncilError) return null
            throw err
          })
          if (existing) return { scope: existing, added: false }
          let scope
          try {
            scope = await ensureCouncil(tx, gss)
          } catch (err) {
            throw new CliError(
              `${err instanceof Error ? err.message : String(err)}. Check the code: councils use their ONS GSS code, such as E09000003.`,
            )
          }
          await recordAudit(tx, {
            action: 'council.add',
            tenantId: scope.tenantId,
            actor: CLI_ACTOR,
            subjectType: 'organisation',
            subjectId: scope.tenantId,
            details: { areaCode: scope.areaCode, name: scope.councilName },
          })
          return { scope, added: true }
        })
        const { scope, added } = outcome
        ctx.out(
          added
            ? `Added ${scope.councilName} (${scope.areaCode}). Create its first administrator with "wtc users create --council ${scope.areaCode} --role admin ...".`
            : `${scope.councilName} (${scope.areaCode}) already uses WTC; nothing changed.`,
        )
      })
    })

  councils
    .command('list')
    .description('list the councils that use WTC, with how many accounts each has')
    .action(async () => {
      await ctx.withDatabase(async (database) => {
        const rows = await database.db
          .select({
            code: organisations.areaCode,
            name: organisations.name,
            accounts: sql<string>`count(${users.id})::text`,
          })
          .from(organisations)
          .leftJoin(users, eq(users.tenantId, organisations.id))
          .where(eq(organisations.kind, 'council'))
          .groupBy(organisations.id, organisations.areaCode, organisations.name)
          .orderBy(asc(organisations.name))
        if (rows.length === 0) {
          ctx.out('No council uses WTC yet. Add one with "wtc councils add <gss>".')
          return
        }
        const width = Math.max(...rows.map((r) => r.name.length))
        for (const r of rows) {
          const accounts = Number(r.accounts)
          ctx.out(`${r.code ?? '?'}  ${r.name.padEnd(width)}  ${String(accounts)} account${accounts === 1 ? '' : 's'}`)
        }
      })
    })
}
