/**
 * Training register records (issue 12, principle 3): each provider's course settings and the
 * groups of staff trained. Every function takes the council's scope and filters on it; which
 * provider a user may see is the service layer's business. Every change is audited and raises the
 * council's standards data version in its own transaction.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { organisations, type TrainingCourseType, trainingCourses, trainingSessions } from '../../../db/schema/index.js'
import { isUuid } from '../../../lib/ids.js'
import { type Actor, recordAudit } from '../../../platform/audit.js'
import { bumpDataVersion } from '../../../platform/cache.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import type { TenantScope } from '../../../platform/tenancy.js'

export type CourseRow = typeof trainingCourses.$inferSelect
export type SessionRow = typeof trainingSessions.$inferSelect

export interface ProviderRow {
  id: string
  name: string
}

/** The council's provider organisations, by name. */
export async function providers(db: DbOrTx, scope: TenantScope, ids?: readonly string[]): Promise<ProviderRow[]> {
  if (ids?.length === 0) return []
  return db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(
      and(
        eq(organisations.tenantId, scope.tenantId),
        eq(organisations.kind, 'provider'),
        ids ? inArray(organisations.id, [...ids]) : undefined,
      ),
    )
    .orderBy(asc(organisations.name))
}

export async function getProvider(db: DbOrTx, scope: TenantScope, id: string): Promise<ProviderRow | null> {
  if (!isUuid(id)) return null
  return (await providers(db, scope, [id]))[0] ?? null
}

export async function coursesOf(
  db: DbOrTx,
  scope: TenantScope,
  organisationIds: readonly string[],
): Promise<CourseRow[]> {
  if (organisationIds.length === 0) return []
  return db
    .select()
    .from(trainingCourses)
    .where(
      and(eq(trainingCourses.tenantId, scope.tenantId), inArray(trainingCourses.organisationId, [...organisationIds])),
    )
}

export async function sessionsOf(
  db: DbOrTx,
  scope: TenantScope,
  organisationIds: readonly string[],
): Promise<SessionRow[]> {
  if (organisationIds.length === 0) return []
  return db
    .select()
    .from(trainingSessions)
    .where(
      and(
        eq(trainingSessions.tenantId, scope.tenantId),
        inArray(trainingSessions.organisationId, [...organisationIds]),
      ),
    )
    .orderBy(asc(trainingSessions.completedOn))
}

export async function getSession(db: DbOrTx, scope: TenantScope, id: string): Promise<SessionRow | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select()
    .from(trainingSessions)
    .where(and(eq(trainingSessions.tenantId, scope.tenantId), eq(trainingSessions.id, id)))
  return rows[0] ?? null
}

async function changed(
  tx: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  action: string,
  organisationId: string,
  details: Record<string, unknown>,
) {
  await bumpDataVersion(tx, scope.tenantId, 'standards')
  await recordAudit(tx, {
    action,
    tenantId: scope.tenantId,
    actor,
    subjectType: 'provider-organisation',
    subjectId: organisationId,
    details,
  })
}

/**
 * Sets a course's staff in post and renewal period. `version` is the one the form was made from
 * (0 for a course not recorded before); a save from a stale form changes nothing.
 */
export async function saveCourse(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  organisationId: string,
  input: { course: TrainingCourseType; staffInPost: number; renewalMonths: number; version: number },
): Promise<'saved' | 'stale'> {
  return db.transaction(async (tx) => {
    const values = {
      staffInPost: input.staffInPost,
      renewalMonths: input.renewalMonths,
      updatedBy: actor.userId ?? null,
      updatedAt: new Date(),
    }
    const written =
      input.version === 0
        ? await tx
            .insert(trainingCourses)
            .values({ tenantId: scope.tenantId, organisationId, course: input.course, ...values })
            .onConflictDoNothing()
            .returning({ v: trainingCourses.version })
        : await tx
            .update(trainingCourses)
            .set({ ...values, version: sql`${trainingCourses.version} + 1` })
            .where(
              and(
                eq(trainingCourses.tenantId, scope.tenantId),
                eq(trainingCourses.organisationId, organisationId),
                eq(trainingCourses.course, input.course),
                eq(trainingCourses.version, input.version),
              ),
            )
            .returning({ v: trainingCourses.version })
    if (written.length === 0) return 'stale'
    await changed(tx, scope, actor, 'standards.training.course', organisationId, {
      course: input.course,
      staffInPost: input.staffInPost,
      renewalMonths: input.renewalMonths,
    })
    return 'saved'
  })
}

/**
 * Records a group of staff who completed a course. When it renews an earlier group, that group's
 * count of staff still in post falls by as many as renewed (never below 0), in the same
 * transaction; if that group is not this provider's and this course's, nothing is written.
 */
export async function addSession(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  organisationId: string,
  input: {
    course: TrainingCourseType
    completedOn: string
    staffTrained: number
    renews: string | null
    isExample?: boolean
  },
): Promise<{ kind: 'saved'; id: string } | { kind: 'gone' }> {
  return db.transaction(async (tx) => {
    if (input.renews) {
      const updated = await tx
        .update(trainingSessions)
        .set({
          stillInPost: sql`greatest(${trainingSessions.stillInPost} - ${input.staffTrained}, 0)`,
          version: sql`${trainingSessions.version} + 1`,
          updatedAt: new Date(),
        })
        .where(
          and(
            eq(trainingSessions.tenantId, scope.tenantId),
            eq(trainingSessions.organisationId, organisationId),
            eq(trainingSessions.course, input.course),
            eq(trainingSessions.id, input.renews),
          ),
        )
        .returning({ id: trainingSessions.id })
      if (updated.length === 0) return { kind: 'gone' as const }
    }
    const rows = await tx
      .insert(trainingSessions)
      .values({
        tenantId: scope.tenantId,
        organisationId,
        course: input.course,
        completedOn: input.completedOn,
        staffTrained: input.staffTrained,
        stillInPost: input.staffTrained,
        renewsSessionId: input.renews,
        isExample: input.isExample ?? false,
        createdBy: actor.userId ?? null,
      })
      .returning({ id: trainingSessions.id })
    const id = rows[0]?.id ?? ''
    await changed(tx, scope, actor, 'standards.training.session', organisationId, {
      session: id,
      course: input.course,
      completedOn: input.completedOn,
      staffTrained: input.staffTrained,
      renews: input.renews,
    })
    return { kind: 'saved' as const, id }
  })
}

/** Changes how many of a group's staff are still counted (staff who left, or renewed elsewhere). */
export async function updateStillInPost(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  session: Pick<SessionRow, 'id' | 'organisationId' | 'stillInPost'>,
  input: { stillInPost: number; version: number },
): Promise<'saved' | 'stale'> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(trainingSessions)
      .set({ stillInPost: input.stillInPost, version: sql`${trainingSessions.version} + 1`, updatedAt: new Date() })
      .where(
        and(
          eq(trainingSessions.tenantId, scope.tenantId),
          eq(trainingSessions.id, session.id),
          eq(trainingSessions.version, input.version),
        ),
      )
      .returning({ id: trainingSessions.id })
    if (updated.length === 0) return 'stale'
    await changed(tx, scope, actor, 'standards.training.still-in-post', session.organisationId, {
      session: session.id,
      from: session.stillInPost,
      to: input.stillInPost,
    })
    return 'saved'
  })
}
