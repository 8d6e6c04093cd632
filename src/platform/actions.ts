/**
 * The one action model (issue 12, ADR 27). An action has an owner organisation, a due date, a
 * status and a history of progress notes, and links to what raised it (`source`) and what it is
 * about (`subject`). Standards assessments raise improvement actions first; "you said, we did",
 * partnership board and commissioning plan actions will use the same table and these functions.
 *
 * Every change is a row in action_updates and an audit event, in one transaction; a change made
 * from a stale page (the action's version moved on) is refused rather than lost.
 */
import { and, asc, eq, inArray, lt, or, sql } from 'drizzle-orm'
import { type ActionStatus, actionStatuses, actions, actionUpdates } from '../db/schema/index.js'
import { isUuid } from '../lib/ids.js'
import { type Actor, recordAudit } from './audit.js'
import type { DbOrTx } from './db/index.js'
import type { TenantScope } from './tenancy.js'

export { actionStatuses, type ActionStatus }

export const actionStatusLabel: Record<ActionStatus, string> = {
  open: 'Not started',
  in_progress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
}

export type ActionRow = typeof actions.$inferSelect
export type ActionUpdateRow = typeof actionUpdates.$inferSelect

export interface NewAction {
  kind: string
  title: string
  detail?: string
  ownerOrganisationId: string
  ownerName: string
  dueOn: string
  source: { type: string; id: string; label: string }
  subject: { type: string; id: string }
  isExample?: boolean
}

export async function createAction(db: DbOrTx, scope: TenantScope, actor: Actor, input: NewAction): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(actions)
      .values({
        tenantId: scope.tenantId,
        kind: input.kind,
        title: input.title,
        detail: input.detail ?? '',
        ownerOrganisationId: input.ownerOrganisationId,
        ownerName: input.ownerName,
        dueOn: input.dueOn,
        sourceType: input.source.type,
        sourceId: input.source.id,
        sourceLabel: input.source.label,
        subjectType: input.subject.type,
        subjectId: input.subject.id,
        isExample: input.isExample ?? false,
        createdBy: actor.userId ?? null,
      })
      .returning({ id: actions.id })
    const id = rows[0]?.id
    if (!id) throw new Error('Could not create the action')
    await tx.insert(actionUpdates).values({
      tenantId: scope.tenantId,
      actionId: id,
      byUserId: actor.userId ?? null,
      byLabel: actor.label,
      status: 'open',
      note: 'Action agreed.',
    })
    await recordAudit(tx, {
      action: 'action.create',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'action',
      subjectId: id,
      details: { kind: input.kind, title: input.title, owner: input.ownerName, dueOn: input.dueOn },
    })
    return id
  })
}

export async function getAction(db: DbOrTx, scope: TenantScope, id: string): Promise<ActionRow | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select()
    .from(actions)
    .where(and(eq(actions.tenantId, scope.tenantId), eq(actions.id, id)))
    .limit(1)
  return rows[0] ?? null
}

export async function actionHistory(db: DbOrTx, scope: TenantScope, id: string): Promise<ActionUpdateRow[]> {
  return db
    .select()
    .from(actionUpdates)
    .where(and(eq(actionUpdates.tenantId, scope.tenantId), eq(actionUpdates.actionId, id)))
    .orderBy(asc(actionUpdates.id))
}

export type ActionUpdateOutcome = 'updated' | 'stale' | 'not-found'

/** A progress note, a change of status, or both; refused when the page's version is out of date. */
export async function updateAction(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  id: string,
  change: { status: ActionStatus; note: string; version: number },
): Promise<ActionUpdateOutcome> {
  if (!isUuid(id)) return 'not-found'
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(actions)
      .set({ status: change.status, version: sql`${actions.version} + 1`, updatedAt: new Date() })
      .where(and(eq(actions.tenantId, scope.tenantId), eq(actions.id, id), eq(actions.version, change.version)))
      .returning({ id: actions.id })
    if (updated.length === 0) {
      const exists = await tx
        .select({ id: actions.id })
        .from(actions)
        .where(and(eq(actions.tenantId, scope.tenantId), eq(actions.id, id)))
      return exists.length ? 'stale' : 'not-found'
    }
    await tx.insert(actionUpdates).values({
      tenantId: scope.tenantId,
      actionId: id,
      byUserId: actor.userId ?? null,
      byLabel: actor.label,
      status: change.status,
      note: change.note,
    })
    await recordAudit(tx, {
      action: 'action.update',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'action',
      subjectId: id,
      details: { status: change.status, noted: change.note.length > 0 },
    })
    return 'updated'
  })
}

/** Actions raised from these sources (the gaps of one return, say). */
export async function actionsFrom(
  db: DbOrTx,
  scope: TenantScope,
  sourceType: string,
  sourceIds: readonly string[],
): Promise<ActionRow[]> {
  if (sourceIds.length === 0) return []
  return db
    .select()
    .from(actions)
    .where(
      and(
        eq(actions.tenantId, scope.tenantId),
        eq(actions.sourceType, sourceType),
        inArray(actions.sourceId, [...sourceIds]),
      ),
    )
    .orderBy(asc(actions.dueOn), asc(actions.createdAt))
}

/**
 * Open actions (not started or in progress) of the council, or only of these owner organisations,
 * soonest due first; `overdueOn` keeps those due before that day.
 */
export async function openActions(
  db: DbOrTx,
  scope: TenantScope,
  opts: { owners?: readonly string[]; overdueOn?: string; limit?: number } = {},
): Promise<ActionRow[]> {
  if (opts.owners?.length === 0) return []
  const conditions = [
    eq(actions.tenantId, scope.tenantId),
    or(eq(actions.status, 'open'), eq(actions.status, 'in_progress')),
  ]
  if (opts.owners) conditions.push(inArray(actions.ownerOrganisationId, [...opts.owners]))
  if (opts.overdueOn) conditions.push(lt(actions.dueOn, opts.overdueOn))
  return db
    .select()
    .from(actions)
    .where(and(...conditions))
    .orderBy(asc(actions.dueOn), asc(actions.title))
    .limit(opts.limit ?? 500)
}
