/**
 * Idempotent upsert of an imported directory (from ORUK) into a council's directory, by id, as a
 * pure function: the repository can store the result in one transaction (all or nothing).
 *
 * - Organisations and locations are inserted or replaced.
 * - A service is inserted (version 1), replaced (version + 1, with its places and sessions
 *   replaced too) or left alone when nothing it publishes has changed. Its internal notes are
 *   kept: ORUK never carries them.
 * - Nothing is deleted: a service missing from the file stays as it is.
 * Importing the same file twice changes nothing the second time.
 */
import { type Directory, directorySchema, type Service } from './model.js'
import type { OrukProblem } from './oruk-validation.js'

export interface MergeSummary {
  created: string[]
  updated: string[]
  unchanged: string[]
  /** Names of services a commissioner completed that the file would have put back to review (kept as they are). */
  keptCompleted?: string[]
}

export type MergeResult =
  { ok: true; directory: Directory; summary: MergeSummary } | { ok: false; problems: OrukProblem[] }

/** What a service publishes, for deciding whether an import changed it. */
function publishedView(directory: Directory, service: Service): string {
  const sals = directory.serviceAtLocations.filter((x) => x.serviceId === service.id)
  const salIds = new Set(sals.map((x) => x.id))
  // Internal notes, version and last modified are not what the file says about the service.
  // Nor is where it was imported from this time (ADR 0015).
  const rest = { ...service, internalNotes: '', version: 0, lastModified: undefined, origin: undefined }
  return JSON.stringify({
    service: rest,
    sals: [...sals].sort((a, b) => a.id.localeCompare(b.id)),
    schedules: directory.schedules
      .filter((x) => salIds.has(x.serviceAtLocationId))
      .sort((a, b) => a.id.localeCompare(b.id)),
  })
}

export function mergeDirectory(existing: Directory, incoming: Directory): MergeResult {
  const summary: MergeSummary = { created: [], updated: [], unchanged: [] }
  const organisations = new Map(existing.organisations.map((o) => [o.id, o]))
  for (const o of incoming.organisations) organisations.set(o.id, o)
  const locations = new Map(existing.locations.map((l) => [l.id, l]))
  for (const l of incoming.locations) locations.set(l.id, l)

  const existingServices = new Map(existing.services.map((s) => [s.id, s]))
  const replaced = new Set<string>()
  const services = new Map(existing.services.map((s) => [s.id, s]))
  for (const s of incoming.services) {
    const before = existingServices.get(s.id)
    if (!before) {
      services.set(s.id, { ...s, version: 1 })
      summary.created.push(s.id)
      replaced.add(s.id)
    } else if (publishedView(existing, before) === publishedView(incoming, s)) {
      summary.unchanged.push(s.id)
    } else if (s.review !== undefined && before.review === undefined) {
      // Completed here since an earlier import: the file still lacks what was added (ADR 0015).
      summary.unchanged.push(s.id)
      ;(summary.keptCompleted ??= []).push(before.name)
    } else {
      services.set(s.id, { ...s, internalNotes: before.internalNotes, version: before.version + 1 })
      summary.updated.push(s.id)
      replaced.add(s.id)
    }
  }
  const keptSals = existing.serviceAtLocations.filter((x) => !replaced.has(x.serviceId))
  const keptSalIds = new Set(keptSals.map((x) => x.id))
  const newSals = incoming.serviceAtLocations.filter((x) => replaced.has(x.serviceId))
  const newSalIds = new Set(newSals.map((x) => x.id))
  const directory = {
    organisations: [...organisations.values()],
    services: [...services.values()],
    locations: [...locations.values()],
    serviceAtLocations: [...keptSals, ...newSals],
    schedules: [
      ...existing.schedules.filter((x) => keptSalIds.has(x.serviceAtLocationId)),
      ...incoming.schedules.filter((x) => newSalIds.has(x.serviceAtLocationId)),
    ],
  }
  const parsed = directorySchema.safeParse(directory)
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        path: '',
        message: `After merging with the directory: ${issue.message}`,
      })),
    }
  }
  return { ok: true, directory: parsed.data, summary }
}
