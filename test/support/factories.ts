/** Test-data factories: councils, organisations and users with known passwords and TOTP secrets. */
import { eq } from 'drizzle-orm'
import { generateSync } from 'otplib'
import { type Role, users } from '../../src/db/schema/index.js'
import { hashPassword, newTotpSecret } from '../../src/features/auth/credentials.js'
import { createUser } from '../../src/features/users/repository.js'
import type { Db } from '../../src/platform/db/index.js'
import { ensureCouncil } from '../../src/platform/reference.js'
import type { SecretBox } from '../../src/platform/secrets.js'
import type { TenantScope } from '../../src/platform/tenancy.js'

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
