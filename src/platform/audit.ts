/**
 * The audit trail (ASVS 16.x, NCSC principle 13). Rows are appended under an advisory lock, each
 * carrying the SHA-256 of its content and of the previous row, so any change, removal or
 * reordering breaks the chain at the first affected row. A trigger refuses UPDATE/DELETE/TRUNCATE.
 */
import { createHash } from 'node:crypto'
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm'
import { auditEvents } from '../db/schema/index.js'
import type { DbOrTx } from './db/index.js'
import type { TenantScope } from './tenancy.js'

export const GENESIS_HASH = '0'.repeat(64)

export interface Actor {
  userId?: string | null
  label: string
}

export interface AuditInput {
  action: string
  tenantId?: string | null
  actor: Actor
  subjectType?: string
  subjectId?: string
  details?: Record<string, unknown>
}

export type AuditRow = typeof auditEvents.$inferSelect

/** JSON with object keys sorted at every depth, so jsonb's own key order cannot change the hash. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function auditHash(
  prevHash: string,
  row: Pick<
    AuditRow,
    'at' | 'tenantId' | 'actorUserId' | 'actorLabel' | 'action' | 'subjectType' | 'subjectId' | 'details'
  >,
): string {
  const body = canonicalJson({
    at: row.at.toISOString(),
    tenantId: row.tenantId,
    actorUserId: row.actorUserId,
    actorLabel: row.actorLabel,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    details: row.details,
  })
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex')
}

export async function recordAudit(db: DbOrTx, input: AuditInput): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(727101)`)
    const last = await tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1)
    const prevHash = last[0]?.hash ?? GENESIS_HASH
    const row = {
      at: new Date(),
      tenantId: input.tenantId ?? null,
      actorUserId: input.actor.userId ?? null,
      actorLabel: input.actor.label,
      action: input.action,
      subjectType: input.subjectType ?? null,
      subjectId: input.subjectId ?? null,
      details: JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>,
    }
    await tx.insert(auditEvents).values({ ...row, prevHash, hash: auditHash(prevHash, row) })
  })
}

export type ChainResult =
  { ok: true; checked: number } | { ok: false; checked: number; brokenId: number; reason: string }

/** Walks the whole chain in id order; names the first row whose link or content does not verify. */
export async function verifyAuditChain(
  db: DbOrTx,
  onProgress?: (checked: number, total: number) => void | Promise<void>,
): Promise<ChainResult> {
  return (await walkAuditChain(db, onProgress)).result
}

/** The chain check, with the newest entry it reached (for the checkpoint, audit-checkpoint.ts). */
export async function walkAuditChain(
  db: DbOrTx,
  onProgress?: (checked: number, total: number) => void | Promise<void>,
): Promise<{ result: ChainResult; lastId: number; lastHash: string }> {
  const walked = (result: ChainResult) => ({ result, lastId, lastHash: prevHash })
  const countRows = await db.select({ n: sql<string>`count(*)::text` }).from(auditEvents)
  const total = Number(countRows[0]?.n ?? 0)
  let prevHash = GENESIS_HASH
  let lastId = 0
  let checked = 0
  for (;;) {
    const batch = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, lastId))
      .orderBy(asc(auditEvents.id))
      .limit(2000)
    if (batch.length === 0) break
    for (const row of batch) {
      if (row.prevHash !== prevHash) {
        return walked({
          ok: false,
          checked,
          brokenId: row.id,
          reason: 'its link to the previous row does not match (a row before it was removed, added or changed)',
        })
      }
      if (auditHash(row.prevHash, row) !== row.hash) {
        return walked({
          ok: false,
          checked,
          brokenId: row.id,
          reason: 'its content does not match its hash (the row was changed)',
        })
      }
      prevHash = row.hash
      lastId = row.id
      checked++
    }
    await onProgress?.(checked, total)
  }
  return walked({ ok: true, checked })
}

export async function listAudit(db: DbOrTx, scope: TenantScope, opts: { beforeId?: number; limit: number }) {
  const where = opts.beforeId
    ? and(eq(auditEvents.tenantId, scope.tenantId), sql`${auditEvents.id} < ${opts.beforeId}`)
    : eq(auditEvents.tenantId, scope.tenantId)
  return db.select().from(auditEvents).where(where).orderBy(desc(auditEvents.id)).limit(opts.limit)
}
