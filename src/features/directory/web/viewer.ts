/**
 * Who is looking at the directory pages and what they may see. Commissioners and analysts see and
 * change the council's whole directory. A provider user (a 'provider' membership in an
 * organisation of kind 'provider') sees and changes only services of directory organisations
 * their organisation owns; any other service does not exist for them (404, never 403).
 */
import type { FastifyRequest } from 'fastify'
import type { DbOrTx } from '../../../platform/db/index.js'
import { requireUser } from '../../../platform/access.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { providerOrganisationIds } from '../../../platform/users.js'
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
