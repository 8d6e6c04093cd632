/**
 * How the assessment is split into pages (issue 11, issue 8): an overview of key findings, one
 * page per section, and one "How to read these figures" page holding the notes that apply to every
 * table (rounding, intervals, suppression). The view model is unchanged (the downloads, the Word
 * report and `wtc needs report` keep reading all of it); only the HTML pages are split here.
 */
import { paths } from '../../../platform/paths.js'
import { DIFFERENCE_NOTE, ROUNDING_NOTE, SUPPRESSION_NOTE, WILSON_NOTE } from './notes.js'
import type { AssessmentView, HeadlineCard, SectionView, TableView } from './types.js'

/**
 * The page of each section, by section id. Two section ids name existing pages (the local insight
 * log at /needs/insight and the priorities list at /needs/priorities), so their summaries in the
 * assessment have their own addresses.
 */
export const sectionSlugs: Record<string, string> = {
  access: 'access',
  'unmet-need': 'unmet-need',
  referrals: 'referrals',
  exits: 'exits',
  safeguarding: 'safeguarding',
  representation: 'representation',
  harm: 'harm',
  insight: 'local-insight',
  priorities: 'recorded-priorities',
}

export const slugOfSection = (id: string): string => sectionSlugs[id] ?? id

/** The section shown at a slug, or undefined. */
export function sectionAtSlug(view: AssessmentView, slug: string): SectionView | undefined {
  return view.sections.find((s) => slugOfSection(s.id) === slug)
}

/** Notes that apply to every table they appear under: said once, on the "How to read" page. */
export const COMMON_NOTES: readonly { title: string; text: string }[] = [
  { title: 'Rounding', text: ROUNDING_NOTE },
  { title: 'Intervals', text: WILSON_NOTE },
  { title: 'Differences between women and men', text: DIFFERENCE_NOTE },
  { title: 'Small numbers', text: SUPPRESSION_NOTE },
]
const commonNoteTexts = new Set(COMMON_NOTES.map((n) => n.text))

/** A note that is not one of the common notes: it stays with its table or section. */
export const isOwnNote = (note: string): boolean => !commonNoteTexts.has(note)

/** The table as its section page shows it: its own notes only. */
export function tableForPage(table: TableView): TableView {
  return { ...table, notes: table.notes.filter(isOwnNote) }
}

/** The section as its page shows it: the common notes left to the "How to read" page. */
export function sectionForPage(section: SectionView): SectionView {
  return { ...section, notes: section.notes.filter(isOwnNote), tables: section.tables.map(tableForPage) }
}

export interface OverviewEntry {
  id: string
  title: string
  href: string
  status: 'ready' | 'no-data'
  /** The section's first finding, or what would fill it. */
  keyFinding: string
  tableCount: number
}

/** What the overview page shows: headline cards and each section's key finding, linking to it. */
export function overviewOf(view: AssessmentView, query: string): { cards: HeadlineCard[]; entries: OverviewEntry[] } {
  const cards = view.sections
    .filter((s) => s.status === 'ready')
    .flatMap((s) => s.cards)
    .slice(0, 4)
  const entries = view.sections.map((s) => ({
    id: s.id,
    title: s.title,
    href: `${paths.needs.section(slugOfSection(s.id))}?${query}`,
    status: s.status,
    keyFinding:
      s.findings[0] ??
      (s.status === 'no-data' ? (s.noDataMessage ?? 'There is no data for this section yet.') : 'No findings yet.'),
    tableCount: s.tables.length,
  }))
  return { cards, entries }
}

/** The previous and next section pages, for GOV.UK pagination between sections. */
export function neighbours(
  view: AssessmentView,
  id: string,
  query: string,
): { previous?: { href: string; title: string }; next?: { href: string; title: string } } {
  const at = view.sections.findIndex((s) => s.id === id)
  const link = (s: SectionView | undefined) =>
    s ? { href: `${paths.needs.section(slugOfSection(s.id))}?${query}`, title: s.title } : undefined
  const previous = link(at > 0 ? view.sections[at - 1] : undefined)
  const next = link(at >= 0 ? view.sections[at + 1] : undefined)
  return { ...(previous ? { previous } : {}), ...(next ? { next } : {}) }
}

/** One section as a view of its own, for the section's CSV and JSON downloads. */
export function sectionOnlyView(view: AssessmentView, section: SectionView): AssessmentView {
  const used = new Set(section.sourceIds)
  return { ...view, sections: [section], sources: view.sources.filter((s) => used.has(s.id)) }
}
