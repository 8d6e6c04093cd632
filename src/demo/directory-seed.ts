/**
 * Loads the example Barnet directory (demo-directory.ts) into the demo council, once: nothing
 * happens when the council already has a directory. Every record is marked as example data. The
 * demo provider organisation ('Demo treatment provider (not a real service)', made by
 * src/features/demo/seed.ts) becomes the owner of two example treatment organisations, so the demo
 * provider account can edit their services.
 */
import { and, eq } from 'drizzle-orm'
import { organisations } from '../db/schema/index.js'
import type { Db } from '../platform/db/index.js'
import type { TenantScope } from '../platform/tenancy.js'
import { DEMO_DIRECTORY_COUNCIL, demoDirectory } from './directory-data.js'
import { stableId } from '../lib/ids.js'
import { countServices, importDirectory } from '../features/directory/repository.js'

export const DEMO_PROVIDER_NAME = 'Demo treatment provider (not a real service)'

/** Keys (in demo-directory.ts) of the directory organisations the demo provider owns. */
export const demoProviderOwnedKeys = ['recovery', 'hillside'] as const

export const demoOrganisationId = (key: string): string => stableId('demo', DEMO_DIRECTORY_COUNCIL, 'organisation', key)

export async function seedDirectoryDemo(
  db: Db,
  scope: TenantScope,
): Promise<{ loaded: boolean; services: number; ownedBy: string | null }> {
  if ((await countServices(db, scope)) > 0) return { loaded: false, services: 0, ownedBy: null }
  const provider = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(
      and(
        eq(organisations.tenantId, scope.tenantId),
        eq(organisations.kind, 'provider'),
        eq(organisations.name, DEMO_PROVIDER_NAME),
      ),
    )
    .limit(1)
  const providerId = provider[0]?.id ?? null
  const owners = new Map<string, string>()
  if (providerId !== null) for (const key of demoProviderOwnedKeys) owners.set(demoOrganisationId(key), providerId)
  const result = await importDirectory(
    db,
    scope,
    { userId: null, label: 'wtc seed demo', role: 'system' },
    structuredClone(demoDirectory()),
    { isExample: true, owners, source: 'the demo data' },
  )
  return { loaded: true, services: result.created, ownedBy: providerId }
}
