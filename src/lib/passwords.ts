/**
 * Password rules from NIST SP 800-63B and ASVS 6.2: at least 8 characters (15 recommended), at
 * least 128 allowed, no composition rules, no common or context-specific passwords.
 * The blocklist is the 49,000 most common passwords from the zxcvbn-ts project.
 */
import { dictionary } from '@zxcvbn-ts/language-common'

export const MIN_PASSWORD_LENGTH = 8
export const MAX_PASSWORD_LENGTH = 128

const common = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))

/** The demo accounts' password, printed at start and in the README (src/demo/seed.ts). */
export const DEMO_PASSWORD = 'barnet-demo-2026'

function lettersAndDigits(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
}

/**
 * Passwords this project publishes, compared by their letters and digits only (so 'Barnet Demo
 * 2026' is the same): anyone who has read the README knows them (issue 10).
 */
const publishedPasswords = new Set([DEMO_PASSWORD].map(lettersAndDigits))

/** Returns a message saying what is wrong with the password, or null if it may be used. */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  const length = Array.from(password).length // code points, not UTF-16 units
  if (length < MIN_PASSWORD_LENGTH) return `Password must be ${String(MIN_PASSWORD_LENGTH)} characters or more`
  if (length > MAX_PASSWORD_LENGTH) return `Password must be ${String(MAX_PASSWORD_LENGTH)} characters or fewer`
  const lower = password.toLowerCase()
  if (publishedPasswords.has(lettersAndDigits(password)))
    return 'Password is the demo accounts’ password, which anyone can read. Choose one only you know'
  if (common.has(lower)) return 'Password is too common. Choose one that is harder to guess, such as three random words'
  const localPart = context.email?.split('@')[0]?.toLowerCase()
  if ((localPart && localPart.length >= 4 && lower.includes(localPart)) || lower === context.email?.toLowerCase()) {
    return 'Password must not contain your email address'
  }
  if (lower.includes('wtc') && lower.replace(/[^a-z]/g, '').length <= 8)
    return 'Password must not be based on the name of this service'
  return null
}
