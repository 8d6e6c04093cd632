/**
 * Server-side sessions (ASVS 7.x). The cookie `__Host-wtc-session` (Secure, HttpOnly, SameSite=Lax,
 * Path=/, no Max-Age) carries 256 random bits; the database keeps only their SHA-256, so a copy of
 * the table cannot be replayed. Sessions end after the idle or absolute limit, at sign-out, and when
 * the user is disabled (all rows for the user are deleted).
 * Own code rather than @fastify/session: that plugin will not set a Secure cookie over plain HTTP on
 * localhost, cannot revoke all of one user's sessions, and has no absolute timeout (docs/adr/0004).
 */
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, ne, sql } from 'drizzle-orm'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { memberships, organisations, type Role, sessions, users } from '../db/schema/index.js'
import type { SessionStage } from './access.js'
import type { Db, DbOrTx } from './db/index.js'
import { tenantScope, type TenantScope } from './tenancy.js'

export const SESSION_COOKIE = '__Host-wtc-session'
export const CSRF_COOKIE = '__Host-wtc-csrf'

export const cookieOptions = {
  path: '/',
  secure: true,
  httpOnly: true,
  sameSite: 'lax' as const,
}

export interface SessionInfo {
  idHash: string
  userId: string
  stage: SessionStage
  via: 'password' | 'sso'
  createdAt: Date
  lastSeenAt: Date
  /** Seconds until the idle timeout, as of this request. */
  idleRemaining: number
}

export interface CurrentUser {
  id: string
  email: string
  displayName: string
  roles: Role[]
  isDemo: boolean
  totpEnabled: boolean
  scope: TenantScope
}

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionInfo | null
    currentUser: CurrentUser | null
    /** Set when a cookie named a session that had timed out, so the sign-in page can say why. */
    sessionEnded: 'idle' | 'absolute' | null
  }
}

export const hashSessionId = (id: string): string => createHash('sha256').update(id).digest('hex')

export interface SessionLimits {
  idleSeconds: number
  absoluteSeconds: number
}

export async function loadCurrentUser(db: DbOrTx, userId: string): Promise<CurrentUser | null> {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      isDemo: users.isDemo,
      disabledAt: users.disabledAt,
      totpEnabledAt: users.totpEnabledAt,
      tenantId: users.tenantId,
      areaCode: organisations.areaCode,
      councilName: organisations.name,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.tenantId))
    .where(eq(users.id, userId))
    .limit(1)
  const u = rows[0]
  if (!u || u.disabledAt || !u.areaCode) return null
  const roleRows = await db
    .selectDistinct({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.tenantId, u.tenantId)))
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    roles: roleRows.map((r) => r.role).sort(),
    isDemo: u.isDemo,
    totpEnabled: u.totpEnabledAt !== null,
    scope: tenantScope({ id: u.tenantId, areaCode: u.areaCode, name: u.councilName }),
  }
}

export class SessionManager {
  constructor(
    private readonly db: Db,
    private readonly limits: SessionLimits,
  ) {}

  /** Reads the cookie, enforces the timeouts, and attaches the session and user to the request. */
  async load(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    request.session = null
    request.currentUser = null
    request.sessionEnded = null
    const raw = request.cookies[SESSION_COOKIE]
    if (!raw || raw.length > 100) return
    const idHash = hashSessionId(raw)
    // This runs on every request. The session, its user and the user's council in one query, then
    // the roles in a second: on the embedded database, planning the roles as a correlated
    // sub-query made the one query cost three times the two (ADR 0018).
    const rows = await this.db
      .select({
        userId: sessions.userId,
        stage: sessions.stage,
        via: sessions.via,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
        email: users.email,
        displayName: users.displayName,
        isDemo: users.isDemo,
        disabledAt: users.disabledAt,
        totpEnabledAt: users.totpEnabledAt,
        tenantId: users.tenantId,
        areaCode: organisations.areaCode,
        councilName: organisations.name,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(organisations, eq(organisations.id, users.tenantId))
      .where(eq(sessions.idHash, idHash))
      .limit(1)
    const row = rows[0]
    if (!row) {
      reply.clearCookie(SESSION_COOKIE, cookieOptions)
      return
    }
    const now = Date.now()
    const idleFor = (now - row.lastSeenAt.getTime()) / 1000
    const age = (now - row.createdAt.getTime()) / 1000
    if (idleFor > this.limits.idleSeconds || age > this.limits.absoluteSeconds) {
      await this.db.delete(sessions).where(eq(sessions.idHash, idHash))
      reply.clearCookie(SESSION_COOKIE, cookieOptions)
      request.sessionEnded = age > this.limits.absoluteSeconds ? 'absolute' : 'idle'
      return
    }
    if (row.disabledAt || !row.areaCode) {
      await this.db.delete(sessions).where(eq(sessions.userId, row.userId))
      reply.clearCookie(SESSION_COOKIE, cookieOptions)
      return
    }
    const roleRows = await this.db
      .selectDistinct({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.userId, row.userId), eq(memberships.tenantId, row.tenantId)))
    const user: CurrentUser = {
      id: row.userId,
      email: row.email,
      displayName: row.displayName,
      roles: roleRows.map((r) => r.role).sort(),
      isDemo: row.isDemo,
      totpEnabled: row.totpEnabledAt !== null,
      scope: tenantScope({ id: row.tenantId, areaCode: row.areaCode, name: row.councilName }),
    }
    let lastSeenAt = row.lastSeenAt
    if (idleFor > 5) {
      lastSeenAt = new Date(now)
      await this.db.update(sessions).set({ lastSeenAt }).where(eq(sessions.idHash, idHash))
    }
    const idleRemaining = Math.max(
      0,
      Math.min(this.limits.idleSeconds - (now - lastSeenAt.getTime()) / 1000, this.limits.absoluteSeconds - age),
    )
    request.session = {
      idHash,
      userId: row.userId,
      stage: row.stage,
      via: row.via,
      createdAt: row.createdAt,
      lastSeenAt,
      idleRemaining,
    }
    request.currentUser = row.stage === 'full' ? user : null
  }

  /** Starts a new session with a new id (ASVS 7.2.4), ending any session the request carried. */
  async start(
    request: FastifyRequest,
    reply: FastifyReply,
    user: { id: string; tenantId: string },
    stage: SessionStage,
    via: 'password' | 'sso' = 'password',
  ): Promise<void> {
    if (request.session) await this.db.delete(sessions).where(eq(sessions.idHash, request.session.idHash))
    const raw = randomBytes(32).toString('base64url')
    await this.db
      .insert(sessions)
      .values({ idHash: hashSessionId(raw), userId: user.id, tenantId: user.tenantId, stage, via })
    reply.setCookie(SESSION_COOKIE, raw, cookieOptions)
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.session) await this.db.delete(sessions).where(eq(sessions.idHash, request.session.idHash))
    reply.clearCookie(SESSION_COOKIE, cookieOptions)
    request.session = null
    request.currentUser = null
  }

  async touch(request: FastifyRequest): Promise<void> {
    if (!request.session) return
    await this.db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.idHash, request.session.idHash))
  }
}

/** Ends every session of a user (disablement, password or second-factor reset). */
export async function endAllSessionsOf(db: DbOrTx, userId: string, exceptIdHash?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(
      exceptIdHash ? and(eq(sessions.userId, userId), ne(sessions.idHash, exceptIdHash)) : eq(sessions.userId, userId),
    )
}

export async function purgeExpiredSessions(db: DbOrTx, limits: SessionLimits): Promise<void> {
  await db
    .delete(sessions)
    .where(
      sql`${sessions.lastSeenAt} < now() - make_interval(secs => ${limits.idleSeconds}) OR ${sessions.createdAt} < now() - make_interval(secs => ${limits.absoluteSeconds})`,
    )
}
