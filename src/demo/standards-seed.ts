/**
 * The demo council's standards assessments (issue 12), loaded once (nothing happens when the
 * council already has a round). EVERYTHING here is example data: three fictional providers, one
 * round completed and verified in autumn 2026 with evidence links, panel observations and
 * improvement actions, one round in progress with its returns due in spring 2027, and the three
 * providers' training registers.
 *
 * The providers answer for example services of the demo directory: the demo provider (the demo
 * provider account's organisation) for the Hendon community service, and two more provider
 * organisations made here for the recovery café and the inpatient detox unit, whose directory
 * organisations they are given as owners.
 */
import { and, eq, isNull } from 'drizzle-orm'
import {
  actions,
  actionUpdates,
  assessmentEvidence,
  assessmentObservations,
  assessmentPanel,
  assessmentRatings,
  assessmentReturns,
  assessmentRounds,
  directoryOrganisations,
  directoryServices,
  organisations,
  type RatingValue,
  type TrainingCourseType,
  trainingCourses,
  trainingSessions,
  users,
} from '../db/schema/index.js'
import { addMonths } from '../lib/dates.js'
import { londonDay } from '../platform/forms.js'
import { builtinFramework } from '../features/standards/builtin.js'
import { type Framework, standardsFor } from '../features/standards/framework.js'
import type { Db, DbOrTx } from '../platform/db/index.js'
import type { TenantScope } from '../platform/tenancy.js'
import { demoOrganisationId, DEMO_PROVIDER_NAME } from './directory-seed.js'
import { demoServiceId } from './directory-data.js'

type Code = 'M' | 'P' | 'N' | 'X'
const codeRating: Record<Code, RatingValue> = { M: 'met', P: 'partly_met', N: 'not_met', X: 'not_applicable' }

interface DemoReturn {
  serviceKey: string
  provider: 'demo' | 'peer' | 'northgate'
  /** Ratings that are not "met"; every other applicable standard is met. */
  ratings: Record<string, Code>
  /** Ratings the commissioning team changed: standard -> [their rating, reason]. */
  changed?: Record<string, [Code, string]>
  evidence: [string, string, string][]
  observations?: [string, 'visit' | 'conversation', string, Code | null, string][]
  actions?: [string, string, string, 'open' | 'in_progress' | 'done', string][]
}

const providers = {
  demo: { name: DEMO_PROVIDER_NAME, owns: [] as string[] },
  peer: { name: 'Example: Recovery Together Peer Network (demo provider)', owns: ['peer'] },
  northgate: { name: 'Example: Northgate NHS Trust (demo provider)', owns: ['northgate'] },
} as const

const naReasons: Record<string, string> = {
  RA1: 'Example: the unit takes referrals for detox only; it has no say in residential placements.',
  RA2: 'Example: the unit is itself an inpatient detox; the choice of unit is the referrer’s.',
  IP4: 'Example: the café does not receive people on release from custody.',
}

const autumn: DemoReturn[] = [
  {
    serviceKey: 'hendonTreatment',
    provider: 'demo',
    ratings: { SS1: 'P', CF2: 'P', MF1: 'N', WF1: 'P', II3: 'N', LE3: 'P' },
    changed: {
      DA2: ['P', 'Example: the IDVA post was vacant from June to September; met again since October.'],
      // The service map lists a perpetrator policy: the return page flags the disagreement.
      DA3: ['N', 'Example: the policy is still a draft; it has not been agreed or shared with staff.'],
    },
    evidence: [
      ['SS1', 'Example: women’s hub timetable', 'https://www.example.org/hendon/womens-hub-timetable'],
      ['DA1', 'Example: routine enquiry audit, quarter 2', 'https://www.example.org/hendon/routine-enquiry-audit'],
      ['WF1', 'Example: training matrix (counts only)', 'https://www.example.org/hendon/training-matrix'],
      [
        'MF3',
        'Example: pregnancy pathway with the specialist midwife',
        'https://www.example.org/hendon/pregnancy-pathway',
      ],
    ],
    observations: [
      [
        'SS1',
        'visit',
        '2026-10-08',
        'P',
        'Example: the Monday hub was welcoming, but women said there is nothing in the evening for those who work.',
      ],
      [
        'SS2',
        'visit',
        '2026-10-08',
        'M',
        'Example: the first floor was closed to men during the hub, and staff met women at the door.',
      ],
      [
        'MF1',
        'conversation',
        '2026-10-15',
        'N',
        'Example: two mothers said they had missed groups because there was nowhere for their children.',
      ],
    ],
    actions: [
      [
        'MF1',
        'Example: pilot a creche for the Monday women’s hub with the family hub',
        '2027-03-31',
        'in_progress',
        'Example: the family hub has offered a room and two staff; insurance is being checked.',
      ],
      ['II3', 'Example: train the women’s team in adjustments for neurodivergent women', '2026-11-30', 'open', ''],
      ['SS1', 'Example: add an evening women’s group at Finchley', '2027-01-31', 'open', ''],
    ],
  },
  {
    serviceKey: 'recoveryCafe',
    provider: 'peer',
    ratings: { SS1: 'N', SS3: 'X', WF1: 'N', WF2: 'P', MF1: 'N', MF2: 'P', II2: 'P', LE1: 'N' },
    changed: { LE2: ['P', 'Example: women sit on the steering group, but not yet on interview panels.'] },
    evidence: [
      ['CF1', 'Example: café opening hours', 'https://www.example.org/cafe/opening-hours'],
      ['LE2', 'Example: steering group terms of reference', 'https://www.example.org/cafe/steering-group'],
    ],
    observations: [
      [
        'SS1',
        'conversation',
        '2026-10-20',
        'N',
        'Example: women said the café is friendly but always mixed, and some stay away because of who else goes.',
      ],
    ],
    actions: [
      [
        'SS1',
        'Example: start a women-only café morning, with a woman peer mentor',
        '2026-12-15',
        'done',
        'Example: the first women-only morning ran on 4 November with nine women.',
      ],
      ['LE1', 'Example: set up a women’s feedback group for the café', '2027-02-28', 'open', ''],
    ],
  },
  {
    serviceKey: 'inpatientDetox',
    provider: 'northgate',
    ratings: { SS1: 'N', SS2: 'P', CF1: 'P', MF1: 'N', MF4: 'X', II1: 'N', LE1: 'P', RA1: 'X', RA2: 'X' },
    evidence: [['SS2', 'Example: ward layout with the women’s bay', 'https://www.example.org/northgate/ward-layout']],
    actions: [
      ['II1', 'Example: agree a referral route with the Asian Women’s Wellbeing Circle', '2027-04-30', 'open', ''],
    ],
  },
]

const spring: {
  serviceKey: string
  provider: 'demo' | 'peer' | 'northgate'
  state: 'draft' | 'not_started' | 'submitted'
  rated: number
}[] = [
  { serviceKey: 'hendonTreatment', provider: 'demo', state: 'draft', rated: 12 },
  { serviceKey: 'recoveryCafe', provider: 'peer', state: 'not_started', rated: 0 },
  { serviceKey: 'inpatientDetox', provider: 'northgate', state: 'submitted', rated: 99 },
]

const narrative = (code: Code, title: string): string =>
  code === 'M'
    ? `Example: we meet this standard (${title.toLowerCase()}) for every woman, and check it each quarter.`
    : code === 'P'
      ? `Example: we do some of this (${title.toLowerCase()}), not yet for every woman or every day.`
      : `Example: we do not do this yet (${title.toLowerCase()}).`

const applicable = (f: Framework, serviceType: string) => standardsFor(f, serviceType).map((x) => x.standard)

async function providerIds(tx: DbOrTx, scope: TenantScope): Promise<Record<keyof typeof providers, string>> {
  const out: Partial<Record<keyof typeof providers, string>> = {}
  for (const [key, p] of Object.entries(providers) as [
    keyof typeof providers,
    (typeof providers)[keyof typeof providers],
  ][]) {
    const found = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(
        and(
          eq(organisations.tenantId, scope.tenantId),
          eq(organisations.kind, 'provider'),
          eq(organisations.name, p.name),
        ),
      )
      .limit(1)
    let id = found[0]?.id
    if (!id) {
      const made = await tx
        .insert(organisations)
        .values({ tenantId: scope.tenantId, kind: 'provider', name: p.name })
        .returning({ id: organisations.id })
      id = made[0]?.id
    }
    if (!id) throw new Error(`Could not make the demo provider ${p.name}`)
    out[key] = id
    for (const orgKey of p.owns) {
      await tx
        .update(directoryOrganisations)
        .set({ ownerOrganisationId: id })
        .where(
          and(
            eq(directoryOrganisations.tenantId, scope.tenantId),
            eq(directoryOrganisations.id, demoOrganisationId(orgKey)),
            isNull(directoryOrganisations.ownerOrganisationId),
          ),
        )
    }
  }
  return out as Record<keyof typeof providers, string>
}

export async function seedStandardsDemo(db: Db, scope: TenantScope): Promise<{ loaded: boolean }> {
  const framework = builtinFramework('gender-responsive')
  if (!framework) return { loaded: false }
  return db.transaction(async (tx) => {
    const existing = await tx
      .select({ id: assessmentRounds.id })
      .from(assessmentRounds)
      .where(eq(assessmentRounds.tenantId, scope.tenantId))
      .limit(1)
    if (existing[0]) return { loaded: false }
    const people = await tx
      .select({ id: users.id, email: users.email, name: users.displayName })
      .from(users)
      .where(and(eq(users.tenantId, scope.tenantId), eq(users.isDemo, true)))
    const commissioner = people.find((p) => p.email.startsWith('commissioner@'))
    const panel = people.find((p) => p.email.startsWith('panel@'))
    const providerUser = people.find((p) => p.email.startsWith('provider@'))
    const owners = await providerIds(tx, scope)
    const services = new Map(
      (
        await tx
          .select({ id: directoryServices.id, name: directoryServices.name, type: directoryServices.serviceType })
          .from(directoryServices)
          .where(eq(directoryServices.tenantId, scope.tenantId))
      ).map((s) => [s.id, s]),
    )
    const serviceOf = (key: string) => {
      const s = services.get(demoServiceId(key))
      if (!s) throw new Error(`The demo directory has no service ${key}`)
      return s
    }

    const round = async (title: string, dueOn: string, createdAt: Date, closedAt: Date | null = null) => {
      const rows = await tx
        .insert(assessmentRounds)
        .values({
          tenantId: scope.tenantId,
          title,
          frameworkKey: framework.key,
          frameworkVersion: framework.version,
          framework,
          dueOn,
          isExample: true,
          createdBy: commissioner?.id ?? null,
          createdAt,
          status: closedAt ? 'closed' : 'open',
          closedAt,
        })
        .returning({ id: assessmentRounds.id })
      const id = rows[0]?.id
      if (!id) throw new Error('no round id')
      return id
    }
    const newReturn = async (
      roundId: string,
      serviceKey: string,
      provider: keyof typeof providers,
      values: Partial<typeof assessmentReturns.$inferInsert>,
    ) => {
      const s = serviceOf(serviceKey)
      const rows = await tx
        .insert(assessmentReturns)
        .values({
          tenantId: scope.tenantId,
          roundId,
          providerOrganisationId: owners[provider],
          providerName: providers[provider].name,
          serviceId: s.id,
          serviceName: s.name,
          serviceType: s.type,
          ...values,
        })
        .returning({ id: assessmentReturns.id })
      const id = rows[0]?.id
      if (!id) throw new Error('no return id')
      if (panel && serviceKey === 'hendonTreatment')
        await tx.insert(assessmentPanel).values({ tenantId: scope.tenantId, returnId: id, userId: panel.id })
      return { id, type: s.type, name: s.name }
    }

    // Autumn 2026: done and verified.
    const autumnId = await round(
      'Autumn 2026 self-assessment (example)',
      '2026-10-30',
      new Date('2026-09-01T09:00:00Z'),
    )
    for (const spec of autumn) {
      const ret = await newReturn(autumnId, spec.serviceKey, spec.provider, {
        status: 'verified',
        version: 4,
        submittedAt: new Date('2026-10-24T15:00:00Z'),
        submittedBy: spec.provider === 'demo' ? (providerUser?.id ?? null) : null,
        verifiedAt: new Date('2026-11-12T11:00:00Z'),
        verifiedBy: commissioner?.id ?? null,
      })
      for (const s of applicable(framework, ret.type)) {
        const code = spec.ratings[s.id] ?? 'M'
        const change = spec.changed?.[s.id]
        await tx.insert(assessmentRatings).values({
          tenantId: scope.tenantId,
          returnId: ret.id,
          standardId: s.id,
          rating: codeRating[code],
          naReason: code === 'X' ? (naReasons[s.id] ?? 'Example: this standard does not apply to the service.') : '',
          narrative: code === 'X' ? '' : narrative(code, s.title),
          version: 2,
          updatedAt: new Date('2026-10-20T10:00:00Z'),
          decision: change ? 'changed' : 'agreed',
          verifiedRating: change ? codeRating[change[0]] : null,
          decisionReason: change ? change[1] : '',
          decidedBy: commissioner?.id ?? null,
          decidedAt: new Date('2026-11-10T10:00:00Z'),
        })
      }
      for (const [standardId, label, url] of spec.evidence)
        await tx
          .insert(assessmentEvidence)
          .values({ tenantId: scope.tenantId, returnId: ret.id, standardId, kind: 'link', label, url })
      for (const [standardId, source, observedOn, view, text] of spec.observations ?? [])
        await tx.insert(assessmentObservations).values({
          tenantId: scope.tenantId,
          returnId: ret.id,
          standardId,
          authorUserId: panel?.id ?? null,
          authorLabel: panel?.name ?? 'Demo Panel Member',
          source,
          observedOn,
          view: view ? codeRating[view] : null,
          text,
        })
      for (const [standardId, title, dueOn, status, note] of spec.actions ?? []) {
        const s = framework.themes.flatMap((t) => t.standards).find((x) => x.id === standardId)
        const rows = await tx
          .insert(actions)
          .values({
            tenantId: scope.tenantId,
            kind: 'improvement',
            title,
            ownerOrganisationId: owners[spec.provider],
            ownerName: providers[spec.provider].name,
            dueOn,
            status,
            sourceType: 'assessment-rating',
            sourceId: `${ret.id}:${standardId}`,
            sourceLabel: `Autumn 2026 self-assessment (example): ${standardId} ${s?.title ?? ''}, ${ret.name}`,
            subjectType: 'directory-service',
            subjectId: serviceOf(spec.serviceKey).id,
            isExample: true,
            version: note ? 2 : 1,
            createdBy: commissioner?.id ?? null,
            createdAt: new Date('2026-11-12T12:00:00Z'),
          })
          .returning({ id: actions.id })
        const actionId = rows[0]?.id
        if (!actionId) continue
        await tx.insert(actionUpdates).values({
          tenantId: scope.tenantId,
          actionId,
          at: new Date('2026-11-12T12:00:00Z'),
          byUserId: commissioner?.id ?? null,
          byLabel: 'commissioner@barnet.example',
          status: 'open',
          note: 'Action agreed.',
        })
        if (note)
          await tx.insert(actionUpdates).values({
            tenantId: scope.tenantId,
            actionId,
            at: new Date('2026-11-26T16:00:00Z'),
            byUserId: null,
            byLabel: providers[spec.provider].name,
            status,
            note,
          })
      }
    }

    // Spring 2027: in progress.
    const springId = await round(
      'Spring 2027 self-assessment (example)',
      '2027-03-31',
      new Date('2026-11-20T09:00:00Z'),
    )
    for (const spec of spring) {
      const ret = await newReturn(springId, spec.serviceKey, spec.provider, {
        status: spec.state,
        version: spec.state === 'not_started' ? 1 : spec.state === 'draft' ? 2 : 3,
        ...(spec.state === 'submitted' ? { submittedAt: new Date('2026-12-01T10:00:00Z') } : {}),
      })
      const previous = autumn.find((a) => a.serviceKey === spec.serviceKey)
      for (const s of applicable(framework, ret.type).slice(0, spec.rated)) {
        // A year on, what was partly met is met, and the rest stays as it was.
        const before = previous?.ratings[s.id] ?? 'M'
        const code: Code = before === 'P' ? 'M' : before
        await tx.insert(assessmentRatings).values({
          tenantId: scope.tenantId,
          returnId: ret.id,
          standardId: s.id,
          rating: codeRating[code],
          naReason: code === 'X' ? (naReasons[s.id] ?? 'Example: this standard does not apply to the service.') : '',
          narrative: code === 'X' ? '' : narrative(code, s.title),
          updatedAt: new Date('2026-11-28T10:00:00Z'),
        })
      }
    }

    await seedTraining(tx, scope, owners, londonDay(new Date()))
    return { loaded: true }
  })
}

/**
 * Example training registers, dated back from the day the demo is loaded so that it always shows
 * a register in date, a renewal coming up and one lapse: [course, staff in post, renewal months,
 * groups as [months ago, staff trained, still counted]].
 */
const training: Record<keyof typeof providers, [TrainingCourseType, number, number, [number, number, number][]][]> = {
  demo: [
    [
      'trauma_informed',
      24,
      36,
      [
        [30, 10, 9],
        [14, 8, 8],
      ],
    ],
    [
      'domestic_abuse',
      24,
      24,
      [
        [25, 6, 5],
        [10, 12, 12],
      ],
    ],
    ['anti_stigma', 24, 36, [[22, 20, 19]]],
    ['anti_discrimination', 24, 36, [[34, 11, 11]]],
  ],
  peer: [
    ['trauma_informed', 8, 36, [[6, 8, 8]]],
    ['domestic_abuse', 8, 36, [[20, 5, 5]]],
    ['working_with_mothers', 8, 36, [[3, 6, 6]]],
  ],
  northgate: [
    [
      'trauma_informed',
      40,
      24,
      [
        [12, 30, 28],
        [2, 9, 9],
      ],
    ],
    ['domestic_abuse', 40, 36, [[18, 28, 27]]],
    ['anti_stigma', 40, 36, [[8, 16, 16]]],
  ],
}

async function seedTraining(
  tx: DbOrTx,
  scope: TenantScope,
  owners: Record<keyof typeof providers, string>,
  today: string,
): Promise<void> {
  for (const [provider, courses] of Object.entries(training) as [keyof typeof providers, (typeof training)['demo']][]) {
    for (const [course, staffInPost, renewalMonths, groups] of courses) {
      await tx
        .insert(trainingCourses)
        .values({ tenantId: scope.tenantId, organisationId: owners[provider], course, staffInPost, renewalMonths })
      for (const [ago, staffTrained, stillInPost] of groups)
        await tx.insert(trainingSessions).values({
          tenantId: scope.tenantId,
          organisationId: owners[provider],
          course,
          completedOn: addMonths(today, -ago),
          staffTrained,
          stillInPost,
          isExample: true,
        })
    }
  }
}
