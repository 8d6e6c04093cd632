/** Which council a command acts for: the one named by --council, or the only council in the database. */
import { eq } from 'drizzle-orm'
import { organisations } from '../db/schema/index.js'
import type { Db } from '../platform/db/index.js'
import { scopeForCouncilCode, type TenantScope, UnknownCouncilError } from '../platform/tenancy.js'
import { CliError } from './context.js'

export async function councilScope(db: Db, code: string | undefined): Promise<TenantScope> {
  if (code) {
    try {
      return await scopeForCouncilCode(db, code)
    } catch (err) {
      if (err instanceof UnknownCouncilError) throw new CliError(err.message)
      throw err
    }
  }
  const councils = await db
    .select({ code: organisations.areaCode })
    .from(organisations)
    .where(eq(organisations.kind, 'council'))
    .limit(2)
  const only = councils.length === 1 ? councils[0]?.code : undefined
  if (!only) {
    throw new CliError(
      councils.length === 0
        ? 'No council uses WTC yet. Add one with "wtc councils add <gss>" first.'
        : 'This database holds more than one council: name one with --council <gss>, e.g. --council E09000003.',
    )
  }
  return scopeForCouncilCode(db, only)
}
