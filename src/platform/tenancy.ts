/**
 * Tenancy: a council is a tenant. Every repository function takes a TenantScope as its first
 * argument, and the only ways to get one are from a signed-in session (auth) or, for operators,
 * by naming the council on the command line. The brand stops a plain object literal standing in.
 */
import { and, eq } from 'drizzle-orm'
import { areaAliases, organisations } from '../db/schema/index.js'
import type { DbOrTx } from './db/index.js'

declare const tenantBrand: unique symbol

export interface TenantScope {
  readonly tenantId: string
  readonly areaCode: string
  readonly councilName: string
  readonly [tenantBrand]: true
}

export function tenantScope(council: { id: string; areaCode: string; name: string }): TenantScope {
  return { tenantId: council.id, areaCode: council.areaCode, councilName: council.name } as TenantScope
}

export class UnknownCouncilError extends Error {}

/** Resolves a GSS code (or a publisher's alias for it) to the council's tenant scope. */
export async function scopeForCouncilCode(db: DbOrTx, code: string): Promise<TenantScope> {
  const wanted = code.trim().toUpperCase()
  const alias = await db.select().from(areaAliases).where(eq(areaAliases.alias, wanted)).limit(1)
  const areaCode = alias[0]?.areaCode ?? wanted
  const rows = await db
    .select()
    .from(organisations)
    .where(and(eq(organisations.kind, 'council'), eq(organisations.areaCode, areaCode)))
    .limit(1)
  const council = rows[0]
  if (!council?.areaCode) {
    throw new UnknownCouncilError(
      `No council with code ${wanted} uses WTC yet. Add it with "wtc councils add ${wanted}" or check the code.`,
    )
  }
  return tenantScope({ id: council.id, areaCode: council.areaCode, name: council.name })
}
