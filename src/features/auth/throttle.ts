/**
 * Brute-force protection (ASVS 6.3.1): failures are counted per email address, whether or not an
 * account exists, so the lock and its message reveal nothing about which accounts exist. While
 * locked, even the right password is refused.
 */
import { createHash } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { signInThrottle } from '../../db/schema/index.js'
import type { DbOrTx } from '../../platform/db/index.js'

export interface ThrottlePolicy {
  maxFailures: number
  lockSeconds: number
}

export const throttleKey = (scope: 'password' | 'second-factor', identifier: string): string =>
  createHash('sha256').update(`${scope}:${identifier.trim().toLowerCase()}`).digest('hex')

export async function lockedUntil(db: DbOrTx, key: string): Promise<Date | null> {
  const rows = await db.select().from(signInThrottle).where(eq(signInThrottle.keyHash, key)).limit(1)
  const until = rows[0]?.lockedUntil
  return until && until.getTime() > Date.now() ? until : null
}

/** Counts a failure; returns true when this failure locked the key. */
export async function recordFailure(db: DbOrTx, key: string, policy: ThrottlePolicy): Promise<boolean> {
  const window = sql`make_interval(secs => ${policy.lockSeconds})`
  const rows = await db
    .insert(signInThrottle)
    .values({ keyHash: key, failures: 1, windowStartedAt: new Date() })
    .onConflictDoUpdate({
      target: signInThrottle.keyHash,
      set: {
        failures: sql`CASE WHEN ${signInThrottle.windowStartedAt} < now() - ${window} THEN 1 ELSE ${signInThrottle.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${signInThrottle.windowStartedAt} < now() - ${window} THEN now() ELSE ${signInThrottle.windowStartedAt} END`,
      },
    })
    .returning({ failures: signInThrottle.failures })
  const failures = rows[0]?.failures ?? 1
  if (failures >= policy.maxFailures) {
    await db
      .update(signInThrottle)
      .set({ lockedUntil: new Date(Date.now() + policy.lockSeconds * 1000), failures: 0, windowStartedAt: new Date() })
      .where(eq(signInThrottle.keyHash, key))
    return true
  }
  return false
}

export async function clearFailures(db: DbOrTx, key: string): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.keyHash, key))
}
