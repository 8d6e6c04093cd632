/**
 * How the assessment is split into pages (issue 11, issue 8): an overview of key findings, one
 * page per section, and one "How to read these figures" page holding the notes that apply to every
 * table (rounding, intervals, suppression). The view model is unchanged (the downloads, the Word
 * report and `wtc needs report` keep reading all of it); only the HTML pages are split here.
 */
import { paths } from '../../../platform/paths.js'
import { DIFFERENCE_NOTE, ROUNDING_NOTE, SUPPRESSION_NOTE, WILSON_NOTE } from './notes.js'
import type { AssessmentView, Cell, Column, HeadlineCard, SectionView, TableView } from './types.js'

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

/** At most this many columns in a table on a page (issue 11); the rest are in the table's CSV download. */
export const PAGE_COLUMNS = 6

const limitText = (cell: Cell): string => cell.display.replace(/%$/, '')

/** Where a column's lower and upper 95% limits are, by the keys the sections use. */
function intervalOf(table: TableView, key: string): { lower: string; upper: string } | null {
  const base = key.endsWith('Share') ? key.slice(0, -'Share'.length) : key === 'value' ? '' : key
  const lower = base === '' ? 'lower' : `${base}Lower`
  const upper = base === '' ? 'upper' : `${base}Upper`
  const has = (k: string) => table.columns.some((c) => c.key === k)
  return has(lower) && has(upper) ? { lower, upper } : null
}

/**
 * A figure with its interval in one cell, "31.1% (28.7 to 33.5)". The cell keeps the figure's value
 * and status; a hidden or blank figure shows as it is, with no interval.
 */
export function withInterval(main: Cell | undefined, lower: Cell | undefined, upper: Cell | undefined): Cell {
  const cell: Cell = main ? { ...main } : { value: null, display: '', status: 'not-available' }
  if (main?.status === 'shown' && lower?.status === 'shown' && upper?.status === 'shown' && main.display !== '') {
    cell.display = `${main.display} (${limitText(lower)} to ${limitText(upper)})`
  }
  return cell
}

/**
 * The table as its section page shows it (issue 11): its own notes only; each figure with its
 * 95% interval in one cell; prose columns as notes under the table; and at most PAGE_COLUMNS
 * columns, the rest left to the CSV download. The view model itself is unchanged.
 */
export function tableForPage(table: TableView): TableView {
  const notes = table.notes.filter(isOwnNote)
  const limitKeys = new Set<string>()
  const merged = new Map<string, { lower: string; upper: string }>()
  for (const column of table.columns) {
    const interval = intervalOf(table, column.key)
    if (interval) {
      merged.set(column.key, interval)
      limitKeys.add(interval.lower)
      limitKeys.add(interval.upper)
    }
  }
  let columns: Column[] = table.columns
    .filter((c) => !limitKeys.has(c.key))
    .map((c) => (merged.has(c.key) ? { ...c, label: `${c.label} (95% interval)` } : c))
  // Prose (a text column after the first whose entries run to sentences) goes under the table.
  const first = columns[0]?.key ?? ''
  const prose = columns.filter(
    (c, i) => i > 0 && c.kind === 'text' && table.rows.some((r) => (r[c.key]?.display.length ?? 0) > 40),
  )
  for (const column of prose) {
    for (const row of table.rows) {
      const said = row[column.key]?.display.trim() ?? ''
      if (said !== '') notes.push(`${column.label}, ${row[first]?.display ?? ''}: ${said}`)
    }
  }
  columns = columns.filter((c) => !prose.includes(c))
  if (columns.length > PAGE_COLUMNS) {
    const left = columns.slice(PAGE_COLUMNS)
    columns = columns.slice(0, PAGE_COLUMNS)
    notes.push(
      `${String(left.length)} more ${left.length === 1 ? 'column is' : 'columns are'} in this table’s CSV download: ${left.map((c) => c.label).join('; ')}.`,
    )
  }
  const rows = table.rows.map((row) =>
    Object.fromEntries(
      columns.map((c) => {
        const interval = merged.get(c.key)
        return [c.key, interval ? withInterval(row[c.key], row[interval.lower], row[interval.upper]) : row[c.key]]
      }),
    ),
  ) as Record<string, Cell>[]
  return { ...table, columns, rows, notes }
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
