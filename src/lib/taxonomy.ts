/**
 * Our Open Referral UK taxonomies: the gender-responsive features of a service (what makes it
 * safer and easier for women to use), the service types of the service map, and the substances a
 * service helps with. Every term has a stable code (used in the directory and in URLs), a name, a
 * plain-words description written for a woman looking for help, and a group. Ids are UUID v5 of
 * the code in our namespace (src/lib/ids.ts), so they never change.
 *
 * Published at /api/oruk/taxonomies and documented in docs/taxonomy.md
 * (`npx tsx scripts/taxonomy-doc.ts` writes it; a test checks it is up to date).
 * Add terms at the end of a list; never change or reuse a code.
 */
import { stableId } from './ids.js'

// ---------------------------------------------------------------------------------------------
// Gender-responsive features

export const featureGroups = [
  { code: 'women-only', name: 'Women-only provision' },
  { code: 'safety', name: 'Feeling safe' },
  { code: 'children', name: 'Children and pregnancy' },
  { code: 'flexible-access', name: 'Getting support in a way that suits you' },
  { code: 'domestic-abuse', name: 'Domestic abuse' },
  { code: 'trauma-informed', name: 'Trauma-informed care' },
  { code: 'inclusion', name: 'Support for every woman' },
  { code: 'criminal-justice', name: 'Criminal justice' },
] as const

export type FeatureGroupCode = (typeof featureGroups)[number]['code']

export interface FeatureTermDefinition {
  code: string
  name: string
  /** Plain words, second person, for the public page and the ORUK term description. */
  description: string
  group: FeatureGroupCode
}

export const featureTermDefinitions = [
  {
    code: 'women-only-service',
    name: 'Women-only service',
    description: 'The whole service is for women only. You will not meet men using the service.',
    group: 'women-only',
  },
  {
    code: 'women-only-groups',
    name: 'Women-only group sessions',
    description: 'There are group sessions just for women. Men do not come to these sessions.',
    group: 'women-only',
  },
  {
    code: 'same-gender-key-worker',
    name: 'Woman key worker on request',
    description: 'You can ask for a woman key worker.',
    group: 'women-only',
  },
  {
    code: 'women-only-space',
    name: 'Women-only space, floor or entrance',
    description: 'There is a room, floor or entrance just for women, so you do not have to mix with men.',
    group: 'safety',
  },
  {
    code: 'escort-from-entrance',
    name: 'Escort from the entrance',
    description: 'A worker you trust can meet you at the door and walk in with you.',
    group: 'safety',
  },
  {
    code: 'children-welcome',
    name: 'Creche or children welcome',
    description: 'You can bring your children. Some sessions have a creche.',
    group: 'children',
  },
  {
    code: 'space-without-children',
    name: 'Women-only space without children',
    description:
      'There is a space for women with no children present. This can help if your children have been taken into care or live with someone else.',
    group: 'children',
  },
  {
    code: 'pregnancy-question',
    name: 'Asks about pregnancy',
    description: 'Staff ask if you are pregnant when you first come, so they can get you the right care quickly.',
    group: 'children',
  },
  {
    code: 'specialist-midwife-link',
    name: 'Link with a specialist midwife',
    description: 'If you are pregnant, staff can put you in touch with a midwife who understands drug and alcohol use.',
    group: 'children',
  },
  {
    code: 'online-or-phone',
    name: 'Online or phone support',
    description: 'You can get support by phone or online, without having to travel.',
    group: 'flexible-access',
  },
  {
    code: 'evening-or-weekend',
    name: 'Evening or weekend sessions',
    description: 'Some sessions are in the evening or at the weekend, outside working and school hours.',
    group: 'flexible-access',
  },
  {
    code: 'outreach-home-visits',
    name: 'Outreach or home visits',
    description: 'A worker can see you at home or somewhere else you feel comfortable.',
    group: 'flexible-access',
  },
  {
    code: 'transport-help',
    name: 'Help with transport',
    description: 'Staff can help you get to appointments, for example with fares or a lift.',
    group: 'flexible-access',
  },
  {
    code: 'domestic-abuse-worker',
    name: 'Domestic abuse worker on site',
    description:
      'A domestic abuse worker, such as an independent domestic violence adviser (IDVA), works here and you can talk to them.',
    group: 'domestic-abuse',
  },
  {
    code: 'domestic-abuse-enquiry',
    name: 'Asks about domestic abuse',
    description: 'Staff ask everyone, in private, whether they are safe at home, so you do not have to bring it up.',
    group: 'domestic-abuse',
  },
  {
    code: 'perpetrator-policy',
    name: 'Policy for when abusers attend',
    description:
      'The service has a plan to keep you safe if someone who has hurt you also uses the service, for example different days or times.',
    group: 'domestic-abuse',
  },
  {
    code: 'trauma-informed-training',
    name: 'Accredited trauma-informed training',
    description: 'Staff have had accredited training in how past trauma affects people and how to support you safely.',
    group: 'trauma-informed',
  },
  {
    code: 'psychologically-informed-environment',
    name: 'Psychologically informed environment',
    description: 'The building and the way the service runs are designed to feel calm, safe and welcoming.',
    group: 'trauma-informed',
  },
  {
    code: 'by-and-for',
    name: 'By-and-for organisation',
    description: 'The service is run by and for women from a particular community, who share your background.',
    group: 'inclusion',
  },
  {
    code: 'lgbtq-affirming',
    name: 'LGBTQ+ affirming',
    description: 'Lesbian, bisexual, trans and queer women are welcome and staff are trained to support you.',
    group: 'inclusion',
  },
  {
    code: 'interpreters',
    name: 'Interpreters',
    description: 'You can have an interpreter, including British Sign Language, free of charge.',
    group: 'inclusion',
  },
  {
    code: 'accessible-premises',
    name: 'Accessible premises',
    description: 'The building has step-free access and an accessible toilet.',
    group: 'inclusion',
  },
  {
    code: 'neurodiversity-adjustments',
    name: 'Adjustments for neurodivergent women',
    description: 'Staff can change how they work with you if you are autistic, have ADHD or a learning disability.',
    group: 'inclusion',
  },
  {
    code: 'sex-work-outreach',
    name: 'Support for women who sell sex',
    description: 'Workers reach out to women who sell or exchange sex, without judging you.',
    group: 'inclusion',
  },
  {
    code: 'rapid-scripts-on-release',
    name: 'Quick prescriptions on release from prison',
    description:
      'If you are leaving prison, you can get your prescription, such as methadone, quickly and without a gap.',
    group: 'criminal-justice',
  },
] as const satisfies readonly FeatureTermDefinition[]

export type FeatureCode = (typeof featureTermDefinitions)[number]['code']
export const featureCodes = featureTermDefinitions.map((t) => t.code) as readonly FeatureCode[] as [
  FeatureCode,
  ...FeatureCode[],
]

// ---------------------------------------------------------------------------------------------
// Service types

export const serviceTypeGroups = [
  { code: 'treatment', name: 'Drug and alcohol treatment' },
  { code: 'women-and-safety', name: "Women's services and safety" },
  { code: 'health', name: 'Health' },
  { code: 'families', name: 'Children and families' },
  { code: 'justice', name: 'Criminal justice' },
  { code: 'community', name: 'Community and recovery' },
] as const

export type ServiceTypeGroupCode = (typeof serviceTypeGroups)[number]['code']

export interface ServiceTypeDefinition {
  code: string
  name: string
  description: string
  group: ServiceTypeGroupCode
  /** Drug and alcohol treatment itself (the "treatment" side of co-location analysis). */
  treatment: boolean
  /** A place women already use, where treatment could be co-located. */
  placeWomenUse: boolean
}

export const serviceTypeDefinitions = [
  {
    code: 'community-treatment',
    name: 'Community drug and alcohol treatment',
    description: 'Help to stop or cut down drugs or alcohol while you live at home, including prescriptions.',
    group: 'treatment',
    treatment: true,
    placeWomenUse: false,
  },
  {
    code: 'residential-rehab',
    name: 'Residential rehabilitation',
    description: 'You live at the service for some weeks or months while you recover.',
    group: 'treatment',
    treatment: true,
    placeWomenUse: false,
  },
  {
    code: 'inpatient-detox',
    name: 'Inpatient detox',
    description: 'You stay in a hospital or unit for a few days so staff can help you stop safely.',
    group: 'treatment',
    treatment: true,
    placeWomenUse: false,
  },
  {
    code: 'womens-centre',
    name: "Women's centre",
    description: 'A centre just for women, with advice, groups and support for many kinds of problem.',
    group: 'women-and-safety',
    treatment: false,
    placeWomenUse: true,
  },
  {
    code: 'domestic-abuse',
    name: 'Domestic abuse service',
    description: 'Support if someone close to you is hurting, threatening or controlling you.',
    group: 'women-and-safety',
    treatment: false,
    placeWomenUse: true,
  },
  {
    code: 'refuge',
    name: 'Refuge',
    description:
      'A safe place to live if you have to leave home because of abuse. Some refuges take women who use drugs or alcohol or have mental health needs.',
    group: 'women-and-safety',
    treatment: false,
    placeWomenUse: false,
  },
  {
    code: 'mental-health',
    name: 'Mental health',
    description: 'Support with your mental health, such as talking therapy or a community mental health team.',
    group: 'health',
    treatment: false,
    placeWomenUse: false,
  },
  {
    code: 'maternity',
    name: 'Maternity and specialist midwifery',
    description: 'Care while you are pregnant and after birth, including midwives who understand drug and alcohol use.',
    group: 'health',
    treatment: false,
    placeWomenUse: false,
  },
  {
    code: 'sexual-health',
    name: 'Sexual health',
    description: 'Contraception, tests and treatment for sexually transmitted infections, and advice.',
    group: 'health',
    treatment: false,
    placeWomenUse: false,
  },
  {
    code: 'womens-health-hub',
    name: "Women's health hub",
    description: 'NHS care for periods, menopause, contraception and other women’s health needs in one place.',
    group: 'health',
    treatment: false,
    placeWomenUse: true,
  },
  {
    code: 'gp-practice',
    name: 'GP practice',
    description: 'Your local doctor’s surgery.',
    group: 'health',
    treatment: false,
    placeWomenUse: true,
  },
  {
    code: 'housing',
    name: 'Housing',
    description: 'Help to find or keep somewhere to live.',
    group: 'community',
    treatment: false,
    placeWomenUse: false,
  },
  {
    code: 'family-hub',
    name: 'Family hub or Early Help',
    description: 'Support for families with children, from pregnancy to age 19.',
    group: 'families',
    treatment: false,
    placeWomenUse: true,
  },
  {
    code: 'fdac',
    name: 'Family Drug and Alcohol Court',
    description:
      'A court team that helps parents stop using drugs or alcohol so they can keep or get back their children.',
    group: 'families',
    treatment: false,
    placeWomenUse: false,
  },
  {
    code: 'post-proceedings',
    name: 'Support after care proceedings',
    description: 'Support for women who have had a child removed, to help you take back control of your life.',
    group: 'families',
    treatment: false,
    placeWomenUse: false,
  },
  {
    code: 'probation',
    name: 'Probation and criminal justice',
    description: 'Probation and support if you are in contact with the police, courts or prison.',
    group: 'justice',
    treatment: false,
    placeWomenUse: false,
  },
  {
    code: 'peer-recovery',
    name: 'Peer recovery and mutual aid',
    description: 'Groups and mentors who have been through it themselves.',
    group: 'community',
    treatment: false,
    placeWomenUse: false,
  },
  {
    code: 'community-venue',
    name: 'Community venue',
    description: 'A library, community centre or faith building where groups and services meet.',
    group: 'community',
    treatment: false,
    placeWomenUse: true,
  },
] as const satisfies readonly ServiceTypeDefinition[]

export type ServiceTypeCode = (typeof serviceTypeDefinitions)[number]['code']
export const serviceTypeCodes = serviceTypeDefinitions.map((t) => t.code) as readonly ServiceTypeCode[] as [
  ServiceTypeCode,
  ...ServiceTypeCode[],
]

// ---------------------------------------------------------------------------------------------
// Substances

export const substanceDefinitions = [
  { code: 'alcohol', name: 'Alcohol', description: 'Help with drinking alcohol.' },
  { code: 'drugs', name: 'Drugs', description: 'Help with using drugs, including prescribed medicines.' },
] as const

export type SubstanceCode = (typeof substanceDefinitions)[number]['code']
export const substanceCodes = substanceDefinitions.map((t) => t.code) as readonly SubstanceCode[] as [
  SubstanceCode,
  ...SubstanceCode[],
]

// ---------------------------------------------------------------------------------------------
// ORUK objects (taxonomy.json and taxonomy_term.json of the UK profile)

export interface TaxonomyTerm {
  id: string
  name: string
  description: string
  parent_id?: string
  taxonomy: string
  taxonomy_id: string
  term: string
}

export interface Taxonomy {
  id: string
  name: string
  description: string
  version: string
  taxonomy_terms: TaxonomyTerm[]
}

export type TaxonomyKind = 'feature' | 'service-type' | 'substance'

export const TAXONOMY_VERSION = '1.0'

export const taxonomyInfo: Record<TaxonomyKind, { id: string; name: string; description: string }> = {
  feature: {
    id: stableId('taxonomy', 'feature'),
    name: 'WTC gender-responsive features',
    description:
      'Features of a service that make it safer and easier for women to use, from the Women’s Treatment Commissioning service map.',
  },
  'service-type': {
    id: stableId('taxonomy', 'service-type'),
    name: 'WTC service types',
    description: 'The kinds of service on the Women’s Treatment Commissioning service map.',
  },
  substance: {
    id: stableId('taxonomy', 'substance'),
    name: 'WTC substances',
    description: 'The substances a drug and alcohol service helps with.',
  },
}

/** Id of a term (a feature, service type, substance or group code) in one of our taxonomies. */
export const termId = (kind: TaxonomyKind, code: string): string => stableId('taxonomy-term', kind, code)
export const groupTermId = (kind: TaxonomyKind, code: string): string => stableId('taxonomy-group', kind, code)

function term(kind: TaxonomyKind, code: string, name: string, description: string, parentId?: string): TaxonomyTerm {
  const info = taxonomyInfo[kind]
  return {
    id: termId(kind, code),
    name,
    description,
    ...(parentId === undefined ? {} : { parent_id: parentId }),
    taxonomy: info.name,
    taxonomy_id: info.id,
    term: code,
  }
}

function groupTerm(kind: TaxonomyKind, code: string, name: string): TaxonomyTerm {
  const info = taxonomyInfo[kind]
  return {
    id: groupTermId(kind, code),
    name,
    description: `Group: ${name}.`,
    taxonomy: info.name,
    taxonomy_id: info.id,
    term: `group:${code}`,
  }
}

export const featureTerms: Record<FeatureCode, TaxonomyTerm> = Object.fromEntries(
  featureTermDefinitions.map((t) => [
    t.code,
    term('feature', t.code, t.name, t.description, groupTermId('feature', t.group)),
  ]),
) as Record<FeatureCode, TaxonomyTerm>

export const serviceTypeTerms: Record<ServiceTypeCode, TaxonomyTerm> = Object.fromEntries(
  serviceTypeDefinitions.map((t) => [
    t.code,
    term('service-type', t.code, t.name, t.description, groupTermId('service-type', t.group)),
  ]),
) as Record<ServiceTypeCode, TaxonomyTerm>

export const substanceTerms: Record<SubstanceCode, TaxonomyTerm> = Object.fromEntries(
  substanceDefinitions.map((t) => [t.code, term('substance', t.code, t.name, t.description)]),
) as Record<SubstanceCode, TaxonomyTerm>

function taxonomy(kind: TaxonomyKind, terms: TaxonomyTerm[]): Taxonomy {
  const info = taxonomyInfo[kind]
  return {
    id: info.id,
    name: info.name,
    description: info.description,
    version: TAXONOMY_VERSION,
    taxonomy_terms: terms,
  }
}

export const featureTaxonomy: Taxonomy = taxonomy('feature', [
  ...featureGroups.map((g) => groupTerm('feature', g.code, g.name)),
  ...Object.values(featureTerms),
])

export const serviceTypeTaxonomy: Taxonomy = taxonomy('service-type', [
  ...serviceTypeGroups.map((g) => groupTerm('service-type', g.code, g.name)),
  ...Object.values(serviceTypeTerms),
])

export const substanceTaxonomy: Taxonomy = taxonomy('substance', Object.values(substanceTerms))

/** Every taxonomy we publish, in the order of /api/oruk/taxonomies. */
export const orukTaxonomies: readonly Taxonomy[] = [featureTaxonomy, serviceTypeTaxonomy, substanceTaxonomy]

/** Every term of every taxonomy (group terms included), in the order of /api/oruk/taxonomy_terms. */
export const allTaxonomyTerms: readonly TaxonomyTerm[] = orukTaxonomies.flatMap((t) => t.taxonomy_terms)

export interface ResolvedTerm {
  kind: TaxonomyKind
  code: string
  /** A group heading, not something a service can have. */
  isGroup: boolean
  term: TaxonomyTerm
}

const termsById = new Map<string, ResolvedTerm>()
for (const [kind, t] of [
  ...featureTaxonomy.taxonomy_terms.map((x) => ['feature', x] as const),
  ...serviceTypeTaxonomy.taxonomy_terms.map((x) => ['service-type', x] as const),
  ...substanceTaxonomy.taxonomy_terms.map((x) => ['substance', x] as const),
]) {
  const isGroup = t.term.startsWith('group:')
  termsById.set(t.id, { kind, code: isGroup ? t.term.slice('group:'.length) : t.term, isGroup, term: t })
}

/** Looks a term up by its id (case-insensitive). */
export function findTermById(id: string): ResolvedTerm | undefined {
  return termsById.get(id.toLowerCase())
}

const featureDefinitionByCode = new Map<string, FeatureTermDefinition>(featureTermDefinitions.map((t) => [t.code, t]))
const serviceTypeDefinitionByCode = new Map<string, ServiceTypeDefinition>(
  serviceTypeDefinitions.map((t) => [t.code, t]),
)

export function isFeatureCode(code: string): code is FeatureCode {
  return featureDefinitionByCode.has(code)
}

export function isServiceTypeCode(code: string): code is ServiceTypeCode {
  return serviceTypeDefinitionByCode.has(code)
}

export function featureDefinition(code: FeatureCode): FeatureTermDefinition {
  const found = featureDefinitionByCode.get(code)
  if (!found) throw new RangeError(`Unknown feature: ${code}`)
  return found
}

export function serviceTypeDefinition(code: ServiceTypeCode): ServiceTypeDefinition {
  const found = serviceTypeDefinitionByCode.get(code)
  if (!found) throw new RangeError(`Unknown service type: ${code}`)
  return found
}

/** Plain label of a service type, for pages and filters. */
export const serviceTypeLabel = (code: ServiceTypeCode): string => serviceTypeDefinition(code).name
/** Plain label of a feature, for pages and filters. */
export const featureLabel = (code: FeatureCode): string => featureDefinition(code).name
