/**
 * A council's own framework versions (framework_versions): the latest of each key, every version of
 * one key, and saving a new one. Every function filters on the council; saving is audited.
 */
import { and, asc, desc, eq } from 'drizzle-orm'
import { frameworkVersions } from '../../db/schema/index.js'
import { type Actor, recordAudit } from '../../platform/audit.js'
import { bumpDataVersion } from '../../platform/cache.js'
import type { DbOrTx } from '../../platform/db/index.js'
import type { TenantScope } from '../../platform/tenancy.js'
import { checkFramework, type Framework } from './framework.js'

function read(document: Record<string, unknown>): Framework {
  const parsed = checkFramework(document)
  if (!parsed.ok) throw new Error('A stored framework version no longer reads')
  return parsed.framework
}

/** The latest version of each framework the council has made, by key. */
export async function latestCouncilVersions(db: DbOrTx, scope: TenantScope): Promise<Map<string, Framework>> {
  const rows = await db
    .select({ key: frameworkVersions.key, document: frameworkVersions.document })
    .from(frameworkVersions)
    .where(eq(frameworkVersions.tenantId, scope.tenantId))
    .orderBy(asc(frameworkVersions.key), desc(frameworkVersions.version))
  const out = new Map<string, Framework>()
  for (const r of rows) if (!out.has(r.key)) out.set(r.key, read(r.document))
  return out
}

/** Every version of one framework the council has made, newest first, with when and by whom. */
export async function councilVersionsOf(
  db: DbOrTx,
  scope: TenantScope,
  key: string,
): Promise<{ framework: Framework; createdAt: Date }[]> {
  const rows = await db
    .select({ document: frameworkVersions.document, createdAt: frameworkVersions.createdAt })
    .from(frameworkVersions)
    .where(and(eq(frameworkVersions.tenantId, scope.tenantId), eq(frameworkVersions.key, key)))
    .orderBy(desc(frameworkVersions.version))
  return rows.map((r) => ({ framework: read(r.document), createdAt: r.createdAt }))
}

/** Keeps a new version; false when the council already has that key and version (someone saved first). */
export async function saveFrameworkVersion(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  framework: Framework,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(frameworkVersions)
      .values({
        tenantId: scope.tenantId,
        key: framework.key,
        version: framework.version,
        document: framework,
        createdBy: actor.userId ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: frameworkVersions.id })
    if (rows.length === 0) return false
    await bumpDataVersion(tx, scope.tenantId, 'standards')
    await recordAudit(tx, {
      action: 'standards.framework.version',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'framework',
      subjectId: framework.key,
      details: { key: framework.key, version: framework.version, name: framework.name },
    })
    return true
  })
}
