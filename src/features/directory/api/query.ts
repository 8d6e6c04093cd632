/**
 * The public API's reads, in SQL: published services of every council, filtered on the filter
 * columns (status, service_type, features, substances, schedules' day and times), counted and
 * paginated in the database; full records are loaded only for the page asked for. Proximity
 * searches take a bounding box in SQL, then the exact haversine distance in code.
 */
import { type SQL, sql } from 'drizzle-orm'
import { haversineKm } from '../../../lib/geo.js'
import { allCouncilsDataVersion, VersionedCache } from '../../../platform/cache.js'
import { type DbOrTx, queryRows } from '../../../platform/db/index.js'
import {
  compareSessions,
  type Location,
  type Organisation,
  type Schedule,
  type Service,
  type ServicePlace,
  type ServiceRecord,
} from '../model.js'
import type { Paging, ServiceFilters, TermFilter } from './params.js'

/** A Postgres text[] literal of simple codes (taxonomy codes are lower-case words and hyphens). */
const textArray = (codes: readonly string[]): SQL =>
  sql`${`{${codes.map((c) => `"${c.replace(/["\\]/g, '')}"`).join(',')}}`}::text[]`

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

function termCondition(term: TermFilter): SQL {
  switch (term.column) {
    case 'features':
      return sql`s.features && ${textArray(term.codes)}`
    case 'substances':
      return sql`s.substances && ${textArray(term.codes)}`
    case 'service_type':
      return sql`s.service_type = any(${textArray(term.codes)})`
    case 'any':
      return term.kind === 'feature'
        ? sql`cardinality(s.features) > 0`
        : term.kind === 'substance'
          ? sql`cardinality(s.substances) > 0`
          : sql`true`
  }
}

/**
 * The national feed (no council asked for) shows a record imported into several councils once
 * (ADR 0015): records with the same coalesce(origin_key, id) are one; the one holding the
 * original id wins (origin_key null), then the council whose tenant id sorts first.
 */
const nationalOnce = sql`not exists (
  select 1 from directory_services d
  where d.status = 'published' and d.tenant_id <> s.tenant_id
    and coalesce(d.origin_key, d.id) = coalesce(s.origin_key, s.id)
    and ((d.origin_key is null and s.origin_key is not null)
      or ((d.origin_key is null) = (s.origin_key is null) and d.tenant_id < s.tenant_id)))`

/** Conditions on `s` (directory_services) for every filter but the location. */
function serviceConditions(filters: ServiceFilters): SQL[] {
  const conditions: SQL[] = [sql`s.status = 'published'`]
  if (filters.council !== undefined) {
    conditions.push(
      sql`s.tenant_id = (select c.id from organisations c where c.kind = 'council' and c.area_code = ${filters.council})`,
    )
  } else {
    conditions.push(nationalOnce)
  }
  if (filters.text !== undefined) {
    const pattern = likePattern(filters.text)
    conditions.push(sql`(s.name ilike ${pattern} or s.data->>'description' ilike ${pattern})`)
  }
  for (const term of filters.terms) conditions.push(termCondition(term))
  if (filters.day !== undefined || filters.time !== undefined) {
    const parts: SQL[] = [sql`sc.tenant_id = s.tenant_id`, sql`sc.service_id = s.id`]
    if (filters.day !== undefined) parts.push(sql`sc.day_of_week = ${filters.day}`)
    if (filters.time !== undefined) parts.push(sql`sc.start <= ${filters.time} and sc."end" > ${filters.time}`)
    conditions.push(sql`exists (select 1 from directory_schedules sc where ${sql.join(parts, sql` and `)})`)
  }
  return conditions
}

/** Latitude and longitude bounds that hold every point within `km` of the centre (a degree is at least 110 km). */
export function boundingBox(latitude: number, longitude: number, km: number) {
  const dLat = km / 110
  const maxAbsLat = Math.min(89, Math.abs(latitude) + dLat)
  const dLon = km / (110 * Math.cos((maxAbsLat * Math.PI) / 180))
  return { minLat: latitude - dLat, maxLat: latitude + dLat, minLon: longitude - dLon, maxLon: longitude + dLon }
}

interface Key {
  tenantId: string
  id: string
}

interface ListRow {
  tenant_id: string
  id: string
  service: Service
  organisation: Organisation
}

export interface ServiceListItem {
  tenantId: string
  service: Service
  organisation: Organisation
}

const keyList = (keys: readonly Key[], tenantColumn: SQL, idColumn: SQL): SQL =>
  sql`(${tenantColumn}, ${idColumn}) in (${sql.join(
    keys.map((k) => sql`(${k.tenantId}::uuid, ${k.id}::uuid)`),
    sql`, `,
  )})`

async function servicesByKeys(db: DbOrTx, keys: readonly Key[]): Promise<ServiceListItem[]> {
  if (keys.length === 0) return []
  const rows = await queryRows<ListRow>(
    db,
    sql`select s.tenant_id, s.id, s.data as service, o.data as organisation
        from directory_services s
        join directory_organisations o on o.tenant_id = s.tenant_id and o.id = s.organisation_id
        where s.status = 'published' and ${keyList(keys, sql`s.tenant_id`, sql`s.id`)}`,
  )
  const byKey = new Map(rows.map((r) => [`${r.tenant_id}/${r.id}`, r]))
  return keys.flatMap((k) => {
    const row = byKey.get(`${k.tenantId}/${k.id}`)
    return row ? [{ tenantId: row.tenant_id, service: row.service, organisation: row.organisation }] : []
  })
}

interface Candidate extends Key {
  name: string
  distanceKm: number | null
}

/** Services (or, with `perLocation`, services at locations) matching, in distance order, with distances. */
async function nearCandidates(
  db: DbOrTx,
  filters: ServiceFilters,
  near: { latitude: number; longitude: number },
  perLocation: boolean,
): Promise<Candidate[]> {
  const conditions = serviceConditions(filters)
  if (filters.proximityKm !== undefined) {
    const box = boundingBox(near.latitude, near.longitude, filters.proximityKm)
    conditions.push(sql`l.latitude between ${box.minLat} and ${box.maxLat}`)
    conditions.push(sql`l.longitude between ${box.minLon} and ${box.maxLon}`)
  }
  const rows = await queryRows<{
    tenant_id: string
    id: string
    sal_id: string | null
    name: string
    latitude: number | string | null
    longitude: number | string | null
  }>(
    db,
    sql`select s.tenant_id, s.id, sal.id as sal_id, s.name, l.latitude, l.longitude
        from directory_services s
        ${filters.proximityKm === undefined && !perLocation ? sql`left join` : sql`join`} directory_service_at_locations sal
          on sal.tenant_id = s.tenant_id and sal.service_id = s.id
        ${filters.proximityKm === undefined && !perLocation ? sql`left join` : sql`join`} directory_locations l
          on l.tenant_id = sal.tenant_id and l.id = sal.location_id
        where ${sql.join(conditions, sql` and `)}`,
  )
  const best = new Map<string, Candidate>()
  for (const row of rows) {
    const distance =
      row.latitude === null || row.longitude === null
        ? null
        : haversineKm(near.latitude, near.longitude, Number(row.latitude), Number(row.longitude))
    if (filters.proximityKm !== undefined && (distance === null || distance > filters.proximityKm)) continue
    const id = perLocation ? (row.sal_id ?? row.id) : row.id
    const key = `${row.tenant_id}/${id}`
    const current = best.get(key)
    if (
      current === undefined ||
      (distance !== null && (current.distanceKm === null || distance < current.distanceKm))
    ) {
      best.set(key, { tenantId: row.tenant_id, id, name: row.name, distanceKm: distance })
    }
  }
  return [...best.values()].sort(
    (a, b) =>
      (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
      (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0),
  )
}

/** One page of published services (one-to-one fields and organisation) and the number matching. */
export async function listServices(
  db: DbOrTx,
  filters: ServiceFilters,
  paging: Paging,
): Promise<{ total: number; items: ServiceListItem[] }> {
  const offset = (paging.page - 1) * paging.perPage
  if (filters.near) {
    const candidates = await nearCandidates(db, filters, filters.near, false)
    const page = candidates.slice(offset, offset + paging.perPage)
    return { total: candidates.length, items: await servicesByKeys(db, page) }
  }
  const keys = await orderedKeys(db, filters)
  return {
    total: keys.length,
    items: await servicesByKeys(db, keys.slice(offset, offset + paging.perPage)),
  }
}

/**
 * The matching services' keys in name order: filtered and sorted in SQL on the filter columns
 * alone (no record is read), then kept so that a client paging through the list (or many clients
 * at once) does not sort the directory again for every page. What is kept is keyed by the
 * directory data version of every council (platform/cache.ts), which any change in any process
 * raises in its own transaction, so a kept list is never older than the last committed change.
 */
const orderedKeysCache = new VersionedCache<Key[]>(200)

async function orderedKeys(db: DbOrTx, filters: ServiceFilters): Promise<Key[]> {
  const version = await allCouncilsDataVersion(db, 'directory')
  // One query for everyone asking at the same moment; a failed query is not kept.
  return orderedKeysCache.get(db, JSON.stringify(filters), version, () =>
    queryRows<{ tenant_id: string; id: string }>(
      db,
      sql`select s.tenant_id, s.id from directory_services s
          where ${sql.join(serviceConditions(filters), sql` and `)}
          order by s.name collate "C", s.id, s.tenant_id`,
    ).then((rows) => rows.map((r) => ({ tenantId: r.tenant_id, id: r.id }))),
  )
}

export interface ServiceAtLocationItem {
  tenantId: string
  service: Service
  organisation: Organisation
  place: ServicePlace
}

/** One page of services at locations of published services, and the number matching. */
export async function listServiceAtLocations(
  db: DbOrTx,
  filters: ServiceFilters,
  paging: Paging,
): Promise<{ total: number; items: ServiceAtLocationItem[] }> {
  const offset = (paging.page - 1) * paging.perPage
  let keys: Key[]
  let total: number
  const where = sql.join(serviceConditions(filters), sql` and `)
  if (filters.near) {
    const candidates = await nearCandidates(db, filters, filters.near, true)
    total = candidates.length
    keys = candidates.slice(offset, offset + paging.perPage)
  } else {
    const [count, rows] = await Promise.all([
      queryRows<{ n: string | number }>(
        db,
        sql`select count(*)::int as n from directory_service_at_locations sal
            join directory_services s on s.tenant_id = sal.tenant_id and s.id = sal.service_id
            where ${where}`,
      ),
      queryRows<{ tenant_id: string; id: string }>(
        db,
        sql`select sal.tenant_id, sal.id from directory_service_at_locations sal
            join directory_services s on s.tenant_id = sal.tenant_id and s.id = sal.service_id
            where ${where}
            order by sal.id, sal.tenant_id
            limit ${paging.perPage} offset ${offset}`,
      ),
    ])
    total = Number(count[0]?.n ?? 0)
    keys = rows.map((r) => ({ tenantId: r.tenant_id, id: r.id }))
  }
  if (keys.length === 0) return { total, items: [] }
  const rows = await queryRows<{
    tenant_id: string
    sal_id: string
    service_id: string
    location_id: string
    service: Service
    organisation: Organisation
    location: Location
  }>(
    db,
    sql`select sal.tenant_id, sal.id as sal_id, sal.service_id, sal.location_id,
               s.data as service, o.data as organisation, l.data as location
        from directory_service_at_locations sal
        join directory_services s on s.tenant_id = sal.tenant_id and s.id = sal.service_id
        join directory_organisations o on o.tenant_id = s.tenant_id and o.id = s.organisation_id
        join directory_locations l on l.tenant_id = sal.tenant_id and l.id = sal.location_id
        where s.status = 'published' and ${keyList(keys, sql`sal.tenant_id`, sql`sal.id`)}`,
  )
  const byKey = new Map(rows.map((r) => [`${r.tenant_id}/${r.sal_id}`, r]))
  const items = keys.flatMap((k) => {
    const r = byKey.get(`${k.tenantId}/${k.id}`)
    if (!r) return []
    return [
      {
        tenantId: r.tenant_id,
        service: r.service,
        organisation: r.organisation,
        place: {
          serviceAtLocation: { id: r.sal_id, serviceId: r.service_id, locationId: r.location_id },
          location: r.location,
          schedules: [],
        },
      },
    ]
  })
  return { total, items }
}

/**
 * What a lookup by id found: the record, nothing, or several councils' records with that id (only
 * possible for data stored before imports gave copies their own ids, ADR 0015). The API never
 * picks one council's record for an id another council also holds: it asks for `council`.
 */
export type Lookup = { record: ServiceRecord } | { ambiguous: string[] } | null

/** The full record of a published service. */
export async function findPublishedService(db: DbOrTx, id: string, council?: string): Promise<Lookup> {
  const rows = await queryRows<{ tenant_id: string; area_code: string; service: Service; organisation: Organisation }>(
    db,
    sql`select s.tenant_id, c.area_code, s.data as service, o.data as organisation
        from directory_services s
        join directory_organisations o on o.tenant_id = s.tenant_id and o.id = s.organisation_id
        join organisations c on c.id = s.tenant_id and c.kind = 'council'
        where s.status = 'published' and s.id = ${id}::uuid
        ${council === undefined ? sql`` : sql`and c.area_code = ${council}`}
        order by c.area_code
        limit 10`,
  )
  return lookupOf(db, rows)
}

async function lookupOf(
  db: DbOrTx,
  rows: { tenant_id: string; area_code: string; service: Service; organisation: Organisation }[],
): Promise<Lookup> {
  const row = rows[0]
  if (!row) return null
  if (rows.length > 1) return { ambiguous: rows.map((r) => r.area_code) }
  return { record: await loadRecord(db, row.tenant_id, row.service, row.organisation) }
}

/** The full record of the published service a service at location belongs to, or null. */
export async function findPublishedServiceOfSal(db: DbOrTx, salId: string, council?: string): Promise<Lookup> {
  const rows = await queryRows<{ tenant_id: string; area_code: string; service: Service; organisation: Organisation }>(
    db,
    sql`select s.tenant_id, c.area_code, s.data as service, o.data as organisation
        from directory_service_at_locations sal
        join directory_services s on s.tenant_id = sal.tenant_id and s.id = sal.service_id
        join directory_organisations o on o.tenant_id = s.tenant_id and o.id = s.organisation_id
        join organisations c on c.id = s.tenant_id and c.kind = 'council'
        where s.status = 'published' and sal.id = ${salId}::uuid
        ${council === undefined ? sql`` : sql`and c.area_code = ${council}`}
        order by c.area_code
        limit 10`,
  )
  return lookupOf(db, rows)
}

async function loadRecord(
  db: DbOrTx,
  tenantId: string,
  service: Service,
  organisation: Organisation,
): Promise<ServiceRecord> {
  const [places, schedules] = await Promise.all([
    queryRows<{ sal_id: string; location_id: string; location: Location }>(
      db,
      sql`select sal.id as sal_id, sal.location_id, l.data as location
          from directory_service_at_locations sal
          join directory_locations l on l.tenant_id = sal.tenant_id and l.id = sal.location_id
          where sal.tenant_id = ${tenantId}::uuid and sal.service_id = ${service.id}::uuid
          order by sal.id`,
    ),
    queryRows<{ data: Schedule }>(
      db,
      sql`select data from directory_schedules where tenant_id = ${tenantId}::uuid and service_id = ${service.id}::uuid`,
    ),
  ])
  return {
    service: { ...service, internalNotes: '' },
    organisation,
    places: places.map((p) => ({
      serviceAtLocation: { id: p.sal_id, serviceId: service.id, locationId: p.location_id },
      location: p.location,
      schedules: schedules
        .map((s) => s.data)
        .filter((s) => s.serviceAtLocationId === p.sal_id)
        .sort(compareSessions),
    })),
  }
}
