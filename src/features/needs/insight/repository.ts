/**
 * Local insight, priorities and the female share assumptions: what the commissioner records
 * beside the published data. Every function takes the council's scope first and touches only its
 * rows; every change is audited in the same transaction.
 */
import { and, arrayContains, asc, desc, eq } from 'drizzle-orm'
import { femaleShareAssumptions, type InsightCohort, insights, priorities, users } from '../../../db/schema/index.js'
import { type Actor, recordAudit } from '../../../platform/audit.js'
import { bumpDataVersion } from '../../../platform/cache.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import type { TenantScope } from '../../../platform/tenancy.js'

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)

export type InsightRow = typeof insights.$inferSelect
export type PriorityRow = typeof priorities.$inferSelect
export type FemaleShareRow = typeof femaleShareAssumptions.$inferSelect
export type PriorityStatus = PriorityRow['status']
export type ShareKind = FemaleShareRow['kind']

export interface InsightInput {
  organisation: string
  byAndFor: boolean
  cohorts: InsightCohort[]
  /** YYYY-MM-DD */
  receivedOn: string
  summary: string
  sourceUrl: string | null
}

export interface PriorityInput {
  title: string
  finding: string
  evidence: string
  cohorts: InsightCohort[]
  period: string | null
  status: PriorityStatus
}

// ---- Local insight ----

/** The council's insight, newest first; with `cohort`, only insight about that cohort. */
export async function listInsights(
  db: DbOrTx,
  scope: TenantScope,
  filter: { cohort?: InsightCohort } = {},
): Promise<InsightRow[]> {
  const where = filter.cohort
    ? and(eq(insights.tenantId, scope.tenantId), arrayContains(insights.cohorts, [filter.cohort]))
    : eq(insights.tenantId, scope.tenantId)
  return db
    .select()
    .from(insights)
    .where(where)
    .orderBy(desc(insights.receivedOn), asc(insights.organisation), asc(insights.id))
}

export async function getInsight(db: DbOrTx, scope: TenantScope, id: string): Promise<InsightRow | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select()
    .from(insights)
    .where(and(eq(insights.id, id), eq(insights.tenantId, scope.tenantId)))
    .limit(1)
  return rows[0] ?? null
}

/** What the audit trail keeps of a piece of insight: not the summary, which may be sensitive. */
const insightAuditDetails = (input: InsightInput) => ({
  organisation: input.organisation,
  byAndFor: input.byAndFor,
  cohorts: input.cohorts,
  receivedOn: input.receivedOn,
  summaryLength: input.summary.length,
  sourceUrl: input.sourceUrl,
})

export async function createInsight(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  input: InsightInput,
): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(insights)
      .values({ ...input, tenantId: scope.tenantId, createdBy: actor.userId ?? null })
      .returning({ id: insights.id })
    const id = rows[0]?.id
    if (!id) throw new Error('Could not record the insight')
    await recordAudit(tx, {
      action: 'needs.insight.create',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'insight',
      subjectId: id,
      details: insightAuditDetails(input),
    })
    await bumpDataVersion(tx, scope.tenantId, 'needs')
    return id
  })
}

export async function updateInsight(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  id: string,
  input: InsightInput,
): Promise<boolean> {
  if (!isUuid(id)) return false
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(insights)
      .set({ ...input, updatedAt: new Date() })
      .where(and(eq(insights.id, id), eq(insights.tenantId, scope.tenantId)))
      .returning({ id: insights.id })
    if (!rows[0]) return false
    await recordAudit(tx, {
      action: 'needs.insight.update',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'insight',
      subjectId: id,
      details: insightAuditDetails(input),
    })
    await bumpDataVersion(tx, scope.tenantId, 'needs')
    return true
  })
}

export async function deleteInsight(db: DbOrTx, scope: TenantScope, actor: Actor, id: string): Promise<boolean> {
  if (!isUuid(id)) return false
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(insights)
      .where(and(eq(insights.id, id), eq(insights.tenantId, scope.tenantId)))
      .returning({ id: insights.id, organisation: insights.organisation, receivedOn: insights.receivedOn })
    const gone = rows[0]
    if (!gone) return false
    await recordAudit(tx, {
      action: 'needs.insight.delete',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'insight',
      subjectId: id,
      details: { organisation: gone.organisation, receivedOn: gone.receivedOn },
    })
    await bumpDataVersion(tx, scope.tenantId, 'needs')
    return true
  })
}

// ---- Priorities ----

const statusOrder = { agreed: 0, draft: 1, retired: 2 } as const

/** The council's priorities: agreed first, then drafts, then retired; newest first within each. */
export async function listPriorities(db: DbOrTx, scope: TenantScope): Promise<PriorityRow[]> {
  const rows = await db
    .select()
    .from(priorities)
    .where(eq(priorities.tenantId, scope.tenantId))
    .orderBy(desc(priorities.updatedAt), asc(priorities.id))
  return rows.sort((a, b) => statusOrder[a.status] - statusOrder[b.status])
}

export async function getPriority(
  db: DbOrTx,
  scope: TenantScope,
  id: string,
): Promise<(PriorityRow & { createdByName: string | null }) | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select({ row: priorities, createdByName: users.displayName })
    .from(priorities)
    .leftJoin(users, eq(users.id, priorities.createdBy))
    .where(and(eq(priorities.id, id), eq(priorities.tenantId, scope.tenantId)))
    .limit(1)
  const found = rows[0]
  return found ? { ...found.row, createdByName: found.createdByName } : null
}

const priorityAuditDetails = (input: PriorityInput) => ({
  title: input.title,
  status: input.status,
  cohorts: input.cohorts,
  period: input.period,
})

export async function createPriority(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  input: PriorityInput,
): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(priorities)
      .values({ ...input, tenantId: scope.tenantId, createdBy: actor.userId ?? null })
      .returning({ id: priorities.id })
    const id = rows[0]?.id
    if (!id) throw new Error('Could not record the priority')
    await recordAudit(tx, {
      action: 'needs.priority.create',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'priority',
      subjectId: id,
      details: priorityAuditDetails(input),
    })
    await bumpDataVersion(tx, scope.tenantId, 'needs')
    return id
  })
}

export async function updatePriority(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  id: string,
  input: PriorityInput,
): Promise<boolean> {
  if (!isUuid(id)) return false
  return db.transaction(async (tx) => {
    const before = await tx
      .select({ status: priorities.status })
      .from(priorities)
      .where(and(eq(priorities.id, id), eq(priorities.tenantId, scope.tenantId)))
      .limit(1)
    const previous = before[0]
    if (!previous) return false
    await tx
      .update(priorities)
      .set({ ...input, updatedAt: new Date() })
      .where(and(eq(priorities.id, id), eq(priorities.tenantId, scope.tenantId)))
    await recordAudit(tx, {
      action: 'needs.priority.update',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'priority',
      subjectId: id,
      details: { ...priorityAuditDetails(input), previousStatus: previous.status },
    })
    await bumpDataVersion(tx, scope.tenantId, 'needs')
    return true
  })
}

// ---- Female share assumptions ----

/** The council's stated female shares (0..1) with their sources, one per kind at most. */
export async function getFemaleShares(db: DbOrTx, scope: TenantScope): Promise<FemaleShareRow[]> {
  return db
    .select()
    .from(femaleShareAssumptions)
    .where(eq(femaleShareAssumptions.tenantId, scope.tenantId))
    .orderBy(asc(femaleShareAssumptions.kind))
}

/** Sets (or replaces) the female share of one kind of estimate. `share` is 0..1. */
export async function setFemaleShare(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  input: { kind: ShareKind; share: number; source: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await tx
      .select({ share: femaleShareAssumptions.share, source: femaleShareAssumptions.source })
      .from(femaleShareAssumptions)
      .where(and(eq(femaleShareAssumptions.tenantId, scope.tenantId), eq(femaleShareAssumptions.kind, input.kind)))
      .limit(1)
    const previous = before[0]
    if (previous?.share === input.share && previous.source === input.source) return
    const values = { share: input.share, source: input.source, setBy: actor.userId ?? null, setAt: new Date() }
    await tx
      .insert(femaleShareAssumptions)
      .values({ tenantId: scope.tenantId, kind: input.kind, ...values })
      .onConflictDoUpdate({ target: [femaleShareAssumptions.tenantId, femaleShareAssumptions.kind], set: values })
    await recordAudit(tx, {
      action: 'needs.assumption.update',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'female-share',
      subjectId: input.kind,
      details: {
        kind: input.kind,
        share: input.share,
        source: input.source,
        previousShare: previous?.share ?? null,
        previousSource: previous?.source ?? null,
      },
    })
    await bumpDataVersion(tx, scope.tenantId, 'needs')
  })
}
