/**
 * Partnerships span councils. A council sees a partnership only when it is a member (invited or
 * joined); it shares anything only after it has joined, which it does explicitly.
 */
import { and, asc, eq, inArray } from 'drizzle-orm'
import { organisations, partnershipMembers, partnerships } from '../../db/schema/index.js'
import { type Actor, recordAudit } from '../../platform/audit.js'
import type { DbOrTx } from '../../platform/db/index.js'
import type { TenantScope } from '../../platform/tenancy.js'

const isUuid = (id: string): boolean => /^[0-9a-f-]{36}$/i.test(id)

export interface PartnershipView {
  id: string
  name: string
  myStatus: 'invited' | 'joined' | 'left'
  members: { councilName: string; areaCode: string | null; status: string; joinedAt: Date | null }[]
}

export async function listPartnerships(db: DbOrTx, scope: TenantScope) {
  return db
    .select({ id: partnerships.id, name: partnerships.name, status: partnershipMembers.status })
    .from(partnershipMembers)
    .innerJoin(partnerships, eq(partnerships.id, partnershipMembers.partnershipId))
    .where(eq(partnershipMembers.tenantId, scope.tenantId))
    .orderBy(asc(partnerships.name))
}

export async function getPartnership(db: DbOrTx, scope: TenantScope, id: string): Promise<PartnershipView | null> {
  if (!isUuid(id)) return null
  const mine = await db
    .select({ name: partnerships.name, status: partnershipMembers.status })
    .from(partnershipMembers)
    .innerJoin(partnerships, eq(partnerships.id, partnershipMembers.partnershipId))
    .where(and(eq(partnershipMembers.partnershipId, id), eq(partnershipMembers.tenantId, scope.tenantId)))
    .limit(1)
  const me = mine[0]
  if (!me) return null
  const members = await db
    .select({
      councilName: organisations.name,
      areaCode: organisations.areaCode,
      status: partnershipMembers.status,
      joinedAt: partnershipMembers.joinedAt,
    })
    .from(partnershipMembers)
    .innerJoin(organisations, eq(organisations.id, partnershipMembers.tenantId))
    .where(eq(partnershipMembers.partnershipId, id))
    .orderBy(asc(organisations.name))
  return { id, name: me.name, myStatus: me.status, members }
}

export async function createPartnership(db: DbOrTx, scope: TenantScope, actor: Actor, name: string): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(partnerships)
      .values({ name, createdByTenant: scope.tenantId })
      .returning({ id: partnerships.id })
    const id = rows[0]?.id
    if (!id) throw new Error('Could not create the partnership')
    await tx.insert(partnershipMembers).values({
      partnershipId: id,
      tenantId: scope.tenantId,
      status: 'joined',
      joinedAt: new Date(),
      joinedBy: actor.userId ?? null,
    })
    await recordAudit(tx, {
      action: 'partnership.create',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'partnership',
      subjectId: id,
      details: { name },
    })
    return id
  })
}

export type InviteOutcome = 'invited' | 'already-member' | 'unknown-council' | 'not-found'

/** A joined member invites another council (by its tenant id); the invited council must join itself. */
export async function inviteCouncil(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  id: string,
  councilTenantId: string | null,
): Promise<InviteOutcome> {
  return db.transaction(async (tx) => {
    const p = await getPartnership(tx, scope, id)
    if (p?.myStatus !== 'joined') return 'not-found'
    if (!councilTenantId) return 'unknown-council'
    const existing = await tx
      .select()
      .from(partnershipMembers)
      .where(and(eq(partnershipMembers.partnershipId, id), eq(partnershipMembers.tenantId, councilTenantId)))
    if (existing[0]) return 'already-member'
    await tx.insert(partnershipMembers).values({ partnershipId: id, tenantId: councilTenantId, status: 'invited' })
    await recordAudit(tx, {
      action: 'partnership.invite',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'partnership',
      subjectId: id,
      details: { invitedTenantId: councilTenantId },
    })
    return 'invited'
  })
}

export async function joinPartnership(db: DbOrTx, scope: TenantScope, actor: Actor, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const p = await getPartnership(tx, scope, id)
    if (!p) return false
    if (p.myStatus !== 'joined') {
      await tx
        .update(partnershipMembers)
        .set({ status: 'joined', joinedAt: new Date(), joinedBy: actor.userId ?? null })
        .where(and(eq(partnershipMembers.partnershipId, id), eq(partnershipMembers.tenantId, scope.tenantId)))
      await recordAudit(tx, {
        action: 'partnership.join',
        tenantId: scope.tenantId,
        actor,
        subjectType: 'partnership',
        subjectId: id,
      })
    }
    return true
  })
}

/** Tenants that have joined a partnership: the only councils whose shared data it may show. */
export async function joinedTenants(db: DbOrTx, scope: TenantScope, id: string): Promise<string[]> {
  const p = await getPartnership(db, scope, id)
  if (p?.myStatus !== 'joined') return []
  const rows = await db
    .select({ tenantId: partnershipMembers.tenantId })
    .from(partnershipMembers)
    .where(and(eq(partnershipMembers.partnershipId, id), inArray(partnershipMembers.status, ['joined'])))
  return rows.map((r) => r.tenantId)
}
