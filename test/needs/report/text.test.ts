/**
 * Spelling and punctuation over every sentence the Word report writes (issue 11), for the demo
 * council (the published Barnet files and the demo's example female share, through the real
 * import and the real view model) and for the hand-built fixture with a recorded priority and a
 * piece of local insight. The machine has no dictionary (/usr/share/dict is empty), so the word
 * check is a curated list of this domain's words in their right form (acronyms in capitals, names
 * with their capital), a list of American spellings and common misspellings, and doubled words.
 * The checks are shown to catch each fault on sentences made to have it.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { seedNeedsDemo } from '../../../src/demo/needs-data.js'
import type { AssessmentView } from '../../../src/features/needs/assessment/types.js'
import { renderAssessmentDocx } from '../../../src/features/needs/report/docx.js'
import { createTestContext } from '../../support/app.js'
import { fixtureView } from './fixture.js'
import { paragraphs, readZip, tables } from '../../support/docx.js'

/** Domain words in their one right form: any other casing of them is a fault. */
const DOMAIN_WORDS = [
  'NDTMS',
  'OHID',
  'NHS',
  'LGBTQ',
  'IDVA',
  'ISVA',
  'MARAC',
  'OCU',
  'GP',
  'LSOA',
  'ONS',
  'ViewIt',
  'Wilson',
  'Newcombe',
  'Barnet',
  'England',
  'Fingertips',
  'Word',
]
const DOMAIN = new Map(DOMAIN_WORDS.map((w) => [w.toLowerCase(), w]))
/** Acronyms that must never appear in lower case. */
const LOWERCASE_ACRONYMS = /\b(lgbtq|nhs|idva|isva|marac|ndtms|ohid|ocu|lsoa|gp)\b/
/** American spellings and common misspellings, as British English writes them. */
const MISSPELLINGS: Record<string, string> = {
  organization: 'organisation',
  organizations: 'organisations',
  color: 'colour',
  center: 'centre',
  program: 'programme',
  analyze: 'analyse',
  modeled: 'modelled',
  behavior: 'behaviour',
  license: 'licence',
  seperate: 'separate',
  occured: 'occurred',
  recieved: 'received',
  accomodation: 'accommodation',
  neurodiverse: 'neurodivergent',
  prevelance: 'prevalence',
  definately: 'definitely',
}
/** Words that end in s but are not plurals, allowed after "1". */
const NOT_PLURAL = new Set(['is', 'was', 'has', 'does', 'means', 'minus', 'plus', 'less', 'this', 'across', 'alcohol'])

/** Faults in one paragraph of the report; empty when it reads right. */
export function faults(paragraph: string): string[] {
  const out: string[] = []
  // Web addresses and domain names are quoted as given.
  const p = paragraph
    .replace(/https?:\/\/\S+/g, 'URL')
    .replace(/\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:uk|org|com|net|gov)\b/g, 'URL')
  if (/\.\.|,,|;;|::|[,;:]\s*[.,;:]|\.\s*[,;:]/.test(p)) out.push('doubled punctuation')
  if (/\s[,.;:](\s|$)/.test(p)) out.push('space before punctuation')
  const stack: string[] = []
  const pairs: Record<string, string> = { ')': '(', ']': '[' }
  let balanced = true
  for (const ch of p) {
    if (ch === '(' || ch === '[') stack.push(ch)
    else if (ch === ')' || ch === ']') {
      if (stack.pop() !== pairs[ch]) balanced = false
    }
  }
  if (!balanced || stack.length > 0) out.push('unbalanced brackets')
  for (const m of p.matchAll(/(?<![\d.,])\b1 ([a-z]+s)\b/g)) {
    if (!NOT_PLURAL.has(m[1] ?? '')) out.push(`plural after 1: "1 ${m[1] ?? ''}"`)
  }
  if (!/^[A-Z0-9<[“‘(•]/.test(p)) out.push('does not start with a capital')
  for (const m of p.matchAll(/(?<!\b(?:e\.g|i\.e|etc|vs|v3\.0))[.!?]\s+([a-z])/g)) {
    out.push(`sentence after "${m[0].trim()}" starts in lower case`)
  }
  if (LOWERCASE_ACRONYMS.test(p)) out.push(`lower-case acronym: ${LOWERCASE_ACRONYMS.exec(p)?.[0] ?? ''}`)
  for (const m of p.matchAll(/[A-Za-z][A-Za-z’'+-]*/g)) {
    const word = m[0].replace(/[’'+-]+$/, '')
    const right = DOMAIN.get(word.toLowerCase())
    // 'word' is also an ordinary English word; every other domain word has one right form.
    if (right && word !== right && word !== 'word') out.push(`"${word}" for "${right}"`)
    const fix = MISSPELLINGS[word.toLowerCase()]
    if (fix) out.push(`"${word}" for "${fix}"`)
  }
  for (const m of p.matchAll(/\b([A-Za-z]+)\s+\1\b/gi)) out.push(`doubled word "${m[0]}"`)
  return out
}

async function reportText(view: AssessmentView): Promise<{ paragraphs: string[]; cells: string[] }> {
  const xml =
    readZip(await renderAssessmentDocx(view))
      .get('word/document.xml')
      ?.toString('utf8') ?? ''
  const grids = tables(xml)
  const cells = grids.flat(2)
  // Table cells are checked for words and acronyms; they are not sentences.
  const cellSet = new Set(cells)
  return { paragraphs: paragraphs(xml).filter((p) => p.trim() !== '' && !cellSet.has(p)), cells }
}

function check(text: { paragraphs: string[]; cells: string[] }): string[] {
  const found = text.paragraphs.flatMap((p) => faults(p).map((f) => `${f}: ${p}`))
  for (const cell of text.cells) {
    const wordFaults = faults(`X ${cell}`).filter(
      (f) => f.startsWith('"') || f.startsWith('lower-case') || f.startsWith('doubled word'),
    )
    found.push(...wordFaults.map((f) => `${f}: ${cell}`))
  }
  return found
}

describe('the checks', () => {
  it('catch each fault on a sentence made to have it, and pass a clean one', () => {
    expect(faults('Open Government Licence v3.0.. Imported on 1 May.')).toContain('doubled punctuation')
    expect(faults('From Women’s Aid (a by-and-for organisation) , received today.')).toContain(
      'space before punctuation',
    )
    expect(faults('Women (all ages were counted.')).toContain('unbalanced brackets')
    expect(faults('Women [all ages) were counted.')).toContain('unbalanced brackets')
    expect(faults('1 piece of insight from 1 organisations.')).toContain('plural after 1: "1 organisations"')
    expect(faults('the figures are rounded.')).toContain('does not start with a capital')
    expect(faults('Figures are rounded. the totals are not.')).toHaveLength(1)
    expect(faults('There is no insight about lgbtq+ women.')).toContain('lower-case acronym: lgbtq')
    expect(faults('Counts come from Ndtms.')).toContain('"Ndtms" for "NDTMS"')
    expect(faults('Published in fingertips.')).toContain('"fingertips" for "Fingertips"')
    expect(faults('Published at fingertips.phe.org.uk.')).toEqual([])
    expect(faults('One organization told us.')).toContain('"organization" for "organisation"')
    expect(faults('Women in the the area.')).toContain('doubled word "the the"')
    expect(
      faults(
        'Unmet need is 1 minus the number in treatment (95% confidence interval 28.7% to 33.5%); LGBTQ+ women, 0.1 points.',
      ),
    ).toEqual([])
  })
})

describe('the Word report’s text', () => {
  let demo: AssessmentView
  beforeAll(async () => {
    const ctx = await createTestContext()
    try {
      const user = await ctx.user({ roles: ['analyst'], totp: true })
      const seeded = await seedNeedsDemo(ctx.database.db, user.scope)
      expect(seeded.loaded).toBe(true)
      const client = await ctx.signedIn(user)
      const res = await client.get('/needs?format=json')
      expect(res.statusCode).toBe(200)
      demo = JSON.parse(res.body) as AssessmentView
    } finally {
      await ctx.close()
    }
  })

  it('for the demo council: every sentence passes, and none tells the reader to use a button', async () => {
    expect(demo.sections.length).toBeGreaterThan(5)
    const text = await reportText(demo)
    expect(text.paragraphs.length).toBeGreaterThan(100)
    expect(check(text)).toEqual([])
    const all = text.paragraphs.join('\n')
    expect(all).not.toMatch(/Record this as a priority|\/needs\/|click|select the|button/i)
    expect(all).toContain('No recommendations have been recorded yet')
  })

  it('for the fixture with a priority and local insight: every sentence passes', async () => {
    const view = fixtureView()
    view.sections.push({
      id: 'priorities',
      title: 'Recorded priorities',
      status: 'ready',
      findings: ['1 priority recorded, 1 agreed.'],
      cards: [],
      charts: [],
      tables: [
        {
          id: 'priorities',
          caption: 'Priorities recorded from the needs assessment',
          columns: ['title', 'finding', 'evidence', 'cohorts', 'period', 'status'].map((key) => ({
            key,
            label: key,
            kind: 'text' as const,
          })),
          rows: [
            Object.fromEntries(
              Object.entries({
                title: 'A women-only group at the hub',
                finding: 'Women are under-represented in treatment',
                evidence: 'Women are 31.1% of people in treatment.',
                cohorts: 'Mothers; LGBTQ+ women',
                period: '2021/22',
                status: 'Agreed',
              }).map(([k, v]) => [k, { value: v, display: v, status: 'shown' as const }]),
            ),
          ],
          notes: [],
        },
      ],
      notes: [],
      sourceIds: [],
      insights: [],
    })
    const insight = view.sections.find((s) => s.id === 'insight')
    expect(insight).toBeDefined()
    insight!.insights.push({
      id: 'i2',
      organisation: 'Rainbow Women',
      byAndFor: true,
      cohorts: ['lgbtq', 'disabled'],
      receivedOn: '2026-10-02',
      summary: 'Women want a group of their own',
      sourceUrl: 'https://example.org/report.pdf',
    })
    const text = await reportText(view)
    expect(check(text)).toEqual([])
    expect(text.paragraphs).toContain(
      'A women-only group at the hub. Women are under-represented in treatment. Evidence: Women are 31.1% of people in treatment. For: mothers; LGBTQ+ women. Status: agreed.',
    )
    expect(text.paragraphs).toContain(
      'Rainbow Women (a by-and-for organisation), received 2 October 2026, about LGBTQ+ women, disabled women: Women want a group of their own. Source: https://example.org/report.pdf',
    )
  })
})
