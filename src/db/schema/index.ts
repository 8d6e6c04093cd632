/**
 * The database schema. Every tenant-owned table carries `tenant_id` (the council organisation's id);
 * repositories filter on it (src/platform/tenancy.ts). Migrations are generated from this file by
 * drizzle-kit into src/db/migrations and applied by the app at start.
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** Upper-tier councils of England (ONS GSS codes), the possible tenants. */
export const areas = pgTable('areas', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  laType: text('la_type').notNull(),
  regionCode: text('region_code').notNull(),
  regionName: text('region_name').notNull(),
})

/** Older or alternative codes that publishers still use for a current area. */
export const areaAliases = pgTable('area_aliases', {
  alias: text('alias').primaryKey(),
  areaCode: text('area_code')
    .notNull()
    .references(() => areas.code),
  note: text('note').notNull(),
})

/**
 * Councils (tenants), providers and partner organisations. A council row is its own tenant
 * (tenant_id = id); provider and partner organisations belong to the council that added them.
 */
export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind', { enum: ['council', 'provider', 'partner'] }).notNull(),
    name: text('name').notNull(),
    areaCode: text('area_code').references(() => areas.code),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('organisations_council_area_uq')
      .on(t.areaCode)
      .where(sql`kind = 'council'`),
    index('organisations_tenant_idx').on(t.tenantId),
  ],
)

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => organisations.id),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash'),
    totpSecret: text('totp_secret'),
    totpEnabledAt: ts('totp_enabled_at'),
    totpLastStep: integer('totp_last_step'),
    isDemo: boolean('is_demo').notNull().default(false),
    disabledAt: ts('disabled_at'),
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    lastSignInAt: ts('last_sign_in_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_uq').on(sql`lower(${t.email})`),
    uniqueIndex('users_oidc_uq').on(t.oidcIssuer, t.oidcSubject),
    index('users_tenant_idx').on(t.tenantId),
  ],
)

export const roles = ['commissioner', 'analyst', 'provider', 'panel_member', 'partner', 'admin'] as const
export type Role = (typeof roles)[number]

export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role', { enum: roles }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('memberships_uq').on(t.userId, t.organisationId, t.role),
    index('memberships_tenant_idx').on(t.tenantId),
  ],
)

export const recoveryCodes = pgTable('recovery_codes', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  codeHash: text('code_hash').notNull(),
  usedAt: ts('used_at'),
})

/**
 * Failed sign-in counters keyed by a hash of the normalised email, whether or not an account
 * exists, so locking reveals nothing about which accounts exist (ASVS 6.3.1).
 */
export const signInThrottle = pgTable('sign_in_throttle', {
  keyHash: text('key_hash').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: ts('window_started_at').notNull().defaultNow(),
  lockedUntil: ts('locked_until'),
})

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role', { enum: roles }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    revokedAt: ts('revoked_at'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('invitations_tenant_idx').on(t.tenantId)],
)

/** Server-side sessions; the cookie holds a random id, the table only its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id').notNull(),
    stage: text('stage', { enum: ['second-factor', 'enrol', 'full'] }).notNull(),
    via: text('via', { enum: ['password', 'sso'] })
      .notNull()
      .default('password'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

/** Append-only, hash-chained audit trail (a trigger refuses UPDATE, DELETE and TRUNCATE). */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull(),
    tenantId: uuid('tenant_id'),
    actorUserId: uuid('actor_user_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_events_tenant_idx').on(t.tenantId, t.id)],
)

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed'] as const
export type JobStatus = (typeof jobStatuses)[number]

export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    status: text('status', { enum: jobStatuses }).notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    message: text('message').notNull().default(''),
    error: text('error'),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    result: jsonb('result').$type<Record<string, unknown>>(),
    owner: text('owner'),
    heartbeatAt: ts('heartbeat_at'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('jobs_tenant_idx').on(t.tenantId, t.createdAt), index('jobs_status_idx').on(t.status)],
)

/** Boards that span councils; a council takes part only once it has joined. */
export const partnerships = pgTable('partnerships', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdByTenant: uuid('created_by_tenant').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
})

export const partnershipMembers = pgTable(
  'partnership_members',
  {
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id').notNull(),
    status: text('status', { enum: ['invited', 'joined', 'left'] }).notNull(),
    invitedAt: ts('invited_at').notNull().defaultNow(),
    joinedAt: ts('joined_at'),
    joinedBy: uuid('joined_by'),
  },
  (t) => [primaryKey({ columns: [t.partnershipId, t.tenantId] })],
)

/**
 * One counter per council and kind of data, raised in the same transaction as every write to that
 * data (src/platform/cache.ts): caches in any process are keyed by it, so none serves a stale page.
 */
export const councilDataVersions = pgTable(
  'council_data_versions',
  {
    tenantId: uuid('tenant_id').notNull(),
    domain: text('domain', { enum: ['directory', 'needs', 'standards'] }).notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    changedAt: ts('changed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.domain] })],
)

/** Instance-wide settings (e.g. the generated development secret). */
export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

export * from './needs.js'
export * from './directory.js'
export * from './standards.js'
