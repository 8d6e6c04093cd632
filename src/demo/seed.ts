/**
 * The demo council: Barnet (E09000003), with one account for each role. Demo accounts are marked
 * as such on every page and are the only accounts that skip the second factor. Later capabilities
 * add their demo data here.
 */
import { and, eq } from 'drizzle-orm'
import { organisations, type Role, users } from '../db/schema/index.js'
import type { Db } from '../platform/db/index.js'
import { ensureCouncil } from '../platform/reference.js'
import { hashPassword } from '../features/auth/credentials.js'
import { createUser } from '../platform/users.js'
import { seedDirectoryDemo } from './directory-seed.js'
import { seedNeedsDemo } from './needs-data.js'
import { seedStandardsDemo } from './standards-seed.js'

export const DEMO_COUNCIL = 'E09000003'
// Defined beside the password rules, which refuse it for real accounts (issue 10).
import { DEMO_PASSWORD } from '../lib/passwords.js'
export { DEMO_PASSWORD }

export const demoAccounts: {
  email: string
  displayName: string
  roles: Role[]
  organisation: 'council' | 'provider'
}[] = [
  {
    email: 'commissioner@barnet.example',
    displayName: 'Demo Commissioner',
    roles: ['commissioner'],
    organisation: 'council',
  },
  { email: 'analyst@barnet.example', displayName: 'Demo Analyst', roles: ['analyst'], organisation: 'council' },
  { email: 'provider@barnet.example', displayName: 'Demo Provider', roles: ['provider'], organisation: 'provider' },
  { email: 'panel@barnet.example', displayName: 'Demo Panel Member', roles: ['panel_member'], organisation: 'council' },
  { email: 'admin@barnet.example', displayName: 'Demo Administrator', roles: ['admin'], organisation: 'council' },
]

export interface DemoSeedResult {
  loaded: boolean
  accounts: { email: string; roles: Role[] }[]
}

/** Loads the demo council when it is not there yet; returns whether it loaded anything. */
export async function seedDemo(db: Db): Promise<DemoSeedResult> {
  const result = await db.transaction(async (tx) => {
    const scope = await ensureCouncil(tx, DEMO_COUNCIL)
    const existing = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.tenantId, scope.tenantId), eq(users.isDemo, true)))
      .limit(1)
    if (existing[0]) {
      return { scope, loaded: false, accounts: demoAccounts.map((a) => ({ email: a.email, roles: a.roles })) }
    }
    const provider = await tx
      .insert(organisations)
      .values({ tenantId: scope.tenantId, kind: 'provider', name: 'Demo treatment provider (not a real service)' })
      .returning({ id: organisations.id })
    const passwordHash = await hashPassword(DEMO_PASSWORD)
    const actor = { userId: null, label: 'wtc seed demo' }
    for (const account of demoAccounts) {
      await createUser(tx, scope, actor, {
        email: account.email,
        displayName: account.displayName,
        passwordHash,
        roles: account.roles,
        isDemo: true,
        ...(account.organisation === 'provider' && provider[0] ? { organisationId: provider[0].id } : {}),
      })
    }
    return { scope, loaded: true, accounts: demoAccounts.map((a) => ({ email: a.email, roles: a.roles })) }
  })
  // The needs data (issue 3) goes in through the importer, which runs its own transaction.
  const needs = await seedNeedsDemo(db, result.scope)
  // The example service directory (issue 4), after the transaction that made the demo provider.
  const directory = await seedDirectoryDemo(db, result.scope)
  // The standards rounds (issue 12) answer for services of that directory.
  const standards = await seedStandardsDemo(db, result.scope)
  return {
    loaded: result.loaded || needs.loaded || directory.loaded || standards.loaded,
    accounts: result.accounts,
  }
}
