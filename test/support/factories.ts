/**
 * Test-data factories, in one place (issue 9): councils, organisations (provider accounts and
 * directory organisations), directory services, users with known passwords and TOTP secrets,
 * signed-in sessions for route tests, and needs imports. Everything is written through the
 * product's own repositories, so a factory-made record is one the product could have made.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { generateSync } from 'otplib'
import { memberships, organisations, type Role, users } from '../../src/db/schema/index.js'
import { hashPassword, newTotpSecret } from '../../src/features/auth/credentials.js'
import type { DayOfWeek, Location, Schedule, Service } from '../../src/features/directory/model.js'
import {
  type DirectoryActor,
  saveOrganisation,
  saveService,
  type ServiceInput,
} from '../../src/features/directory/repository.js'
import { type ImportKind, type ImportSummary, importFile } from '../../src/features/needs/importers/index.js'
import { createUser } from '../../src/platform/users.js'
import type { Db } from '../../src/platform/db/index.js'
import { ensureCouncil } from '../../src/platform/reference.js'
import type { SecretBox } from '../../src/platform/secrets.js'
import type { TenantScope } from '../../src/platform/tenancy.js'

/** Barnet: the council most tests use. */
export const BARNET = 'E09000003'

/** A council (tenant) by its GSS code, created with its council organisation on first use. */
export function makeCouncil(db: Db, areaCode: string = BARNET): Promise<TenantScope> {
  return ensureCouncil(db, areaCode)
}

export const TEST_PASSWORD = 'correct horse battery staple'
let cachedHash: Promise<string> | undefined
const testHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD))

export interface TestUser {
  id: string
  email: string
  roles: Role[]
  scope: TenantScope
  /** Base32 TOTP secret when the user has a second factor. */
  totpSecret?: string
}

let counter = 0

export async function makeUser(
  db: Db,
  secretBox: SecretBox,
  opts: { council?: string; roles: Role[]; totp?: boolean; demo?: boolean; email?: string },
): Promise<TestUser> {
  const scope = await ensureCouncil(db, opts.council ?? 'E09000003')
  counter += 1
  const email =
    opts.email ?? `user${String(counter)}-${opts.roles.join('-') || 'none'}@${scope.areaCode.toLowerCase()}.example`
  const user = await createUser(
    db,
    scope,
    { userId: null, label: 'test' },
    {
      email,
      displayName: `Test User ${String(counter)}`,
      passwordHash: await testHash(),
      roles: opts.roles,
      isDemo: opts.demo ?? false,
    },
  )
  const result: TestUser = { id: user.id, email, roles: opts.roles, scope }
  if (opts.totp) {
    const secret = newTotpSecret()
    await db
      .update(users)
      .set({ totpSecret: secretBox.seal(secret), totpEnabledAt: new Date() })
      .where(eq(users.id, user.id))
    result.totpSecret = secret
  }
  return result
}

/** The current TOTP code, computed independently of the app's own verification code path. */
export function totpCode(secret: string, epochSeconds = Math.floor(Date.now() / 1000)): string {
  return generateSync({ secret, epoch: epochSeconds })
}

/** Who writes factory-made directory records: a commissioner with no user row. */
export const SEED_ACTOR: DirectoryActor = { userId: null, label: 'test seed', role: 'commissioner' }

/** A provider (or partner) account organisation: the body users belong to, not a directory entry. */
export async function makeProviderOrganisation(
  db: Db,
  scope: TenantScope,
  name: string,
  kind: 'provider' | 'partner' = 'provider',
): Promise<string> {
  const rows = await db
    .insert(organisations)
    .values({ tenantId: scope.tenantId, kind, name })
    .returning({ id: organisations.id })
  const id = rows[0]?.id
  if (!id) throw new Error(`no id for the organisation ${name}`)
  return id
}

/** A member of a provider organisation (adds the membership a provider user needs). */
export async function addMembership(
  db: Db,
  scope: TenantScope,
  userId: string,
  organisationId: string,
  role: Role = 'provider',
): Promise<void> {
  await db.insert(memberships).values({ tenantId: scope.tenantId, userId, organisationId, role })
}

/** A directory organisation (the public listing), optionally owned by a provider organisation. */
export async function makeDirectoryOrganisation(
  db: Db,
  scope: TenantScope,
  opts: { name: string; owner?: string | null; id?: string; description?: string },
): Promise<string> {
  const id = opts.id ?? randomUUID()
  await saveOrganisation(
    db,
    scope,
    SEED_ACTOR,
    { id, name: opts.name, description: opts.description ?? `${opts.name}, for the tests.` },
    { ownerOrganisationId: opts.owner ?? null },
  )
  return id
}

/** One weekly session: day, start, end, women only. */
export type SessionSpec = [DayOfWeek, string, string, boolean]

export interface ServiceSpec {
  name: string
  organisationId: string
  id?: string
  description?: string
  serviceType?: Service['serviceType']
  features?: Service['features']
  substances?: Service['substances']
  status?: Service['status']
  internalNotes?: string
  /** Service area names. */
  areas?: string[]
  /** Sessions at the one place; with `place: null` the service has no place at all. */
  sessions?: SessionSpec[]
  place?: Partial<Location> | null
}

/** A service input as the edit form would build it (in memory; nothing is written). */
export function buildServiceInput(spec: ServiceSpec): ServiceInput {
  const features = spec.features ?? []
  const salId = randomUUID()
  const schedules: Schedule[] = (spec.sessions ?? []).map(([dayOfWeek, start, end, womenOnly]) => ({
    id: randomUUID(),
    serviceAtLocationId: salId,
    dayOfWeek,
    start,
    end,
    womenOnly,
    mode: 'in_person',
  }))
  return {
    service: {
      id: spec.id ?? randomUUID(),
      organisationId: spec.organisationId,
      name: spec.name,
      description: spec.description ?? `${spec.name}: a service for the tests.`,
      status: spec.status ?? 'published',
      serviceType: spec.serviceType ?? 'community-treatment',
      substances: spec.substances ?? [],
      features,
      internalNotes: spec.internalNotes ?? '',
      contacts: [],
      serviceAreas: (spec.areas ?? []).map((name) => ({ id: randomUUID(), name })),
      eligibility: { womenOnly: features.includes('women-only-service') },
      version: 1,
    },
    places:
      spec.place === null
        ? []
        : [
            {
              serviceAtLocationId: salId,
              location: {
                id: randomUUID(),
                name: `${spec.name} building`,
                addressLine1: '1 Test Street',
                town: 'London',
                postcode: 'NW4 4BG',
                latitude: 51.59,
                longitude: -0.22,
                accessibility: [],
                ...spec.place,
              },
              schedules,
            },
          ],
  }
}

/** A directory service written through the repository; returns its id. */
export async function makeService(db: Db, scope: TenantScope, spec: ServiceSpec): Promise<string> {
  const input = buildServiceInput(spec)
  await saveService(db, scope, SEED_ACTOR, input, null)
  return input.service.id
}

/** What a route-test context offers for sessions (test/support/app.ts's TestContext has both). */
interface SessionHost<Client> {
  user(opts: Parameters<typeof makeUser>[2]): Promise<TestUser>
  signedIn(user: TestUser): Promise<Client>
}

/**
 * A user session for a route test: a new user of the council with the roles (and a second
 * factor, as the app requires of signed-in staff), and a client signed in as them.
 */
export async function makeSession<Client>(
  ctx: SessionHost<Client>,
  opts: { council?: string; roles: Role[]; totp?: boolean; email?: string; demo?: boolean },
): Promise<{ user: TestUser; client: Client }> {
  const user = await ctx.user({ totp: true, ...opts })
  return { user, client: await ctx.signedIn(user) }
}

/** A provider user who belongs to the provider organisation, signed in. */
export async function makeProviderSession<Client>(
  ctx: SessionHost<Client> & { database: { db: Db } },
  scope: TenantScope,
  providerId: string,
): Promise<{ user: TestUser; client: Client }> {
  const created = await ctx.user({ council: scope.areaCode, roles: [], totp: true })
  await addMembership(ctx.database.db, scope, created.id, providerId)
  const user: TestUser = { ...created, roles: ['provider'] }
  return { user, client: await ctx.signedIn(user) }
}

/**
 * A needs import of a CSV file's text, through the importer as the upload job runs it. The file is
 * written to a new temp folder; the summary is what the importer returns.
 */
export async function makeImport(
  db: Db,
  scope: TenantScope,
  opts: { kind: ImportKind; content: string | Buffer; fileName?: string; userId?: string | null },
): Promise<ImportSummary> {
  const fileName = opts.fileName ?? `${opts.kind}.csv`
  const filePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'wtc-factory-import-')), fileName)
  writeFileSync(filePath, opts.content)
  return importFile(db, scope, { kind: opts.kind, filePath, fileName, userId: opts.userId ?? null })
}
