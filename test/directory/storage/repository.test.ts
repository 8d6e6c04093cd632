/**
 * The directory repository on a real (PGlite or PostgreSQL) database: tenant isolation, what the
 * public may see, optimistic concurrency, validation before writing, provider ownership, history
 * rows and audit events. Expected values come from the demo data in memory, not from the database.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents, organisations } from '../../../src/db/schema/index.js'
import { demoDirectory, demoServiceId } from '../../../src/demo/directory-data.js'
import { DEMO_PROVIDER_NAME, demoOrganisationId, seedDirectoryDemo } from '../../../src/demo/directory-seed.js'
import { stableId } from '../../../src/lib/ids.js'
import {
  ConcurrentEditError,
  type DirectoryActor,
  DirectoryPermissionError,
  DirectoryValidationError,
  importDirectory,
  loadDirectory,
  loadExampleServiceIds,
  loadOrganisationOwners,
  loadPublishedDirectories,
  loadServiceInput,
  saveService,
  type ServiceInput,
  serviceHistory,
} from '../../../src/features/directory/repository.js'
import { ensureCouncil } from '../../../src/platform/reference.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { createTestDatabase, type TestDatabase } from '../../support/db.js'
import { directoryDigest, sortedById } from './support.js'

let database: TestDatabase
let a: TenantScope
let b: TenantScope
let providerId: string

const commissioner: DirectoryActor = { userId: null, label: 'commissioner@barnet.example', role: 'commissioner' }
const hendonId = demoServiceId('hendonTreatment')
const womensCentreId = demoServiceId('womensCentre')
const drafts = demoDirectory().services.filter((s) => s.status === 'draft')
const withNotes = demoDirectory().services.filter((s) => s.internalNotes !== '')

beforeAll(async () => {
  database = await createTestDatabase()
  a = await ensureCouncil(database.db, 'E09000003')
  b = await ensureCouncil(database.db, 'E08000025')
  const provider = await database.db
    .insert(organisations)
    .values({ tenantId: a.tenantId, kind: 'provider', name: DEMO_PROVIDER_NAME })
    .returning({ id: organisations.id })
  providerId = provider[0]!.id
  const seeded = await seedDirectoryDemo(database.db, a)
  expect(seeded).toEqual({ loaded: true, services: demoDirectory().services.length, ownedBy: providerId })
})

afterAll(async () => {
  await database.close()
})

const editable = async (scope: TenantScope, id: string): Promise<ServiceInput> => {
  const input = await loadServiceInput(database.db, scope, id)
  if (!input) throw new Error(`no service ${id}`)
  return input
}

describe('the demo seed', () => {
  it('loads the demo directory exactly, marks it as example data, and runs once', async () => {
    const stored = await loadDirectory(database.db, a, { publishedOnly: false })
    expect(stored).toEqual(sortedById(demoDirectory()))
    expect((await loadExampleServiceIds(database.db, a)).size).toBe(demoDirectory().services.length)
    expect(await seedDirectoryDemo(database.db, a)).toEqual({ loaded: false, services: 0, ownedBy: null })
  })

  it('makes the demo provider owner of the two example treatment organisations only', async () => {
    const owners = await loadOrganisationOwners(database.db, a)
    const owned = [...owners].filter(([, owner]) => owner === providerId).map(([id]) => id)
    expect(owned.sort()).toEqual([demoOrganisationId('recovery'), demoOrganisationId('hillside')].sort())
    expect(owners.size).toBe(demoDirectory().organisations.length)
  })
})

describe('tenant isolation and what is published', () => {
  it('council B sees nothing of council A', async () => {
    const other = await loadDirectory(database.db, b, { publishedOnly: false })
    expect(other).toEqual({ organisations: [], services: [], locations: [], serviceAtLocations: [], schedules: [] })
    expect(await loadServiceInput(database.db, b, drafts[0]!.id)).toBeNull()
    expect(await loadServiceInput(database.db, b, hendonId)).toBeNull()
    expect(await serviceHistory(database.db, b, hendonId)).toEqual([])
  })

  it('publishedOnly hides drafts and internal notes, with their places and sessions', async () => {
    expect(drafts).toHaveLength(2)
    expect(withNotes.length).toBeGreaterThan(0)
    const published = await loadDirectory(database.db, a, { publishedOnly: true })
    expect(published.services).toHaveLength(demoDirectory().services.length - drafts.length)
    expect(published.services.every((s) => s.status === 'published' && s.internalNotes === '')).toBe(true)
    const text = JSON.stringify(published)
    for (const s of withNotes) expect(text).not.toContain(s.internalNotes)
    for (const d of drafts) expect(text).not.toContain(d.id)
    const draftSals = new Set(
      demoDirectory()
        .serviceAtLocations.filter((x) => drafts.some((d) => d.id === x.serviceId))
        .map((x) => x.id),
    )
    expect(published.serviceAtLocations.filter((x) => draftSals.has(x.id))).toEqual([])
    expect(published.schedules.filter((x) => draftSals.has(x.serviceAtLocationId))).toEqual([])
    // Only the organisations and locations published services use.
    const usedOrgs = new Set(published.services.map((s) => s.organisationId))
    expect(published.organisations.map((o) => o.id).sort()).toEqual([...usedOrgs].sort())
  })

  it('loadPublishedDirectories gives only councils that publish, without drafts or notes', async () => {
    const all = await loadPublishedDirectories(database.db)
    expect(all.map((x) => x.areaCode)).toEqual(['E09000003'])
    expect(all[0]!.directory.services).toHaveLength(45)
    for (const s of withNotes) expect(JSON.stringify(all)).not.toContain(s.internalNotes)
  })

  it('council B cannot attach a service to council A’s organisation', async () => {
    const input = await editable(a, hendonId)
    const copy: ServiceInput = {
      service: { ...input.service, id: stableId('test', 'b-service') },
      places: [],
    }
    const before = await directoryDigest(database.db)
    const error = await saveService(database.db, b, commissioner, copy, null).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DirectoryValidationError)
    expect((error as DirectoryValidationError).problems).toEqual([
      { field: 'service.organisationId', message: 'Choose an organisation that is in the directory' },
    ])
    expect(await directoryDigest(database.db)).toEqual(before)
  })
})

describe('saving a service', () => {
  it('saves a change as version 2 with a history row and an audit event', async () => {
    const input = await editable(a, hendonId)
    expect(input.service.version).toBe(1)
    const renamed = { ...input, service: { ...input.service, name: 'Example: Hendon recovery service' } }
    const result = await saveService(database.db, a, commissioner, renamed, 1)
    expect(result).toEqual({ version: 2 })
    const after = await editable(a, hendonId)
    expect(after.service.name).toBe('Example: Hendon recovery service')
    expect(after.service.version).toBe(2)
    // Nothing else about the service changed: its places and sessions are as before.
    expect(after.places).toEqual(input.places)

    const history = await serviceHistory(database.db, a, hendonId)
    // Newest first: the change, then the creation by the demo seed.
    expect(history.map((h) => [h.version, h.summary])).toEqual([
      [2, 'Changed name'],
      [1, 'Created by the demo data'],
    ])
    expect(history[0]).toMatchObject({
      changedByLabel: 'commissioner@barnet.example',
      changedByRole: 'commissioner',
      changedFields: ['name'],
    })
    expect(history[0]!.before?.service.name).toBe('Example: Hendon drug and alcohol service')
    expect(history[0]!.after.service.name).toBe('Example: Hendon recovery service')
    expect(history[1]!.before).toBeNull()

    const audit = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, hendonId), eq(auditEvents.action, 'directory.service.update')))
    expect(audit).toHaveLength(1)
    expect(audit[0]!.tenantId).toBe(a.tenantId)
    expect(audit[0]!.details).toMatchObject({ version: 2, role: 'commissioner', changed: ['name'] })
  })

  it('makes no new version, history row or audit event for a save that changes nothing', async () => {
    const input = await editable(a, womensCentreId)
    const historyBefore = await serviceHistory(database.db, a, womensCentreId)
    const auditBefore = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, womensCentreId))
    // The same service, as loaded, saved at its own version.
    const result = await saveService(database.db, a, commissioner, input, input.service.version)
    expect(result).toEqual({ version: input.service.version, unchanged: true })
    expect((await editable(a, womensCentreId)).service.version).toBe(input.service.version)
    expect(await serviceHistory(database.db, a, womensCentreId)).toHaveLength(historyBefore.length)
    const auditAfter = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, womensCentreId))
    expect(auditAfter).toHaveLength(auditBefore.length)
  })

  it('refuses the second of two edits from the same version, changing nothing', async () => {
    const first = await editable(a, womensCentreId)
    const second = await editable(a, womensCentreId)
    await saveService(
      database.db,
      a,
      commissioner,
      { ...first, service: { ...first.service, description: 'Example: first editor’s words.' } },
      first.service.version,
    )
    const before = await directoryDigest(database.db)
    const error = await saveService(
      database.db,
      a,
      commissioner,
      { ...second, service: { ...second.service, description: 'Example: second editor’s words.' } },
      second.service.version,
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConcurrentEditError)
    expect((error as ConcurrentEditError).currentVersion).toBe(2)
    expect((error as Error).message).toBe(
      'Someone else changed this service after you opened it. Your changes have not been saved.',
    )
    expect(await directoryDigest(database.db)).toEqual(before)
    expect((await editable(a, womensCentreId)).service.description).toBe('Example: first editor’s words.')
  })

  it('refuses two saves racing from the same version: exactly one wins', async () => {
    const id = demoServiceId('finchleyTreatment')
    const base = await editable(a, id)
    const attempt = (n: number) =>
      saveService(
        database.db,
        a,
        commissioner,
        { ...base, service: { ...base.service, name: `Example: Finchley attempt ${String(n)}` } },
        base.service.version,
      ).then(
        () => 'saved',
        (e: unknown) => (e instanceof ConcurrentEditError ? 'refused' : `error: ${String(e)}`),
      )
    const outcomes = await Promise.all([attempt(1), attempt(2)])
    expect(outcomes.sort()).toEqual(['refused', 'saved'])
    expect((await editable(a, id)).service.version).toBe(base.service.version + 1)
  })

  it('refuses a session that ends before it starts and overlapping sessions, naming the fields', async () => {
    const input = await editable(a, hendonId)
    const place = input.places[0]!
    const monday = place.schedules.find((s) => s.dayOfWeek === 'monday' && s.start === '09:00')!
    const broken: ServiceInput = {
      ...input,
      places: [
        {
          ...place,
          schedules: [
            { ...monday, start: '11:00', end: '10:00' },
            ...place.schedules.filter((s) => s !== monday),
            {
              ...monday,
              id: stableId('test', 'overlap'),
              dayOfWeek: 'tuesday',
              start: '10:00',
              end: '11:00',
            },
          ],
        },
      ],
    }
    const before = await directoryDigest(database.db)
    const error = await saveService(database.db, a, commissioner, broken, input.service.version).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(DirectoryValidationError)
    const problems = (error as DirectoryValidationError).problems
    expect(problems).toContainEqual({
      field: 'places.0.schedules.0.end',
      message: 'End time must be after the start time',
    })
    expect(await directoryDigest(database.db)).toEqual(before)

    // Only the overlap now: Tuesday 10:00 to 11:00 against the Tuesday morning session 09:00 to 12:30.
    const overlapping: ServiceInput = {
      ...input,
      places: [
        {
          ...place,
          schedules: [
            ...place.schedules,
            { ...monday, id: stableId('test', 'overlap'), dayOfWeek: 'tuesday', start: '10:00', end: '11:00' },
          ],
        },
      ],
    }
    const overlapError = (await saveService(database.db, a, commissioner, overlapping, input.service.version).catch(
      (e: unknown) => e,
    )) as DirectoryValidationError
    expect(overlapError).toBeInstanceOf(DirectoryValidationError)
    expect(overlapError.problems).toEqual([
      {
        field: `places.0.schedules.${String(place.schedules.length)}.start`,
        message:
          'Sessions overlap: Tuesday 10:00 to 11:00 overlaps Tuesday 09:00 to 12:30 at the same place. Change the times or join them into one session',
      },
    ])
    expect(await directoryDigest(database.db)).toEqual(before)
  })

  it('refuses a bad field of the service with its field name', async () => {
    const input = await editable(a, hendonId)
    const error = (await saveService(
      database.db,
      a,
      commissioner,
      { ...input, service: { ...input.service, name: '   ', url: 'ftp://example.org' } },
      input.service.version,
    ).catch((e: unknown) => e)) as DirectoryValidationError
    expect(error).toBeInstanceOf(DirectoryValidationError)
    expect(error.problems.map((p) => p.field).sort()).toEqual(['service.name', 'service.url'])
  })

  it('creates a new service at version 1, and refuses to create one whose id exists', async () => {
    const template = await editable(a, hendonId)
    const id = stableId('test', 'new-service')
    const created = await saveService(
      database.db,
      a,
      commissioner,
      { service: { ...template.service, id, name: 'Example: new service' }, places: [] },
      null,
    )
    expect(created).toEqual({ version: 1 })
    expect((await serviceHistory(database.db, a, id)).map((h) => h.summary)).toEqual(['Created'])
    const again = await saveService(
      database.db,
      a,
      commissioner,
      { service: { ...template.service, id, name: 'Example: new service' }, places: [] },
      null,
    ).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(ConcurrentEditError)
  })
})

describe('providers', () => {
  const provider = (): DirectoryActor => ({
    userId: null,
    label: 'provider@barnet.example',
    role: 'provider',
    providerOrganisationId: providerId,
  })

  it('may change a service of an organisation theirs owns', async () => {
    // The demo's residential rehab belongs to Hillside, which the demo provider owns.
    const hillside = await editable(a, demoServiceId('residentialRehab'))
    expect(hillside.service.organisationId).toBe(demoOrganisationId('hillside'))
    const result = await saveService(
      database.db,
      a,
      provider(),
      { ...hillside, service: { ...hillside.service, description: 'Example: updated by the provider.' } },
      hillside.service.version,
    )
    expect(result.version).toBe(hillside.service.version + 1)
    const history = await serviceHistory(database.db, a, hillside.service.id)
    expect(history[0]).toMatchObject({ changedByRole: 'provider', summary: 'Changed description' })
  })

  it('may not change another organisation’s service, nor move a service to it', async () => {
    const before = await directoryDigest(database.db)
    const centre = await editable(a, womensCentreId)
    const refused = await saveService(database.db, a, provider(), centre, centre.service.version).catch(
      (e: unknown) => e,
    )
    expect(refused).toBeInstanceOf(DirectoryPermissionError)
    const hendon = await editable(a, hendonId)
    const moved = await saveService(
      database.db,
      a,
      provider(),
      { ...hendon, service: { ...hendon.service, organisationId: demoOrganisationId('womensNetwork') } },
      hendon.service.version,
    ).catch((e: unknown) => e)
    expect(moved).toBeInstanceOf(DirectoryPermissionError)
    // A provider user without an organisation may change nothing.
    const orphan = await saveService(
      database.db,
      a,
      { ...provider(), providerOrganisationId: null },
      hendon,
      hendon.service.version,
    ).catch((e: unknown) => e)
    expect(orphan).toBeInstanceOf(DirectoryPermissionError)
    expect(await directoryDigest(database.db)).toEqual(before)
  })
})

describe('importing', () => {
  it('importing the same directory twice changes nothing the second time', async () => {
    const scope = await ensureCouncil(database.db, 'E06000001')
    const first = await importDirectory(database.db, scope, commissioner, demoDirectory())
    // Barnet (seeded above) already holds these ids: this council's copies get their own (ADR 0015).
    const renamed = [
      expect.stringMatching(
        /^47 services have ids that another council’s directory already uses, so they were given new ids here/,
      ),
    ]
    expect(first).toEqual({ created: 47, updated: 0, unchanged: 0, warnings: renamed })
    const before = await directoryDigest(database.db)
    const second = await importDirectory(database.db, scope, commissioner, demoDirectory())
    expect(second).toEqual({ created: 0, updated: 0, unchanged: 47, warnings: renamed })
    // Only the audit event of the second import is new.
    const after = await directoryDigest(database.db)
    expect({ ...after, audit_events: '' }).toEqual({ ...before, audit_events: '' })
    expect(Number(after.audit_events)).toBe(Number(before.audit_events) + 1)
  })

  it('refuses a directory that breaks the model, writing nothing', async () => {
    const scope = await ensureCouncil(database.db, 'E06000002')
    const broken = structuredClone(demoDirectory())
    broken.services[0]!.organisationId = stableId('missing')
    const before = await directoryDigest(database.db)
    const error = (await importDirectory(database.db, scope, commissioner, broken).catch(
      (e: unknown) => e,
    )) as DirectoryValidationError
    expect(error).toBeInstanceOf(DirectoryValidationError)
    expect(error.problems[0]!.field).toBe('services.0.organisationId')
    expect(await directoryDigest(database.db)).toEqual(before)
  })
})
