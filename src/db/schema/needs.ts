/**
 * Needs assessment data (issue 3). Every table is tenant-owned: a council's imports, insight and
 * priorities are its own, including the comparator rows (England, regions, other areas) that came
 * in the same files. See docs/adr/0011-needs-data-model.md.
 *
 * Values are stored as published. A count the publisher rounded carries `rounded = true`; a cell
 * the publisher suppressed (`*`, `c`) is listed by measure name in `suppressed`, never stored as 0.
 */
import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const importKinds = [
  'ndtms-viewit',
  'fingertips',
  'prevalence-alcohol',
  'prevalence-ocu',
  'population',
  'indicator',
] as const
export type ImportKind = (typeof importKinds)[number]

/** One import of one file: what it was, who brought it in and what happened to each row. */
export const dataImports = pgTable(
  'data_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind', { enum: importKinds }).notNull(),
    fileName: text('file_name').notNull(),
    /** Citation shown beside every figure from this import (publisher, title, licence). */
    source: text('source').notNull(),
    /** What this import replaced, e.g. periods or indicator ids (for the summary). */
    coverage: jsonb('coverage').$type<Record<string, unknown>>().notNull(),
    rowsRead: integer('rows_read').notNull(),
    rowsStored: integer('rows_stored').notNull(),
    rowsRefused: integer('rows_refused').notNull(),
    /** The first refusals (row, column, value, reason); the count is in rows_refused. */
    refusals: jsonb('refusals').$type<{ row: number; column: string; value: string; reason: string }[]>().notNull(),
    warnings: jsonb('warnings').$type<string[]>().notNull(),
    importedBy: uuid('imported_by'),
    jobId: uuid('job_id'),
    importedAt: ts('imported_at').notNull().defaultNow(),
  },
  (t) => [index('data_imports_tenant_idx').on(t.tenantId, t.importedAt)],
)

/**
 * NDTMS ViewIt rows, one per period x area x sex x age group x substance group, measures kept
 * wide in `measures` under canonical names (`intreatment_allintx`, `referralsource_self_family_friends_newtx`, ...).
 * sex: F | M | Persons. age_group: 18-29 | 30-49 | 50+ | all. substance_group: opiate |
 * non_opiate_only | alcohol_only | non_opiate_and_alcohol | all.
 */
export const ndtmsRows = pgTable(
  'ndtms_rows',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    importId: uuid('import_id')
      .notNull()
      .references(() => dataImports.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    areaCode: text('area_code').notNull(),
    areaName: text('area_name').notNull(),
    /** council | region | england | other */
    areaLevel: text('area_level').notNull(),
    sex: text('sex').notNull(),
    ageGroup: text('age_group').notNull(),
    substanceGroup: text('substance_group').notNull(),
    /** measure -> value as published; null = not available (NULL in the file). */
    measures: jsonb('measures').$type<Record<string, number | null>>().notNull(),
    /** measures the publisher suppressed (`*` or `c`). */
    suppressed: text('suppressed')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    rounded: boolean('rounded').notNull(),
  },
  (t) => [uniqueIndex('ndtms_rows_key_uq').on(t.tenantId, t.period, t.areaCode, t.sex, t.ageGroup, t.substanceGroup)],
)

/** Fingertips CSV rows, any indicator and area. Inequality breakdowns keep their category. */
export const fingertipsValues = pgTable(
  'fingertips_values',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    importId: uuid('import_id')
      .notNull()
      .references(() => dataImports.id, { onDelete: 'cascade' }),
    indicatorId: integer('indicator_id').notNull(),
    indicatorName: text('indicator_name').notNull(),
    parentCode: text('parent_code'),
    parentName: text('parent_name'),
    areaCode: text('area_code').notNull(),
    areaName: text('area_name').notNull(),
    areaType: text('area_type').notNull(),
    sex: text('sex').notNull(),
    age: text('age').notNull(),
    categoryType: text('category_type').notNull().default(''),
    category: text('category').notNull().default(''),
    period: text('period').notNull(),
    periodSortable: integer('period_sortable'),
    periodRange: text('period_range').notNull().default(''),
    value: doublePrecision('value'),
    lower95: doublePrecision('lower95'),
    upper95: doublePrecision('upper95'),
    lower998: doublePrecision('lower998'),
    upper998: doublePrecision('upper998'),
    count: doublePrecision('count'),
    denominator: doublePrecision('denominator'),
    valueNote: text('value_note'),
    recentTrend: text('recent_trend'),
    comparedToEngland: text('compared_to_england'),
  },
  (t) => [
    uniqueIndex('fingertips_values_key_uq').on(
      t.tenantId,
      t.indicatorId,
      t.areaCode,
      t.sex,
      t.age,
      t.categoryType,
      t.category,
      t.period,
      t.periodRange,
    ),
    index('fingertips_values_area_idx').on(t.tenantId, t.areaCode, t.indicatorId),
  ],
)

/** Prevalence estimates with 95% intervals. sex Persons | F | M; age_group and substance_group 'all' when not split. */
export const prevalenceEstimates = pgTable(
  'prevalence_estimates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    importId: uuid('import_id')
      .notNull()
      .references(() => dataImports.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['alcohol', 'ocu'] }).notNull(),
    areaCode: text('area_code').notNull(),
    areaName: text('area_name').notNull(),
    period: text('period').notNull(),
    sex: text('sex').notNull(),
    ageGroup: text('age_group').notNull(),
    substanceGroup: text('substance_group').notNull(),
    estimate: doublePrecision('estimate').notNull(),
    lower95: doublePrecision('lower95').notNull(),
    upper95: doublePrecision('upper95').notNull(),
    source: text('source').notNull(),
  },
  (t) => [
    uniqueIndex('prevalence_estimates_key_uq').on(
      t.tenantId,
      t.kind,
      t.areaCode,
      t.period,
      t.sex,
      t.ageGroup,
      t.substanceGroup,
    ),
  ],
)

/**
 * Local population by sex, age and one characteristic. characteristic: all | ethnicity |
 * sexuality | disability | religion; category uses the product's codes (docs in the template).
 */
export const populationEstimates = pgTable(
  'population_estimates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    importId: uuid('import_id')
      .notNull()
      .references(() => dataImports.id, { onDelete: 'cascade' }),
    areaCode: text('area_code').notNull(),
    period: text('period').notNull(),
    sex: text('sex').notNull(),
    ageGroup: text('age_group').notNull(),
    characteristic: text('characteristic').notNull(),
    category: text('category').notNull(),
    count: doublePrecision('count').notNull(),
    source: text('source').notNull(),
  },
  (t) => [
    uniqueIndex('population_estimates_key_uq').on(
      t.tenantId,
      t.areaCode,
      t.period,
      t.sex,
      t.ageGroup,
      t.characteristic,
      t.category,
    ),
  ],
)

/** Local administrative indicators (admissions, deaths, criminal justice, children's social care). */
export const localIndicators = pgTable(
  'local_indicators',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    importId: uuid('import_id')
      .notNull()
      .references(() => dataImports.id, { onDelete: 'cascade' }),
    indicator: text('indicator').notNull(),
    areaCode: text('area_code').notNull(),
    period: text('period').notNull(),
    sex: text('sex').notNull(),
    ageGroup: text('age_group').notNull(),
    count: doublePrecision('count'),
    denominator: doublePrecision('denominator'),
    value: doublePrecision('value'),
    lower95: doublePrecision('lower95'),
    upper95: doublePrecision('upper95'),
    unit: text('unit').notNull().default(''),
    source: text('source').notNull(),
  },
  (t) => [uniqueIndex('local_indicators_key_uq').on(t.tenantId, t.indicator, t.areaCode, t.period, t.sex, t.ageGroup)],
)

/** The commissioner's stated female share of a Persons-only prevalence estimate, with its source. */
export const femaleShareAssumptions = pgTable(
  'female_share_assumptions',
  {
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind', { enum: ['alcohol', 'ocu'] }).notNull(),
    /** 0..1 */
    share: doublePrecision('share').notNull(),
    source: text('source').notNull(),
    setBy: uuid('set_by'),
    setAt: ts('set_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('female_share_assumptions_uq').on(t.tenantId, t.kind)],
)

export const insightCohorts = [
  'minoritised_ethnic',
  'lgbtq',
  'neurodiverse',
  'disabled',
  'religious_community',
  'pregnant',
  'mothers',
  'children_removed',
  'homeless',
  'criminal_justice',
  'sex_work',
  'rural',
  'older_women',
  'migrant',
  'domestic_abuse',
  'young_women',
] as const
export type InsightCohort = (typeof insightCohorts)[number]

/** Local insight from stakeholders and by-and-for organisations. */
export const insights = pgTable(
  'insights',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    organisation: text('organisation').notNull(),
    byAndFor: boolean('by_and_for').notNull().default(false),
    cohorts: text('cohorts').array().notNull(),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    summary: text('summary').notNull(),
    sourceUrl: text('source_url'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('insights_tenant_idx').on(t.tenantId, t.receivedOn)],
)

/** Findings the commissioner records as priorities; the tender specification reads them later. */
export const priorities = pgTable(
  'priorities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    title: text('title').notNull(),
    finding: text('finding').notNull(),
    /** What it rests on: section of the assessment, figures, insight ids, free text. */
    evidence: text('evidence').notNull(),
    cohorts: text('cohorts').array().notNull(),
    period: text('period'),
    status: text('status', { enum: ['draft', 'agreed', 'retired'] })
      .notNull()
      .default('draft'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('priorities_tenant_idx').on(t.tenantId)],
)
