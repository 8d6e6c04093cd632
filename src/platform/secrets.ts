/**
 * The instance secret keys CSRF tokens and encrypts second-factor secrets at rest (AES-256-GCM).
 * In production it must come from SECRET_KEY; elsewhere one is generated once and kept in the
 * database so restarts keep working.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { instanceSettings } from '../db/schema/index.js'
import type { DbOrTx } from './db/index.js'

export async function resolveSecretKey(db: DbOrTx, configured: string | undefined): Promise<string> {
  if (configured) return configured
  const rows = await db.select().from(instanceSettings).where(eq(instanceSettings.key, 'generated_secret_key'))
  if (rows[0]) return rows[0].value
  const generated = randomBytes(48).toString('base64url')
  await db.insert(instanceSettings).values({ key: 'generated_secret_key', value: generated }).onConflictDoNothing()
  const again = await db.select().from(instanceSettings).where(eq(instanceSettings.key, 'generated_secret_key'))
  return again[0]?.value ?? generated
}

export class SecretBox {
  private readonly key: Buffer
  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'wtc-secret-box', 'totp-secrets', 32))
  }

  seal(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
      '.',
    )
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.')
    if (version !== 'v1' || !iv || !tag || !body) throw new Error('Sealed value is not in a known format')
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  }
}
