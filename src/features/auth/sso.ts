/**
 * Council single sign-on by OpenID Connect (authorisation code flow with PKCE, state and nonce),
 * for a council whose staff sign in with their own identity provider, typically Microsoft Entra ID.
 *
 * - GET /sign-in/sso: discovers the issuer (once per process), keeps state, nonce and PKCE verifier
 *   encrypted in a short-lived `__Host-wtc-sso` cookie, and sends the browser to the provider.
 * - GET /sign-in/sso/callback: openid-client checks state, exchanges the code with the verifier and
 *   validates the ID token (signature, issuer, audience, expiry, nonce); we then check the tenant
 *   claim, find the WTC user by (issuer, subject), or on a first sign-in link the council's user with
 *   the same email, and start a full session: the council's identity provider handles the second
 *   factor (docs/sso.md).
 *
 * Every failure goes back to /sign-in with a short code (`?sso=tenant`) that the sign-in page turns
 * into a plain message, never a 500, and never free text from the URL (that would let anyone put
 * words on our page). Failures after the browser returns are audited as 'sign-in.failure'.
 */
import { and, eq, isNull, sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import * as oidc from 'openid-client'
import type { OidcConfig } from '../../config.js'
import { users } from '../../db/schema/index.js'
import { recordAudit } from '../../platform/audit.js'
import { paths } from '../../platform/paths.js'
import { cookieOptions, loadCurrentUser } from '../../platform/session.js'
import { scopeForCouncilCode, type TenantScope, UnknownCouncilError } from '../../platform/tenancy.js'

export const SSO_COOKIE = '__Host-wtc-sso'
/** Long enough to sign in at the provider (with its own second factor), short enough to be useless later. */
const SSO_TRANSACTION_SECONDS = 600
const SSO_SCOPE = 'openid email profile'
/** Seconds openid-client waits for the provider's discovery, token and key endpoints. */
const PROVIDER_TIMEOUT_SECONDS = 10
/**
 * Per address. A council office may sign in from one address at nine o'clock, and a callback is no
 * use without a fresh code from the provider, so this only blunts floods of token requests.
 */
const SSO_RATE_LIMIT = { max: 60, timeWindow: '1 minute' }

/** The codes the sign-in page understands (src/features/auth/views/sign-in.njk words each one). */
export type SsoProblem =
  'unavailable' | 'expired' | 'cancelled' | 'failed' | 'tenant' | 'no-account' | 'linked-elsewhere' | 'disabled'

/** What the browser carries between the two legs, sealed (AES-256-GCM) so it cannot be read or forged. */
interface PendingSignIn {
  purpose: 'wtc-sso'
  state: string
  nonce: string
  verifier: string
  startedAt: number
}

export const redirectUriFor = (baseUrl: string): string => `${baseUrl}${paths.sso.callback}`

export function registerSsoRoutes(app: FastifyInstance): void {
  const settings = app.config.oidc
  if (!settings) return
  const { db } = app
  const redirectUri = redirectUriFor(app.config.baseUrl)
  const configuration = cachedDiscovery(settings)
  const allowedTenants = new Set(settings.allowedTenants.map((t) => t.toLowerCase()))
  const transactionCookie = { ...cookieOptions, maxAge: SSO_TRANSACTION_SECONDS }

  const sendBack = (reply: FastifyReply, problem: SsoProblem) =>
    reply.redirect(`${paths.signIn}?sso=${encodeURIComponent(problem)}`, 303)

  app.get(
    paths.sso.start,
    { config: { access: { public: true }, rateLimit: SSO_RATE_LIMIT } },
    async (request, reply) => {
      if (request.currentUser) return reply.redirect(paths.home, 303)
      let provider: oidc.Configuration
      try {
        provider = await configuration()
      } catch (err) {
        request.log.warn({ err }, 'single sign-on: the identity provider could not be discovered')
        return sendBack(reply, 'unavailable')
      }
      const pending: PendingSignIn = {
        purpose: 'wtc-sso',
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier: oidc.randomPKCECodeVerifier(),
        startedAt: Date.now(),
      }
      const authorizationUrl = oidc.buildAuthorizationUrl(provider, {
        redirect_uri: redirectUri,
        scope: SSO_SCOPE,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
      })
      reply.setCookie(SSO_COOKIE, app.secretBox.seal(JSON.stringify(pending)), transactionCookie)
      return reply.redirect(authorizationUrl.href, 303)
    },
  )

  app.get(
    paths.sso.callback,
    { config: { access: { public: true }, logUrlAs: 'route', rateLimit: SSO_RATE_LIMIT } },
    async (request, reply) => {
      // One use only, whatever happens next.
      reply.clearCookie(SSO_COOKIE, cookieOptions)
      let council: TenantScope | null = null
      const refuse = async (
        problem: SsoProblem,
        reason: string,
        more: { userId?: string; details?: Record<string, unknown> } = {},
      ) => {
        await recordAudit(db, {
          action: 'sign-in.failure',
          tenantId: council?.tenantId ?? null,
          actor: { userId: more.userId ?? null, label: 'anonymous' },
          ...(more.userId ? { subjectType: 'user', subjectId: more.userId } : {}),
          details: { method: 'sso', reason, ...more.details },
        })
        return sendBack(reply, problem)
      }
      try {
        council = await scopeForCouncilCode(db, settings.councilCode).catch((err: unknown) => {
          if (err instanceof UnknownCouncilError) return null
          throw err
        })
        if (!council) {
          request.log.error({ council: settings.councilCode }, 'single sign-on: OIDC_COUNCIL names no council in WTC')
          return await refuse('unavailable', 'council-not-set-up')
        }
        const pending = openPending(app, request)
        if (!pending) return await refuse('expired', 'no-transaction')

        let provider: oidc.Configuration
        try {
          provider = await configuration()
        } catch (err) {
          request.log.warn({ err }, 'single sign-on: the identity provider could not be discovered')
          return await refuse('unavailable', 'discovery-failed')
        }

        // The URL the provider sent the browser to, rebuilt on our public address (we may be behind
        // a proxy), so the redirect_uri sent with the code matches the one in the request exactly.
        const callbackUrl = new URL(redirectUri)
        callbackUrl.search = new URL(request.url, 'http://callback.invalid').search
        let claims: oidc.IDToken | undefined
        try {
          const tokens = await oidc.authorizationCodeGrant(provider, callbackUrl, {
            expectedState: pending.state,
            expectedNonce: pending.nonce,
            pkceCodeVerifier: pending.verifier,
            idTokenExpected: true,
          })
          claims = tokens.claims()
        } catch (err) {
          if (err instanceof oidc.AuthorizationResponseError) {
            // The provider said no (the person cancelled, or a policy at the provider refused them).
            return await refuse('cancelled', 'provider-refused', { details: { error: err.error.slice(0, 64) } })
          }
          request.log.warn({ err }, 'single sign-on: the authorisation response or ID token was not accepted')
          return await refuse('failed', 'response-not-accepted', { details: { error: errorCode(err) } })
        }
        if (!claims) return await refuse('failed', 'no-id-token')

        const tenant = claims[settings.tenantClaim]
        if (typeof tenant !== 'string' || !allowedTenants.has(tenant.toLowerCase())) {
          return await refuse('tenant', 'tenant-not-allowed', {
            details: { tenant: typeof tenant === 'string' ? tenant : null },
          })
        }

        const issuer = claims.iss
        const subject = claims.sub
        let user = (
          await db
            .select()
            .from(users)
            .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject)))
            .limit(1)
        )[0]
        if (user && user.tenantId !== council.tenantId)
          return await refuse('no-account', 'linked-user-of-another-council', { userId: user.id })

        if (!user) {
          const email = emailFrom(claims)
          if (!email) return await refuse('no-account', 'no-email-claim')
          const candidate = (
            await db
              .select()
              .from(users)
              .where(and(eq(users.tenantId, council.tenantId), sql`lower(${users.email}) = ${email.toLowerCase()}`))
              .limit(1)
          )[0]
          if (!candidate || candidate.isDemo) return await refuse('no-account', 'unknown-account')
          if (candidate.disabledAt) return await refuse('disabled', 'disabled', { userId: candidate.id })
          if (candidate.oidcSubject !== null)
            return await refuse('linked-elsewhere', 'linked-to-another-identity', { userId: candidate.id })
          const scope = council
          // First single sign-on: link the account, only if nobody linked or disabled it meanwhile.
          user = await db.transaction(async (tx) => {
            const linked = await tx
              .update(users)
              .set({ oidcIssuer: issuer, oidcSubject: subject })
              .where(and(eq(users.id, candidate.id), isNull(users.oidcSubject), isNull(users.disabledAt)))
              .returning()
            const row = linked[0]
            if (!row) return undefined
            await recordAudit(tx, {
              action: 'user.sso.link',
              tenantId: scope.tenantId,
              actor: { userId: row.id, label: row.email },
              subjectType: 'user',
              subjectId: row.id,
              details: { issuer },
            })
            return row
          })
          if (!user) return await refuse('failed', 'link-not-made', { userId: candidate.id })
        }

        if (user.disabledAt) return await refuse('disabled', 'disabled', { userId: user.id })
        const current = await loadCurrentUser(db, user.id)
        if (!current) return await refuse('failed', 'user-not-loadable', { userId: user.id })

        await app.sessions.start(request, reply, user, 'full', 'sso')
        await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id))
        await recordAudit(db, {
          action: 'sign-in.success',
          tenantId: user.tenantId,
          actor: { userId: user.id, label: user.email },
          details: { method: 'sso', secondFactor: 'identity-provider' },
        })
        return await reply.redirect(paths.home, 303)
      } catch (err) {
        request.log.error({ err }, 'single sign-on: the callback failed')
        try {
          return await refuse('failed', 'error')
        } catch {
          return sendBack(reply, 'failed')
        }
      }
    },
  )
}

/** The sealed transaction from the first leg, or null when missing, forged, for another purpose or too old. */
function openPending(app: FastifyInstance, request: FastifyRequest): PendingSignIn | null {
  const sealed = request.cookies[SSO_COOKIE]
  if (!sealed || sealed.length > 2000) return null
  try {
    const value = JSON.parse(app.secretBox.open(sealed)) as Partial<PendingSignIn>
    if (value.purpose !== 'wtc-sso' || typeof value.state !== 'string' || typeof value.nonce !== 'string') return null
    if (typeof value.verifier !== 'string' || typeof value.startedAt !== 'number') return null
    // The cookie's Max-Age is only advice to the browser; the sealed start time is the real limit.
    if (Date.now() - value.startedAt > SSO_TRANSACTION_SECONDS * 1000) return null
    return value as PendingSignIn
  } catch {
    return null
  }
}

/**
 * Discovery is done on first use and kept; a failure is not kept, so the next attempt tries again
 * (the provider may only have been unreachable for a moment).
 */
function cachedDiscovery(settings: OidcConfig): () => Promise<oidc.Configuration> {
  let cached: Promise<oidc.Configuration> | undefined
  return () => {
    cached ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, undefined, oidc.ClientSecretPost(settings.clientSecret), {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        ...(settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((err: unknown) => {
        cached = undefined
        throw err
      })
    return cached
  }
}

/**
 * The email address to match on a first sign-in. Entra ID sends `email` only when the account has a
 * mailbox address set; `preferred_username` (usually the user principal name) is the fallback. An
 * `email` the provider itself marks unverified is not used.
 */
function emailFrom(claims: oidc.IDToken): string | null {
  const candidates = [claims.email_verified === false ? undefined : claims.email, claims.preferred_username, claims.upn]
  for (const value of candidates) {
    if (typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value.trim()) && value.length <= 254) return value.trim()
  }
  return null
}

/** A short, non-secret name for why openid-client refused a response, for the audit trail. */
function errorCode(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError) return `token-endpoint:${err.error}`
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code
  return 'unknown'
}
