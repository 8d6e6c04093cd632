/**
 * Password hashing (argon2id, ASVS 11.4.2: m = 19456 KiB, t = 2, p = 1), TOTP second factor with
 * single-use codes (ASVS 6.5.1) and single-use recovery codes.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib'
import QRCode from 'qrcode'

// algorithm 2 is Argon2id in @node-rs/argon2's const enum (not importable under verbatimModuleSyntax).
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2_OPTIONS)

/** A hash of a random password, verified against when the account does not exist, to keep timing alike. */
let dummyHash: Promise<string> | undefined
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return dummyHash
}

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  try {
    return await verify(storedHash ?? (await dummyPasswordHash()), password)
  } catch {
    return false
  }
}

export const newTotpSecret = (): string => generateSecret({ length: 20 })

export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: "Women's Treatment Commissioning", label: email, secret })
}

export async function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}

/**
 * Checks a 6-digit code, allowing one 30-second step of clock drift either way, and refusing any
 * step at or before the last one used (so a code works once). Returns the step used, or null.
 */
export async function checkTotp(secret: string, code: string, lastStep: number | null): Promise<number | null> {
  const token = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return null
  try {
    const result = await verifyTotp({
      secret,
      token,
      epochTolerance: 30,
      ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
    })
    if (!result.valid) return null
    const step = (result as { timeStep?: number }).timeStep
    return typeof step === 'number' ? step : Math.floor(Date.now() / 30000)
  } catch {
    return null
  }
}

const recoveryAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789'

/** Ten codes of 10 characters from a 31-letter alphabet (about 49 bits each), shown once. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: 10 }, () => {
    let s = ''
    for (let i = 0; i < 10; i++) s += recoveryAlphabet.charAt(randomInt(recoveryAlphabet.length))
    return `${s.slice(0, 5)}-${s.slice(5)}`
  })
}

export const hashRecoveryCode = (code: string): string =>
  createHash('sha256')
    .update(
      code
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9]/g, ''),
    )
    .digest('hex')
