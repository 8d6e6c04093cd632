import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderTaxonomyDoc, taxonomyDocPath } from '../../scripts/taxonomy-doc.js'
import { isUuid, stableId, uuidV5, WTC_NAMESPACE } from '../../src/lib/ids.js'
import {
  allTaxonomyTerms,
  featureCodes,
  featureTermDefinitions,
  featureTerms,
  findTermById,
  orukTaxonomies,
  serviceTypeCodes,
  termId,
} from '../../src/lib/taxonomy.js'
import { errorsOf, standardValidators } from './standard.js'

describe('uuidV5', () => {
  it('matches the published test vector and Python uuid.uuid5', () => {
    // RFC 9562 namespace DNS = 6ba7b810-9dad-11d1-80b4-00c04fd430c8;
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com'))"
    // prints 2ed6657d-e927-568b-95e1-2665a8aea6a2.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    )
  })

  it('makes stable ids in our namespace', () => {
    // stableId joins its parts with '/': the same as uuidV5('a/b', namespace).
    expect(stableId('a', 'b')).toBe(uuidV5('a/b', WTC_NAMESPACE))
    expect(isUuid(stableId('taxonomy-term', 'feature', 'creche'))).toBe(true)
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(RangeError)
  })
})

describe('the gender-responsive features taxonomy', () => {
  // Every feature the issue lists (issue 4, "The directory"), written out by hand, with the code
  // we chose for it. Each must exist in the taxonomy.
  const issueFeatures: [string, string][] = [
    ['women-only service', 'women-only-service'],
    ['women-only group sessions', 'women-only-groups'],
    ['same-gender key worker on request', 'same-gender-key-worker'],
    ['women-only space, floor or entrance', 'women-only-space'],
    ['escort from the entrance', 'escort-from-entrance'],
    ['creche or children welcome', 'children-welcome'],
    ['women-only space without children', 'space-without-children'],
    ['online or phone support', 'online-or-phone'],
    ['evening or weekend sessions', 'evening-or-weekend'],
    ['outreach or home visits', 'outreach-home-visits'],
    ['transport help', 'transport-help'],
    ['domestic abuse worker or IDVA on site', 'domestic-abuse-worker'],
    ['routine enquiry about domestic abuse', 'domestic-abuse-enquiry'],
    ['policy for perpetrators attending', 'perpetrator-policy'],
    ['pregnancy question in assessment', 'pregnancy-question'],
    ['link with specialist midwife', 'specialist-midwife-link'],
    ['accredited trauma-informed training', 'trauma-informed-training'],
    ['psychologically informed environment', 'psychologically-informed-environment'],
    ['by-and-for organisation (which community)', 'by-and-for'],
    ['LGBTQ+ affirming', 'lgbtq-affirming'],
    ['interpreters', 'interpreters'],
    ['accessible premises', 'accessible-premises'],
    ['sex-work outreach', 'sex-work-outreach'],
    ['rapid access to scripts on release from custody', 'rapid-scripts-on-release'],
  ]

  it.each(issueFeatures)('covers "%s" as %s', (_label, code) => {
    expect(featureCodes).toContain(code)
  })

  it('has the issue’s 24 features and one more (adjustments for neurodivergent women)', () => {
    expect(issueFeatures).toHaveLength(24)
    expect(featureCodes).toHaveLength(25)
    expect(featureCodes).toContain('neurodiversity-adjustments')
  })

  it('describes the same-gender key worker in plain words', () => {
    expect(featureTerms['same-gender-key-worker'].description).toBe('You can ask for a woman key worker.')
  })

  it('gives every term a short plain-words description that is a sentence', () => {
    for (const t of featureTermDefinitions) {
      expect(t.description, t.code).toMatch(/^[A-Z].*\.$/)
      expect(t.description.length, t.code).toBeLessThanOrEqual(160)
    }
  })
})

describe('the service types taxonomy', () => {
  it('has every service type the issue lists', () => {
    // Issue 4: "Service types: ..." — 18 of them, in the issue's order.
    expect(serviceTypeCodes).toEqual([
      'community-treatment',
      'residential-rehab',
      'inpatient-detox',
      'womens-centre',
      'domestic-abuse',
      'refuge',
      'mental-health',
      'maternity',
      'sexual-health',
      'womens-health-hub',
      'gp-practice',
      'housing',
      'family-hub',
      'fdac',
      'post-proceedings',
      'probation',
      'peer-recovery',
      'community-venue',
    ])
  })
})

describe('ORUK taxonomy objects', () => {
  it('validate against the standard’s taxonomy.json and taxonomy_term.json', () => {
    for (const taxonomy of orukTaxonomies) {
      expect(standardValidators.taxonomy(taxonomy), errorsOf(standardValidators.taxonomy).join('\n')).toBe(true)
    }
    for (const term of allTaxonomyTerms) {
      expect(standardValidators.taxonomyTerm(term), term.term).toBe(true)
    }
  })

  it('have unique ids, and ids are UUID v5 of the code', () => {
    const ids = allTaxonomyTerms.map((t) => t.id)
    expect(new Set(ids).size).toBe(ids.length)
    // taxonomy-term/<kind>/<code> in our namespace, worked out independently of termId().
    expect(featureTerms.interpreters.id).toBe(uuidV5('taxonomy-term/feature/interpreters', WTC_NAMESPACE))
    expect(termId('service-type', 'refuge')).toBe(uuidV5('taxonomy-term/service-type/refuge', WTC_NAMESPACE))
  })

  it('counts 25 features + 8 groups, 18 service types + 6 groups, 2 substances', () => {
    expect(orukTaxonomies.map((t) => t.taxonomy_terms.length)).toEqual([33, 24, 2])
  })

  it('looks terms up by id, telling groups apart', () => {
    expect(findTermById(featureTerms['children-welcome'].id)?.code).toBe('children-welcome')
    expect(findTermById(featureTerms['children-welcome'].id.toUpperCase())?.kind).toBe('feature')
    const group = allTaxonomyTerms.find((t) => t.term === 'group:safety')
    expect(group && findTermById(group.id)?.isGroup).toBe(true)
    expect(findTermById('00000000-0000-4000-8000-000000000000')).toBeUndefined()
  })
})

describe('docs/taxonomy.md', () => {
  it('is up to date (run npx tsx scripts/taxonomy-doc.ts)', () => {
    expect(readFileSync(taxonomyDocPath(), 'utf8')).toBe(renderTaxonomyDoc())
  })

  it('lists every feature with its id', () => {
    const doc = renderTaxonomyDoc()
    for (const code of featureCodes) expect(doc).toContain(`| \`${code}\` |`)
    expect(doc).toContain(featureTerms['perpetrator-policy'].id)
  })
})
