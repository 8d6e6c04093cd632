/**
 * People, organisations, roles and invitations of one council. Every function takes the tenant
 * scope first; a record of another council is simply not found. The two lookups that precede
 * tenancy (sign-in by email, invitation by token) are marked as such.
 */
import { createHash, randomBytes } from 'node:crypto'
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import { invitations, memberships, organisations, type Role, recoveryCodes, users } from '../db/schema/index.js'
import { type Actor, recordAudit } from './audit.js'
import type { DbOrTx } from './db/index.js'
import { endAllSessionsOf } from './session.js'
import type { TenantScope } from './tenancy.js'

export type UserRow = typeof users.$inferSelect
export type OrganisationRow = typeof organisations.$inferSelect
export type InvitationRow = typeof invitations.$inferSelect

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
export const normaliseEmail = (email: string): string => email.trim().toLowerCase()
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

export class DuplicateEmailError extends Error {
  constructor() {
    super('An account with this email address already exists')
  }
}

export interface UserWithRoles extends UserRow {
  roles: Role[]
  organisationName: string
}

async function rolesByUser(db: DbOrTx, scope: TenantScope, userIds: string[]) {
  if (userIds.length === 0) return new Map<string, { roles: Role[]; organisationName: string }>()
  const rows = await db
    .select({ userId: memberships.userId, role: memberships.role, organisationName: organisations.name })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(and(eq(memberships.tenantId, scope.tenantId), inArray(memberships.userId, userIds)))
    .orderBy(asc(memberships.role))
  const map = new Map<string, { roles: Role[]; organisationName: string }>()
  for (const r of rows) {
    const entry = map.get(r.userId) ?? { roles: [], organisationName: r.organisationName }
    entry.roles.push(r.role)
    map.set(r.userId, entry)
  }
  return map
}

export async function listUsers(db: DbOrTx, scope: TenantScope): Promise<UserWithRoles[]> {
  const rows = await db.select().from(users).where(eq(users.tenantId, scope.tenantId)).orderBy(asc(users.displayName))
  const roles = await rolesByUser(
    db,
    scope,
    rows.map((u) => u.id),
  )
  return rows.map((u) => ({
    ...u,
    roles: roles.get(u.id)?.roles ?? [],
    organisationName: roles.get(u.id)?.organisationName ?? scope.councilName,
  }))
}

export async function getUser(db: DbOrTx, scope: TenantScope, id: string): Promise<UserWithRoles | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), eq(users.tenantId, scope.tenantId)))
    .limit(1)
  const u = rows[0]
  if (!u) return null
  const roles = await rolesByUser(db, scope, [u.id])
  return {
    ...u,
    roles: roles.get(u.id)?.roles ?? [],
    organisationName: roles.get(u.id)?.organisationName ?? scope.councilName,
  }
}

export async function listOrganisations(db: DbOrTx, scope: TenantScope): Promise<OrganisationRow[]> {
  return db
    .select()
    .from(organisations)
    .where(eq(organisations.tenantId, scope.tenantId))
    .orderBy(asc(organisations.kind), asc(organisations.name))
}

export async function getOrganisation(db: DbOrTx, scope: TenantScope, id: string): Promise<OrganisationRow | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select()
    .from(organisations)
    .where(and(eq(organisations.id, id), eq(organisations.tenantId, scope.tenantId)))
    .limit(1)
  return rows[0] ?? null
}

export async function createOrganisation(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  input: { kind: 'provider' | 'partner'; name: string },
): Promise<OrganisationRow> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(organisations)
      .values({ tenantId: scope.tenantId, kind: input.kind, name: input.name })
      .returning()
    const org = rows[0]
    if (!org) throw new Error('Could not create the organisation')
    await recordAudit(tx, {
      action: 'organisation.create',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'organisation',
      subjectId: org.id,
      details: input,
    })
    return org
  })
}

/** Creates an account directly (CLI and demo). Web users arrive through invitations instead. */
export async function createUser(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  input: {
    email: string
    displayName: string
    passwordHash: string | null
    roles: Role[]
    organisationId?: string
    isDemo?: boolean
    oidc?: { issuer: string; subject: string }
  },
): Promise<UserRow> {
  return db.transaction(async (tx) => {
    const email = normaliseEmail(input.email)
    const existing = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`)
      .limit(1)
    if (existing[0]) throw new DuplicateEmailError()
    const rows = await tx
      .insert(users)
      .values({
        tenantId: scope.tenantId,
        email,
        displayName: input.displayName,
        passwordHash: input.passwordHash,
        isDemo: input.isDemo ?? false,
        oidcIssuer: input.oidc?.issuer ?? null,
        oidcSubject: input.oidc?.subject ?? null,
      })
      .returning()
    const user = rows[0]
    if (!user) throw new Error('Could not create the user')
    const organisationId = input.organisationId ?? scope.tenantId
    if (input.roles.length > 0) {
      await tx
        .insert(memberships)
        .values(input.roles.map((role) => ({ tenantId: scope.tenantId, userId: user.id, organisationId, role })))
    }
    await recordAudit(tx, {
      action: 'user.create',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'user',
      subjectId: user.id,
      details: { email, roles: input.roles, organisationId, demo: input.isDemo ?? false },
    })
    return user
  })
}

export async function setRoles(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  userId: string,
  roles: Role[],
  organisationId: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const user = await getUser(tx, scope, userId)
    const org = await getOrganisation(tx, scope, organisationId)
    if (!user || !org) return false
    await tx.delete(memberships).where(and(eq(memberships.userId, userId), eq(memberships.tenantId, scope.tenantId)))
    if (roles.length > 0) {
      await tx
        .insert(memberships)
        .values(roles.map((role) => ({ tenantId: scope.tenantId, userId, organisationId, role })))
    }
    await endAllSessionsOf(tx, userId)
    await recordAudit(tx, {
      action: 'user.roles.change',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'user',
      subjectId: userId,
      details: { from: user.roles, to: roles, organisationId },
    })
    return true
  })
}

export async function setDisabled(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  userId: string,
  disabled: boolean,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const user = await getUser(tx, scope, userId)
    if (!user) return false
    await tx
      .update(users)
      .set({ disabledAt: disabled ? new Date() : null })
      .where(and(eq(users.id, userId), eq(users.tenantId, scope.tenantId)))
    if (disabled) await endAllSessionsOf(tx, userId)
    await recordAudit(tx, {
      action: disabled ? 'user.disable' : 'user.enable',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'user',
      subjectId: userId,
    })
    return true
  })
}

/** Removes the second factor and recovery codes; the user enrols again at next sign-in. */
export async function resetSecondFactor(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  userId: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const user = await getUser(tx, scope, userId)
    if (!user) return false
    await tx
      .update(users)
      .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
      .where(and(eq(users.id, userId), eq(users.tenantId, scope.tenantId)))
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId))
    await endAllSessionsOf(tx, userId)
    await recordAudit(tx, {
      action: 'user.second-factor.reset',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'user',
      subjectId: userId,
    })
    return true
  })
}

// Invitations

export async function createInvitation(
  db: DbOrTx,
  scope: TenantScope,
  actor: Actor,
  input: { email: string; displayName: string; role: Role; organisationId: string; validDays: number },
): Promise<{ invitation: InvitationRow; token: string }> {
  return db.transaction(async (tx) => {
    const email = normaliseEmail(input.email)
    const existing = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`)
      .limit(1)
    if (existing[0]) throw new DuplicateEmailError()
    const org = await getOrganisation(tx, scope, input.organisationId)
    if (!org) throw new Error('Organisation not found')
    const token = randomBytes(32).toString('base64url')
    const rows = await tx
      .insert(invitations)
      .values({
        tenantId: scope.tenantId,
        email,
        displayName: input.displayName,
        organisationId: org.id,
        role: input.role,
        tokenHash: hashToken(token),
        expiresAt: new Date(Date.now() + input.validDays * 86400_000),
        createdBy: actor.userId ?? null,
      })
      .returning()
    const invitation = rows[0]
    if (!invitation) throw new Error('Could not create the invitation')
    await recordAudit(tx, {
      action: 'invitation.create',
      tenantId: scope.tenantId,
      actor,
      subjectType: 'invitation',
      subjectId: invitation.id,
      details: { email, role: input.role, organisationId: org.id, expiresAt: invitation.expiresAt.toISOString() },
    })
    return { invitation, token }
  })
}

export async function listInvitations(db: DbOrTx, scope: TenantScope): Promise<InvitationRow[]> {
  return db
    .select()
    .from(invitations)
    .where(eq(invitations.tenantId, scope.tenantId))
    .orderBy(desc(invitations.createdAt))
    .limit(200)
}

export async function getInvitation(db: DbOrTx, scope: TenantScope, id: string): Promise<InvitationRow | null> {
  if (!isUuid(id)) return null
  const rows = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.id, id), eq(invitations.tenantId, scope.tenantId)))
    .limit(1)
  return rows[0] ?? null
}

export async function revokeInvitation(db: DbOrTx, scope: TenantScope, actor: Actor, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const inv = await getInvitation(tx, scope, id)
    if (!inv) return false
    if (!inv.acceptedAt && !inv.revokedAt) {
      await tx
        .update(invitations)
        .set({ revokedAt: new Date() })
        .where(and(eq(invitations.id, id), eq(invitations.tenantId, scope.tenantId)))
      await recordAudit(tx, {
        action: 'invitation.revoke',
        tenantId: scope.tenantId,
        actor,
        subjectType: 'invitation',
        subjectId: id,
      })
    }
    return true
  })
}

/**
 * Before tenancy: the token is the credential. Returns the invitation only while it is usable
 * (not accepted, not revoked, not expired).
 */
export async function findUsableInvitationByToken(db: DbOrTx, token: string): Promise<InvitationRow | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null
  const rows = await db.select().from(invitations).where(usableInvitation(token)).limit(1)
  return rows[0] ?? null
}

/** An invitation with this token that is not accepted, not revoked and not expired. */
function usableInvitation(token: string) {
  return and(
    eq(invitations.tokenHash, hashToken(token)),
    isNull(invitations.acceptedAt),
    isNull(invitations.revokedAt),
    sql`${invitations.expiresAt} > now()`,
  )
}

/**
 * Marks the invitation accepted if it is still usable; true only for the one caller that claimed
 * it, so two submissions of the same link cannot both create an account.
 */
export async function claimInvitation(db: DbOrTx, token: string): Promise<boolean> {
  const claimed = await db
    .update(invitations)
    .set({ acceptedAt: new Date() })
    .where(usableInvitation(token))
    .returning({ id: invitations.id })
  return claimed.length === 1
}

/** Before tenancy: sign-in finds the account by email across councils (emails are unique). */
export async function findUserByEmailForSignIn(db: DbOrTx, email: string): Promise<UserRow | null> {
  const rows = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${normaliseEmail(email)}`)
    .limit(1)
  return rows[0] ?? null
}

/**
 * The provider organisations (organisations.id) of the council that a user is a 'provider' member
 * of, sorted: what a provider user may see and change in the directory, and what their home lists.
 */
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
