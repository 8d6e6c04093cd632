/** The council's data imports, as recorded by the importer (one row per file brought in). */
import { and, desc, eq } from 'drizzle-orm'
import { dataImports, users } from '../../../db/schema/index.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import type { TenantScope } from '../../../platform/tenancy.js'

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)

export type DataImportRow = typeof dataImports.$inferSelect

export async function listImports(db: DbOrTx, scope: TenantScope, limit = 200) {
  return db
    .select({
      id: dataImports.id,
      kind: dataImports.kind,
      fileName: dataImports.fileName,
      importedAt: dataImports.importedAt,
      rowsRead: dataImports.rowsRead,
      rowsStored: dataImports.rowsStored,
      rowsRefused: dataImports.rowsRefused,
      importedByName: users.displayName,
    })
    .from(dataImports)
    .leftJoin(users, eq(users.id, dataImports.importedBy))
    .where(eq(dataImports.tenantId, scope.tenantId))
    .orderBy(desc(dataImports.importedAt))
    .limit(limit)
}

export async function getImport(
  db: DbOrTx,
  scope: TenantScope,
  id: string,
): Promise<(DataImportRow & { importedByName: string | null }) | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select({ row: dataImports, importedByName: users.displayName })
    .from(dataImports)
    .leftJoin(users, eq(users.id, dataImports.importedBy))
    .where(and(eq(dataImports.id, id), eq(dataImports.tenantId, scope.tenantId)))
    .limit(1)
  const found = rows[0]
  return found ? { ...found.row, importedByName: found.importedByName } : null
}
