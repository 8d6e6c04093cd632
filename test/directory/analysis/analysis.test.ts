/**
 * The analysis functions on the small hand-made directory of fixture.ts. Every expected value is
 * worked out by hand in the comments, from the latitudes in the fixture (U = 1.111951 km per
 * 0.01° along the meridian).
 */
import { describe, expect, it } from 'vitest'
import {
  andList,
  cohortAnalysis,
  colocationAnalysis,
  dayPartsOf,
  directoryCounts,
  distanceAnalysis,
  featureAnalysis,
  measurePoints,
  offerSentence,
  publishedDirectory,
  timeAnalysis,
  treatmentTypes,
  placeWomenUseTypes,
} from '../../../src/features/directory/analysis/analysis.js'
import { ids, names, smallDirectory, smallLsoas, U } from './fixture.js'

const directory = smallDirectory()

describe('which services count', () => {
  it('leaves drafts, and their places and sessions, out', () => {
    const published = publishedDirectory(directory)
    expect(published.services.map((s) => s.id)).not.toContain(ids.draft)
    expect(published.services).toHaveLength(6)
    // 7 places in the fixture, one of them the draft's; 7 sessions, one of them the draft's.
    expect(published.serviceAtLocations).toHaveLength(6)
    expect(published.schedules).toHaveLength(6)
    expect(published.locations.map((l) => l.name)).not.toContain('Test Outreach Base')
    expect(directoryCounts(directory)).toEqual({ published: 6, drafts: 1 })
  })

  it('reads the treatment and place-women-use flags from the taxonomy', () => {
    expect(treatmentTypes).toEqual(['community-treatment', 'residential-rehab', 'inpatient-detox'])
    expect(placeWomenUseTypes).toEqual([
      'womens-centre',
      'domestic-abuse',
      'womens-health-hub',
      'gp-practice',
      'family-hub',
      'community-venue',
    ])
  })
})

describe('distance', () => {
  it('counts places with in-person women-only provision only', () => {
    // Women's centre at A (service for women only), GP at C (a women-only in-person session), rehab
    // at R (a women-only session in person or online). Not: the family hub (women-only groups as a
    // feature but no women-only session), the treatment service (its women-only session is online
    // only), the draft.
    expect(measurePoints(directory, 'women-only').map((p) => p.serviceName)).toEqual([names.wc, names.gp, names.rehab])
  })

  it('counts every place of a women-only service, sessions or not', () => {
    const changed = smallDirectory()
    const circle = changed.services.find((s) => s.id === ids.circle)
    if (!circle) throw new Error('fixture changed')
    circle.eligibility = { womenOnly: true }
    circle.features = [...circle.features, 'women-only-service']
    // The circle has no sessions at all, but the whole service is for women only.
    expect(measurePoints(changed, 'women-only').map((p) => p.serviceName)).toEqual([
      names.wc,
      names.gp,
      names.circle,
      names.rehab,
    ])
  })

  it('finds the nearest women-only place for each LSOA and the women beyond 2 km', () => {
    const result = distanceAnalysis(directory, smallLsoas, 'women-only', 2)
    // E0100001 at 51.60: the women's centre, at the same point: 0 km.
    // E0100002 at 51.62: the GP at 51.605, 0.015° = 1.5 U = 1.668 km (the rehab is 0.04° away).
    // E0100003 at 51.65: the rehab at 51.66, 0.01° = 1 U = 1.112 km.
    // E0100004 at 51.57: the women's centre at 51.60, 0.03° = 3 U = 3.336 km.
    // Farthest first.
    expect(result.rows.map((r) => r.code)).toEqual(['E0100004', 'E0100002', 'E0100003', 'E0100001'])
    const byCode = Object.fromEntries(result.rows.map((r) => [r.code, r]))
    expect(byCode.E0100001?.distanceKm).toBeCloseTo(0, 9)
    expect(byCode.E0100002?.distanceKm).toBeCloseTo(1.5 * U, 6)
    expect(byCode.E0100003?.distanceKm).toBeCloseTo(U, 6)
    expect(byCode.E0100004?.distanceKm).toBeCloseTo(3 * U, 6)
    expect(byCode.E0100002?.nearest?.serviceName).toBe(names.gp)
    expect(byCode.E0100003?.nearest?.serviceName).toBe(names.rehab)
    expect(byCode.E0100004?.nearest?.serviceName).toBe(names.wc)
    // Beyond 2 km: only E0100004 (3.336 km), 500 of the 1000 + 2000 + 1500 + 500 = 5000 women.
    expect(result.rows.filter((r) => r.beyond).map((r) => r.code)).toEqual(['E0100004'])
    expect(result.summary.lsoasBeyond).toBe(1)
    expect(result.summary.femaleResidentsBeyond).toBe(500)
    expect(result.summary.femaleResidents).toBe(5000)
    expect(result.summary.femaleShareBeyond).toBeCloseTo(0.1, 12)
    // Weighted mean: U × (0 × 1000 + 1.5 × 2000 + 1 × 1500 + 3 × 500) / 5000 = 1.2 U = 1.334 km.
    expect(result.summary.femaleWeightedMeanKm).toBeCloseTo(1.2 * U, 6)
  })

  it('moves the women beyond as the chosen distance changes', () => {
    // 1.5 km: E0100002 (1.668) and E0100004 (3.336) beyond: 2000 + 500 = 2500 of 5000.
    expect(distanceAnalysis(directory, smallLsoas, 'women-only', 1.5).summary.femaleShareBeyond).toBeCloseTo(0.5, 12)
    // 1 km: E0100003 (1.112) too: 2000 + 1500 + 500 = 4000 of 5000.
    expect(distanceAnalysis(directory, smallLsoas, 'women-only', 1).summary.femaleShareBeyond).toBeCloseTo(0.8, 12)
    // 4 km: nobody.
    expect(distanceAnalysis(directory, smallLsoas, 'women-only', 4).summary.femaleResidentsBeyond).toBe(0)
  })

  it('measures each treatment type separately, published services only', () => {
    // Community treatment: only the treatment service at 51.63 (the draft at 51.70 does not count).
    // E0100001 3 U = 3.336, E0100002 1 U, E0100003 2 U = 2.224, E0100004 6 U = 6.672 km.
    const result = distanceAnalysis(directory, smallLsoas, 'community-treatment', 2)
    expect(result.points.map((p) => p.serviceId)).toEqual([ids.ct])
    const km = Object.fromEntries(result.rows.map((r) => [r.code, r.distanceKm]))
    expect(km.E0100001).toBeCloseTo(3 * U, 6)
    expect(km.E0100002).toBeCloseTo(U, 6)
    expect(km.E0100003).toBeCloseTo(2 * U, 6)
    expect(km.E0100004).toBeCloseTo(6 * U, 6)
    // Beyond 2 km: E0100001, E0100003, E0100004 = 1000 + 1500 + 500 = 3000 of 5000 = 60%.
    expect(result.summary.femaleShareBeyond).toBeCloseTo(0.6, 12)
    // Mean: U × (3 × 1000 + 1 × 2000 + 2 × 1500 + 6 × 500) / 5000 = 2.2 U.
    expect(result.summary.femaleWeightedMeanKm).toBeCloseTo(2.2 * U, 6)
  })

  it('counts every woman as beyond when there is no place of the kind', () => {
    const result = distanceAnalysis(directory, smallLsoas, 'inpatient-detox', 2)
    expect(result.points).toEqual([])
    expect(result.rows.every((r) => r.distanceKm === null && r.nearest === null && r.beyond)).toBe(true)
    expect(result.summary.femaleShareBeyond).toBe(1)
    expect(result.summary.femaleWeightedMeanKm).toBeNull()
  })
})

describe('time', () => {
  it('splits sessions into parts of the day by overlap', () => {
    expect(dayPartsOf('10:00', '13:00')).toEqual(['morning', 'afternoon'])
    expect(dayPartsOf('11:00', '12:00')).toEqual(['morning'])
    expect(dayPartsOf('12:00', '17:00')).toEqual(['afternoon'])
    expect(dayPartsOf('16:30', '17:30')).toEqual(['afternoon', 'evening'])
    expect(dayPartsOf('17:00', '19:00')).toEqual(['evening'])
    expect(dayPartsOf('08:00', '20:00')).toEqual(['morning', 'afternoon', 'evening'])
  })

  it('builds the week grid of women-only sessions by hand', () => {
    const result = timeAnalysis(directory)
    // Women-only sessions of published services: the women's centre's two Monday sessions (the
    // service is for women only), the GP's Monday 08:00, the treatment service's Tuesday evening
    // (online), the rehab's Thursday 12:00-17:00 (both). Not: Wednesday (mixed), Friday (draft).
    expect(result.sessions).toHaveLength(5)
    const all = result.grids.find((g) => g.mode === 'all')
    const cell = (day: number, part: number) => all?.rows[day]?.cells[part]
    // Monday morning: GP 08:00-09:00 and the women's centre 10:00-13:00: 2 sessions, 2 services.
    expect(cell(0, 0)).toMatchObject({ sessions: 2, services: 2 })
    expect(cell(0, 0)?.serviceNames).toEqual([names.gp, names.wc])
    // Monday afternoon: the women's centre 10:00-13:00 and 14:00-15:00: 2 sessions, 1 service.
    expect(cell(0, 1)).toMatchObject({ sessions: 2, services: 1 })
    expect(cell(0, 2)).toMatchObject({ sessions: 0, services: 0 })
    // Tuesday evening: the online session.
    expect(cell(1, 2)).toMatchObject({ sessions: 1, services: 1 })
    // Thursday afternoon only: 12:00 to 17:00 touches neither morning nor evening.
    expect([cell(3, 0)?.sessions, cell(3, 1)?.sessions, cell(3, 2)?.sessions]).toEqual([0, 1, 0])
    expect(all?.sessions).toBe(5)
    expect(all?.gaps).toEqual([
      'No women-only sessions on Monday evening',
      'No women-only sessions on Tuesday morning',
      'No women-only sessions on Tuesday afternoon',
      'No women-only sessions on Wednesday at any time',
      'No women-only sessions on Thursday morning',
      'No women-only sessions on Thursday evening',
      'No women-only sessions on Friday at any time',
      'No women-only sessions on Saturday at any time',
      'No women-only sessions on Sunday at any time',
    ])
  })

  it('splits in person and online, a session for both counting in each', () => {
    const result = timeAnalysis(directory)
    const inPerson = result.grids.find((g) => g.mode === 'in_person')
    const online = result.grids.find((g) => g.mode === 'online')
    // In person: women's centre x2, GP, rehab (both) = 4. Online: treatment service, rehab (both) = 2.
    expect(inPerson?.sessions).toBe(4)
    expect(online?.sessions).toBe(2)
    expect(inPerson?.gaps).toContain('No in-person women-only sessions on Tuesday at any time')
    expect(online?.gaps).toContain('No online women-only sessions on Monday at any time')
    expect(online?.rows[3]?.cells[1]).toMatchObject({ sessions: 1, services: 1 })
  })
})

describe('features', () => {
  it('counts each feature by service type, published services only', () => {
    const result = featureAnalysis(directory)
    expect(result.services).toBe(6)
    expect(result.types.map((t) => t.code)).toEqual([
      'community-treatment',
      'residential-rehab',
      'womens-centre',
      'gp-practice',
      'family-hub',
      'community-venue',
    ])
    const feature = (code: string) => result.features.find((f) => f.feature === code)
    // Creche or children welcome: women's centre, family hub, circle = 3 of 6.
    expect(feature('children-welcome')?.total).toEqual({ count: 3, of: 6, share: 0.5 })
    expect(feature('children-welcome')?.byType.map((s) => s.count)).toEqual([0, 0, 1, 0, 1, 1])
    // Women-only groups: the family hub only (the draft's does not count) = 1 of 6.
    expect(feature('women-only-groups')?.total.count).toBe(1)
    expect(feature('women-only-groups')?.total.share).toBeCloseTo(1 / 6, 12)
    // Sex-work outreach: only the draft has it.
    expect(feature('sex-work-outreach')?.total).toEqual({ count: 0, of: 6, share: 0 })
    expect(result.features).toHaveLength(25)
    // None of the features: the GP practice and the rehab, by name.
    expect(result.servicesWithNone.map((s) => s.name)).toEqual([names.gp, names.rehab])
  })
})

describe('cohorts', () => {
  it('finds the services and by-and-for organisations for each group of women', () => {
    const result = cohortAnalysis(directory)
    const cohort = (code: string) => result.cohorts.find((c) => c.cohort === code)
    // Minoritised ethnic women: the circle, by and for South Asian women.
    expect(cohort('minoritised_ethnic')?.services.map((s) => s.name)).toEqual([names.circle])
    expect(cohort('minoritised_ethnic')?.services[0]?.reasons).toEqual(['By-and-for: South Asian women'])
    expect(cohort('minoritised_ethnic')?.byAndForOrganisations).toEqual(['Test circle organisation'])
    // Mothers: creche or children welcome (women's centre, family hub, circle); the family hub is
    // also a family hub by type.
    expect(cohort('mothers')?.services.map((s) => s.name)).toEqual([names.circle, names.fh, names.wc])
    expect(cohort('mothers')?.services.find((s) => s.name === names.fh)?.reasons).toEqual([
      'Creche or children welcome',
      'Family hub or Early Help',
    ])
    expect(cohort('mothers')?.byAndForOrganisations).toEqual([])
    // Migrant women: interpreters at the circle.
    expect(cohort('migrant')?.services.map((s) => s.name)).toEqual([names.circle])
    // Sex work: only the draft has sex-work outreach, so nobody.
    expect(cohort('sex_work')?.services).toEqual([])
    // 16 cohorts, 3 served.
    expect(result.cohorts).toHaveLength(16)
    expect(result.cohortsWithNone).toHaveLength(13)
    expect(result.cohortsWithNone.map((c) => c.cohort)).not.toContain('mothers')
    expect(result.cohortsWithNone.map((c) => c.label)).toContain('Women involved in sex work')
  })

  it('matches young women by an upper age limit and LGBTQ+ women by community words', () => {
    const changed = smallDirectory()
    const gp = changed.services.find((s) => s.id === ids.gp)
    const circle = changed.services.find((s) => s.id === ids.circle)
    if (!gp || !circle) throw new Error('fixture changed')
    gp.eligibility = { womenOnly: false, maximumAge: 25 }
    circle.byAndForCommunity = 'Lesbian and bisexual women'
    const result = cohortAnalysis(changed)
    const cohort = (code: string) => result.cohorts.find((c) => c.cohort === code)
    expect(cohort('young_women')?.services.map((s) => s.name)).toEqual([names.gp])
    expect(cohort('young_women')?.services[0]?.reasons).toEqual(['Only for women aged 25 or under'])
    expect(cohort('lgbtq')?.byAndForOrganisations).toEqual(['Test circle organisation'])
    expect(cohort('minoritised_ethnic')?.services).toEqual([])
  })
})

describe('co-location', () => {
  it('pairs treatment services with places women use within the distance, closest first', () => {
    // Treatment places: treatment service at 51.63, rehab at 51.66. Places women use: women's
    // centre 51.60, GP and family hub 51.605, circle (community venue) 51.625.
    // Treatment service: circle 0.5 U = 0.556 km, family hub and GP 2.5 U = 2.780 km, women's
    // centre 3 U = 3.336 km. Rehab: circle 3.5 U = 3.892 km, the others farther.
    const within1 = colocationAnalysis(directory, 1)
    expect(within1.pairs.map((p) => [p.treatment.serviceName, p.place.serviceName])).toEqual([[names.ct, names.circle]])
    expect(within1.pairs[0]?.distanceKm).toBeCloseTo(0.5 * U, 6)
    expect(within1.treatmentServices).toBe(2)
    expect(within1.placeServices).toBe(4)

    // Within 3 km: the family hub and the GP tie at 2.78 km; the family hub goes first because
    // the pair has 2 women-only features (woman key worker + women-only groups) against 1.
    const within3 = colocationAnalysis(directory, 3)
    expect(within3.pairs.map((p) => p.place.serviceName)).toEqual([names.circle, names.fh, names.gp])
    expect(within3.pairs.map((p) => p.womenOnlyFeatures)).toEqual([1, 2, 1])
    expect(within3.pairs[1]?.distanceKm).toBeCloseTo(2.5 * U, 6)

    // Within 3.5 km the women's centre joins (3.336 km); the rehab's nearest (3.892 km) still does not.
    const within35 = colocationAnalysis(directory, 3.5)
    expect(within35.pairs.map((p) => p.place.serviceName)).toEqual([names.circle, names.fh, names.gp, names.wc])
    expect(within35.pairs.every((p) => p.treatment.serviceId === ids.ct)).toBe(true)
  })

  it('says what each could offer the other', () => {
    const pairs = colocationAnalysis(directory, 3.5).pairs
    const offer = (name: string) => pairs.find((p) => p.place.serviceName === name)?.offer
    expect(offer(names.wc)).toBe(
      "The women's centre offers a women-only setting, a women-only space and a creche or children welcome; the treatment service could run a women-only clinic there, with a woman key worker on request, and give staff a quick route into treatment.",
    )
    expect(offer(names.gp)).toBe(
      'The GP practice is a place women already go to; the treatment service could run a drop-in clinic for women there, with a woman key worker on request, and give staff a quick route into treatment.',
    )
    expect(offer(names.fh)).toBe(
      'The family hub offers women-only groups and a creche or children welcome; the treatment service could run a women-only clinic there, with a woman key worker on request, and give staff a quick route into treatment.',
    )
    const rehab = directory.services.find((s) => s.id === ids.rehab)
    const gp = directory.services.find((s) => s.id === ids.gp)
    if (!rehab || !gp) throw new Error('fixture changed')
    expect(offerSentence(rehab, gp)).toBe(
      'The GP practice is a place women already go to; the treatment service could run a drop-in clinic for women there and give staff a quick route into treatment.',
    )
  })

  it('marks a pair at the same address', () => {
    const changed = smallDirectory()
    // Move the treatment service into the community hall, where the circle meets.
    const sal = changed.serviceAtLocations.find((x) => x.serviceId === ids.ct)
    const hall = changed.serviceAtLocations.find((x) => x.serviceId === ids.circle)
    if (!sal || !hall) throw new Error('fixture changed')
    sal.locationId = hall.locationId
    const result = colocationAnalysis(changed, 1)
    // The circle is now in the same building; nothing else is within 1 km of the hall (the GP
    // and family hub are 0.02° = 2.2 km away).
    expect(result.pairs).toEqual([])
    expect(result.alreadyTogether).toHaveLength(1)
    const pair = result.alreadyTogether[0]
    expect(pair?.place.serviceName).toBe(names.circle)
    expect(pair?.sameLocation).toBe(true)
    expect(pair?.distanceKm).toBe(0)
  })

  it('lists words the way people write them', () => {
    expect(andList([])).toBe('')
    expect(andList(['a'])).toBe('a')
    expect(andList(['a', 'b'])).toBe('a and b')
    expect(andList(['a', 'b', 'c'])).toBe('a, b and c')
  })
})
