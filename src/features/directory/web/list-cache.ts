/**
 * The directory list's content, kept per council, directory data version, viewer's reach and
 * filters (ADR 0018). Every write to a council's directory (services, places, sessions,
 * organisations and their owners) raises its version in the writing transaction
 * (platform/cache.ts), so a kept page is never older than the last committed change, in any
 * process. What differs per request (navigation, session, CSRF token) is in the layout, rendered
 * around the kept content each time.
 */
import { councilDataVersion, VersionedCache } from '../../../platform/cache.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import type { TenantScope } from '../../../platform/tenancy.js'

const listBodies = new VersionedCache<string>(200)

/** The kept content for `key` (within the council), or what `build` makes of the current data. */
export async function cachedListBody(
  db: DbOrTx,
  scope: TenantScope,
  key: string,
  build: () => Promise<string>,
): Promise<string> {
  const version = await councilDataVersion(db, scope.tenantId, 'directory')
  return listBodies.get(db, `${scope.tenantId}|${key}`, version, build)
}

/** How many list contents were built (for tests of the cache). */
export const listBodyBuilds = (): number => listBodies.builds
