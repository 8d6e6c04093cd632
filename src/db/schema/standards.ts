/**
 * Standards assessment (issue 12) and the shared action model. A round asks chosen services of
 * the council's providers to rate themselves against one version of a framework, which the round
 * keeps as it was when it opened (`framework`), so later versions never change an old result.
 * A return is one service's answers in one round; a rating is its answer to one standard, with
 * the commissioner's verification beside it (never overwriting it).
 */
import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  check,
  date,
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

export const ratingValues = ['met', 'partly_met', 'not_met', 'not_applicable'] as const
export type RatingValue = (typeof ratingValues)[number]

export const returnStatuses = ['not_started', 'draft', 'submitted', 'returned', 'verified'] as const
export type ReturnStatus = (typeof returnStatuses)[number]

export const assessmentRounds = pgTable(
  'assessment_rounds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    title: text('title').notNull(),
    frameworkKey: text('framework_key').notNull(),
    frameworkVersion: integer('framework_version').notNull(),
    /** The framework document as it stood when the round opened (src/features/standards/framework.ts). */
    framework: jsonb('framework').$type<Record<string, unknown>>().notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    status: text('status', { enum: ['open', 'closed'] })
      .notNull()
      .default('open'),
    isExample: boolean('is_example').notNull().default(false),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    closedAt: ts('closed_at'),
  },
  (t) => [index('assessment_rounds_tenant_idx').on(t.tenantId, t.createdAt)],
)

export const assessmentReturns = pgTable(
  'assessment_returns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    roundId: uuid('round_id')
      .notNull()
      .references(() => assessmentRounds.id, { onDelete: 'cascade' }),
    /** The provider organisation (organisations.id) whose users answer. */
    providerOrganisationId: uuid('provider_organisation_id').notNull(),
    providerName: text('provider_name').notNull(),
    /** The directory service assessed, and its name and type as they were when the round opened. */
    serviceId: uuid('service_id').notNull(),
    serviceName: text('service_name').notNull(),
    serviceType: text('service_type').notNull(),
    status: text('status', { enum: returnStatuses }).notNull().default('not_started'),
    /** Raised by every change to the return's status, so a stale form is told. */
    version: integer('version').notNull().default(1),
    submittedAt: ts('submitted_at'),
    submittedBy: uuid('submitted_by'),
    verifiedAt: ts('verified_at'),
    verifiedBy: uuid('verified_by'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('assessment_returns_round_service_uq').on(t.roundId, t.serviceId),
    index('assessment_returns_tenant_idx').on(t.tenantId, t.providerOrganisationId),
    index('assessment_returns_service_idx').on(t.tenantId, t.serviceId),
  ],
)

export const assessmentRatings = pgTable(
  'assessment_ratings',
  {
    tenantId: uuid('tenant_id').notNull(),
    returnId: uuid('return_id')
      .notNull()
      .references(() => assessmentReturns.id, { onDelete: 'cascade' }),
    standardId: text('standard_id').notNull(),
    rating: text('rating', { enum: ratingValues }).notNull(),
    naReason: text('na_reason').notNull().default(''),
    narrative: text('narrative').notNull().default(''),
    version: integer('version').notNull().default(1),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
    /** The commissioner's verification: agreed, changed (with the rating they found), or sent back. */
    decision: text('decision', { enum: ['agreed', 'changed', 'returned'] }),
    verifiedRating: text('verified_rating', { enum: ratingValues }),
    decisionReason: text('decision_reason').notNull().default(''),
    decidedBy: uuid('decided_by'),
    decidedAt: ts('decided_at'),
  },
  (t) => [primaryKey({ columns: [t.returnId, t.standardId] })],
)

export const assessmentEvidence = pgTable(
  'assessment_evidence',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    returnId: uuid('return_id')
      .notNull()
      .references(() => assessmentReturns.id, { onDelete: 'cascade' }),
    standardId: text('standard_id').notNull(),
    kind: text('kind', { enum: ['file', 'link'] }).notNull(),
    /** What the evidence is, in the provider's words. */
    label: text('label').notNull(),
    url: text('url'),
    /** The name the file arrived with (shown, never used on disk), its stored name and checked type. */
    fileName: text('file_name'),
    storedName: text('stored_name'),
    contentType: text('content_type'),
    bytes: integer('bytes'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('assessment_evidence_return_idx').on(t.tenantId, t.returnId)],
)

/** Lived-experience panel members assigned to observe a service in a round. */
export const assessmentPanel = pgTable(
  'assessment_panel',
  {
    tenantId: uuid('tenant_id').notNull(),
    returnId: uuid('return_id')
      .notNull()
      .references(() => assessmentReturns.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    assignedAt: ts('assigned_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.returnId, t.userId] }), index('assessment_panel_user_idx').on(t.tenantId, t.userId)],
)

export const assessmentObservations = pgTable(
  'assessment_observations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    returnId: uuid('return_id')
      .notNull()
      .references(() => assessmentReturns.id, { onDelete: 'cascade' }),
    standardId: text('standard_id').notNull(),
    authorUserId: uuid('author_user_id'),
    authorLabel: text('author_label').notNull(),
    source: text('source', { enum: ['visit', 'conversation', 'other'] }).notNull(),
    observedOn: date('observed_on', { mode: 'string' }).notNull(),
    /** What the observer found; a rating in their eyes, shown beside the provider's, never replacing it. */
    view: text('view', { enum: ratingValues }),
    text: text('text').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('assessment_observations_return_idx').on(t.tenantId, t.returnId)],
)

export const actionStatuses = ['open', 'in_progress', 'done', 'cancelled'] as const
export type ActionStatus = (typeof actionStatuses)[number]

/**
 * Actions, shared by every capability that raises them (src/platform/actions.ts): improvement
 * actions from a standards assessment first; later "you said, we did", partnership board and
 * commissioning plan actions. `source` is what raised it; `subject` what it is about (a service,
 * say), so its history can be followed across rounds.
 */
export const actions = pgTable(
  'actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    detail: text('detail').notNull().default(''),
    /** The organisation that owns the action (a provider, or the council itself). */
    ownerOrganisationId: uuid('owner_organisation_id').notNull(),
    ownerName: text('owner_name').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    status: text('status', { enum: actionStatuses }).notNull().default('open'),
    sourceType: text('source_type').notNull(),
    sourceId: text('source_id').notNull(),
    sourceLabel: text('source_label').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    isExample: boolean('is_example').notNull().default(false),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('actions_tenant_idx').on(t.tenantId, t.status, t.dueOn),
    index('actions_subject_idx').on(t.tenantId, t.subjectType, t.subjectId),
    index('actions_source_idx').on(t.tenantId, t.sourceType, t.sourceId),
    index('actions_owner_idx')
      .on(t.tenantId, t.ownerOrganisationId)
      .where(sql`status in ('open', 'in_progress')`),
  ],
)

/** An action's history: every change of status and every progress note, in order. */
export const actionUpdates = pgTable(
  'action_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'cascade' }),
    at: ts('at').notNull().defaultNow(),
    byUserId: uuid('by_user_id'),
    byLabel: text('by_label').notNull(),
    status: text('status', { enum: actionStatuses }).notNull(),
    note: text('note').notNull().default(''),
  },
  (t) => [index('action_updates_action_idx').on(t.actionId, t.id)],
)

/**
 * A council's own versions of a framework (issue 12, ADR 26): an adapted shipped framework (same
 * key, a higher version, `basedOn` the one it came from) or a framework of its own. Whole documents,
 * never edited in place: a change is a new version.
 */
export const frameworkVersions = pgTable(
  'framework_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    key: text('key').notNull(),
    version: integer('version').notNull(),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('framework_versions_uq').on(t.tenantId, t.key, t.version)],
)

/**
 * The workforce training register (principle 3): for each provider organisation and accredited
 * course type, how many staff in post should hold the course and how often it is renewed. Counts
 * only: no member of staff is ever named or recorded one by one.
 */
export const trainingCourseTypes = [
  'trauma_informed',
  'domestic_abuse',
  'anti_stigma',
  'anti_discrimination',
  'working_with_mothers',
] as const
export type TrainingCourseType = (typeof trainingCourseTypes)[number]

export const trainingCourses = pgTable(
  'training_courses',
  {
    tenantId: uuid('tenant_id').notNull(),
    organisationId: uuid('organisation_id').notNull(),
    course: text('course', { enum: trainingCourseTypes }).notNull(),
    staffInPost: integer('staff_in_post').notNull(),
    renewalMonths: integer('renewal_months').notNull(),
    /** Raised by every change, so a stale form is told. */
    version: integer('version').notNull().default(1),
    updatedBy: uuid('updated_by'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.course] }),
    index('training_courses_tenant_idx').on(t.tenantId),
    check('training_courses_counts_ck', sql`${t.staffInPost} >= 0 and ${t.renewalMonths} between 1 and 120`),
  ],
)

/**
 * A group of staff who completed a course on one day. `stillInPost` is how many of them still
 * work there and have not renewed since; it falls when staff leave or renew, and a session whose
 * renewal date has passed with staff still counted against it is a lapse.
 */
export const trainingSessions = pgTable(
  'training_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    organisationId: uuid('organisation_id').notNull(),
    course: text('course', { enum: trainingCourseTypes }).notNull(),
    completedOn: date('completed_on', { mode: 'string' }).notNull(),
    staffTrained: integer('staff_trained').notNull(),
    stillInPost: integer('still_in_post').notNull(),
    /** The earlier session whose staff this one renewed, if any. */
    renewsSessionId: uuid('renews_session_id'),
    isExample: boolean('is_example').notNull().default(false),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('training_sessions_org_idx').on(t.tenantId, t.organisationId, t.course),
    check('training_sessions_counts_ck', sql`${t.stillInPost} >= 0 and ${t.stillInPost} <= ${t.staffTrained}`),
  ],
)
