/**
 * Expected access (written by hand from issue 12's rules) and tenant-resource factories for the
 * standards assessment and the shared actions; spread into test/security/route-matrix.ts.
 *
 * Commissioners open rounds, verify, assign the panel and agree actions; analysts read; providers
 * answer for their own organisation's services and update their actions; panel members read the
 * returns they are assigned to and add observations.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import {
  actions,
  assessmentEvidence,
  assessmentPanel,
  assessmentReturns,
  assessmentRounds,
  memberships,
  organisations,
  trainingCourses,
  trainingSessions,
} from '../../src/db/schema/index.js'
import { builtinFramework } from '../../src/features/standards/builtin.js'
import type { TenantScope } from '../../src/platform/tenancy.js'
import type { Expected } from './route-matrix.js'
import { and, eq } from 'drizzle-orm'

const taking = ['commissioner', 'analyst', 'provider', 'panel_member'] as const
const team = ['commissioner', 'analyst'] as const

export const expected: Record<string, Expected> = {
  'GET /standards/import': ['commissioner'],
  'POST /standards/import': ['commissioner'],
  'GET /standards/rounds': taking,
  'GET /standards/rounds/new': ['commissioner'],
  'POST /standards/rounds': ['commissioner'],
  'GET /standards/rounds/:roundId': taking,
  'GET /standards/rounds/:roundId/comparison': team,
  'POST /standards/rounds/:roundId/close': ['commissioner'],
  'GET /standards/rounds/:roundId/report': ['commissioner', 'analyst', 'provider'],
  'GET /standards/returns/:returnId': taking,
  'POST /standards/returns/:returnId/submit': ['provider'],
  'POST /standards/returns/:returnId/verification': ['commissioner'],
  'POST /standards/returns/:returnId/panel': ['commissioner'],
  'POST /standards/returns/:returnId/actions': ['commissioner'],
  'GET /standards/returns/:returnId/standards/:standard': taking,
  'POST /standards/returns/:returnId/standards/:standard/rating': ['provider'],
  'POST /standards/returns/:returnId/standards/:standard/decision': ['commissioner'],
  'POST /standards/returns/:returnId/standards/:standard/observations': ['panel_member'],
  'POST /standards/returns/:returnId/standards/:standard/evidence': ['provider'],
  // Evidence files: never the panel (they observe; they do not read the provider's papers).
  'GET /standards/evidence/:evidenceId': ['commissioner', 'analyst', 'provider'],
  'POST /standards/evidence/:evidenceId/remove': ['provider'],
  // The training register: kept by the provider, read by the commissioning team, never the panel.
  'GET /standards/workforce': ['commissioner', 'analyst', 'provider'],
  'GET /standards/workforce/:organisationId': ['commissioner', 'analyst', 'provider'],
  'GET /standards/workforce/:organisationId/courses/:course': ['commissioner', 'analyst', 'provider'],
  'POST /standards/workforce/:organisationId/courses/:course': ['provider'],
  'POST /standards/workforce/:organisationId/courses/:course/training': ['provider'],
  'POST /standards/training/:sessionId': ['provider'],
  'GET /actions': ['commissioner', 'analyst', 'provider'],
  'GET /actions/:actionId': ['commissioner', 'analyst', 'provider'],
  'POST /actions/:actionId/update': ['commissioner', 'provider'],
}

/** A provider organisation of the council with a return in a new round (inserted directly). */
async function makeReturn(
  app: FastifyInstance,
  scope: TenantScope,
  status: 'not_started' | 'submitted' = 'not_started',
): Promise<{ roundId: string; returnId: string; providerId: string }> {
  const framework = builtinFramework('psychologically-informed-environment')
  if (!framework) throw new Error('no framework')
  const provider = await app.db
    .insert(organisations)
    .values({ tenantId: scope.tenantId, kind: 'provider', name: `Example provider of ${scope.councilName}` })
    .returning({ id: organisations.id })
  const providerId = provider[0]?.id ?? ''
  const round = await app.db
    .insert(assessmentRounds)
    .values({
      tenantId: scope.tenantId,
      title: `Example round of ${scope.councilName}`,
      frameworkKey: framework.key,
      frameworkVersion: framework.version,
      framework,
      dueOn: '2099-03-31',
    })
    .returning({ id: assessmentRounds.id })
  const roundId = round[0]?.id ?? ''
  const ret = await app.db
    .insert(assessmentReturns)
    .values({
      tenantId: scope.tenantId,
      roundId,
      providerOrganisationId: providerId,
      providerName: `Example provider of ${scope.councilName}`,
      serviceId: randomUUID(),
      serviceName: 'Example: women’s group',
      serviceType: 'community-treatment',
      status,
    })
    .returning({ id: assessmentReturns.id })
  return { roundId, returnId: ret[0]?.id ?? '', providerId }
}

export const factories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {
  'assessment-round': async (app, scope) => (await makeReturn(app, scope)).roundId,
  'assessment-return': async (app, scope) => (await makeReturn(app, scope)).returnId,
  // A file really kept, of a submitted return (so the removal route is refused, not carried out,
  // and the file is still there for the download route whatever order the routes are tried in).
  'assessment-evidence': async (app, scope) => {
    const { returnId } = await makeReturn(app, scope, 'submitted')
    const storedName = randomUUID()
    const folder = path.join(app.config.evidenceDir, scope.tenantId)
    await mkdir(folder, { recursive: true })
    await writeFile(path.join(folder, storedName), '%PDF-1.4\n%%EOF\n')
    const rows = await app.db
      .insert(assessmentEvidence)
      .values({
        tenantId: scope.tenantId,
        returnId,
        standardId: 'PIE1',
        kind: 'file',
        label: 'Example policy',
        fileName: 'policy.pdf',
        storedName,
        contentType: 'application/pdf',
        bytes: 15,
      })
      .returning({ id: assessmentEvidence.id })
    return rows[0]?.id ?? ''
  },
  'provider-organisation': async (app, scope) => {
    const rows = await app.db
      .insert(organisations)
      .values({ tenantId: scope.tenantId, kind: 'provider', name: `Registered provider of ${scope.councilName}` })
      .returning({ id: organisations.id })
    return rows[0]?.id ?? ''
  },
  // A group of staff trained, of a course the provider has recorded (so a change would be allowed
  // to the right person: the isolation test proves another council's gets 404 and stays as it was).
  'training-group': async (app, scope) => {
    const org = await app.db
      .insert(organisations)
      .values({ tenantId: scope.tenantId, kind: 'provider', name: `Trained provider of ${scope.councilName}` })
      .returning({ id: organisations.id })
    const organisationId = org[0]?.id ?? ''
    await app.db.insert(trainingCourses).values({
      tenantId: scope.tenantId,
      organisationId,
      course: 'trauma_informed',
      staffInPost: 10,
      renewalMonths: 36,
    })
    const rows = await app.db
      .insert(trainingSessions)
      .values({
        tenantId: scope.tenantId,
        organisationId,
        course: 'trauma_informed',
        completedOn: '2026-01-15',
        staffTrained: 6,
        stillInPost: 6,
      })
      .returning({ id: trainingSessions.id })
    return rows[0]?.id ?? ''
  },
  action: async (app, scope) => {
    const { returnId, providerId } = await makeReturn(app, scope)
    const rows = await app.db
      .insert(actions)
      .values({
        tenantId: scope.tenantId,
        kind: 'improvement',
        title: 'Example: start an evening women’s group',
        ownerOrganisationId: providerId,
        ownerName: `Example provider of ${scope.councilName}`,
        dueOn: '2099-06-30',
        sourceType: 'assessment-rating',
        sourceId: `${returnId}:PIE1`,
        sourceLabel: 'Example round',
        subjectType: 'directory-service',
        subjectId: randomUUID(),
      })
      .returning({ id: actions.id })
    return rows[0]?.id ?? ''
  },
}

/**
 * What a user of the council needs beyond their roles to reach its standards records: a provider
 * user is a member of every provider organisation of the council, a panel member is assigned to
 * every return (the harness's users stand for "the right person" in each role).
 */
export async function entitle(app: FastifyInstance, scope: TenantScope, userId: string, roles: readonly string[]) {
  if (roles.includes('provider')) {
    const providers = await app.db
      .select({ id: organisations.id })
      .from(organisations)
      .where(and(eq(organisations.tenantId, scope.tenantId), eq(organisations.kind, 'provider')))
    if (providers.length)
      await app.db
        .insert(memberships)
        .values(
          providers.map((p) => ({ tenantId: scope.tenantId, userId, organisationId: p.id, role: 'provider' as const })),
        )
        .onConflictDoNothing()
  }
  if (roles.includes('panel_member')) {
    const returns = await app.db
      .select({ id: assessmentReturns.id })
      .from(assessmentReturns)
      .where(eq(assessmentReturns.tenantId, scope.tenantId))
    if (returns.length)
      await app.db
        .insert(assessmentPanel)
        .values(returns.map((r) => ({ tenantId: scope.tenantId, returnId: r.id, userId })))
        .onConflictDoNothing()
  }
}
