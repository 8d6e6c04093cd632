/**
 * Storage of a council's service directory (issue 4) over the directory_* tables.
 *
 * Every function takes the tenant scope first and filters on it: one council never reads or
 * changes another's records (keys are (tenant_id, id)). Every change is checked against the pure
 * model (model.ts) before anything is written, runs in one transaction, is audited, and leaves a
 * row in directory_service_history with the service before and after.
 *
 * Rows keep the model record exactly as validated in `data`; the columns beside it (status,
 * service type, features, women only, coordinates, days and times) are copies for filtering in SQL.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import {
  directoryLocations,
  directoryOrganisations,
  directoryServiceAtLocations,
  directoryServiceHistory,
  directoryServices,
  directorySchedules,
  directoryTermMappings,
  organisations,
} from '../../db/schema/index.js'
import { canonicalJson, recordAudit } from '../../platform/audit.js'
import { bumpDataVersion } from '../../platform/cache.js'
import { advisoryXactLock, type Db, type DbOrTx } from '../../platform/db/index.js'
import type { TenantScope } from '../../platform/tenancy.js'
import { changeSummaryOf, serviceDiff } from './history-diff.js'
import { stableId } from '../../lib/ids.js'
import { mergeDirectory } from './merge.js'
import {
  type Directory,
  directorySchema,
  emptyDirectory,
  findSessionOverlaps,
  type Location,
  locationSchema,
  type Organisation,
  organisationSchema,
  type Schedule,
  scheduleSchema,
  type Service,
  type ServiceAtLocation,
  serviceSchema,
  type ReviewReason,
} from './model.js'
import { PLACEHOLDER_ORGANISATION_NAME, type SeenTerm, type TermMapping } from './oruk.js'
import { isFeatureCode, isServiceTypeCode } from '../../lib/taxonomy.js'

// ---------------------------------------------------------------------------------------------
// Types and errors

export interface DirectoryActor {
  userId: string | null
  label: string
  role: string
  /** Set for a provider user: they may change only services of organisations their organisation owns. */
  providerOrganisationId?: string | null
}

/** One problem with what was to be saved. `field` is a dotted path into the input, e.g. 'places.0.schedules.1.end'. */
export interface DirectoryProblem {
  field: string
  message: string
}

/** Nothing was written: the input broke a rule of the model. `problems` names each field. */
export class DirectoryValidationError extends Error {
  constructor(readonly problems: DirectoryProblem[]) {
    super(`The directory change was refused: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`)
    this.name = 'DirectoryValidationError'
  }
}

/** Someone else saved the service since the editor loaded it (or it no longer exists). Nothing was written. */
export class ConcurrentEditError extends Error {
  constructor(
    message = 'Someone else changed this service after you opened it. Your changes have not been saved.',
    readonly currentVersion: number | null = null,
  ) {
    super(message)
    this.name = 'ConcurrentEditError'
  }
}

/** A provider tried to change a service of an organisation theirs does not own. Nothing was written. */
export class DirectoryPermissionError extends Error {
  constructor(message = 'You can only change services of your own organisation.') {
    super(message)
    this.name = 'DirectoryPermissionError'
  }
}

export interface ServicePlaceInput {
  location: Location
  serviceAtLocationId: string
  schedules: Schedule[]
}

export interface ServiceInput {
  service: Service
  places: ServicePlaceInput[]
}

/** A service as stored at one version, for history. */
export interface ServiceSnapshot {
  service: Service
  places: ServicePlaceInput[]
}

export interface HistoryEntry {
  id: number
  version: number
  changedAt: Date
  changedBy: string | null
  changedByLabel: string
  changedByRole: string
  /** Plain words, e.g. 'Created' or 'Changed name, description and sessions'. */
  summary: string
  /** The top-level parts that changed, in the words of `changedParts`. Empty for a creation. */
  changedFields: string[]
  before: ServiceSnapshot | null
  after: ServiceSnapshot
}

// ---------------------------------------------------------------------------------------------
// Reading

interface Scoped {
  tenantId: string
}

/**
 * jsonb keeps object keys in its own order, not the order they were written in. Records read back
 * are put through their schema again, which gives them the model's key order (so comparing two
 * records as JSON works, as mergeDirectory does) and checks them; a record an older version of the
 * model stored that no longer passes is returned as stored.
 */
function fromJson<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  data: unknown,
): T {
  const parsed = schema.safeParse(data)
  return parsed.success ? parsed.data : (data as T)
}

function serviceFromRow(row: typeof directoryServices.$inferSelect): Service {
  return fromJson(serviceSchema, { ...row.data, version: row.version })
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * The council's whole directory as the model type, every list in id order. With publishedOnly:
 * only published services, their internal notes blanked, and only the organisations, places and
 * sessions those services use.
 */
export async function loadDirectory(
  db: DbOrTx,
  scope: TenantScope,
  opts: { publishedOnly: boolean },
): Promise<Directory> {
  const tenant = scope.tenantId
  // One query after another: `db` may be a transaction, whose one connection takes one query at a time.
  const orgRows = await db.select().from(directoryOrganisations).where(eq(directoryOrganisations.tenantId, tenant))
  const serviceRows = await db
    .select()
    .from(directoryServices)
    .where(
      opts.publishedOnly
        ? and(eq(directoryServices.tenantId, tenant), eq(directoryServices.status, 'published'))
        : eq(directoryServices.tenantId, tenant),
    )
  const locationRows = await db.select().from(directoryLocations).where(eq(directoryLocations.tenantId, tenant))
  const salRows = await db
    .select()
    .from(directoryServiceAtLocations)
    .where(eq(directoryServiceAtLocations.tenantId, tenant))
  const scheduleRows = await db.select().from(directorySchedules).where(eq(directorySchedules.tenantId, tenant))
  return assembleDirectory(orgRows, serviceRows, locationRows, salRows, scheduleRows, opts.publishedOnly)
}

function assembleDirectory(
  orgRows: (typeof directoryOrganisations.$inferSelect)[],
  serviceRows: (typeof directoryServices.$inferSelect)[],
  locationRows: (typeof directoryLocations.$inferSelect)[],
  salRows: (typeof directoryServiceAtLocations.$inferSelect)[],
  scheduleRows: (typeof directorySchedules.$inferSelect)[],
  publishedOnly: boolean,
): Directory {
  let services = serviceRows.map(serviceFromRow)
  if (publishedOnly) {
    services = services.filter((s) => s.status === 'published').map((s) => ({ ...s, internalNotes: '' }))
  }
  const serviceIds = new Set(services.map((s) => s.id))
  const serviceAtLocations: ServiceAtLocation[] = salRows
    .filter((r) => serviceIds.has(r.serviceId))
    .map((r) => ({ id: r.id, serviceId: r.serviceId, locationId: r.locationId }))
  const salIds = new Set(serviceAtLocations.map((x) => x.id))
  const usedLocations = new Set(serviceAtLocations.map((x) => x.locationId))
  const usedOrganisations = new Set(services.map((s) => s.organisationId))
  const locations = locationRows
    .filter((r) => !publishedOnly || usedLocations.has(r.id))
    .map((r) => fromJson(locationSchema, r.data))
  const orgs = orgRows
    .filter((r) => !publishedOnly || usedOrganisations.has(r.id))
    .map((r) => fromJson(organisationSchema, r.data))
  const schedules = scheduleRows
    .filter((r) => salIds.has(r.serviceAtLocationId))
    .map((r) => fromJson(scheduleSchema, r.data))
  return {
    organisations: orgs.sort(byId),
    services: services.sort(byId),
    locations: locations.sort(byId),
    serviceAtLocations: serviceAtLocations.sort(byId),
    schedules: schedules.sort(byId),
  }
}

/** Published services of every council, for the public find-support page and the public API. */
export async function loadPublishedDirectories(
  db: DbOrTx,
): Promise<{ tenantId: string; areaCode: string; councilName: string; directory: Directory }[]> {
  const councils = await db
    .select({ id: organisations.id, areaCode: organisations.areaCode, name: organisations.name })
    .from(organisations)
    .where(
      and(
        eq(organisations.kind, 'council'),
        sql`exists (select 1 from ${directoryServices} s where s.tenant_id = ${organisations.id} and s.status = 'published')`,
      ),
    )
    .orderBy(asc(organisations.areaCode))
  const orgRows = await db.select().from(directoryOrganisations)
  const serviceRows = await db.select().from(directoryServices).where(eq(directoryServices.status, 'published'))
  const locationRows = await db.select().from(directoryLocations)
  const salRows = await db.select().from(directoryServiceAtLocations)
  const scheduleRows = await db.select().from(directorySchedules)
  const group = <T extends Scoped>(rows: T[]) => {
    const map = new Map<string, T[]>()
    for (const row of rows) {
      const list = map.get(row.tenantId) ?? []
      list.push(row)
      map.set(row.tenantId, list)
    }
    return map
  }
  const [o, s, l, sal, sch] = [
    group(orgRows),
    group(serviceRows),
    group(locationRows),
    group(salRows),
    group(scheduleRows),
  ]
  return councils.map((c) => ({
    tenantId: c.id,
    areaCode: c.areaCode ?? '',
    councilName: c.name,
    directory: assembleDirectory(
      o.get(c.id) ?? [],
      s.get(c.id) ?? [],
      l.get(c.id) ?? [],
      sal.get(c.id) ?? [],
      sch.get(c.id) ?? [],
      true,
    ),
  }))
}

/** Which provider organisation (organisations.id) owns each directory organisation (null: none). */
export async function loadOrganisationOwners(db: DbOrTx, scope: TenantScope): Promise<Map<string, string | null>> {
  const rows = await db
    .select({ id: directoryOrganisations.id, owner: directoryOrganisations.ownerOrganisationId })
    .from(directoryOrganisations)
    .where(eq(directoryOrganisations.tenantId, scope.tenantId))
  return new Map(rows.map((r) => [r.id, r.owner]))
}

/** Ids of the services marked as example data. */
export async function loadExampleServiceIds(db: DbOrTx, scope: TenantScope): Promise<Set<string>> {
  const rows = await db
    .select({ id: directoryServices.id })
    .from(directoryServices)
    .where(and(eq(directoryServices.tenantId, scope.tenantId), eq(directoryServices.isExample, true)))
  return new Set(rows.map((r) => r.id))
}

/** A service a provider organisation answers for: what a standards round can assess (issue 12). */
export interface AssessableService {
  serviceId: string
  serviceName: string
  serviceType: string
  features: string[]
  status: 'published' | 'draft'
  providerId: string
  providerName: string
}

/**
 * The council's services whose directory organisation is owned by one of its provider
 * organisations (so someone can answer for them), by provider and name; only these ids if given.
 */
export async function assessableServices(
  db: DbOrTx,
  scope: TenantScope,
  serviceIds?: readonly string[],
): Promise<AssessableService[]> {
  if (serviceIds?.length === 0) return []
  const conditions = [eq(directoryServices.tenantId, scope.tenantId)]
  if (serviceIds) conditions.push(inArray(directoryServices.id, [...serviceIds]))
  return db
    .select({
      serviceId: directoryServices.id,
      serviceName: directoryServices.name,
      serviceType: directoryServices.serviceType,
      features: directoryServices.features,
      status: directoryServices.status,
      providerId: organisations.id,
      providerName: organisations.name,
    })
    .from(directoryServices)
    .innerJoin(
      directoryOrganisations,
      and(
        eq(directoryOrganisations.tenantId, directoryServices.tenantId),
        eq(directoryOrganisations.id, directoryServices.organisationId),
      ),
    )
    .innerJoin(
      organisations,
      and(
        eq(organisations.id, directoryOrganisations.ownerOrganisationId),
        eq(organisations.tenantId, scope.tenantId),
        eq(organisations.kind, 'provider'),
      ),
    )
    .where(and(...conditions))
    .orderBy(asc(organisations.name), asc(directoryServices.name))
}

/** The number of services the council has (drafts included). */
export async function countServices(db: DbOrTx, scope: TenantScope): Promise<number> {
  const rows = await db
    .select({ n: sql<string>`count(*)::text` })
    .from(directoryServices)
    .where(eq(directoryServices.tenantId, scope.tenantId))
  return Number(rows[0]?.n ?? 0)
}

/** One service with its places and sessions as the editor needs it; null when the council has no such service. */
export async function loadServiceInput(
  db: DbOrTx,
  scope: TenantScope,
  serviceId: string,
): Promise<ServiceInput | null> {
  if (!isUuid(serviceId)) return null
  const rows = await db
    .select()
    .from(directoryServices)
    .where(and(eq(directoryServices.tenantId, scope.tenantId), eq(directoryServices.id, serviceId)))
    .limit(1)
  const row = rows[0]
  if (!row) return null
  return { service: serviceFromRow(row), places: await loadPlaces(db, scope, serviceId) }
}

async function loadPlaces(db: DbOrTx, scope: TenantScope, serviceId: string): Promise<ServicePlaceInput[]> {
  const sals = await db
    .select()
    .from(directoryServiceAtLocations)
    .where(
      and(
        eq(directoryServiceAtLocations.tenantId, scope.tenantId),
        eq(directoryServiceAtLocations.serviceId, serviceId),
      ),
    )
    .orderBy(asc(directoryServiceAtLocations.id))
  if (sals.length === 0) return []
  const [locations, schedules] = [
    await db
      .select()
      .from(directoryLocations)
      .where(
        and(
          eq(directoryLocations.tenantId, scope.tenantId),
          inArray(
            directoryLocations.id,
            sals.map((s) => s.locationId),
          ),
        ),
      ),
    await db
      .select()
      .from(directorySchedules)
      .where(and(eq(directorySchedules.tenantId, scope.tenantId), eq(directorySchedules.serviceId, serviceId)))
      .orderBy(asc(directorySchedules.id)),
  ]
  const locationById = new Map(locations.map((l) => [l.id, fromJson(locationSchema, l.data)]))
  return sals.flatMap((sal) => {
    const location = locationById.get(sal.locationId)
    if (!location) return []
    return [
      {
        location,
        serviceAtLocationId: sal.id,
        schedules: schedules
          .filter((s) => s.serviceAtLocationId === sal.id)
          .map((s) => fromJson(scheduleSchema, s.data)),
      },
    ]
  })
}

/** Every saved change of one service, newest first. */
export async function serviceHistory(db: DbOrTx, scope: TenantScope, serviceId: string): Promise<HistoryEntry[]> {
  if (!isUuid(serviceId)) return []
  const rows = await db
    .select()
    .from(directoryServiceHistory)
    .where(and(eq(directoryServiceHistory.tenantId, scope.tenantId), eq(directoryServiceHistory.serviceId, serviceId)))
    .orderBy(desc(directoryServiceHistory.id))
  return rows.map((r) => {
    const before = r.before as unknown as ServiceSnapshot | null
    const after = r.after as unknown as ServiceSnapshot
    return {
      id: r.id,
      version: r.version,
      changedAt: r.changedAt,
      changedBy: r.changedBy,
      changedByLabel: r.changedByLabel,
      changedByRole: r.changedByRole,
      summary: r.summary,
      changedFields: before === null ? [] : changedParts(before, after),
      before,
      after,
    }
  })
}

// ---------------------------------------------------------------------------------------------
// What changed

/** The parts of a service that differ between two snapshots, in plain words, in a fixed order (history-diff.ts). */
export function changedParts(before: ServiceSnapshot, after: ServiceSnapshot): string[] {
  return serviceDiff(before, after).map((c) => c.label)
}

/** 'Created', 'Changed name and description' or 'Saved with no changes' (history-diff.ts). */
export function changeSummary(before: ServiceSnapshot | null, after: ServiceSnapshot): string {
  return changeSummaryOf(before === null ? null : serviceDiff(before, after))
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Wraps each directory write. Every write raises the directory data version last in its own
 * transaction (bumpDataVersion), which is what tells caches in every process that they are out of
 * date (platform/cache.ts).
 */
const afterChange = <T>(work: Promise<T>): Promise<T> => work

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)

function zodProblems(prefix: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  return issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter((x) => x !== '').join('.'),
    message: i.message,
  }))
}

/** Checks a service input against the model; returns it parsed (trimmed, normalised) or throws DirectoryValidationError. */
export function validateServiceInput(input: ServiceInput): ServiceInput {
  const problems: DirectoryProblem[] = []
  const service = serviceSchema.safeParse(input.service)
  if (!service.success) problems.push(...zodProblems('service', service.error.issues))
  const places: ServicePlaceInput[] = []
  const locationIds = new Set<string>()
  const salIds = new Set<string>()
  const scheduleIds = new Set<string>()
  input.places.forEach((place, p) => {
    const location = locationSchema.safeParse(place.location)
    if (!location.success) problems.push(...zodProblems(`places.${p}.location`, location.error.issues))
    if (!isUuid(place.serviceAtLocationId)) {
      problems.push({ field: `places.${p}.serviceAtLocationId`, message: 'Service at location id must be a UUID' })
    } else if (salIds.has(place.serviceAtLocationId)) {
      problems.push({ field: `places.${p}.serviceAtLocationId`, message: 'Each place must have its own id' })
    }
    salIds.add(place.serviceAtLocationId)
    if (locationIds.has(place.location.id)) {
      problems.push({
        field: `places.${p}.location`,
        message: 'The service is at this location more than once: list each place once',
      })
    }
    locationIds.add(place.location.id)
    const schedules: Schedule[] = []
    place.schedules.forEach((schedule, s) => {
      const parsed = scheduleSchema.safeParse({ ...schedule, serviceAtLocationId: place.serviceAtLocationId })
      if (!parsed.success) {
        problems.push(...zodProblems(`places.${p}.schedules.${s}`, parsed.error.issues))
        return
      }
      if (scheduleIds.has(parsed.data.id)) {
        problems.push({ field: `places.${p}.schedules.${s}.id`, message: `Session id ${parsed.data.id} is used twice` })
      }
      scheduleIds.add(parsed.data.id)
      schedules.push(parsed.data)
    })
    if (schedules.length === place.schedules.length) {
      for (const overlap of findSessionOverlaps(schedules)) {
        problems.push({ field: `places.${p}.schedules.${overlap.second}.start`, message: overlap.message })
      }
    }
    if (location.success)
      places.push({ location: location.data, serviceAtLocationId: place.serviceAtLocationId, schedules })
  })
  if (problems.length > 0 || !service.success) throw new DirectoryValidationError(problems)
  return { service: service.data, places }
}

function snapshot(input: ServiceInput): ServiceSnapshot {
  return JSON.parse(JSON.stringify(input)) as ServiceSnapshot
}

const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>

function serviceRow(scope: TenantScope, service: Service, actor: DirectoryActor, now: Date, originKey?: string) {
  return {
    ...(originKey === undefined ? {} : { originKey }),
    needsReview: service.review !== undefined,
    tenantId: scope.tenantId,
    id: service.id,
    organisationId: service.organisationId,
    name: service.name,
    status: service.status,
    serviceType: service.serviceType,
    substances: [...service.substances],
    features: [...service.features],
    womenOnly: service.eligibility.womenOnly,
    data: asJson(service),
    version: service.version,
    updatedAt: now,
    updatedBy: actor.userId,
  }
}

function locationRow(scope: TenantScope, location: Location, now: Date) {
  return {
    tenantId: scope.tenantId,
    id: location.id,
    name: location.name,
    postcode: location.postcode,
    latitude: location.latitude,
    longitude: location.longitude,
    data: asJson(location),
    updatedAt: now,
  }
}

function scheduleRow(scope: TenantScope, serviceId: string, schedule: Schedule) {
  return {
    tenantId: scope.tenantId,
    id: schedule.id,
    serviceAtLocationId: schedule.serviceAtLocationId,
    serviceId,
    dayOfWeek: schedule.dayOfWeek,
    start: schedule.start,
    end: schedule.end,
    womenOnly: schedule.womenOnly,
    mode: schedule.mode,
    data: asJson(schedule),
  }
}

async function upsertLocations(tx: DbOrTx, scope: TenantScope, locations: Location[], now: Date) {
  for (const chunk of chunks(locations, 200)) {
    await tx
      .insert(directoryLocations)
      .values(chunk.map((l) => locationRow(scope, l, now)))
      .onConflictDoUpdate({
        target: [directoryLocations.tenantId, directoryLocations.id],
        set: {
          name: sql`excluded.name`,
          postcode: sql`excluded.postcode`,
          latitude: sql`excluded.latitude`,
          longitude: sql`excluded.longitude`,
          data: sql`excluded.data`,
          updatedAt: sql`excluded.updated_at`,
        },
      })
  }
}

async function upsertOrganisations(
  tx: DbOrTx,
  scope: TenantScope,
  orgs: Organisation[],
  now: Date,
  options: { isExample?: boolean; owners?: Map<string, string> } = {},
) {
  for (const chunk of chunks(orgs, 200)) {
    await tx
      .insert(directoryOrganisations)
      .values(
        chunk.map((o) => ({
          tenantId: scope.tenantId,
          id: o.id,
          name: o.name,
          ownerOrganisationId: options.owners?.get(o.id) ?? null,
          data: asJson(o),
          isExample: options.isExample ?? false,
          updatedAt: now,
        })),
      )
      // The owner is a council decision, not something an imported file can change.
      .onConflictDoUpdate({
        target: [directoryOrganisations.tenantId, directoryOrganisations.id],
        set: { name: sql`excluded.name`, data: sql`excluded.data`, updatedAt: sql`excluded.updated_at` },
      })
  }
}

/** Replaces the places and sessions of the given services with `places`. */
async function replacePlaces(
  tx: DbOrTx,
  scope: TenantScope,
  serviceIds: string[],
  sals: ServiceAtLocation[],
  schedules: { serviceId: string; schedule: Schedule }[],
) {
  for (const chunk of chunks(serviceIds, 500)) {
    await tx
      .delete(directorySchedules)
      .where(and(eq(directorySchedules.tenantId, scope.tenantId), inArray(directorySchedules.serviceId, chunk)))
    await tx
      .delete(directoryServiceAtLocations)
      .where(
        and(
          eq(directoryServiceAtLocations.tenantId, scope.tenantId),
          inArray(directoryServiceAtLocations.serviceId, chunk),
        ),
      )
  }
  for (const chunk of chunks(sals, 500)) {
    await tx.insert(directoryServiceAtLocations).values(chunk.map((x) => ({ tenantId: scope.tenantId, ...x })))
  }
  for (const chunk of chunks(schedules, 300)) {
    await tx.insert(directorySchedules).values(chunk.map((x) => scheduleRow(scope, x.serviceId, x.schedule)))
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

async function assertProviderMayEdit(
  tx: DbOrTx,
  scope: TenantScope,
  actor: DirectoryActor,
  organisationIds: string[],
): Promise<void> {
  if (actor.role !== 'provider' && (actor.providerOrganisationId ?? null) === null) return
  const mine = actor.providerOrganisationId ?? null
  if (mine === null) throw new DirectoryPermissionError()
  const owners = await tx
    .select({ id: directoryOrganisations.id, owner: directoryOrganisations.ownerOrganisationId })
    .from(directoryOrganisations)
    .where(
      and(eq(directoryOrganisations.tenantId, scope.tenantId), inArray(directoryOrganisations.id, organisationIds)),
    )
  for (const id of organisationIds) {
    if (owners.find((o) => o.id === id)?.owner !== mine) throw new DirectoryPermissionError()
  }
}

/** What an import gave a service that the edit form does not carry: kept across edits. */
function importedParts(service: Service): Partial<Service> {
  return {
    ...(service.foreignTerms === undefined ? {} : { foreignTerms: service.foreignTerms }),
    ...(service.origin === undefined ? {} : { origin: service.origin }),
  }
}

/**
 * The review reasons left after an edit (ADR 0015): a commissioner's save settles the service type,
 * contacts, organisation and details (the form requires them); a place settles 'location' and a
 * session 'schedule'. Anyone else's save leaves every reason. Undefined when nothing is left.
 */
function remainingReview(
  before: Service,
  input: ServiceInput,
  actor: DirectoryActor,
  organisationName: string | undefined,
): Service['review'] {
  const review = before.review
  if (review === undefined) return undefined
  const sessions = input.places.reduce((n, p) => n + p.schedules.length, 0)
  // The edit form builds the service from its fields (no review); adding or removing a session
  // passes the stored service on, which settles only places and sessions.
  const formSave = input.service.review === undefined
  const reasons: ReviewReason[] = review.reasons.filter((r) => {
    if (actor.role !== 'commissioner') return true
    if (r.code === 'location') return input.places.length === 0
    if (r.code === 'schedule') return sessions === 0
    if (r.code === 'organisation') return !formSave || organisationName === PLACEHOLDER_ORGANISATION_NAME
    return !formSave
  })
  return reasons.length === 0 ? undefined : { reasons, publishWhenComplete: review.publishWhenComplete }
}

/**
 * Creates or updates one service with its places and sessions. expectedVersion null creates a new
 * service; otherwise it must be the version the editor loaded. Refuses with
 * DirectoryValidationError (nothing written) when the input breaks the model, the organisation is
 * not in the directory, or an id belongs to another service; with ConcurrentEditError when
 * the version is stale; with DirectoryPermissionError when a provider does not own the organisation.
 */
export async function saveService(
  db: Db,
  scope: TenantScope,
  actor: DirectoryActor,
  input: { service: Service; places: ServicePlaceInput[] },
  expectedVersion: number | null,
): Promise<{ version: number; unchanged?: true }> {
  const checked = validateServiceInput(input)
  const serviceId = checked.service.id
  return afterChange(
    db.transaction(async (tx) => {
      const existingRows = await tx
        .select()
        .from(directoryServices)
        .where(and(eq(directoryServices.tenantId, scope.tenantId), eq(directoryServices.id, serviceId)))
        .for('update')
      const existing = existingRows[0]
      if (expectedVersion === null && existing) {
        throw new ConcurrentEditError(
          'A service with this id already exists. Nothing has been saved.',
          existing.version,
        )
      }
      if (expectedVersion !== null && !existing) {
        throw new ConcurrentEditError('This service no longer exists. Your changes have not been saved.')
      }
      if (existing && existing.version !== expectedVersion) {
        throw new ConcurrentEditError(undefined, existing.version)
      }
      const orgIds = [checked.service.organisationId, ...(existing ? [existing.organisationId] : [])]
      await assertProviderMayEdit(tx, scope, actor, [...new Set(orgIds)])

      const problems: DirectoryProblem[] = []
      const org = await tx
        .select({ id: directoryOrganisations.id, name: directoryOrganisations.name })
        .from(directoryOrganisations)
        .where(
          and(
            eq(directoryOrganisations.tenantId, scope.tenantId),
            eq(directoryOrganisations.id, checked.service.organisationId),
          ),
        )
      if (org.length === 0) {
        problems.push({ field: 'service.organisationId', message: 'Choose an organisation that is in the directory' })
      }
      const salIds = checked.places.map((p) => p.serviceAtLocationId)
      const scheduleIds = checked.places.flatMap((p) => p.schedules.map((s) => s.id))
      if (salIds.length > 0) {
        const taken = await tx
          .select({ id: directoryServiceAtLocations.id })
          .from(directoryServiceAtLocations)
          .where(
            and(
              eq(directoryServiceAtLocations.tenantId, scope.tenantId),
              inArray(directoryServiceAtLocations.id, salIds),
              sql`${directoryServiceAtLocations.serviceId} <> ${serviceId}`,
            ),
          )
        for (const t of taken) {
          problems.push({
            field: `places.${salIds.indexOf(t.id)}.serviceAtLocationId`,
            message: `Place id ${t.id} belongs to another service`,
          })
        }
      }
      if (scheduleIds.length > 0) {
        const taken = await tx
          .select({ id: directorySchedules.id })
          .from(directorySchedules)
          .where(
            and(
              eq(directorySchedules.tenantId, scope.tenantId),
              inArray(directorySchedules.id, scheduleIds),
              sql`${directorySchedules.serviceId} <> ${serviceId}`,
            ),
          )
        for (const t of taken) {
          const p = checked.places.findIndex((place) => place.schedules.some((s) => s.id === t.id))
          const s = checked.places[p]?.schedules.findIndex((x) => x.id === t.id) ?? -1
          problems.push({
            field: `places.${p}.schedules.${s}.id`,
            message: `Session id ${t.id} belongs to another service`,
          })
        }
      }
      if (problems.length > 0) throw new DirectoryValidationError(problems)

      const before = existing
        ? { service: serviceFromRow(existing), places: await loadPlaces(tx, scope, serviceId) }
        : null
      const now = new Date()
      const version = existing ? existing.version + 1 : 1
      const kept = before === null ? {} : importedParts(before.service)
      const review =
        before?.service.review === undefined ? undefined : remainingReview(before.service, checked, actor, org[0]?.name)
      if (review !== undefined && checked.service.status === 'published') {
        throw new DirectoryValidationError([
          {
            field: 'service.status',
            message: `Complete the service before publishing it: ${review.reasons.map((r) => r.message).join('; ')}`,
          },
        ])
      }
      const edited: Partial<Service> = { ...checked.service }
      delete edited.review
      delete edited.foreignTerms
      delete edited.origin
      const service: Service = {
        ...(edited as Service),
        ...kept,
        ...(review === undefined ? {} : { review }),
        version,
        lastModified: now.toISOString(),
      }
      const after: ServiceSnapshot = snapshot({ service, places: checked.places })
      // A save that changes nothing makes no new version, history row or audit event.
      if (
        existing &&
        before !== null &&
        serviceDiff(before, after).length === 0 &&
        canonicalJson(before.service.review ?? null) === canonicalJson(service.review ?? null)
      ) {
        return { version: existing.version, unchanged: true as const }
      }

      await upsertLocations(
        tx,
        scope,
        checked.places.map((p) => p.location),
        now,
      )
      if (existing) {
        const updated = await tx
          .update(directoryServices)
          .set(serviceRow(scope, service, actor, now))
          .where(
            and(
              eq(directoryServices.tenantId, scope.tenantId),
              eq(directoryServices.id, serviceId),
              eq(directoryServices.version, existing.version),
            ),
          )
          .returning({ id: directoryServices.id })
        if (updated.length !== 1) throw new ConcurrentEditError()
      } else {
        await tx.insert(directoryServices).values(serviceRow(scope, service, actor, now))
      }
      await replacePlaces(
        tx,
        scope,
        [serviceId],
        checked.places.map((p) => ({ id: p.serviceAtLocationId, serviceId, locationId: p.location.id })),
        checked.places.flatMap((p) => p.schedules.map((schedule) => ({ serviceId, schedule }))),
      )
      const summary = changeSummary(before, after)
      await tx.insert(directoryServiceHistory).values({
        tenantId: scope.tenantId,
        serviceId,
        version,
        changedBy: actor.userId,
        changedByLabel: actor.label,
        changedByRole: actor.role,
        changedAt: now,
        summary,
        before: before === null ? null : asJson(before),
        after: asJson(after),
      })
      await recordAudit(tx, {
        action: existing ? 'directory.service.update' : 'directory.service.create',
        tenantId: scope.tenantId,
        actor: { userId: actor.userId, label: actor.label },
        subjectType: 'directory_service',
        subjectId: serviceId,
        details: {
          name: service.name,
          version,
          role: actor.role,
          summary,
          changed: before === null ? [] : changedParts(before, after),
        },
      })
      await bumpDataVersion(tx, scope.tenantId, 'directory')
      return { version }
    }),
  )
}

/** Creates or updates a directory organisation (commissioner and analyst only: not for providers). */
export async function saveOrganisation(
  db: Db,
  scope: TenantScope,
  actor: DirectoryActor,
  organisation: Organisation,
  options: { ownerOrganisationId?: string | null } = {},
): Promise<void> {
  const parsed = organisationSchema.safeParse(organisation)
  if (!parsed.success) throw new DirectoryValidationError(zodProblems('organisation', parsed.error.issues))
  if (actor.role === 'provider') throw new DirectoryPermissionError('Only the council can add or change organisations.')
  await afterChange(
    db.transaction(async (tx) => {
      if (options.ownerOrganisationId) {
        const owner = await tx
          .select({ id: organisations.id })
          .from(organisations)
          .where(
            and(
              eq(organisations.tenantId, scope.tenantId),
              eq(organisations.id, options.ownerOrganisationId),
              eq(organisations.kind, 'provider'),
            ),
          )
        if (owner.length === 0) {
          throw new DirectoryValidationError([
            { field: 'ownerOrganisationId', message: 'Choose a provider organisation of this council' },
          ])
        }
      }
      const now = new Date()
      await tx
        .insert(directoryOrganisations)
        .values({
          tenantId: scope.tenantId,
          id: parsed.data.id,
          name: parsed.data.name,
          ownerOrganisationId: options.ownerOrganisationId ?? null,
          data: asJson(parsed.data),
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: [directoryOrganisations.tenantId, directoryOrganisations.id],
          set: {
            name: parsed.data.name,
            data: asJson(parsed.data),
            updatedAt: now,
            ...(options.ownerOrganisationId === undefined ? {} : { ownerOrganisationId: options.ownerOrganisationId }),
          },
        })
      await recordAudit(tx, {
        action: 'directory.organisation.save',
        tenantId: scope.tenantId,
        actor: { userId: actor.userId, label: actor.label },
        subjectType: 'directory_organisation',
        subjectId: parsed.data.id,
        details: { name: parsed.data.name, role: actor.role, owner: options.ownerOrganisationId ?? null },
      })
      await bumpDataVersion(tx, scope.tenantId, 'directory')
    }),
  )
}

export interface ImportOptions {
  /** Mark everything written as example data (the demo). */
  isExample?: boolean
  /** Owner (provider organisation) of directory organisations created by the import. */
  owners?: Map<string, string>
  /** Where the records came from, for the history, e.g. 'the demo data'. Default: an Open Referral UK import. */
  source?: string
  /** Foreign taxonomy terms the file linked: added, unmapped, to the council's mapping table. */
  seenTerms?: SeenTerm[]
  /** Called when another import or edit of this council's directory is being saved, before waiting for it. */
  onWait?: () => void
  /** The job running the import: named in its audit entry, which is how a job settled after a crash finds what it saved. */
  jobId?: string
}

type EntityKind = 'organisations' | 'services' | 'locations' | 'serviceAtLocations' | 'schedules'

/**
 * Ids of `incoming` that another council already holds and this council does not (issue 10 point
 * 2, ADR 0015): each gets a new stable id made from the council and the old id, so no council's
 * record can shadow another's in the public API, and re-importing the same file gives the same
 * new ids. Returns the directory with the new ids, the old id of each renamed service, and notes.
 */
async function giveOwnIds(
  tx: DbOrTx,
  scope: TenantScope,
  incoming: Directory,
): Promise<{ directory: Directory; originKeys: Map<string, string>; notes: string[] }> {
  const tables = {
    organisations: directoryOrganisations,
    services: directoryServices,
    locations: directoryLocations,
    serviceAtLocations: directoryServiceAtLocations,
    schedules: directorySchedules,
  } as const
  const renamed: Record<EntityKind, Map<string, string>> = {
    organisations: new Map(),
    services: new Map(),
    locations: new Map(),
    serviceAtLocations: new Map(),
    schedules: new Map(),
  }
  for (const kind of Object.keys(tables) as EntityKind[]) {
    const table = tables[kind]
    const ids = [...new Set(incoming[kind].map((x) => x.id))]
    for (const chunk of chunks(ids, 500)) {
      const held = await tx
        .select({ id: table.id, tenantId: table.tenantId })
        .from(table)
        .where(inArray(table.id, chunk))
      const mine = new Set(held.filter((h) => h.tenantId === scope.tenantId).map((h) => h.id))
      for (const h of held) {
        if (h.tenantId !== scope.tenantId && !mine.has(h.id)) {
          renamed[kind].set(h.id, stableId('council-copy', scope.tenantId, kind, h.id))
        }
      }
    }
  }
  const map = (kind: EntityKind, id: string) => renamed[kind].get(id) ?? id
  const originKeys = new Map<string, string>()
  const notes: string[] = []
  const services = incoming.services.map((service) => {
    const id = map('services', service.id)
    if (id === service.id) return { ...service, organisationId: map('organisations', service.organisationId) }
    originKeys.set(id, service.id)
    if (notes.length === 0) notes.push(`${service.name} (${service.id} is now ${id})`)
    return {
      ...service,
      id,
      organisationId: map('organisations', service.organisationId),
      origin: service.origin ?? { id: service.id },
    }
  })
  const n = originKeys.size
  const summary =
    n === 0
      ? []
      : [
          `${String(n)} ${n === 1 ? 'service has an id' : 'services have ids'} that another council’s directory already uses, so ${n === 1 ? 'it was' : 'they were'} given new ids here and the original ids are kept as cross-references (for example ${notes[0] ?? ''}).`,
        ]
  return {
    notes: summary,
    directory: {
      organisations: incoming.organisations.map((o) => ({ ...o, id: map('organisations', o.id) })),
      services,
      locations: incoming.locations.map((l) => ({ ...l, id: map('locations', l.id) })),
      serviceAtLocations: incoming.serviceAtLocations.map((x) => ({
        id: map('serviceAtLocations', x.id),
        serviceId: map('services', x.serviceId),
        locationId: map('locations', x.locationId),
      })),
      schedules: incoming.schedules.map((x) => ({
        ...x,
        id: map('schedules', x.id),
        serviceAtLocationId: map('serviceAtLocations', x.serviceAtLocationId),
      })),
    },
    originKeys,
  }
}

// ---------------------------------------------------------------------------------------------
// Foreign taxonomy terms and the council's mapping of them (ADR 0015)

export interface TermMappingRow {
  key: string
  termId: string
  termName: string
  taxonomy: string | null
  termUri: string | null
  serviceType: string | null
  features: string[]
  updatedAt: Date
}

/** The council's term mappings that map to something, by key, for an import. */
export async function loadTermMappings(db: DbOrTx, scope: TenantScope): Promise<Map<string, TermMapping>> {
  const rows = await db.select().from(directoryTermMappings).where(eq(directoryTermMappings.tenantId, scope.tenantId))
  const map = new Map<string, TermMapping>()
  for (const r of rows) {
    const features = r.features.filter(isFeatureCode)
    const serviceType = r.serviceType !== null && isServiceTypeCode(r.serviceType) ? r.serviceType : undefined
    if (features.length === 0 && serviceType === undefined) continue
    map.set(r.key, { features, ...(serviceType === undefined ? {} : { serviceType }) })
  }
  return map
}

/** Every foreign term the council's imports have met, mapped or not, by taxonomy and name. */
export async function listTermMappings(db: DbOrTx, scope: TenantScope): Promise<TermMappingRow[]> {
  const rows = await db
    .select()
    .from(directoryTermMappings)
    .where(eq(directoryTermMappings.tenantId, scope.tenantId))
    .orderBy(asc(directoryTermMappings.taxonomy), asc(directoryTermMappings.termName), asc(directoryTermMappings.key))
  return rows.map((r) => ({
    key: r.key,
    termId: r.termId,
    termName: r.termName,
    taxonomy: r.taxonomy,
    termUri: r.termUri,
    serviceType: r.serviceType,
    features: r.features,
    updatedAt: r.updatedAt,
  }))
}

export async function findTermMapping(db: DbOrTx, scope: TenantScope, key: string): Promise<TermMappingRow | null> {
  const rows = await listTermMappings(db, scope)
  return rows.find((r) => r.key === key) ?? null
}

/** Sets what a foreign term means here. Refuses codes that are not ours; audited. */
export async function saveTermMapping(
  db: Db,
  scope: TenantScope,
  actor: DirectoryActor,
  key: string,
  mapping: { serviceType: string | null; features: string[] },
): Promise<void> {
  const problems: DirectoryProblem[] = []
  if (mapping.serviceType !== null && !isServiceTypeCode(mapping.serviceType)) {
    problems.push({ field: 'serviceType', message: 'Choose a service type from the list' })
  }
  mapping.features.forEach((f, i) => {
    if (!isFeatureCode(f) || f === 'by-and-for') {
      problems.push({ field: `features.${String(i)}`, message: 'Choose features from the list' })
    }
  })
  if (problems.length > 0) throw new DirectoryValidationError(problems)
  if (actor.role !== 'commissioner') throw new DirectoryPermissionError('Only a commissioner can map taxonomy terms.')
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(directoryTermMappings)
      .set({
        serviceType: mapping.serviceType,
        features: [...new Set(mapping.features)],
        updatedAt: new Date(),
        updatedBy: actor.userId,
      })
      .where(and(eq(directoryTermMappings.tenantId, scope.tenantId), eq(directoryTermMappings.key, key)))
      .returning({ key: directoryTermMappings.key, name: directoryTermMappings.termName })
    if (updated.length !== 1) throw new DirectoryValidationError([{ field: 'key', message: 'No such term' }])
    await recordAudit(tx, {
      action: 'directory.term-mapping.save',
      tenantId: scope.tenantId,
      actor: { userId: actor.userId, label: actor.label },
      subjectType: 'directory_term_mapping',
      subjectId: key.slice(0, 200),
      details: { term: updated[0]?.name ?? '', serviceType: mapping.serviceType, features: mapping.features },
    })
  })
}

async function recordSeenTerms(tx: DbOrTx, scope: TenantScope, seen: readonly SeenTerm[]): Promise<void> {
  for (const chunk of chunks(seen, 200)) {
    await tx
      .insert(directoryTermMappings)
      .values(
        chunk.map((t) => ({
          tenantId: scope.tenantId,
          key: t.key,
          termId: t.termId,
          termName: t.name,
          taxonomy: t.taxonomy ?? null,
          termUri: t.uri ?? null,
        })),
      )
      .onConflictDoNothing()
  }
}

// ---------------------------------------------------------------------------------------------
// Services to review

export interface ServiceToReview {
  id: string
  name: string
  reasons: ReviewReason[]
  updatedAt: Date
}

/** The council's imported services that wait for a commissioner, by name. */
export async function listServicesToReview(db: DbOrTx, scope: TenantScope): Promise<ServiceToReview[]> {
  const rows = await db
    .select()
    .from(directoryServices)
    .where(and(eq(directoryServices.tenantId, scope.tenantId), eq(directoryServices.needsReview, true)))
    .orderBy(asc(directoryServices.name), asc(directoryServices.id))
  return rows.map((r) => {
    const service = serviceFromRow(r)
    return { id: r.id, name: r.name, reasons: service.review?.reasons ?? [], updatedAt: r.updatedAt }
  })
}

/**
 * Merges `incoming` into the council's directory (mergeDirectory: upsert by id, nothing deleted,
 * unchanged services left at their version). All or nothing: one transaction, a history row for
 * each service created or changed, one audit event. Throws DirectoryValidationError when the
 * incoming directory or the merged result breaks the model.
 */
export async function importDirectory(
  db: Db,
  scope: TenantScope,
  actor: DirectoryActor,
  incoming: Directory,
  options: ImportOptions = {},
): Promise<{ created: number; updated: number; unchanged: number; warnings: string[] }> {
  const parsed = directorySchema.safeParse(incoming)
  if (!parsed.success) throw new DirectoryValidationError(zodProblems('', parsed.error.issues))
  if (actor.role === 'provider') throw new DirectoryPermissionError('Only the council can import a directory.')
  return afterChange(
    db.transaction(async (tx) => {
      // Serialise imports and edits of one council's directory.
      await advisoryXactLock(tx, 727104, scope.tenantId, () => options.onWait?.())
      const own = await giveOwnIds(tx, scope, parsed.data)
      const data = own.directory
      const existing = await loadDirectory(tx, scope, { publishedOnly: false })
      const merged = mergeDirectory(existing, data)
      if (!merged.ok) {
        throw new DirectoryValidationError(merged.problems.map((p) => ({ field: p.path, message: p.message })))
      }
      const { summary, directory } = merged
      const now = new Date()
      const changed = new Set([...summary.created, ...summary.updated])
      const beforeById = new Map(existing.services.map((s) => [s.id, s]))
      const existingIndex = placesIndex(existing)
      const mergedIndex = placesIndex(directory)

      // Organisations and locations are written only when new or changed, so a repeated import changes nothing.
      const oldOrgs = new Map(existing.organisations.map((o) => [o.id, canonicalJson(o)]))
      const oldLocations = new Map(existing.locations.map((l) => [l.id, canonicalJson(l)]))
      await upsertOrganisations(
        tx,
        scope,
        data.organisations.filter((o) => oldOrgs.get(o.id) !== canonicalJson(o)),
        now,
        options,
      )
      await upsertLocations(
        tx,
        scope,
        data.locations.filter((l) => oldLocations.get(l.id) !== canonicalJson(l)),
        now,
      )
      const changedServices = directory.services.filter((s) => changed.has(s.id))
      for (const chunk of chunks(changedServices, 200)) {
        await tx
          .insert(directoryServices)
          .values(
            chunk.map((s) => ({
              ...serviceRow(scope, s, actor, now, own.originKeys.get(s.id)),
              isExample: options.isExample ?? false,
            })),
          )
          .onConflictDoUpdate({
            target: [directoryServices.tenantId, directoryServices.id],
            set: {
              organisationId: sql`excluded.organisation_id`,
              name: sql`excluded.name`,
              status: sql`excluded.status`,
              serviceType: sql`excluded.service_type`,
              substances: sql`excluded.substances`,
              features: sql`excluded.features`,
              womenOnly: sql`excluded.women_only`,
              data: sql`excluded.data`,
              version: sql`excluded.version`,
              updatedAt: sql`excluded.updated_at`,
              updatedBy: sql`excluded.updated_by`,
              needsReview: sql`excluded.needs_review`,
              originKey: sql`coalesce(excluded.origin_key, ${directoryServices.originKey})`,
            },
          })
      }
      const changedIds = [...changed]
      await replacePlaces(
        tx,
        scope,
        changedIds,
        directory.serviceAtLocations.filter((x) => changed.has(x.serviceId)),
        directory.schedules.flatMap((schedule) => {
          const serviceId = mergedIndex.serviceOfSal.get(schedule.serviceAtLocationId)
          return serviceId !== undefined && changed.has(serviceId) ? [{ serviceId, schedule }] : []
        }),
      )
      const historyRows = changedServices.map((service) => {
        const old = beforeById.get(service.id)
        const before = old ? { service: old, places: existingIndex.places(service.id) } : null
        const after = snapshot({ service, places: mergedIndex.places(service.id) })
        return {
          tenantId: scope.tenantId,
          serviceId: service.id,
          version: service.version,
          changedBy: actor.userId,
          changedByLabel: actor.label,
          changedByRole: actor.role,
          changedAt: now,
          summary: `${before === null ? 'Created' : changeSummary(before, after)} by ${options.source ?? 'an Open Referral UK import'}`,
          before: before === null ? null : asJson(before),
          after: asJson(after),
        }
      })
      for (const chunk of chunks(historyRows, 200)) await tx.insert(directoryServiceHistory).values(chunk)

      if (options.seenTerms) await recordSeenTerms(tx, scope, options.seenTerms)
      const warnings: string[] = [...own.notes]
      const kept = summary.keptCompleted ?? []
      if (kept.length > 0) {
        warnings.push(
          `${String(kept.length)} ${kept.length === 1 ? 'service was' : 'services were'} completed here since an earlier import and the file still lacks what was added, so ${kept.length === 1 ? 'it was' : 'they were'} left as ${kept.length === 1 ? 'it is' : 'they are'}: ${kept.slice(0, 5).join(', ')}${kept.length > 5 ? ' and others' : ''}.`,
        )
      }
      const incomingIds = new Set(data.services.map((s) => s.id))
      const untouched = existing.services.filter((s) => !incomingIds.has(s.id)).length
      if (untouched > 0) {
        warnings.push(
          `${untouched} ${untouched === 1 ? 'service is' : 'services are'} in the directory but not in the file: ${untouched === 1 ? 'it was' : 'they were'} left as ${untouched === 1 ? 'it is' : 'they are'}.`,
        )
      }
      const result = {
        created: summary.created.length,
        updated: summary.updated.length,
        unchanged: summary.unchanged.length,
        warnings,
      }
      await recordAudit(tx, {
        action: 'directory.import',
        tenantId: scope.tenantId,
        actor: { userId: actor.userId, label: actor.label },
        subjectType: 'directory',
        subjectId: scope.tenantId,
        details: {
          role: actor.role,
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          organisations: data.organisations.length,
          locations: data.locations.length,
          ...(options.jobId ? { jobId: options.jobId } : {}),
        },
      })
      await bumpDataVersion(tx, scope.tenantId, 'directory')
      return result
    }),
  )
}

function placesIndex(directory: Directory) {
  const locations = new Map(directory.locations.map((l) => [l.id, l]))
  const serviceOfSal = new Map(directory.serviceAtLocations.map((x) => [x.id, x.serviceId]))
  const schedulesBySal = new Map<string, Schedule[]>()
  for (const s of directory.schedules) {
    const list = schedulesBySal.get(s.serviceAtLocationId) ?? []
    list.push(s)
    schedulesBySal.set(s.serviceAtLocationId, list)
  }
  const salsByService = new Map<string, ServiceAtLocation[]>()
  for (const x of [...directory.serviceAtLocations].sort(byId)) {
    const list = salsByService.get(x.serviceId) ?? []
    list.push(x)
    salsByService.set(x.serviceId, list)
  }
  return {
    serviceOfSal,
    places: (serviceId: string): ServicePlaceInput[] =>
      (salsByService.get(serviceId) ?? []).flatMap((x) => {
        const location = locations.get(x.locationId)
        if (!location) return []
        return [{ location, serviceAtLocationId: x.id, schedules: [...(schedulesBySal.get(x.id) ?? [])].sort(byId) }]
      }),
  }
}

export { emptyDirectory }
