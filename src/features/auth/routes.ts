/**
 * Sign-in with email and password, second factor (TOTP or a recovery code), enrolment, sign-out,
 * session extension, and accepting an invitation.
 */
import { and, eq, isNull, lt, or } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { recoveryCodes, type Role, users } from '../../db/schema/index.js'
import { staffRoles } from '../../platform/access.js'
import { recordAudit } from '../../platform/audit.js'
import { parseForm } from '../../platform/forms.js'
import { paths, safeNext } from '../../platform/paths.js'
import { loadCurrentUser } from '../../platform/session.js'
import { tenantScope } from '../../platform/tenancy.js'
import { organisations } from '../../db/schema/index.js'
import { passwordProblem } from '../../lib/passwords.js'
import {
  claimInvitation,
  createUser,
  DuplicateEmailError,
  findUsableInvitationByToken,
  findUserByEmailForSignIn,
} from '../../platform/users.js'
import {
  checkTotp,
  hashPassword,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  totpQrSvg,
  totpUri,
  verifyPassword,
} from './credentials.js'
import { clearFailures, lockedUntil, recordFailure, throttleKey } from './throttle.js'

const V = 'features/auth/views'

/** Staff roles must use a second factor; a panel member alone may choose not to (docs/adr/0005). */
export const requiresSecondFactor = (roles: readonly Role[]): boolean => roles.some((r) => staffRoles.includes(r))

const signInSchema = z
  .object({
    email: z
      .string()
      .trim()
      .min(1, 'Enter your email address')
      .max(254, 'Email address must be 254 characters or fewer'),
    password: z.string().min(1, 'Enter your password').max(1024, 'Password must be 1024 characters or fewer'),
    next: z.string().max(500).optional(),
  })
  .strict()

const codeSchema = z
  .object({
    code: z
      .string()
      .trim()
      .min(1, 'Enter the 6-digit code from your authenticator app')
      .max(20, 'Enter the 6-digit code from your authenticator app'),
  })
  .strict()

const recoverySchema = z
  .object({
    recoveryCode: z
      .string()
      .trim()
      .min(1, 'Enter one of your recovery codes')
      .max(40, 'Enter one of your recovery codes'),
  })
  .strict()

const acceptSchema = z
  .object({
    displayName: z.string().trim().min(1, 'Enter your name').max(100, 'Name must be 100 characters or fewer'),
    password: z.string().max(1024, 'Password must be 128 characters or fewer'),
    confirmPassword: z.string().max(1024),
  })
  .strict()

const extendSchema = z.object({ returnTo: z.string().max(500).optional() }).strict()

const SIGN_IN_FAILED =
  'Enter a correct email address and password. After several wrong attempts an account is locked for a while.'
const CODE_FAILED = 'The code is not correct or has already been used. Wait for a new code and try again.'

function lockedMessage(until: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60000))
  return `Too many attempts. For your security, signing in with this email address is paused. Try again in ${String(minutes)} minute${minutes === 1 ? '' : 's'}.`
}

function formError(field: string, text: string) {
  return { summary: [{ text, href: `#${field}` }], fields: { [field]: { text } } }
}

export function registerAuthRoutes(app: FastifyInstance): void {
  const { db, config } = app
  const policy = config.signIn

  app.get(paths.signIn, { config: { access: { public: true } } }, async (request, reply) => {
    if (request.currentUser) return reply.redirect(paths.home, 303)
    const query = request.query as Record<string, string | undefined>
    return reply.view(`${V}/sign-in.njk`, {
      pageTitle: 'Sign in',
      next: safeNext(query.next, ''),
      timedOut: request.sessionEnded !== null || query.timedOut === '1',
      ssoEnabled: Boolean(config.oidc),
      ssoError: query.sso,
    })
  })

  app.post(
    paths.signIn,
    { config: { access: { public: true }, rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const form = parseForm(signInSchema, request.body)
      const render = (errors: ReturnType<typeof formError>, values: Record<string, unknown>) =>
        reply.code(400).view(`${V}/sign-in.njk`, {
          pageTitle: 'Sign in',
          errors,
          values,
          next: safeNext(values.next, ''),
          ssoEnabled: Boolean(config.oidc),
        })
      if (!form.ok) return render(form.errors, form.values)
      const { email, password } = form.data
      const key = throttleKey('password', email)
      const user = await findUserByEmailForSignIn(db, email)
      // Hash the password even when locked or unknown, so timing does not tell them apart.
      const passwordOk = await verifyPassword(user?.passwordHash ?? null, password)
      const locked = await lockedUntil(db, key)
      if (locked) {
        await recordAudit(db, {
          action: 'sign-in.failure',
          tenantId: user?.tenantId ?? null,
          actor: { userId: user?.id ?? null, label: 'anonymous' },
          details: { reason: 'locked' },
        })
        return render(formError('email', lockedMessage(locked)), { email })
      }
      if (!user || !passwordOk || user.disabledAt) {
        const nowLocked = await recordFailure(db, key, policy)
        await recordAudit(db, {
          action: 'sign-in.failure',
          tenantId: user?.tenantId ?? null,
          actor: { userId: user?.id ?? null, label: 'anonymous' },
          ...(user ? { subjectType: 'user', subjectId: user.id } : {}),
          details: {
            reason: !user ? 'unknown-account' : user.disabledAt ? 'disabled' : 'wrong-password',
            locked: nowLocked,
          },
        })
        return render(formError('email', SIGN_IN_FAILED), { email })
      }
      await clearFailures(db, key)
      const current = await loadCurrentUser(db, user.id)
      if (!current) return render(formError('email', SIGN_IN_FAILED), { email })
      const next = safeNext(form.data.next)
      if (user.isDemo || (!user.totpEnabledAt && !requiresSecondFactor(current.roles))) {
        await app.sessions.start(request, reply, user, 'full')
        await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id))
        await recordAudit(db, {
          action: 'sign-in.success',
          tenantId: user.tenantId,
          actor: { userId: user.id, label: user.email },
          details: { method: 'password', secondFactor: false, demo: user.isDemo },
        })
        return reply.redirect(next, 303)
      }
      const stage = user.totpEnabledAt ? 'second-factor' : 'enrol'
      await app.sessions.start(request, reply, user, stage)
      await recordAudit(db, {
        action: 'sign-in.password-accepted',
        tenantId: user.tenantId,
        actor: { userId: user.id, label: user.email },
        details: { next: stage },
      })
      return reply.redirect(stage === 'enrol' ? paths.enrol : paths.secondFactor, 303)
    },
  )

  // Second factor

  app.get(paths.secondFactor, { config: { access: { stage: 'second-factor' } } }, async (_request, reply) =>
    reply.view(`${V}/second-factor.njk`, { pageTitle: 'Enter your security code' }),
  )

  const finishSignIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    tenantId: string,
    method: string,
  ) => {
    await app.sessions.start(request, reply, { id: userId, tenantId }, 'full')
    await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, userId))
    await recordAudit(db, {
      action: 'sign-in.success',
      tenantId,
      actor: { userId, label: 'user' },
      details: { method: 'password', secondFactor: method },
    })
    return reply.redirect(paths.home, 303)
  }

  const secondFactorUser = async (request: FastifyRequest) => {
    const rows = await db
      .select()
      .from(users)
      .where(eq(users.id, request.session?.userId ?? '00000000-0000-0000-0000-000000000000'))
      .limit(1)
    return rows[0] ?? null
  }

  app.post(
    paths.secondFactor,
    { config: { access: { stage: 'second-factor' }, rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const form = parseForm(codeSchema, request.body)
      const render = (errors: ReturnType<typeof formError>) =>
        reply.code(400).view(`${V}/second-factor.njk`, { pageTitle: 'Enter your security code', errors })
      if (!form.ok) return render(form.errors)
      const user = await secondFactorUser(request)
      if (!user?.totpSecret) return reply.redirect(paths.signIn, 303)
      const key = throttleKey('second-factor', user.id)
      const locked = await lockedUntil(db, key)
      if (locked) return render(formError('code', lockedMessage(locked)))
      const step = await checkTotp(app.secretBox.open(user.totpSecret), form.data.code, user.totpLastStep)
      // Record the step only if no other request used it first (single use under concurrency).
      const claimed =
        step !== null &&
        (
          await db
            .update(users)
            .set({ totpLastStep: step })
            .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
            .returning({ id: users.id })
        ).length === 1
      if (!claimed) {
        await recordFailure(db, key, policy)
        await recordAudit(db, {
          action: 'sign-in.second-factor.failure',
          tenantId: user.tenantId,
          actor: { userId: user.id, label: user.email },
          subjectType: 'user',
          subjectId: user.id,
        })
        return render(formError('code', CODE_FAILED))
      }
      await clearFailures(db, key)
      return finishSignIn(request, reply, user.id, user.tenantId, 'totp')
    },
  )

  app.get(paths.recoveryCode, { config: { access: { stage: 'second-factor' } } }, async (_request, reply) =>
    reply.view(`${V}/recovery-code.njk`, { pageTitle: 'Use a recovery code' }),
  )

  app.post(
    paths.recoveryCode,
    { config: { access: { stage: 'second-factor' }, rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const form = parseForm(recoverySchema, request.body)
      const render = (errors: ReturnType<typeof formError>) =>
        reply.code(400).view(`${V}/recovery-code.njk`, { pageTitle: 'Use a recovery code', errors })
      if (!form.ok) return render(form.errors)
      const user = await secondFactorUser(request)
      if (!user) return reply.redirect(paths.signIn, 303)
      const key = throttleKey('second-factor', user.id)
      const locked = await lockedUntil(db, key)
      if (locked) return render(formError('recoveryCode', lockedMessage(locked)))
      const used = await db
        .update(recoveryCodes)
        .set({ usedAt: new Date() })
        .where(
          and(
            eq(recoveryCodes.userId, user.id),
            eq(recoveryCodes.codeHash, hashRecoveryCode(form.data.recoveryCode)),
            isNull(recoveryCodes.usedAt),
          ),
        )
        .returning({ id: recoveryCodes.id })
      if (used.length !== 1) {
        await recordFailure(db, key, policy)
        await recordAudit(db, {
          action: 'sign-in.second-factor.failure',
          tenantId: user.tenantId,
          actor: { userId: user.id, label: user.email },
          details: { method: 'recovery-code' },
        })
        return render(formError('recoveryCode', 'That recovery code is not correct or has already been used.'))
      }
      await clearFailures(db, key)
      return finishSignIn(request, reply, user.id, user.tenantId, 'recovery-code')
    },
  )

  // Enrolment of the second factor

  const enrolPage = async (request: FastifyRequest, reply: FastifyReply, errors?: ReturnType<typeof formError>) => {
    const user = await secondFactorUser(request)
    if (!user) return reply.redirect(paths.signIn, 303)
    let sealed = user.totpEnabledAt ? null : user.totpSecret
    if (!sealed) {
      sealed = app.secretBox.seal(newTotpSecret())
      await db
        .update(users)
        .set({ totpSecret: sealed })
        .where(and(eq(users.id, user.id), isNull(users.totpEnabledAt)))
    }
    const secret = app.secretBox.open(sealed)
    const uri = totpUri(secret, user.email)
    return reply.code(errors ? 400 : 200).view(`${V}/enrol.njk`, {
      pageTitle: 'Set up your security codes',
      qrSvg: await totpQrSvg(uri),
      secret: secret.replace(/(.{4})/g, '$1 ').trim(),
      errors,
    })
  }

  app.get(paths.enrol, { config: { access: { stage: 'enrol' } } }, async (request, reply) => enrolPage(request, reply))

  app.post(
    paths.enrol,
    { config: { access: { stage: 'enrol' }, rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const form = parseForm(codeSchema, request.body)
      if (!form.ok) return enrolPage(request, reply, form.errors)
      const user = await secondFactorUser(request)
      if (!user?.totpSecret) return reply.redirect(paths.signIn, 303)
      const step = await checkTotp(app.secretBox.open(user.totpSecret), form.data.code, user.totpLastStep)
      if (step === null) return enrolPage(request, reply, formError('code', CODE_FAILED))
      const codes = newRecoveryCodes()
      await db.transaction(async (tx) => {
        await tx.update(users).set({ totpEnabledAt: new Date(), totpLastStep: step }).where(eq(users.id, user.id))
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id))
        await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId: user.id, codeHash: hashRecoveryCode(c) })))
        await recordAudit(tx, {
          action: 'user.second-factor.enrol',
          tenantId: user.tenantId,
          actor: { userId: user.id, label: user.email },
          subjectType: 'user',
          subjectId: user.id,
        })
      })
      await app.sessions.start(request, reply, user, 'full')
      await recordAudit(db, {
        action: 'sign-in.success',
        tenantId: user.tenantId,
        actor: { userId: user.id, label: user.email },
        details: { method: 'password', secondFactor: 'totp-enrolment' },
      })
      // Shown once, in the response to the POST: they are never stored in a readable form.
      return reply.view(`${V}/recovery-codes.njk`, { pageTitle: 'Save your recovery codes', codes })
    },
  )

  // Sign-out and session extension

  app.post(paths.signOut, { config: { access: { public: true } } }, async (request, reply) => {
    const session = request.session
    if (session) {
      const user = request.currentUser
      await app.sessions.end(request, reply)
      await recordAudit(db, {
        action: 'sign-out',
        tenantId: user?.scope.tenantId ?? null,
        actor: { userId: session.userId, label: user?.email ?? 'user' },
      })
    }
    reply.header('clear-site-data', '"cache", "cookies", "storage"')
    return reply.redirect(paths.signedOut, 303)
  })

  app.get(paths.signedOut, { config: { access: { public: true } } }, async (_request, reply) =>
    reply.view(`${V}/signed-out.njk`, { pageTitle: 'You have signed out' }),
  )

  app.post(paths.extendSession, { config: { access: { signedIn: true } } }, async (request, reply) => {
    const form = parseForm(extendSchema, request.body)
    await app.sessions.touch(request)
    const age = (Date.now() - (request.session?.createdAt.getTime() ?? Date.now())) / 1000
    const remaining = Math.floor(Math.min(config.session.idleSeconds, config.session.absoluteSeconds - age))
    if ((request.headers.accept ?? '').includes('application/json')) return reply.send({ remaining })
    return reply.redirect(safeNext(form.ok ? form.data.returnTo : undefined), 303)
  })

  // Invitations

  app.get(
    '/invitations/:token',
    { config: { access: { public: true }, logUrlAs: 'route' } },
    async (request, reply) => {
      const { token } = request.params as { token: string }
      const invitation = await findUsableInvitationByToken(db, token)
      if (!invitation)
        return reply.code(404).view(`${V}/invitation-invalid.njk`, { pageTitle: 'This invitation link does not work' })
      return reply.view(`${V}/accept-invitation.njk`, {
        pageTitle: 'Create your account',
        invitation,
        values: { displayName: invitation.displayName },
        token,
      })
    },
  )

  app.post(
    '/invitations/:token',
    { config: { access: { public: true }, logUrlAs: 'route', rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const { token } = request.params as { token: string }
      const invitation = await findUsableInvitationByToken(db, token)
      if (!invitation)
        return reply.code(404).view(`${V}/invitation-invalid.njk`, { pageTitle: 'This invitation link does not work' })
      const form = parseForm(acceptSchema, request.body)
      const render = (errors: ReturnType<typeof formError>, values: Record<string, unknown>) =>
        reply.code(400).view(`${V}/accept-invitation.njk`, {
          pageTitle: 'Create your account',
          invitation,
          errors,
          values: { displayName: values.displayName },
          token,
        })
      if (!form.ok) return render(form.errors, form.values)
      const problem = passwordProblem(form.data.password, { email: invitation.email, name: form.data.displayName })
      if (problem) return render(formError('password', problem), form.data)
      if (form.data.password !== form.data.confirmPassword)
        return render(formError('confirmPassword', 'The passwords do not match'), form.data)
      const council = (
        await db.select().from(organisations).where(eq(organisations.id, invitation.tenantId)).limit(1)
      )[0]
      if (!council?.areaCode)
        return reply.code(404).view(`${V}/invitation-invalid.njk`, { pageTitle: 'This invitation link does not work' })
      const scope = tenantScope({ id: council.id, areaCode: council.areaCode, name: council.name })
      const passwordHash = await hashPassword(form.data.password)
      let userId: string
      try {
        userId = await db.transaction(async (tx) => {
          // Claim the invitation first so two submissions cannot both create an account.
          if (!(await claimInvitation(tx, token))) throw new DuplicateEmailError()
          const user = await createUser(
            tx,
            scope,
            { userId: null, label: invitation.email },
            {
              email: invitation.email,
              displayName: form.data.displayName,
              passwordHash,
              roles: [invitation.role],
              organisationId: invitation.organisationId,
            },
          )
          await recordAudit(tx, {
            action: 'invitation.accept',
            tenantId: scope.tenantId,
            actor: { userId: user.id, label: invitation.email },
            subjectType: 'invitation',
            subjectId: invitation.id,
          })
          return user.id
        })
      } catch (err) {
        if (err instanceof DuplicateEmailError)
          return reply
            .code(404)
            .view(`${V}/invitation-invalid.njk`, { pageTitle: 'This invitation link does not work' })
        throw err
      }
      const stage = requiresSecondFactor([invitation.role]) ? 'enrol' : 'full'
      await app.sessions.start(request, reply, { id: userId, tenantId: scope.tenantId }, stage)
      return reply.redirect(stage === 'enrol' ? paths.enrol : paths.home, 303)
    },
  )
}
