/**
 * Service directory (issue 4). Rows mirror the zod-validated model in src/features/directory/model.ts:
 * the columns the product filters and sorts on are real columns, the rest of each record is kept in
 * `data` exactly as the model validated it. Keys are (tenant_id, id) so the same Open Referral UK
 * file can be imported into two councils without their records colliding.
 */
import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const directoryOrganisations = pgTable(
  'directory_organisations',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    /** The provider organisation (organisations.id) whose users may edit this organisation's services. */
    ownerOrganisationId: uuid('owner_organisation_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    isExample: boolean('is_example').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

export const directoryServices = pgTable(
  'directory_services',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    organisationId: uuid('organisation_id').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: ['published', 'draft'] }).notNull(),
    serviceType: text('service_type').notNull(),
    substances: text('substances').array().notNull(),
    features: text('features').array().notNull(),
    womenOnly: boolean('women_only').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    version: integer('version').notNull().default(1),
    isExample: boolean('is_example').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
    /**
     * The record's id before the import gave it a new one because another council already held it
     * (ADR 0015); the national feed shows one record per coalesce(origin_key, id).
     */
    originKey: uuid('origin_key'),
    /** Copy of `data.review !== undefined`: an imported service waiting for a commissioner. */
    needsReview: boolean('needs_review').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('directory_services_status_idx').on(t.status, t.tenantId),
    index('directory_services_org_idx').on(t.tenantId, t.organisationId),
    index('directory_services_origin_idx').using('btree', sql`(coalesce(${t.originKey}, ${t.id}))`),
    index('directory_services_id_idx').on(t.id),
  ],
)

/**
 * A council's mapping of another publisher's taxonomy term to our features and service type
 * (ADR 0015). Terms seen by an import are added unmapped; a commissioner maps them on a page and
 * later imports apply the mapping. `key` is the lower-case term URI, else 'id:' and the term id.
 */
export const directoryTermMappings = pgTable(
  'directory_term_mappings',
  {
    tenantId: uuid('tenant_id').notNull(),
    key: text('key').notNull(),
    termId: text('term_id').notNull(),
    termName: text('term_name').notNull(),
    taxonomy: text('taxonomy'),
    termUri: text('term_uri'),
    serviceType: text('service_type'),
    features: text('features')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
)

export const directoryLocations = pgTable(
  'directory_locations',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    postcode: text('postcode').notNull(),
    latitude: doublePrecision('latitude').notNull(),
    longitude: doublePrecision('longitude').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

export const directoryServiceAtLocations = pgTable(
  'directory_service_at_locations',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    serviceId: uuid('service_id').notNull(),
    locationId: uuid('location_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('directory_sal_service_idx').on(t.tenantId, t.serviceId)],
)

/** Weekly sessions. day_of_week monday..sunday; start and end 'HH:MM'. */
export const directorySchedules = pgTable(
  'directory_schedules',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    serviceAtLocationId: uuid('service_at_location_id').notNull(),
    serviceId: uuid('service_id').notNull(),
    dayOfWeek: text('day_of_week').notNull(),
    start: text('start').notNull(),
    end: text('end').notNull(),
    womenOnly: boolean('women_only').notNull(),
    mode: text('mode').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('directory_schedules_service_idx').on(t.tenantId, t.serviceId),
  ],
)

/** Every saved change to a service: who, when, from which role, and the record before and after. */
export const directoryServiceHistory = pgTable(
  'directory_service_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    serviceId: uuid('service_id').notNull(),
    version: integer('version').notNull(),
    changedBy: uuid('changed_by'),
    changedByLabel: text('changed_by_label').notNull(),
    changedByRole: text('changed_by_role').notNull(),
    changedAt: ts('changed_at').notNull().defaultNow(),
    summary: text('summary').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('directory_service_history_idx').on(t.tenantId, t.serviceId, t.id)],
)
