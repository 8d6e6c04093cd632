/**
 * The demo council's directory: a fictional but realistic set of about 40 services in Barnet
 * (E09000003), across every service type, for the demo and for tests. EVERYTHING here is example
 * data: names, descriptions and contacts start with 'Example:', email addresses and websites are
 * at example.org, phone numbers are in Ofcom's drama range (020 7946 0000 to 0999), and postcodes
 * use the fictional unit 9Z_ in real postcode districts.
 *
 * Locations sit near the centroids of real Barnet postcode districts (ONS/Royal Mail via
 * doogal.co.uk, ../shared/data/geo/postcode-districts.csv), moved by a deterministic jitter of up
 * to about 0.005 degrees so that services in one district do not share a point. Residential rehab
 * and inpatient detox are outside the borough (Potters Bar EN6 and Stanmore HA7), as they often are.
 *
 * Gaps on purpose, for the analysis pages to find:
 * - no women-only session on a Saturday or Sunday evening (or Friday evening), and no in-person
 *   women-only session after 18:00 on any day (the only women-only evening session is online);
 * - no service in the south-west of the borough (NW9 Colindale) offers a creche;
 * - no by-and-for service for neurodivergent women or for women who sell sex.
 * Two services are drafts (not published) and some published services have internal notes: neither
 * may ever appear in the ORUK API or on public pages.
 */
import { createHash } from 'node:crypto'
import { stableId } from '../lib/ids.js'
import {
  type Contact,
  type DayOfWeek,
  type Directory,
  directorySchema,
  type Location,
  type Organisation,
  type Schedule,
  type Service,
  type ServiceAtLocation,
  type SessionMode,
} from '../features/directory/model.js'
import type { FeatureCode, ServiceTypeCode, SubstanceCode } from '../lib/taxonomy.js'

export const DEMO_DIRECTORY_COUNCIL = 'E09000003'
export const DEMO_LAST_MODIFIED = '2026-01-12T09:00:00.000Z'

const demoId = (...parts: string[]): string => stableId('demo', DEMO_DIRECTORY_COUNCIL, ...parts)

/** Centroids of the postcode districts used (latitude, longitude), from postcode-districts.csv. */
export const demoDistrictCentroids = {
  NW4: [51.5874, -0.223758, 'Hendon'],
  NW7: [51.615, -0.236096, 'Mill Hill'],
  NW9: [51.5865, -0.25369, 'Colindale'],
  NW11: [51.5787, -0.198408, 'Golders Green'],
  N2: [51.5903, -0.168618, 'East Finchley'],
  N3: [51.6004, -0.194108, 'Finchley'],
  N11: [51.614, -0.137582, 'Friern Barnet'],
  N12: [51.6154, -0.178484, 'North Finchley'],
  N20: [51.6296, -0.174735, 'Whetstone'],
  EN4: [51.6483, -0.162155, 'East Barnet'],
  EN5: [51.6482, -0.190229, 'High Barnet'],
  HA8: [51.6116, -0.275264, 'Edgware'],
  EN6: [51.699, -0.179879, 'Potters Bar'],
  HA7: [51.6096, -0.306836, 'Stanmore'],
} as const satisfies Record<string, readonly [number, number, string]>

export type DemoDistrict = keyof typeof demoDistrictCentroids

/** Deterministic offset in [-max, max] from a key (SHA-256 based). */
function jitter(key: string, max: number): [number, number] {
  const digest = createHash('sha256').update(key).digest()
  const unit = (offset: number) => digest.readUInt32BE(offset) / 0xffffffff
  return [(unit(0) * 2 - 1) * max, (unit(4) * 2 - 1) * max]
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6

// ---------------------------------------------------------------------------------------------
// Organisations

const organisationSpecs = {
  recovery: {
    name: 'Example: Barnet Recovery Partnership',
    description:
      'Example: the main drug and alcohol treatment provider in the borough, for adults of all genders, with specialist women’s workers.',
  },
  womensNetwork: {
    name: "Example: North London Women's Network",
    description: 'Example: a women’s charity running a women’s centre, outreach and groups in Barnet.',
  },
  safeFutures: {
    name: 'Example: Safe Futures Domestic Abuse Service',
    description: 'Example: independent domestic violence advisers (IDVAs), outreach and a helpline for Barnet.',
  },
  haven: {
    name: 'Example: Haven Refuge Trust',
    description: 'Example: refuge accommodation for women and children, including a unit for women with complex needs.',
  },
  family: {
    name: 'Example: Barnet Family Services',
    description: 'Example: the council’s family hubs and Early Help service.',
  },
  primaryCare: {
    name: 'Example: Barnet Primary Care Network',
    description: 'Example: a group of GP practices working together across Barnet.',
  },
  womensHealth: {
    name: "Example: North Central London NHS Women's Health",
    description: 'Example: NHS women’s health hub, maternity and sexual health services.',
  },
  mentalHealth: {
    name: 'Example: Barnet Community Mental Health Service',
    description: 'Example: NHS community mental health teams and talking therapies.',
  },
  probation: {
    name: 'Example: Barnet Probation Delivery Unit',
    description: 'Example: the probation service for people living in Barnet.',
  },
  peer: {
    name: 'Example: Recovery Together Peer Network',
    description: 'Example: peer mentors and mutual aid groups run by people in recovery.',
  },
  circle: {
    name: "Example: Asian Women's Wellbeing Circle",
    description: 'Example: a by-and-for organisation run by and for South Asian women.',
  },
  rainbow: {
    name: 'Example: Rainbow Recovery Collective',
    description: 'Example: a by-and-for organisation supporting LGBTQ+ people with drug and alcohol use.',
  },
  court: {
    name: 'Example: North London Family Drug and Alcohol Court Team',
    description: 'Example: the multidisciplinary team of the Family Drug and Alcohol Court.',
  },
  nextChapter: {
    name: "Example: Next Chapter Women's Programme",
    description:
      'Example: intensive support for women who have had more than one child removed from their care, based on the Pause model.',
  },
  hillside: {
    name: "Example: Hillside Women's Residential Recovery",
    description: 'Example: a women-only residential rehabilitation service in Hertfordshire.',
  },
  northgate: {
    name: 'Example: Northgate Inpatient Detox Unit',
    description: 'Example: an NHS inpatient unit for medically managed withdrawal.',
  },
  housing: {
    name: 'Example: Barnet Housing Advice Partnership',
    description: 'Example: housing advice and supported housing for single adults and families.',
  },
  venues: {
    name: 'Example: Barnet Libraries and Community Centres',
    description: 'Example: libraries and community centres that host groups and services.',
  },
} as const satisfies Record<string, { name: string; description: string }>

type OrgKey = keyof typeof organisationSpecs

// ---------------------------------------------------------------------------------------------
// Locations

interface LocationSpec {
  name: string
  district: DemoDistrict
  unit: string
  line1: string
  county?: string
  accessibility: string[]
}

const step = 'Step-free entrance'
const toilet = 'Accessible toilet'
const loop = 'Hearing loop at reception'
const lift = 'Lift to all floors'

const locationSpecs = {
  hendonHub: {
    name: 'Example: Hendon Recovery Hub',
    district: 'NW4',
    unit: '9ZA',
    line1: 'Example House, 1 Example Parade',
    accessibility: [step, toilet, lift, loop],
  },
  finchleySatellite: {
    name: 'Example: Finchley Central Recovery Satellite',
    district: 'N3',
    unit: '9ZA',
    line1: '2 Example Lane',
    accessibility: [step, toilet],
  },
  edgwareSatellite: {
    name: 'Example: Edgware Recovery Satellite',
    district: 'HA8',
    unit: '9ZA',
    line1: '3 Example Road',
    accessibility: ['Two steps at the entrance, with a portable ramp on request'],
  },
  womensCentre: {
    name: "Example: North Finchley Women's Centre",
    district: 'N12',
    unit: '9ZA',
    line1: '4 Example Court',
    accessibility: [step, toilet, lift, loop],
  },
  highBarnetHall: {
    name: 'Example: High Barnet Church Hall',
    district: 'EN5',
    unit: '9ZA',
    line1: '5 Example Hill',
    accessibility: [step, toilet],
  },
  safeFuturesOffice: {
    name: 'Example: Safe Futures Hendon Office',
    district: 'NW4',
    unit: '9ZB',
    line1: '6 Example Street',
    accessibility: [step, toilet, loop],
  },
  friernRooms: {
    name: 'Example: Friern Barnet Community Rooms',
    district: 'N11',
    unit: '9ZA',
    line1: '7 Example Gardens',
    accessibility: [step, toilet],
  },
  refugeOffice: {
    name: 'Example: Haven referral office (the refuge address is never published)',
    district: 'N20',
    unit: '9ZA',
    line1: '8 Example Avenue',
    accessibility: [step],
  },
  familyHubBurntOak: {
    name: 'Example: Burnt Oak Family Hub',
    district: 'HA8',
    unit: '9ZB',
    line1: '9 Example Broadway',
    accessibility: [step, toilet, 'Baby changing'],
  },
  familyHubColindale: {
    name: 'Example: Colindale Family Hub',
    district: 'NW9',
    unit: '9ZA',
    line1: '10 Example Way',
    accessibility: [step, toilet, 'Baby changing'],
  },
  familyHubEastFinchley: {
    name: 'Example: East Finchley Family Hub',
    district: 'N2',
    unit: '9ZA',
    line1: '11 Example Road',
    accessibility: [step, toilet, 'Baby changing'],
  },
  familyHubChippingBarnet: {
    name: 'Example: Chipping Barnet Family Hub',
    district: 'EN5',
    unit: '9ZB',
    line1: '12 Example Close',
    accessibility: [step, toilet, 'Baby changing'],
  },
  gpMillHill: {
    name: 'Example: Mill Hill Medical Practice',
    district: 'NW7',
    unit: '9ZA',
    line1: '13 Example Broadway',
    accessibility: [step, toilet, loop],
  },
  gpWhetstone: {
    name: 'Example: Whetstone Surgery',
    district: 'N20',
    unit: '9ZB',
    line1: '14 Example High Road',
    accessibility: [step, toilet],
  },
  gpEastFinchley: {
    name: 'Example: East Finchley Health Centre',
    district: 'N2',
    unit: '9ZB',
    line1: '15 Example Lane',
    accessibility: [step, toilet, lift],
  },
  gpColindale: {
    name: 'Example: Colindale Medical Centre',
    district: 'NW9',
    unit: '9ZB',
    line1: '16 Example Avenue',
    accessibility: [step, toilet, loop],
  },
  gpGoldersGreen: {
    name: 'Example: Golders Green Group Practice',
    district: 'NW11',
    unit: '9ZA',
    line1: '17 Example Road',
    accessibility: ['Stairs to the consulting rooms; ground-floor room on request'],
  },
  womensHealthHub: {
    name: "Example: Church End Women's Health Hub",
    district: 'N3',
    unit: '9ZB',
    line1: '18 Example Street',
    accessibility: [step, toilet, lift, loop],
  },
  maternityUnit: {
    name: 'Example: Barnet Maternity Unit',
    district: 'EN5',
    unit: '9ZD',
    line1: '19 Example Lane',
    accessibility: [step, toilet, lift],
  },
  sexualHealthClinic: {
    name: 'Example: Colindale Sexual Health Clinic',
    district: 'NW9',
    unit: '9ZD',
    line1: '20 Example Parade',
    accessibility: [step, toilet],
  },
  mentalHealthCentre: {
    name: 'Example: East Barnet Mental Health Centre',
    district: 'EN4',
    unit: '9ZB',
    line1: '21 Example Road',
    accessibility: [step, toilet, lift],
  },
  probationOffice: {
    name: 'Example: Colindale Probation Office',
    district: 'NW9',
    unit: '9ZE',
    line1: '22 Example Avenue',
    accessibility: [step, toilet],
  },
  recoveryCafe: {
    name: 'Example: East Finchley Recovery Café',
    district: 'N2',
    unit: '9ZD',
    line1: '23 Example High Road',
    accessibility: [step],
  },
  eastBarnetCentre: {
    name: 'Example: East Barnet Community Centre',
    district: 'EN4',
    unit: '9ZA',
    line1: '24 Example Road',
    accessibility: [step, toilet],
  },
  goldersGreenHall: {
    name: 'Example: Golders Green Community Hall',
    district: 'NW11',
    unit: '9ZB',
    line1: '25 Example Gardens',
    accessibility: [step, toilet],
  },
  burntOakCentre: {
    name: 'Example: Burnt Oak Community Centre',
    district: 'HA8',
    unit: '9ZD',
    line1: '26 Example Street',
    accessibility: [step, toilet, loop],
  },
  whetstoneLibrary: {
    name: 'Example: Whetstone Library',
    district: 'N20',
    unit: '9ZD',
    line1: '27 Example High Road',
    accessibility: [step, toilet, lift],
  },
  familyCourtHub: {
    name: 'Example: Finchley Family Court Hub',
    district: 'N3',
    unit: '9ZD',
    line1: '28 Example Avenue',
    accessibility: [step, toilet, lift, loop],
  },
  millHillWomensRoom: {
    name: "Example: Mill Hill Women's Room",
    district: 'NW7',
    unit: '9ZB',
    line1: '29 Example Lane',
    accessibility: [step, toilet],
  },
  colindaleAsianWomensCentre: {
    name: "Example: Colindale Asian Women's Centre",
    district: 'NW9',
    unit: '9ZF',
    line1: '30 Example Road',
    accessibility: [step, toilet],
  },
  hendonHousing: {
    name: 'Example: Hendon Housing Advice Centre',
    district: 'NW4',
    unit: '9ZD',
    line1: '31 Example Way',
    accessibility: [step, toilet, loop],
  },
  hillsideHouse: {
    name: 'Example: Hillside House',
    district: 'EN6',
    unit: '9ZA',
    line1: '32 Example Lane',
    county: 'Hertfordshire',
    accessibility: [step, toilet, 'Ground-floor bedroom'],
  },
  northgateUnit: {
    name: 'Example: Northgate Detox Unit',
    district: 'HA7',
    unit: '9ZA',
    line1: '33 Example Road',
    accessibility: [step, toilet, lift],
  },
} as const satisfies Record<string, LocationSpec>

type LocationKey = keyof typeof locationSpecs

// ---------------------------------------------------------------------------------------------
// Services

interface SessionSpec {
  day: DayOfWeek
  start: string
  end: string
  womenOnly?: boolean
  mode?: SessionMode
  runBy?: string
  notes?: string
}

interface ServiceSpec {
  org: OrgKey
  name: string
  description: string
  type: ServiceTypeCode
  substances?: SubstanceCode[]
  features: FeatureCode[]
  byAndFor?: string
  womenOnly?: boolean
  minimumAge?: number
  maximumAge?: number
  status?: 'published' | 'draft'
  internalNotes?: string
  /** Service area: the borough unless given. */
  area?: { name: string; code?: string }
  places: Partial<Record<LocationKey, SessionSpec[]>>
}

const s = (
  day: DayOfWeek,
  start: string,
  end: string,
  options: Omit<SessionSpec, 'day' | 'start' | 'end'> = {},
): SessionSpec => ({ day, start, end, ...options })
const wo = (
  day: DayOfWeek,
  start: string,
  end: string,
  options: Omit<SessionSpec, 'day' | 'start' | 'end' | 'womenOnly'> = {},
): SessionSpec => ({ day, start, end, womenOnly: true, ...options })

const weekdays = (start: string, end: string, options: Omit<SessionSpec, 'day' | 'start' | 'end'> = {}) =>
  (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => s(day, start, end, options))

const womensWorker = "specialist women's worker from Example: North London Women's Network"

const serviceSpecs: Record<string, ServiceSpec> = {
  // Community drug and alcohol treatment
  hendonTreatment: {
    org: 'recovery',
    name: 'Example: Hendon drug and alcohol service',
    description:
      'Example: assessment, prescribing, key work and groups for adults who want to stop or cut down drugs or alcohol. The Monday afternoon women’s hub is on the first floor, which is closed to men at that time.',
    type: 'community-treatment',
    substances: ['alcohol', 'drugs'],
    features: [
      'women-only-groups',
      'same-gender-key-worker',
      'women-only-space',
      'escort-from-entrance',
      'domestic-abuse-enquiry',
      'perpetrator-policy',
      'pregnancy-question',
      'specialist-midwife-link',
      'trauma-informed-training',
      'interpreters',
      'accessible-premises',
    ],
    minimumAge: 18,
    internalNotes: 'Contract review due in March 2026. Waiting times rose in the autumn.',
    places: {
      hendonHub: [
        ...weekdays('09:00', '12:30'),
        wo('monday', '13:00', '16:00', { runBy: womensWorker, notes: "Women's hub on the first floor" }),
        s('tuesday', '13:30', '17:00'),
        s('wednesday', '13:30', '17:00'),
        s('thursday', '13:30', '19:00', { notes: 'Late opening for people who work' }),
        wo('friday', '10:00', '12:00', { runBy: womensWorker, notes: "Women's group (in the group room)" }),
      ].filter((x) => !(x.day === 'friday' && x.start === '09:00')),
    },
  },
  finchleyTreatment: {
    org: 'recovery',
    name: 'Example: Finchley drug and alcohol satellite',
    description: 'Example: appointments with a key worker and prescribing clinics closer to home.',
    type: 'community-treatment',
    substances: ['alcohol', 'drugs'],
    features: ['same-gender-key-worker', 'domestic-abuse-enquiry', 'pregnancy-question', 'accessible-premises'],
    minimumAge: 18,
    places: {
      finchleySatellite: [s('tuesday', '09:30', '16:30'), s('thursday', '09:30', '16:30')],
    },
  },
  edgwareTreatment: {
    org: 'recovery',
    name: 'Example: Edgware drug and alcohol satellite',
    description: 'Example: key work and a weekly prescribing clinic in Edgware.',
    type: 'community-treatment',
    substances: ['alcohol', 'drugs'],
    features: ['same-gender-key-worker', 'domestic-abuse-enquiry', 'interpreters'],
    minimumAge: 18,
    places: { edgwareSatellite: [s('monday', '10:00', '16:00'), s('wednesday', '10:00', '16:00')] },
  },
  alcoholService: {
    org: 'recovery',
    name: 'Example: Barnet alcohol service',
    description: 'Example: help to cut down or stop drinking, including community alcohol detox at home.',
    type: 'community-treatment',
    substances: ['alcohol'],
    features: ['same-gender-key-worker', 'outreach-home-visits', 'evening-or-weekend', 'online-or-phone'],
    minimumAge: 18,
    places: {
      finchleySatellite: [s('monday', '17:00', '20:00', { mode: 'both' }), s('saturday', '10:00', '13:00')],
    },
  },
  womensRecovery: {
    org: 'recovery',
    name: "Example: Women's recovery programme at the women's centre",
    description:
      'Example: drug and alcohol key work and a 12-week women’s group held at the women’s centre, not at the treatment hub.',
    type: 'community-treatment',
    substances: ['alcohol', 'drugs'],
    features: [
      'women-only-service',
      'women-only-groups',
      'same-gender-key-worker',
      'children-welcome',
      'domestic-abuse-worker',
      'domestic-abuse-enquiry',
      'trauma-informed-training',
      'psychologically-informed-environment',
      'accessible-premises',
    ],
    womenOnly: true,
    minimumAge: 18,
    places: {
      womensCentre: [
        wo('tuesday', '10:00', '12:30', { runBy: 'Example: Barnet Recovery Partnership women’s team' }),
        wo('thursday', '13:00', '15:00', {
          runBy: 'Example: Barnet Recovery Partnership women’s team',
          notes: 'Creche available',
        }),
      ],
      familyHubBurntOak: [
        wo('wednesday', '10:00', '12:00', {
          runBy: 'Example: Barnet Recovery Partnership women’s team',
          notes: 'Drop-in during the family hub’s stay-and-play session',
        }),
      ],
    },
  },
  criminalJusticeTeam: {
    org: 'recovery',
    name: 'Example: Criminal justice drug and alcohol team',
    description:
      'Example: support for people leaving prison or on a court order, including same-day prescriptions on release.',
    type: 'community-treatment',
    substances: ['alcohol', 'drugs'],
    features: ['rapid-scripts-on-release', 'same-gender-key-worker', 'transport-help', 'outreach-home-visits'],
    minimumAge: 18,
    places: { probationOffice: [s('monday', '09:00', '17:00'), s('friday', '09:00', '17:00')] },
  },
  onlineRecovery: {
    org: 'recovery',
    name: 'Example: Online recovery support',
    description:
      'Example: one-to-one video sessions and online groups, including a women’s group on Wednesday evenings.',
    type: 'community-treatment',
    substances: ['alcohol', 'drugs'],
    features: ['online-or-phone', 'evening-or-weekend', 'women-only-groups', 'neurodiversity-adjustments'],
    minimumAge: 18,
    places: {
      hendonHub: [
        wo('wednesday', '18:30', '20:00', { mode: 'online', runBy: womensWorker, notes: "Online women's group" }),
        s('tuesday', '18:00', '19:30', { mode: 'online' }),
      ],
    },
  },

  // Women's centre
  womensCentre: {
    org: 'womensNetwork',
    name: "Example: North Finchley women's centre",
    description:
      'Example: a drop-in centre for women with advice on money, housing and benefits, counselling and groups. Children are welcome and there is a creche on Thursdays.',
    type: 'womens-centre',
    features: [
      'women-only-service',
      'women-only-groups',
      'women-only-space',
      'children-welcome',
      'domestic-abuse-worker',
      'domestic-abuse-enquiry',
      'trauma-informed-training',
      'psychologically-informed-environment',
      'interpreters',
      'accessible-premises',
      'lgbtq-affirming',
    ],
    womenOnly: true,
    places: {
      womensCentre: [
        wo('monday', '10:00', '15:00'),
        wo('wednesday', '10:00', '15:00'),
        wo('thursday', '10:00', '15:00', { notes: 'Creche 10:00 to 15:00' }),
      ],
    },
  },
  womensCentreOutreach: {
    org: 'womensNetwork',
    name: "Example: Women's drop-in in High Barnet",
    description: 'Example: a weekly drop-in for women in the north of the borough, with a space without children.',
    type: 'womens-centre',
    features: ['women-only-service', 'women-only-groups', 'space-without-children', 'outreach-home-visits'],
    womenOnly: true,
    places: { highBarnetHall: [wo('friday', '10:00', '13:00')] },
  },

  // Domestic abuse
  idvaService: {
    org: 'safeFutures',
    name: 'Example: Independent domestic violence advisers (IDVA)',
    description: 'Example: safety planning and support through the courts for people at high risk of harm.',
    type: 'domestic-abuse',
    features: ['same-gender-key-worker', 'domestic-abuse-worker', 'interpreters', 'trauma-informed-training'],
    places: { safeFuturesOffice: weekdays('09:00', '17:00') },
  },
  domesticAbuseOutreach: {
    org: 'safeFutures',
    name: 'Example: Domestic abuse community outreach',
    description:
      'Example: outreach workers who meet you somewhere safe, including a weekly session at the drug and alcohol hub.',
    type: 'domestic-abuse',
    features: ['outreach-home-visits', 'domestic-abuse-worker', 'women-only-groups', 'sex-work-outreach'],
    places: {
      friernRooms: [wo('tuesday', '13:00', '16:00', { notes: 'Freedom Programme style group' })],
      hendonHub: [
        s('thursday', '10:00', '12:30', {
          runBy: 'Example: Safe Futures outreach worker',
          notes: 'Drop-in at the hub',
        }),
      ],
    },
  },
  domesticAbuseHelpline: {
    org: 'safeFutures',
    name: 'Example: Barnet domestic abuse helpline',
    description: 'Example: a phone and webchat line for advice and referrals.',
    type: 'domestic-abuse',
    features: ['online-or-phone', 'evening-or-weekend', 'interpreters'],
    places: {
      safeFuturesOffice: [
        ...weekdays('17:00', '20:00', { mode: 'online' }),
        s('saturday', '10:00', '14:00', { mode: 'online' }),
      ],
    },
  },

  // Refuge
  refuge: {
    org: 'haven',
    name: 'Example: Haven refuge',
    description:
      'Example: safe accommodation for women and their children. The refuge address is never published: call the referral office.',
    type: 'refuge',
    features: ['women-only-service', 'children-welcome', 'domestic-abuse-worker', 'trauma-informed-training'],
    womenOnly: true,
    area: { name: 'London and the South East' },
    places: { refugeOffice: weekdays('09:00', '17:00') },
  },
  complexNeedsRefuge: {
    org: 'haven',
    name: 'Example: Haven complex needs refuge unit',
    description:
      'Example: refuge places for women who use drugs or alcohol or have mental health needs, with on-site support workers.',
    type: 'refuge',
    substances: ['alcohol', 'drugs'],
    features: [
      'women-only-service',
      'domestic-abuse-worker',
      'trauma-informed-training',
      'psychologically-informed-environment',
      'space-without-children',
    ],
    womenOnly: true,
    area: { name: 'London and the South East' },
    places: { refugeOffice: [s('monday', '09:00', '17:00'), s('wednesday', '09:00', '17:00')] },
  },

  // Family hubs
  familyHubBurntOak: {
    org: 'family',
    name: 'Example: Burnt Oak family hub',
    description: 'Example: stay-and-play sessions, health visitors, parenting support and Early Help.',
    type: 'family-hub',
    features: ['children-welcome', 'interpreters', 'accessible-premises'],
    places: { familyHubBurntOak: weekdays('09:00', '17:00') },
  },
  familyHubColindale: {
    org: 'family',
    name: 'Example: Colindale family hub',
    description: 'Example: family support, baby clinics and Early Help.',
    type: 'family-hub',
    features: ['interpreters', 'accessible-premises'],
    places: { familyHubColindale: [s('tuesday', '09:00', '16:00'), s('thursday', '09:00', '16:00')] },
  },
  familyHubEastFinchley: {
    org: 'family',
    name: 'Example: East Finchley family hub',
    description: 'Example: family support, stay-and-play and a Saturday dads’ and families’ morning.',
    type: 'family-hub',
    features: ['children-welcome', 'accessible-premises', 'evening-or-weekend'],
    places: { familyHubEastFinchley: [...weekdays('09:00', '16:00'), s('saturday', '10:00', '12:00')] },
  },
  familyHubChippingBarnet: {
    org: 'family',
    name: 'Example: Chipping Barnet family hub',
    description: 'Example: family support and Early Help in the north of the borough.',
    type: 'family-hub',
    features: ['children-welcome', 'accessible-premises'],
    places: { familyHubChippingBarnet: [s('monday', '09:00', '16:00'), s('wednesday', '09:00', '16:00')] },
  },

  // GP practices
  gpMillHill: {
    org: 'primaryCare',
    name: 'Example: Mill Hill Medical Practice',
    description: 'Example: a GP practice. You can ask to see a woman doctor.',
    type: 'gp-practice',
    features: ['same-gender-key-worker', 'pregnancy-question', 'accessible-premises'],
    places: { gpMillHill: weekdays('08:00', '18:30') },
  },
  gpWhetstone: {
    org: 'primaryCare',
    name: 'Example: Whetstone Surgery',
    description:
      'Example: a GP practice where a drug and alcohol worker holds a clinic on Wednesday mornings (shared care).',
    type: 'gp-practice',
    features: ['same-gender-key-worker', 'accessible-premises'],
    places: { gpWhetstone: [...weekdays('08:00', '18:30'), s('saturday', '09:00', '12:00')] },
  },
  gpEastFinchley: {
    org: 'primaryCare',
    name: 'Example: East Finchley Health Centre',
    description: 'Example: a GP practice with a practice nurse for women’s health.',
    type: 'gp-practice',
    features: ['same-gender-key-worker', 'interpreters', 'accessible-premises'],
    places: { gpEastFinchley: weekdays('08:00', '18:30') },
  },
  gpColindale: {
    org: 'primaryCare',
    name: 'Example: Colindale Medical Centre',
    description: 'Example: a GP practice.',
    type: 'gp-practice',
    features: ['interpreters', 'accessible-premises'],
    places: { gpColindale: weekdays('08:00', '18:30') },
  },
  gpGoldersGreen: {
    org: 'primaryCare',
    name: 'Example: Golders Green Group Practice',
    description: 'Example: a GP practice.',
    type: 'gp-practice',
    features: ['interpreters'],
    places: { gpGoldersGreen: weekdays('08:00', '18:00') },
  },

  // Health
  womensHealthHub: {
    org: 'womensHealth',
    name: "Example: Church End women's health hub",
    description:
      'Example: NHS care for periods, menopause, contraception and pelvic health in one place, with a women-only waiting area.',
    type: 'womens-health-hub',
    features: [
      'women-only-service',
      'women-only-space',
      'pregnancy-question',
      'domestic-abuse-enquiry',
      'interpreters',
      'accessible-premises',
      'lgbtq-affirming',
    ],
    womenOnly: true,
    places: { womensHealthHub: [s('monday', '09:00', '17:00', { womenOnly: true }), wo('thursday', '09:00', '17:00')] },
  },
  specialistMidwife: {
    org: 'womensHealth',
    name: 'Example: Specialist midwife for drug and alcohol use',
    description:
      'Example: a specialist midwife who cares for pregnant women who use drugs or alcohol and works with the treatment service.',
    type: 'maternity',
    substances: ['alcohol', 'drugs'],
    features: [
      'women-only-service',
      'specialist-midwife-link',
      'pregnancy-question',
      'outreach-home-visits',
      'domestic-abuse-enquiry',
    ],
    womenOnly: true,
    places: { maternityUnit: [wo('tuesday', '09:00', '16:00'), wo('friday', '09:00', '13:00')] },
  },
  sexualHealthClinic: {
    org: 'womensHealth',
    name: 'Example: Colindale sexual health clinic',
    description: 'Example: contraception, testing and treatment. Walk in or book online.',
    type: 'sexual-health',
    features: ['lgbtq-affirming', 'sex-work-outreach', 'evening-or-weekend', 'interpreters'],
    places: {
      sexualHealthClinic: [
        s('monday', '09:00', '19:00'),
        s('wednesday', '09:00', '19:00'),
        wo('thursday', '13:00', '16:00', { notes: "Women's clinic" }),
        s('saturday', '10:00', '13:00'),
      ],
    },
  },

  // Mental health
  communityMentalHealth: {
    org: 'mentalHealth',
    name: 'Example: Barnet community mental health team',
    description: 'Example: assessment and treatment for adults with severe mental health needs.',
    type: 'mental-health',
    features: ['same-gender-key-worker', 'trauma-informed-training', 'accessible-premises'],
    places: { mentalHealthCentre: weekdays('09:00', '17:00') },
  },
  womensTrauma: {
    org: 'mentalHealth',
    name: "Example: Women's trauma therapy group",
    description: 'Example: a 10-week group for women living with the effects of trauma, run with the women’s centre.',
    type: 'mental-health',
    features: ['women-only-service', 'women-only-groups', 'trauma-informed-training', 'space-without-children'],
    womenOnly: true,
    places: { womensCentre: [wo('friday', '13:00', '15:00')] },
  },

  // Probation
  probation: {
    org: 'probation',
    name: 'Example: Barnet probation office',
    description: 'Example: probation appointments. Women can report at the women’s centre instead.',
    type: 'probation',
    features: ['same-gender-key-worker'],
    places: { probationOffice: weekdays('09:00', '17:00') },
  },
  womensProbation: {
    org: 'probation',
    name: "Example: Women's reporting at the women's centre",
    description:
      'Example: women on probation can report to a woman officer at the women’s centre on Wednesday afternoons.',
    type: 'probation',
    features: ['women-only-service', 'women-only-space', 'rapid-scripts-on-release', 'children-welcome'],
    womenOnly: true,
    places: { womensCentre: [wo('wednesday', '15:00', '17:00')] },
  },

  // Peer recovery and mutual aid
  recoveryCafe: {
    org: 'peer',
    name: 'Example: East Finchley recovery café',
    description: 'Example: a café run by people in recovery, with mutual aid meetings in the evening.',
    type: 'peer-recovery',
    substances: ['alcohol', 'drugs'],
    features: ['evening-or-weekend'],
    places: {
      recoveryCafe: [
        s('monday', '18:00', '20:00'),
        s('thursday', '18:00', '20:00'),
        s('saturday', '11:00', '15:00'),
        s('sunday', '11:00', '14:00'),
      ],
    },
  },
  womensMutualAid: {
    org: 'peer',
    name: "Example: Women's mutual aid meeting",
    description: 'Example: a weekly peer support meeting for women in recovery from drugs or alcohol.',
    type: 'peer-recovery',
    substances: ['alcohol', 'drugs'],
    features: ['women-only-service', 'women-only-groups', 'evening-or-weekend'],
    womenOnly: true,
    places: { eastBarnetCentre: [wo('saturday', '10:00', '11:30')] },
  },
  peerMentoring: {
    org: 'peer',
    name: 'Example: Peer mentors',
    description: 'Example: a mentor with lived experience who can meet you and come with you to appointments.',
    type: 'peer-recovery',
    substances: ['alcohol', 'drugs'],
    features: ['escort-from-entrance', 'transport-help', 'outreach-home-visits', 'same-gender-key-worker'],
    places: { recoveryCafe: [s('tuesday', '10:00', '16:00'), s('friday', '10:00', '16:00')] },
  },

  // By-and-for
  asianWomensWellbeing: {
    org: 'circle',
    name: "Example: Asian women's wellbeing group",
    description:
      'Example: a group for South Asian women, in English, Hindi, Urdu, Punjabi, Gujarati and Tamil, with confidential support on alcohol, drugs and family pressures.',
    type: 'womens-centre',
    substances: ['alcohol', 'drugs'],
    features: ['women-only-service', 'women-only-groups', 'by-and-for', 'interpreters', 'domestic-abuse-enquiry'],
    byAndFor: 'South Asian women',
    womenOnly: true,
    places: { colindaleAsianWomensCentre: [wo('tuesday', '10:30', '13:00'), wo('thursday', '10:30', '13:00')] },
  },
  lgbtqRecovery: {
    org: 'rainbow',
    name: 'Example: LGBTQ+ recovery group',
    description: 'Example: peer support for LGBTQ+ people who use drugs or alcohol, including chemsex support.',
    type: 'peer-recovery',
    substances: ['alcohol', 'drugs'],
    features: ['by-and-for', 'lgbtq-affirming', 'online-or-phone', 'evening-or-weekend'],
    byAndFor: 'LGBTQ+ people',
    places: {
      goldersGreenHall: [s('wednesday', '19:00', '21:00'), s('sunday', '16:00', '18:00', { mode: 'both' })],
    },
  },

  // Community venues
  eastBarnetCommunityCentre: {
    org: 'venues',
    name: 'Example: East Barnet community centre',
    description: 'Example: rooms for community groups, a community café and a weekly advice surgery.',
    type: 'community-venue',
    features: ['accessible-premises', 'children-welcome'],
    places: { eastBarnetCentre: [...weekdays('09:00', '21:00'), s('saturday', '09:00', '17:00')] },
  },
  goldersGreenHall: {
    org: 'venues',
    name: 'Example: Golders Green community hall',
    description: 'Example: a community hall used by faith and community groups.',
    type: 'community-venue',
    features: ['accessible-premises'],
    places: { goldersGreenHall: [s('monday', '09:00', '17:00'), s('thursday', '09:00', '17:00')] },
  },
  burntOakCommunityCentre: {
    org: 'venues',
    name: 'Example: Burnt Oak community centre',
    description: 'Example: a community centre with a women’s sewing group and an advice drop-in.',
    type: 'community-venue',
    features: ['accessible-premises', 'interpreters', 'women-only-groups'],
    places: {
      burntOakCentre: [
        s('monday', '09:00', '12:00'),
        wo('monday', '13:00', '15:00', { notes: "Women's sewing group" }),
      ],
    },
  },
  whetstoneLibrary: {
    org: 'venues',
    name: 'Example: Whetstone library',
    description: 'Example: a public library with free computers, Wi-Fi and bookable rooms.',
    type: 'community-venue',
    features: ['accessible-premises', 'children-welcome', 'evening-or-weekend'],
    places: { whetstoneLibrary: [...weekdays('09:30', '17:30'), s('saturday', '09:30', '16:00')] },
  },

  // Families and courts
  fdac: {
    org: 'court',
    name: 'Example: Family Drug and Alcohol Court',
    description:
      'Example: a problem-solving court for parents in care proceedings, with a team that helps you stop using and keep or get back your children.',
    type: 'fdac',
    substances: ['alcohol', 'drugs'],
    features: ['same-gender-key-worker', 'domestic-abuse-enquiry', 'trauma-informed-training', 'pregnancy-question'],
    area: { name: 'North London' },
    places: { familyCourtHub: [s('tuesday', '10:00', '16:00'), s('thursday', '10:00', '16:00')] },
  },
  nextChapter: {
    org: 'nextChapter',
    name: "Example: Next Chapter women's programme",
    description:
      'Example: 18 months of intensive one-to-one support for women who have had more than one child removed, based on the Pause model.',
    type: 'post-proceedings',
    features: [
      'women-only-service',
      'space-without-children',
      'outreach-home-visits',
      'transport-help',
      'trauma-informed-training',
    ],
    womenOnly: true,
    places: { millHillWomensRoom: [wo('monday', '10:00', '16:00'), wo('thursday', '10:00', '16:00')] },
  },

  // Residential rehab and detox (outside the borough)
  residentialRehab: {
    org: 'hillside',
    name: "Example: Hillside women's residential rehab",
    description:
      'Example: a 12-week women-only residential programme in Hertfordshire. Mothers can be joined by young children in some rooms.',
    type: 'residential-rehab',
    substances: ['alcohol', 'drugs'],
    features: [
      'women-only-service',
      'women-only-groups',
      'children-welcome',
      'trauma-informed-training',
      'psychologically-informed-environment',
    ],
    womenOnly: true,
    minimumAge: 18,
    area: { name: 'England' },
    places: { hillsideHouse: [wo('monday', '09:00', '17:00', { notes: 'Admissions and visits by appointment' })] },
  },
  inpatientDetox: {
    org: 'northgate',
    name: 'Example: Northgate inpatient detox',
    description: 'Example: a 7 to 14 day stay for medically managed withdrawal from alcohol or drugs.',
    type: 'inpatient-detox',
    substances: ['alcohol', 'drugs'],
    features: ['same-gender-key-worker', 'pregnancy-question', 'accessible-premises'],
    minimumAge: 18,
    area: { name: 'North Central London' },
    places: { northgateUnit: [s('wednesday', '10:00', '12:00', { notes: 'Admissions' })] },
  },

  // Housing
  housingAdvice: {
    org: 'housing',
    name: 'Example: Barnet housing advice',
    description: 'Example: advice if you are homeless or at risk of losing your home.',
    type: 'housing',
    features: ['interpreters', 'accessible-premises', 'domestic-abuse-enquiry'],
    places: { hendonHousing: weekdays('09:00', '17:00') },
  },
  womensSupportedHousing: {
    org: 'housing',
    name: "Example: Women's supported housing",
    description: 'Example: shared supported housing for single women, with a key worker.',
    type: 'housing',
    substances: ['alcohol', 'drugs'],
    features: ['women-only-service', 'same-gender-key-worker', 'trauma-informed-training'],
    womenOnly: true,
    places: { hendonHousing: [wo('tuesday', '13:00', '16:00', { notes: 'Referral and viewing appointments' })] },
  },

  // Drafts: never published
  draftEdgwareWomensGroup: {
    org: 'recovery',
    name: "Example: Edgware women's evening group (planned)",
    description: 'Example: a planned evening group for women at the Edgware satellite.',
    type: 'community-treatment',
    substances: ['alcohol', 'drugs'],
    features: ['women-only-groups', 'evening-or-weekend'],
    status: 'draft',
    internalNotes: 'Funding not confirmed. Do not publish until the room is booked.',
    places: { edgwareSatellite: [wo('thursday', '18:00', '20:00')] },
  },
  draftSexWorkOutreach: {
    org: 'safeFutures',
    name: 'Example: Sex work outreach van (pilot)',
    description: 'Example: a planned outreach pilot with a women’s worker and a nurse.',
    type: 'domestic-abuse',
    features: ['sex-work-outreach', 'outreach-home-visits'],
    status: 'draft',
    internalNotes: 'Pilot starts when the van lease is signed.',
    places: { friernRooms: [s('friday', '20:00', '23:00')] },
  },
}

// ---------------------------------------------------------------------------------------------
// Build

function slug(text: string): string {
  return text
    .replace(/^Example:\s*/, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/** Builds (and validates) the demo directory afresh. */
export function buildDemoDirectory(): Directory {
  const organisations: Organisation[] = Object.entries(organisationSpecs).map(([key, spec]) => ({
    id: demoId('organisation', key),
    name: spec.name,
    description: spec.description,
    url: `https://example.org/${slug(spec.name)}`,
    email: `hello@${slug(spec.name)}.example.org`,
  }))

  const locations: Location[] = Object.entries(locationSpecs).map(([key, spec]: [string, LocationSpec]) => {
    const [lat, lon, town] = demoDistrictCentroids[spec.district]
    const [dLat, dLon] = jitter(`location/${key}`, 0.005)
    return {
      id: demoId('location', key),
      name: spec.name,
      addressLine1: spec.line1,
      town,
      county: spec.county ?? 'Greater London',
      postcode: `${spec.district} ${spec.unit}`,
      latitude: round6(lat + dLat),
      longitude: round6(lon + dLon),
      accessibility: [...spec.accessibility],
    }
  })

  const services: Service[] = []
  const serviceAtLocations: ServiceAtLocation[] = []
  const schedules: Schedule[] = []
  let phone = 100
  for (const [key, spec] of Object.entries(serviceSpecs)) {
    const id = demoId('service', key)
    const contact: Contact = {
      id: demoId('contact', key),
      title: 'Example: Duty worker',
      email: `${slug(spec.name)}@example.org`,
      phone: `020 7946 0${String(phone).padStart(3, '0')}`,
    }
    phone += 1
    services.push({
      id,
      organisationId: demoId('organisation', spec.org),
      name: spec.name,
      description: spec.description,
      status: spec.status ?? 'published',
      serviceType: spec.type,
      substances: spec.substances ?? [],
      features: spec.features,
      ...(spec.byAndFor === undefined ? {} : { byAndForCommunity: spec.byAndFor }),
      internalNotes: spec.internalNotes ?? '',
      url: `https://example.org/services/${slug(spec.name)}`,
      email: contact.email,
      contacts: [contact],
      serviceAreas: [
        {
          id: demoId('service-area', key),
          ...(spec.area ?? { name: 'London Borough of Barnet', code: DEMO_DIRECTORY_COUNCIL }),
        },
      ],
      eligibility: {
        womenOnly: spec.womenOnly ?? false,
        ...(spec.minimumAge === undefined ? {} : { minimumAge: spec.minimumAge }),
        ...(spec.maximumAge === undefined ? {} : { maximumAge: spec.maximumAge }),
      },
      version: 1,
      lastModified: DEMO_LAST_MODIFIED,
    })
    for (const [locationKey, sessions] of Object.entries(spec.places)) {
      const salId = demoId('service-at-location', key, locationKey)
      serviceAtLocations.push({ id: salId, serviceId: id, locationId: demoId('location', locationKey) })
      sessions.forEach((session, index) => {
        schedules.push({
          id: demoId('schedule', key, locationKey, String(index)),
          serviceAtLocationId: salId,
          dayOfWeek: session.day,
          start: session.start,
          end: session.end,
          womenOnly: session.womenOnly ?? false,
          mode: session.mode ?? 'in_person',
          ...(session.runBy === undefined ? {} : { runBy: session.runBy }),
          ...(session.notes === undefined ? {} : { notes: session.notes }),
        })
      })
    }
  }
  // Validate now: a mistake in the demo data should fail loudly, at start-up and in tests.
  return directorySchema.parse({ organisations, services, locations, serviceAtLocations, schedules })
}

/** The demo directory (built and validated once). Treat as read-only. */
let built: Directory | undefined

/** The demo directory, built on first use (not when the module is imported) and kept. */
export function demoDirectory(): Directory {
  built ??= buildDemoDirectory()
  return built
}

/** Demo service ids by their key in this file, for tests and seeds. */
export const demoServiceId = (key: string): string => demoId('service', key)
export const demoLocationId = (key: string): string => demoId('location', key)
