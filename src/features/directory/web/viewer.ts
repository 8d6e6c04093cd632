/**
 * Who is looking at the directory pages and what they may see. Commissioners and analysts see and
 * change the council's whole directory. A provider user (a 'provider' membership in an
 * organisation of kind 'provider') sees and changes only services of directory organisations
 * their organisation owns; any other service does not exist for them (404, never 403).
 */
import { and, eq } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import { memberships, organisations } from '../../../db/schema/index.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import { requireUser } from '../../../platform/access.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import type { DirectoryActor } from '../repository.js'

export interface DirectoryViewer {
  userId: string
  label: string
  scope: TenantScope
  /** Commissioners and analysts. */
  seesAll: boolean
  role: 'commissioner' | 'analyst' | 'provider'
  /** The provider organisations (organisations.id) the user belongs to; empty for council staff. */
  providerOrganisationIds: string[]
}

/** The provider organisations of the council a user is a 'provider' member of. */
export async function providerOrganisationIds(db: DbOrTx, scope: TenantScope, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: memberships.organisationId })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.tenantId, scope.tenantId),
        eq(memberships.role, 'provider'),
        eq(organisations.kind, 'provider'),
        eq(organisations.tenantId, scope.tenantId),
      ),
    )
  return [...new Set(rows.map((r) => r.id))].sort()
}

export async function directoryViewer(db: DbOrTx, request: FastifyRequest): Promise<DirectoryViewer> {
  const u = requireUser(request)
  const role = u.roles.includes('commissioner') ? 'commissioner' : u.roles.includes('analyst') ? 'analyst' : 'provider'
  const seesAll = role !== 'provider'
  return {
    userId: u.id,
    label: u.email,
    scope: u.scope,
    seesAll,
    role,
    providerOrganisationIds: seesAll ? [] : await providerOrganisationIds(db, u.scope, u.id),
  }
}

/** Whether the viewer may see (and so change) services of a directory organisation with this owner. */
export function mayUse(viewer: DirectoryViewer, owner: string | null | undefined): boolean {
  return viewer.seesAll || (owner != null && viewer.providerOrganisationIds.includes(owner))
}

/** The actor the repository records; a provider acts for the organisation that owns the service. */
export function actorFor(viewer: DirectoryViewer, owner?: string | null): DirectoryActor {
  if (viewer.seesAll) return { userId: viewer.userId, label: viewer.label, role: viewer.role }
  const acting =
    owner != null && viewer.providerOrganisationIds.includes(owner)
      ? owner
      : (viewer.providerOrganisationIds[0] ?? null)
  return { userId: viewer.userId, label: viewer.label, role: 'provider', providerOrganisationId: acting }
}
