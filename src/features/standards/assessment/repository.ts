/**
 * Standards assessment records (issue 12): rounds, returns, ratings, evidence, panel assignments
 * and observations. Every function takes the council's scope and filters on it; who within the
 * council may see a record is the service layer's business (service.ts). Every change is audited
 * in its own transaction.
 */
import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm'
import {
  assessmentEvidence,
  assessmentObservations,
  assessmentPanel,
  assessmentRatings,
  assessmentReturns,
  assessmentRounds,
  memberships,
  type RatingValue,
  type ReturnStatus,
  users,
} from '../../../db/schema/index.js'
import { isUuid } from '../../../lib/ids.js'
import { type Actor, recordAudit } from '../../../platform/audit.js'
import { bumpDataVersion, councilDataVersion } from '../../../platform/cache.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { checkFramework, type Framework } from '../framework.js'

/** A service a provider organisation answers for, as the service map gives it (src/app.ts wires it in). */
export interface AssessableService {
  serviceId: string
  serviceName: string
  serviceType: string
  /** The service map's feature codes for the service, as it stands now. */
  features: string[]
  providerId: string
  providerName: string
  status: 'published' | 'draft'
}

/** Where the services a round can assess come from: the council's, or only these ids. */
export type ServiceSource = (
  db: DbOrTx,
  scope: TenantScope,
  serviceIds?: readonly string[],
) => Promise<AssessableService[]>

export type RoundRow = typeof assessmentRounds.$inferSelect
export type ReturnRow = typeof assessmentReturns.$inferSelect
export type RatingRow = typeof assessmentRatings.$inferSelect
export type EvidenceRow = typeof assessmentEvidence.$inferSelect
export type ObservationRow = typeof assessmentObservations.$inferSelect

/** The framework a round was opened against, as stored with it. */
export function roundFramework(round: Pick<RoundRow, 'framework'>): Framework {
  const parsed = checkFramework(round.framework)
  if (!parsed.ok) throw new Error('A stored round holds a framework that no longer reads')
  return parsed.framework
}

export async function createRound(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  input: {
    title: string
    framework: Framework
    dueOn: string
    services: readonly AssessableService[]
    isExample?: boolean
  },
): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(assessmentRounds)
      .values({
        tenantId: scope.tenantId,
        title: input.title,
        frameworkKey: input.framework.key,
        frameworkVersion: input.framework.version,
        framework: input.framework,
        dueOn: input.dueOn,
        isExample: input.isExample ?? false,
        createdBy: actor.userId ?? null,
      })
      .returning({ id: assessmentRounds.id })
    const id = rows[0]?.id
    if (!id) throw new Error('Could not open the round')
    await tx.insert(assessmentReturns).values(
      input.services.map((s) => ({
        tenantId: scope.tenantId,
        roundId: id,
        providerOrganisationId: s.providerId,
        providerName: s.providerName,
        serviceId: s.serviceId,
        serviceName: s.serviceName,
        serviceType: s.serviceType,
      })),
    )
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: 'standards.round.open',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'assessment-round',
      subjectId: id,
      details: {
        title: input.title,
        framework: `${input.framework.key} v${String(input.framework.version)}`,
        dueOn: input.dueOn,
        services: input.services.length,
      },
    })
    return id
  })
}

/** The council's version of its standards data: raised by every write here (src/platform/cache.ts). */
export const standardsVersion = (db: DbOrTx, scope: TenantScope): Promise<string> =>
  councilDataVersion(db, scope.tenantId, 'standards')

export async function getRound(db: DbOrTx, scope: TenantScope, id: string): Promise<RoundRow | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select()
    .from(assessmentRounds)
    .where(and(eq(assessmentRounds.tenantId, scope.tenantId), eq(assessmentRounds.id, id)))
    .limit(1)
  return rows[0] ?? null
}

/** Closes an open round: no provider can change its returns after this. False if it was not open. */
export async function closeRound(db: DbOrTx, scope: TenantScope, actor: Actor, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const closed = await tx
      .update(assessmentRounds)
      .set({ status: 'closed', closedAt: new Date() })
      .where(
        and(
          eq(assessmentRounds.tenantId, scope.tenantId),
          eq(assessmentRounds.id, id),
          eq(assessmentRounds.status, 'open'),
        ),
      )
      .returning({ id: assessmentRounds.id })
    if (closed.length === 0) return false
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: 'standards.round.close',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'assessment-round',
      subjectId: id,
      details: {},
    })
    return true
  })
}

export async function listRounds(db: DbOrTx, scope: TenantScope): Promise<RoundRow[]> {
  return db
    .select()
    .from(assessmentRounds)
    .where(eq(assessmentRounds.tenantId, scope.tenantId))
    .orderBy(desc(assessmentRounds.createdAt))
}

/** Returns of the council, optionally of some rounds, providers or ids (what a viewer may see is narrowed by the caller). */
export async function listReturns(
  db: DbOrTx,
  scope: TenantScope,
  filter: {
    roundIds?: readonly string[]
    providerIds?: readonly string[]
    ids?: readonly string[]
    serviceId?: string
  } = {},
): Promise<ReturnRow[]> {
  for (const list of [filter.roundIds, filter.providerIds, filter.ids]) if (list?.length === 0) return []
  const conditions = [eq(assessmentReturns.tenantId, scope.tenantId)]
  if (filter.roundIds) conditions.push(inArray(assessmentReturns.roundId, [...filter.roundIds]))
  if (filter.providerIds) conditions.push(inArray(assessmentReturns.providerOrganisationId, [...filter.providerIds]))
  if (filter.ids) conditions.push(inArray(assessmentReturns.id, [...filter.ids]))
  if (filter.serviceId) conditions.push(eq(assessmentReturns.serviceId, filter.serviceId))
  return db
    .select()
    .from(assessmentReturns)
    .where(and(...conditions))
    .orderBy(asc(assessmentReturns.providerName), asc(assessmentReturns.serviceName))
}

export async function getReturn(db: DbOrTx, scope: TenantScope, id: string): Promise<ReturnRow | null> {
  if (!isUuid(id)) return null
  const rows = await listReturns(db, scope, { ids: [id] })
  return rows[0] ?? null
}

export async function ratingsOf(db: DbOrTx, scope: TenantScope, returnIds: readonly string[]): Promise<RatingRow[]> {
  if (returnIds.length === 0) return []
  return db
    .select()
    .from(assessmentRatings)
    .where(and(eq(assessmentRatings.tenantId, scope.tenantId), inArray(assessmentRatings.returnId, [...returnIds])))
}

export async function evidenceOf(db: DbOrTx, scope: TenantScope, returnId: string): Promise<EvidenceRow[]> {
  return db
    .select()
    .from(assessmentEvidence)
    .where(and(eq(assessmentEvidence.tenantId, scope.tenantId), eq(assessmentEvidence.returnId, returnId)))
    .orderBy(asc(assessmentEvidence.createdAt))
}

export async function getEvidence(db: DbOrTx, scope: TenantScope, id: string): Promise<EvidenceRow | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select()
    .from(assessmentEvidence)
    .where(and(eq(assessmentEvidence.tenantId, scope.tenantId), eq(assessmentEvidence.id, id)))
    .limit(1)
  return rows[0] ?? null
}

export async function observationsOf(
  db: DbOrTx,
  scope: TenantScope,
  returnIds: readonly string[],
): Promise<ObservationRow[]> {
  if (returnIds.length === 0) return []
  return db
    .select()
    .from(assessmentObservations)
    .where(
      and(
        eq(assessmentObservations.tenantId, scope.tenantId),
        inArray(assessmentObservations.returnId, [...returnIds]),
      ),
    )
    .orderBy(asc(assessmentObservations.observedOn), asc(assessmentObservations.createdAt))
}

/** The panel members assigned to a return, with their names. */
export async function panelOf(
  db: DbOrTx,
  scope: TenantScope,
  returnId: string,
): Promise<{ userId: string; displayName: string }[]> {
  return db
    .select({ userId: assessmentPanel.userId, displayName: users.displayName })
    .from(assessmentPanel)
    .innerJoin(users, and(eq(users.id, assessmentPanel.userId), eq(users.tenantId, scope.tenantId)))
    .where(and(eq(assessmentPanel.tenantId, scope.tenantId), eq(assessmentPanel.returnId, returnId)))
    .orderBy(asc(users.displayName))
}

/** The ids of the returns a panel member is assigned to. */
export async function assignedReturnIds(db: DbOrTx, scope: TenantScope, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: assessmentPanel.returnId })
    .from(assessmentPanel)
    .where(and(eq(assessmentPanel.tenantId, scope.tenantId), eq(assessmentPanel.userId, userId)))
  return rows.map((r) => r.id)
}

/** The council's users who hold the panel member role (who a commissioner may assign). */
export async function panelMembers(db: DbOrTx, scope: TenantScope): Promise<{ userId: string; displayName: string }[]> {
  const rows = await db
    .selectDistinct({ userId: users.id, displayName: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.tenantId, scope.tenantId),
        eq(memberships.role, 'panel_member'),
        eq(users.tenantId, scope.tenantId),
        sql`${users.disabledAt} is null`,
      ),
    )
  return rows.sort((a, b) => a.displayName.localeCompare(b.displayName))
}

export async function assignPanel(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  returnId: string,
  userId: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(assessmentPanel).values({ tenantId: scope.tenantId, returnId, userId }).onConflictDoNothing()
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: 'standards.panel.assign',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'assessment-return',
      subjectId: returnId,
      details: { userId },
    })
  })
}

/** The status counts of each round's returns. */
export async function returnCounts(
  db: DbOrTx,
  scope: TenantScope,
  roundIds: readonly string[],
): Promise<Map<string, Partial<Record<ReturnStatus, number>>>> {
  const out = new Map<string, Partial<Record<ReturnStatus, number>>>()
  if (roundIds.length === 0) return out
  const rows = await db
    .select({ roundId: assessmentReturns.roundId, status: assessmentReturns.status, n: count() })
    .from(assessmentReturns)
    .where(and(eq(assessmentReturns.tenantId, scope.tenantId), inArray(assessmentReturns.roundId, [...roundIds])))
    .groupBy(assessmentReturns.roundId, assessmentReturns.status)
  for (const r of rows) {
    const counts = out.get(r.roundId) ?? {}
    counts[r.status] = r.n
    out.set(r.roundId, counts)
  }
  return out
}

export type SaveOutcome = 'saved' | 'stale'

/**
 * A provider's rating of one standard. `version` is the rating's version the form was made from
 * (0 for a standard not rated before); a save from a stale form changes nothing. The return moves
 * from "not started" to "draft" on its first rating.
 */
export async function saveRating(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  ret: Pick<ReturnRow, 'id' | 'status'>,
  standardId: string,
  input: { rating: RatingValue; naReason: string; narrative: string; version: number },
): Promise<SaveOutcome> {
  return db.transaction(async (tx) => {
    const values = {
      rating: input.rating,
      naReason: input.rating === 'not_applicable' ? input.naReason : '',
      narrative: input.narrative,
      updatedAt: new Date(),
      updatedBy: actor.userId ?? null,
    }
    if (input.version === 0) {
      const inserted = await tx
        .insert(assessmentRatings)
        .values({ tenantId: scope.tenantId, returnId: ret.id, standardId, ...values })
        .onConflictDoNothing()
        .returning({ v: assessmentRatings.version })
      if (inserted.length === 0) return 'stale'
    } else {
      const updated = await tx
        .update(assessmentRatings)
        .set({ ...values, version: sql`${assessmentRatings.version} + 1` })
        .where(
          and(
            eq(assessmentRatings.tenantId, scope.tenantId),
            eq(assessmentRatings.returnId, ret.id),
            eq(assessmentRatings.standardId, standardId),
            eq(assessmentRatings.version, input.version),
          ),
        )
        .returning({ v: assessmentRatings.version })
      if (updated.length === 0) return 'stale'
    }
    if (ret.status === 'not_started') {
      await tx
        .update(assessmentReturns)
        .set({ status: 'draft', version: sql`${assessmentReturns.version} + 1`, updatedAt: new Date() })
        .where(
          and(
            eq(assessmentReturns.tenantId, scope.tenantId),
            eq(assessmentReturns.id, ret.id),
            eq(assessmentReturns.status, 'not_started'),
          ),
        )
    }
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: 'standards.rating.save',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'assessment-return',
      subjectId: ret.id,
      details: { standard: standardId, rating: input.rating },
    })
    return 'saved'
  })
}

/**
 * Moves a return from one status to another if it is still at the version the page showed; with
 * the stamps and rating changes that go with the move. Returns false when someone moved it first.
 */
export async function moveReturn(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  ret: Pick<ReturnRow, 'id'>,
  move: { from: readonly ReturnStatus[]; to: ReturnStatus; version: number; audit: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const now = new Date()
    const stamps =
      move.to === 'submitted'
        ? { submittedAt: now, submittedBy: actor.userId ?? null }
        : move.to === 'verified'
          ? { verifiedAt: now, verifiedBy: actor.userId ?? null }
          : {}
    const moved = await tx
      .update(assessmentReturns)
      .set({ status: move.to, version: sql`${assessmentReturns.version} + 1`, updatedAt: now, ...stamps })
      .where(
        and(
          eq(assessmentReturns.tenantId, scope.tenantId),
          eq(assessmentReturns.id, ret.id),
          eq(assessmentReturns.version, move.version),
          inArray(assessmentReturns.status, [...move.from]),
        ),
      )
      .returning({ id: assessmentReturns.id })
    if (moved.length === 0) return false
    if (move.to === 'submitted') {
      // A resubmitted return is verified afresh where the commissioner had sent a rating back.
      await tx
        .update(assessmentRatings)
        .set({ decision: null, verifiedRating: null, decidedBy: null, decidedAt: null })
        .where(
          and(
            eq(assessmentRatings.tenantId, scope.tenantId),
            eq(assessmentRatings.returnId, ret.id),
            eq(assessmentRatings.decision, 'returned'),
          ),
        )
    }
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: move.audit,
      tenantId: scope.tenantId,
      actor,
      subjectType: 'assessment-return',
      subjectId: ret.id,
      details: { to: move.to },
    })
    return true
  })
}

/** The commissioner's decision on one rating; refused (false) when the rating changed since the page was made. */
export async function decideRating(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  returnId: string,
  standardId: string,
  input: {
    decision: 'agreed' | 'changed' | 'returned'
    verifiedRating: RatingValue | null
    reason: string
    version: number
  },
): Promise<SaveOutcome> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(assessmentRatings)
      .set({
        decision: input.decision,
        verifiedRating: input.decision === 'changed' ? input.verifiedRating : null,
        decisionReason: input.reason,
        decidedBy: actor.userId ?? null,
        decidedAt: new Date(),
        version: sql`${assessmentRatings.version} + 1`,
      })
      .where(
        and(
          eq(assessmentRatings.tenantId, scope.tenantId),
          eq(assessmentRatings.returnId, returnId),
          eq(assessmentRatings.standardId, standardId),
          eq(assessmentRatings.version, input.version),
        ),
      )
      .returning({ v: assessmentRatings.version })
    if (updated.length === 0) return 'stale'
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: 'standards.rating.verify',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'assessment-return',
      subjectId: returnId,
      details: { standard: standardId, decision: input.decision, rating: input.verifiedRating },
    })
    return 'saved'
  })
}

export async function addEvidence(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  input: {
    returnId: string
    standardId: string
    kind: 'file' | 'link'
    label: string
    url?: string | null
    file?: { fileName: string; storedName: string; contentType: string; bytes: number }
  },
): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(assessmentEvidence)
      .values({
        tenantId: scope.tenantId,
        returnId: input.returnId,
        standardId: input.standardId,
        kind: input.kind,
        label: input.label,
        url: input.url ?? null,
        fileName: input.file?.fileName ?? null,
        storedName: input.file?.storedName ?? null,
        contentType: input.file?.contentType ?? null,
        bytes: input.file?.bytes ?? null,
        createdBy: actor.userId ?? null,
      })
      .returning({ id: assessmentEvidence.id })
    const id = rows[0]?.id
    if (!id) throw new Error('Could not keep the evidence')
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: 'standards.evidence.add',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'assessment-return',
      subjectId: input.returnId,
      details: {
        standard: input.standardId,
        kind: input.kind,
        evidence: id,
        ...(input.file ? { bytes: input.file.bytes, type: input.file.contentType } : {}),
      },
    })
    return id
  })
}

export async function removeEvidence(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  evidence: EvidenceRow,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .delete(assessmentEvidence)
      .where(and(eq(assessmentEvidence.tenantId, scope.tenantId), eq(assessmentEvidence.id, evidence.id)))
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: 'standards.evidence.remove',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'assessment-return',
      subjectId: evidence.returnId,
      details: { standard: evidence.standardId, evidence: evidence.id, kind: evidence.kind },
    })
  })
}

export async function addObservation(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  input: {
    returnId: string
    standardId: string
    source: 'visit' | 'conversation' | 'other'
    observedOn: string
    view: RatingValue | null
    text: string
  },
): Promise<string> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(assessmentObservations)
      .values({
        tenantId: scope.tenantId,
        returnId: input.returnId,
        standardId: input.standardId,
        authorUserId: actor.userId ?? null,
        authorLabel: actor.label,
        source: input.source,
        observedOn: input.observedOn,
        view: input.view,
        text: input.text,
      })
      .returning({ id: assessmentObservations.id })
    const id = rows[0]?.id
    if (!id) throw new Error('Could not keep the observation')
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: 'standards.observation.add',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'assessment-return',
      subjectId: input.returnId,
      details: { standard: input.standardId, source: input.source, observation: id },
    })
    return id
  })
}

/** Returns past their round's due date and not yet submitted, of the council or of these providers. */
export async function overdueReturns(
  db: DbOrTx,
  scope: TenantScope,
  today: string,
  providerIds?: readonly string[],
): Promise<(ReturnRow & { dueOn: string; roundTitle: string })[]> {
  if (providerIds?.length === 0) return []
  const conditions = [
    eq(assessmentReturns.tenantId, scope.tenantId),
    inArray(assessmentReturns.status, ['not_started', 'draft', 'returned']),
    eq(assessmentRounds.status, 'open'),
    sql`${assessmentRounds.dueOn} < ${today}`,
  ]
  if (providerIds) conditions.push(inArray(assessmentReturns.providerOrganisationId, [...providerIds]))
  const rows = await db
    .select({ ret: assessmentReturns, dueOn: assessmentRounds.dueOn, roundTitle: assessmentRounds.title })
    .from(assessmentReturns)
    .innerJoin(
      assessmentRounds,
      and(eq(assessmentRounds.id, assessmentReturns.roundId), eq(assessmentRounds.tenantId, scope.tenantId)),
    )
    .where(and(...conditions))
    .orderBy(asc(assessmentRounds.dueOn), asc(assessmentReturns.providerName))
  return rows.map((r) => ({ ...r.ret, dueOn: r.dueOn, roundTitle: r.roundTitle }))
}
