/**
 * Import and export of a council's directory as Open Referral UK 3.0 JSON, shared by the command
 * line (`wtc import oruk`, `wtc export oruk`) and the web upload. Import is all or nothing: a file
 * with any problem changes nothing, and every problem is named by its JSON path.
 */
import type { Db, DbOrTx } from '../../../platform/db/index.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { DirectoryIndex } from '../model.js'
import { MAX_IMPORT_BYTES, type OrukProblem, type OrukService, parseOrukJson, serviceToOruk } from '../oruk.js'
import { type DirectoryActor, DirectoryValidationError, importDirectory, loadDirectory } from '../repository.js'

export { MAX_IMPORT_BYTES }

export interface OrukImportOutcome {
  ok: true
  services: number
  created: number
  updated: number
  unchanged: number
  warnings: string[]
}

export interface OrukImportRefusal {
  ok: false
  problems: OrukProblem[]
}

/** Parses ORUK JSON text and merges it into the council's directory; nothing changes on any problem. */
export async function importOrukText(
  db: Db,
  scope: TenantScope,
  actor: DirectoryActor,
  text: string,
): Promise<OrukImportOutcome | OrukImportRefusal> {
  const parsed = parseOrukJson(text)
  if (!parsed.ok) return { ok: false, problems: parsed.problems }
  try {
    const result = await importDirectory(db, scope, actor, parsed.directory)
    return {
      ok: true,
      services: parsed.directory.services.length,
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      warnings: [...parsed.warnings, ...result.warnings],
    }
  } catch (error) {
    if (error instanceof DirectoryValidationError) {
      return { ok: false, problems: error.problems.map((p) => ({ path: p.field, message: p.message })) }
    }
    throw error
  }
}

/**
 * The council's directory as full ORUK service records in id order. Drafts only when asked, with
 * status 'inactive' (which an import reads back as a draft). Internal notes are never exported.
 */
export async function exportOruk(
  db: DbOrTx,
  scope: TenantScope,
  options: { includeDrafts: boolean },
): Promise<OrukService[]> {
  const directory = await loadDirectory(db, scope, { publishedOnly: !options.includeDrafts })
  const index = new DirectoryIndex(directory)
  return [...directory.services]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((service) => {
      const record = index.record(service.id)
      if (service.status === 'published') return serviceToOruk(record)
      const published = serviceToOruk({ ...record, service: { ...service, status: 'published' } })
      return { ...published, status: 'inactive' } as unknown as OrukService
    })
}
