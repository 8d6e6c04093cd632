/**
 * What the directory pages show: the list with its filters and sorting, a service in plain words,
 * and the history of changes. Pure: routes.ts loads the data and passes it in.
 */
import { z } from 'zod'
import {
  dayLabels,
  type DayOfWeek,
  daysOfWeek,
  type Directory,
  DirectoryIndex,
  type Location,
  type Schedule,
  reviewReasonLabels,
  type Service,
  type ServiceRecord,
  serviceStatuses,
  sessionModeLabels,
  toMinutes,
} from '../model.js'
import { type FieldChange, serviceDiff } from '../history-diff.js'
import type { HistoryEntry } from '../repository.js'
import {
  featureCodes,
  featureGroups,
  featureLabel,
  featureTermDefinitions,
  isFeatureCode,
  serviceTypeCodes,
  serviceTypeDefinitions,
  serviceTypeLabel,
  substanceDefinitions,
} from '../../../lib/taxonomy.js'

export const directoryPaths = {
  list: '/directory',
  newService: '/directory/services/new',
  services: '/directory/services',
  service: (id: string) => `/directory/services/${id}`,
  edit: (id: string) => `/directory/services/${id}/edit`,
  newSession: (id: string) => `/directory/services/${id}/sessions/new`,
  sessions: (id: string) => `/directory/services/${id}/sessions`,
  deleteSession: (id: string, sessionId: string) => `/directory/services/${id}/sessions/${sessionId}/delete`,
  history: (id: string) => `/directory/services/${id}/history`,
} as const

export const statusLabels: Record<string, string> = { published: 'Published', draft: 'Draft' }

// ---------------------------------------------------------------------------------------------
// Parts of the day

export const dayParts = ['morning', 'afternoon', 'evening'] as const
export type DayPart = (typeof dayParts)[number]

/** Minutes after midnight: morning before 12:00, afternoon 12:00 to 17:00, evening from 17:00. */
export const dayPartBounds: Record<DayPart, { from: number; to: number; label: string; hint: string }> = {
  morning: { from: 0, to: 12 * 60, label: 'Morning', hint: 'Before 12pm' },
  afternoon: { from: 12 * 60, to: 17 * 60, label: 'Afternoon', hint: '12pm to 5pm' },
  evening: { from: 17 * 60, to: 24 * 60, label: 'Evening', hint: 'From 5pm' },
}

/** A session is in a part of the day when any of it falls in that part. */
export function sessionInPart(schedule: Pick<Schedule, 'start' | 'end'>, part: DayPart): boolean {
  const { from, to } = dayPartBounds[part]
  return toMinutes(schedule.start) < to && toMinutes(schedule.end) > from
}

// ---------------------------------------------------------------------------------------------
// Filters and sorting

export const sortKeys = ['name', 'organisation', 'type', 'women-only', 'features', 'status', 'changed'] as const
export type SortKey = (typeof sortKeys)[number]

const asList = (v: unknown): unknown => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v])
const listOf = <T extends z.ZodType>(item: T) => z.preprocess(asList, z.array(item).max(100))

export const listQuerySchema = z.strictObject({
  type: listOf(z.enum(serviceTypeCodes, { error: 'choose a service type from the list' })).optional(),
  feature: listOf(z.enum(featureCodes, { error: 'choose a feature from the list' })).optional(),
  day: listOf(z.enum(daysOfWeek, { error: 'choose a day of the week' })).optional(),
  time: listOf(z.enum(dayParts, { error: 'choose morning, afternoon or evening' })).optional(),
  womenOnlySessions: z.enum(['yes'], { error: 'tick the box or leave it out' }).optional(),
  area: listOf(z.string().max(200)).optional(),
  organisation: listOf(z.string().max(100)).optional(),
  status: listOf(z.enum(serviceStatuses, { error: 'choose published or draft' })).optional(),
  sort: z.enum(sortKeys, { error: 'choose a column to sort by' }).optional(),
  order: z.enum(['asc', 'desc'], { error: 'choose asc or desc' }).optional(),
  done: z.string().max(40).optional(),
})
export type ListQuery = z.infer<typeof listQuerySchema>

export interface DirectoryFilters {
  type: string[]
  feature: string[]
  day: DayOfWeek[]
  time: DayPart[]
  womenOnlySessions: boolean
  area: string[]
  organisation: string[]
  status: string[]
  sort: SortKey
  order: 'asc' | 'desc'
}

export function filtersFrom(q: ListQuery): DirectoryFilters {
  return {
    type: q.type ?? [],
    feature: q.feature ?? [],
    day: q.day ?? [],
    time: q.time ?? [],
    womenOnlySessions: q.womenOnlySessions === 'yes',
    area: q.area ?? [],
    organisation: q.organisation ?? [],
    status: q.status ?? [],
    sort: q.sort ?? 'name',
    order: q.order ?? 'asc',
  }
}

/** The query string of a set of filters (and sorting), in a fixed order. */
export function filterQuery(f: DirectoryFilters, opts: { sort?: boolean } = {}): string {
  const params = new URLSearchParams()
  for (const key of ['type', 'feature', 'day', 'time', 'area', 'organisation', 'status'] as const) {
    for (const value of f[key]) params.append(key, value)
  }
  if (f.womenOnlySessions) params.append('womenOnlySessions', 'yes')
  if (opts.sort !== false && (f.sort !== 'name' || f.order !== 'asc')) {
    params.append('sort', f.sort)
    params.append('order', f.order)
  }
  const text = params.toString()
  return text === '' ? directoryPaths.list : `${directoryPaths.list}?${text}`
}

/** Women-only provision of a service, for the list: the whole service, some sessions, or none. */
export type WomenOnly = 'service' | 'sessions' | 'none'
const womenOnlyRank: Record<WomenOnly, number> = { none: 0, sessions: 1, service: 2 }
export const womenOnlyLabels: Record<WomenOnly, string> = {
  service: 'Yes, whole service',
  sessions: 'Some sessions',
  none: 'No',
}

export interface ListRow {
  id: string
  href: string
  name: string
  organisation: string
  organisationId: string
  /** Where the service is: its first place's address and postcode, or 'Online only'. */
  where: string
  type: string
  womenOnly: WomenOnly
  womenOnlyLabel: string
  featureCount: number
  status: string
  statusLabel: string
  lastChanged: string | null
  isExample: boolean
  editable: boolean
}

/**
 * Where a service is, for the list: the first place's street and postcode ('and 2 other places'
 * after it when there are more); 'Online only' when it has no place and offers online or phone
 * support, or when every session is online; otherwise 'No address given'.
 */
export function whereText(record: ServiceRecord): string {
  const sessions = record.places.flatMap((p) => p.schedules)
  const online = sessions.length > 0 && sessions.every((x) => x.mode === 'online')
  const [first, ...others] = record.places
  if (online || (first === undefined && (record.service.features as readonly string[]).includes('online-or-phone')))
    return 'Online only'
  if (first === undefined) return 'No address given'
  const more =
    others.length === 0 ? '' : ` and ${String(others.length)} other ${others.length === 1 ? 'place' : 'places'}`
  return `${first.location.addressLine1}, ${first.location.postcode}${more}`
}

export function womenOnlyOf(record: ServiceRecord): WomenOnly {
  if (record.service.eligibility.womenOnly) return 'service'
  return record.places.some((p) => p.schedules.some((s) => s.womenOnly)) ? 'sessions' : 'none'
}

/** Whether a service passes every chosen filter: any of the chosen values within a filter, all the chosen features. */
export function matchesFilters(record: ServiceRecord, f: DirectoryFilters): boolean {
  const s = record.service
  if (f.type.length > 0 && !f.type.includes(s.serviceType)) return false
  if (f.feature.some((code) => !(s.features as readonly string[]).includes(code))) return false
  if (f.status.length > 0 && !f.status.includes(s.status)) return false
  if (f.organisation.length > 0 && !f.organisation.includes(s.organisationId)) return false
  if (f.area.length > 0) {
    const areas = new Set(s.serviceAreas.map((a) => a.name.toLowerCase()))
    if (!f.area.some((a) => areas.has(a.toLowerCase()))) return false
  }
  if (f.day.length > 0 || f.time.length > 0 || f.womenOnlySessions) {
    const sessions = record.places.flatMap((p) => p.schedules)
    const found = sessions.some(
      (x) =>
        (f.day.length === 0 || f.day.includes(x.dayOfWeek)) &&
        (f.time.length === 0 || f.time.some((part) => sessionInPart(x, part))) &&
        (!f.womenOnlySessions || x.womenOnly),
    )
    if (!found) return false
  }
  return true
}

const collator = new Intl.Collator('en-GB', { sensitivity: 'base', numeric: true })

function compareRows(a: ListRow, b: ListRow, key: SortKey): number {
  switch (key) {
    case 'organisation':
      return collator.compare(a.organisation, b.organisation)
    case 'type':
      return collator.compare(a.type, b.type)
    case 'women-only':
      return womenOnlyRank[a.womenOnly] - womenOnlyRank[b.womenOnly]
    case 'features':
      return a.featureCount - b.featureCount
    case 'status':
      return collator.compare(a.statusLabel, b.statusLabel)
    case 'changed':
      return (a.lastChanged ?? '').localeCompare(b.lastChanged ?? '')
    case 'name':
      return 0
  }
}

export function sortRows(rows: ListRow[], key: SortKey, order: 'asc' | 'desc'): ListRow[] {
  const sign = order === 'asc' ? 1 : -1
  return [...rows].sort(
    (a, b) =>
      sign * compareRows(a, b, key) ||
      // Ties are in name order (A to Z) whichever way the column is sorted.
      (key === 'name' ? sign : 1) * collator.compare(a.name, b.name) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
}

export interface ListInput {
  directory: Directory
  /** Services the user may see (all for commissioners and analysts). */
  visibleServiceIds: ReadonlySet<string>
  editableServiceIds: ReadonlySet<string>
  exampleServiceIds: ReadonlySet<string>
  filters: DirectoryFilters
}

/** The rows of the list page: the services the user may see that pass the filters, sorted. */
export function listRows(input: ListInput): { rows: ListRow[]; visibleCount: number } {
  const index = new DirectoryIndex(input.directory)
  const visible = input.directory.services.filter((s) => input.visibleServiceIds.has(s.id))
  const rows = visible
    .map((s) => index.record(s.id))
    .filter((r) => matchesFilters(r, input.filters))
    .map((r): ListRow => {
      const womenOnly = womenOnlyOf(r)
      return {
        id: r.service.id,
        href: directoryPaths.service(r.service.id),
        name: r.service.name,
        organisation: r.organisation.name,
        organisationId: r.organisation.id,
        where: whereText(r),
        type: typeText(r.service),
        womenOnly,
        womenOnlyLabel: womenOnlyLabels[womenOnly],
        featureCount: r.service.features.length,
        status: r.service.review === undefined ? r.service.status : 'review',
        statusLabel:
          r.service.review === undefined ? (statusLabels[r.service.status] ?? r.service.status) : 'To review',
        lastChanged: r.service.lastModified ?? null,
        isExample: input.exampleServiceIds.has(r.service.id),
        editable: input.editableServiceIds.has(r.service.id),
      }
    })
  return { rows: sortRows(rows, input.filters.sort, input.filters.order), visibleCount: visible.length }
}

/** Column headers with sort links and aria-sort, for a table that sorts on the server. */
export function sortHeaders(f: DirectoryFilters) {
  const columns: { key: SortKey; text: string; numeric?: boolean; firstOrder: 'asc' | 'desc' }[] = [
    // Six columns at most (issue 11): the organisation sits under the service's name and the date
    // of the last change on the service's page; both still sort by address (?sort=organisation, changed).
    { key: 'name', text: 'Service', firstOrder: 'asc' },
    { key: 'type', text: 'Type', firstOrder: 'asc' },
    { key: 'women-only', text: 'Women-only', firstOrder: 'desc' },
    { key: 'features', text: 'Features', numeric: true, firstOrder: 'desc' },
    { key: 'status', text: 'Status', firstOrder: 'asc' },
  ]
  const base = filterQuery(f, { sort: false })
  return columns.map((c) => {
    const current = f.sort === c.key
    const order = current ? (f.order === 'asc' ? 'desc' : 'asc') : c.firstOrder
    return {
      key: c.key,
      text: c.text,
      numeric: c.numeric ?? false,
      ariaSort: current ? (f.order === 'asc' ? 'ascending' : 'descending') : 'none',
      href: `${base}${base.includes('?') ? '&' : '?'}sort=${c.key}&order=${order}`,
    }
  })
}

// ---------------------------------------------------------------------------------------------
// The filter panel

interface Option {
  value: string
  text: string
  checked: boolean
  hint?: { text: string }
}

export interface FilterPanel {
  types: Option[]
  featureGroups: { name: string; idPrefix: string; items: Option[] }[]
  days: Option[]
  times: Option[]
  womenOnlySessions: Option[]
  areas: Option[]
  organisations: Option[]
  statuses: Option[]
  selected: { heading: { text: string }; items: { text: string; href: string }[] }[]
}

export function filterPanel(
  f: DirectoryFilters,
  options: { areas: string[]; organisations: { id: string; name: string }[] },
): FilterPanel {
  const without = (key: keyof DirectoryFilters, value: string): string => {
    const current = f[key]
    if (Array.isArray(current)) return filterQuery({ ...f, [key]: current.filter((v) => v !== value) })
    return filterQuery({ ...f, womenOnlySessions: false })
  }
  const category = (heading: string, key: keyof DirectoryFilters, values: string[], label: (v: string) => string) =>
    values.length === 0
      ? []
      : [{ heading: { text: heading }, items: values.map((v) => ({ text: label(v), href: without(key, v) })) }]
  const orgName = (id: string) => options.organisations.find((o) => o.id === id)?.name ?? id
  return {
    types: serviceTypeDefinitions.map((t) => ({ value: t.code, text: t.name, checked: f.type.includes(t.code) })),
    featureGroups: featureGroups.map((g) => ({
      name: g.name,
      idPrefix: `feature-${g.code}`,
      items: featureTermDefinitions
        .filter((t) => t.group === g.code)
        .map((t) => ({ value: t.code, text: t.name, checked: f.feature.includes(t.code) })),
    })),
    days: daysOfWeek.map((d) => ({ value: d, text: dayLabels[d], checked: f.day.includes(d) })),
    times: dayParts.map((p) => ({
      value: p,
      text: dayPartBounds[p].label,
      hint: { text: dayPartBounds[p].hint },
      checked: f.time.includes(p),
    })),
    womenOnlySessions: [{ value: 'yes', text: 'Only women-only sessions', checked: f.womenOnlySessions }],
    areas: options.areas.map((a) => ({ value: a, text: a, checked: f.area.includes(a) })),
    organisations: options.organisations.map((o) => ({
      value: o.id,
      text: o.name,
      checked: f.organisation.includes(o.id),
    })),
    statuses: serviceStatuses.map((s) => ({ value: s, text: statusLabels[s] ?? s, checked: f.status.includes(s) })),
    selected: [
      ...category('Service type', 'type', f.type, (v) =>
        (serviceTypeCodes as readonly string[]).includes(v) ? serviceTypeLabel(v as Service['serviceType']) : v,
      ),
      ...category('Features', 'feature', f.feature, (v) => (isFeatureCode(v) ? featureLabel(v) : v)),
      ...category('Day', 'day', f.day, (v) => dayLabels[v as DayOfWeek]),
      ...category('Time of day', 'time', f.time, (v) => dayPartBounds[v as DayPart].label),
      ...(f.womenOnlySessions
        ? [
            {
              heading: { text: 'Sessions' },
              items: [{ text: 'Only women-only sessions', href: without('womenOnlySessions', 'yes') }],
            },
          ]
        : []),
      ...category('Area', 'area', f.area, (v) => v),
      ...category('Organisation', 'organisation', f.organisation, orgName),
      ...category('Status', 'status', f.status, (v) => statusLabels[v] ?? v),
    ],
  }
}

// ---------------------------------------------------------------------------------------------
// One service

export interface SessionView {
  id: string
  day: string
  time: string
  womenOnly: string
  mode: string
  runBy: string
  notes: string
}

export function sessionView(s: Schedule): SessionView {
  return {
    id: s.id,
    day: dayLabels[s.dayOfWeek],
    time: `${s.start} to ${s.end}`,
    womenOnly: s.womenOnly ? 'Yes' : 'No',
    mode: sessionModeLabels[s.mode],
    runBy: s.runBy ?? '',
    notes: s.notes ?? '',
  }
}

export function addressLines(l: Location): string[] {
  return [l.addressLine1, l.addressLine2, l.town, l.county, l.postcode].filter(
    (x): x is string => x !== undefined && x !== '',
  )
}

/** The service type in words; not chosen yet while an import left it to review. */
function typeText(s: Service): string {
  return s.review?.reasons.some((r) => r.code === 'service-type') === true
    ? 'Not chosen yet'
    : serviceTypeLabel(s.serviceType)
}

function foreignTermText(attribute: Record<string, unknown>): string {
  const term = attribute.taxonomy_term
  const t = typeof term === 'object' && term !== null ? (term as Record<string, unknown>) : {}
  const name =
    typeof t.name === 'string'
      ? t.name
      : typeof attribute.taxonomy_term_id === 'string'
        ? attribute.taxonomy_term_id
        : ''
  const taxonomy = typeof t.taxonomy === 'string' ? t.taxonomy : undefined
  return taxonomy === undefined ? name : `${name} (${taxonomy})`
}

export function serviceView(record: ServiceRecord) {
  const s = record.service
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    organisation: record.organisation.name,
    status: s.status,
    statusLabel: statusLabels[s.status] ?? s.status,
    /** Why an imported service waits for a commissioner (ADR 0015); empty when complete. */
    review: (s.review?.reasons ?? []).map((r) => ({
      label: reviewReasonLabels[r.code],
      message: r.message,
      path: r.path,
    })),
    foreignTerms: (s.foreignTerms ?? []).map((t) => foreignTermText(t.attribute)),
    version: s.version,
    lastModified: s.lastModified ?? null,
    type: typeText(s),
    substances: substanceDefinitions
      .filter((d) => (s.substances as readonly string[]).includes(d.code))
      .map((d) => d.name),
    womenOnly: s.eligibility.womenOnly,
    ages: ageText(s.eligibility.minimumAge, s.eligibility.maximumAge),
    features: featureTermDefinitions
      .filter((t) => (s.features as readonly string[]).includes(t.code))
      .map((t) => ({
        name: t.code === 'by-and-for' && s.byAndForCommunity ? `${t.name} (${s.byAndForCommunity})` : t.name,
        description: t.description,
      })),
    url: s.url ?? null,
    email: s.email ?? null,
    contacts: s.contacts.map((c) => ({
      name: [c.name, c.title].filter((x) => x !== undefined).join(', '),
      email: c.email ?? null,
      phone: c.phone ?? null,
    })),
    serviceAreas: s.serviceAreas.map((a) => a.name),
    internalNotes: s.internalNotes,
    places: record.places.map((p) => ({
      serviceAtLocationId: p.serviceAtLocation.id,
      name: p.location.name,
      address: addressLines(p.location),
      postcode: p.location.postcode,
      latitude: p.location.latitude,
      longitude: p.location.longitude,
      sessions: p.schedules.map(sessionView),
    })),
  }
}

function ageText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${String(min)} to ${String(max)}`
  if (min !== undefined) return `${String(min)} and over`
  if (max !== undefined) return `Up to ${String(max)}`
  return 'Any age'
}

// ---------------------------------------------------------------------------------------------
// The service form's options

export function serviceTypeItems(selected: unknown) {
  return [
    { value: '', text: 'Choose a service type', selected: selected === undefined || selected === '' },
    ...serviceTypeDefinitions.map((t) => ({ value: t.code, text: t.name, selected: selected === t.code })),
  ]
}

const selectedList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []

export function substanceItems(values: Record<string, unknown>) {
  const chosen = selectedList(values.substances)
  return substanceDefinitions.map((d) => ({ value: d.code, text: d.name, checked: chosen.includes(d.code) }))
}

/** The features as checkbox groups, the plain-words description of each as its hint. */
export function featureGroupItems(values: Record<string, unknown>) {
  const chosen = selectedList(values.features)
  return featureGroups.map((g, i) => ({
    name: g.name,
    // The first group's first box has the id 'features', which the error summary links to.
    idPrefix: i === 0 ? 'features' : `features-${g.code}`,
    items: featureTermDefinitions
      .filter((t) => t.group === g.code)
      .map((t) => ({ value: t.code, text: t.name, hint: { text: t.description }, checked: chosen.includes(t.code) })),
  }))
}

export function statusItems(selected: unknown) {
  return [
    {
      value: 'published',
      text: 'Published',
      hint: { text: 'Shown on the public find support page and in the open data.' },
      checked: selected === 'published',
    },
    {
      value: 'draft',
      text: 'Draft',
      hint: { text: 'Seen only by staff signed in to WTC.' },
      checked: selected === 'draft',
    },
  ]
}

// ---------------------------------------------------------------------------------------------
// History

/** A change as the history page shows it: 'Description changed' and the old and new values. */
function changeView(change: FieldChange) {
  const heading = `${change.label.charAt(0).toUpperCase()}${change.label.slice(1)} changed`
  return { ...change, heading }
}

export function historyView(entries: HistoryEntry[], viewerSeesAll: boolean) {
  return entries.map((e) => ({
    version: e.version,
    changedAt: e.changedAt,
    who: e.changedByLabel,
    role: e.changedByRole,
    summary: e.summary,
    created: e.before === null,
    changes: e.before === null ? [] : serviceDiff(e.before, e.after).map(changeView),
    byProvider: viewerSeesAll && e.changedByRole === 'provider',
  }))
}
