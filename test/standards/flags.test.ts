/**
 * A verified "not met" that the service map contradicts is flagged on the return (issue 12): the
 * directory says "creche", the assessment says "not met". The service map here is a stand-in
 * function, as app.ts passes the directory's in the app.
 */
import { describe, expect, it } from 'vitest'
import type { RatingRow, ReturnRow, ServiceSource } from '../../src/features/standards/assessment/repository.js'
import { directoryFlags } from '../../src/features/standards/assessment/flags.js'
import type { StandardsViewer } from '../../src/features/standards/assessment/service.js'
import { builtinFramework } from '../../src/features/standards/builtin.js'
import type { DbOrTx } from '../../src/platform/db/index.js'
import type { TenantScope } from '../../src/platform/tenancy.js'

const framework = builtinFramework('gender-responsive')!
const scope = { tenantId: 't', areaCode: 'E09000003', councilName: 'Barnet' } as unknown as TenantScope
const viewer = (role: StandardsViewer['role']): StandardsViewer => ({
  userId: 'u',
  label: 'u@example.org',
  scope,
  role,
  providerIds: [],
  panelReturnIds: [],
})
const ret = (status: ReturnRow['status']) =>
  ({ id: 'r', serviceId: 's', serviceType: 'community-treatment', status }) as ReturnRow
const rating = (standardId: string, value: RatingRow['rating'], change?: RatingRow['rating']) =>
  ({
    standardId,
    rating: value,
    decision: change ? 'changed' : 'agreed',
    verifiedRating: change ?? null,
  }) as RatingRow
const listing =
  (features: string[]): ServiceSource =>
  () =>
    Promise.resolve([
      {
        serviceId: 's',
        serviceName: 'S',
        serviceType: 'community-treatment',
        features,
        providerId: 'p',
        providerName: 'P',
        status: 'published',
      },
    ])
const db = {} as DbOrTx

describe('flags between a verified return and the service map', () => {
  it('flags a standard rated not met whose feature the service map lists (MF1 and children welcome)', async () => {
    const flags = await directoryFlags(
      db,
      viewer('commissioner'),
      ret('verified'),
      framework,
      [rating('MF1', 'met', 'not_met'), rating('SS3', 'not_met'), rating('DA1', 'partly_met')],
      listing(['children-welcome', 'domestic-abuse-enquiry']),
    )
    // SS3 (same-gender key worker) is not listed; DA1 is only partly met: neither is flagged.
    expect(flags).toEqual([{ standardId: 'MF1', title: 'A creche or childcare', features: ['children-welcome'] }])
  })

  it('flags nothing before verification, for a panel member, or when the commissioner found it met', async () => {
    const ratings = [rating('MF1', 'not_met', 'met')]
    const source = listing(['children-welcome'])
    expect(await directoryFlags(db, viewer('commissioner'), ret('verified'), framework, ratings, source)).toEqual([])
    const notMet = [rating('MF1', 'not_met')]
    expect(await directoryFlags(db, viewer('commissioner'), ret('submitted'), framework, notMet, source)).toEqual([])
    expect(await directoryFlags(db, viewer('panel_member'), ret('verified'), framework, notMet, source)).toEqual([])
    expect(await directoryFlags(db, viewer('provider'), ret('verified'), framework, notMet, source)).toHaveLength(1)
  })
})
