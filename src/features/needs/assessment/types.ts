/**
 * The needs assessment view model: one structure feeds the HTML page (cards, charts, table twins),
 * the CSV and JSON downloads, the Word report and `wtc needs report`. Every count in it has already
 * been through the small-number suppression function (src/lib/suppression.ts); nothing downstream
 * formats a raw count itself.
 */

// The table model is shared with the analysis pages (src/lib/table.ts).
import type { TableView } from '../../../lib/table.js'

export type { Cell, CellStatus, Column, TableView } from '../../../lib/table.js'

export interface ChartView {
  id: string
  /** The table that holds the same numbers (the chart's table twin). */
  tableId: string
  title: string
  /** Server-rendered, self-contained SVG (role="img", <title>, <desc>). */
  svg: string
}

export interface HeadlineCard {
  label: string
  value: string
  detail: string
  modelled?: boolean
}

export interface SourceRef {
  id: string
  /** e.g. "NDTMS ViewIt adult treatment export, Barnet, 2009/10 to 2021/22 (OHID, Open Government Licence v3.0)" */
  citation: string
  importedAt: string | null
}

export interface InsightRef {
  id: string
  organisation: string
  byAndFor: boolean
  cohorts: string[]
  receivedOn: string
  summary: string
  sourceUrl: string | null
}

export interface SectionView {
  /** anchor and file-name stem: 'access', 'unmet-need', 'referrals', 'exits', 'safeguarding', 'representation', 'harm', 'insight', 'priorities' */
  id: string
  title: string
  status: 'ready' | 'no-data'
  /** Shown when status is 'no-data': what to import to fill the section. */
  noDataMessage?: string
  /** Where to go to fill the section when it is not an import (local insight, priorities). */
  noDataAction?: { href: string; text: string }
  /** Links to what would add to the section (a template to import, an assumption to state). */
  actions?: { href: string; text: string }[]
  /** Plain-English findings, our own sentences built from the figures. */
  findings: string[]
  cards: HeadlineCard[]
  charts: ChartView[]
  tables: TableView[]
  /** Method, rounding and suppression notes. */
  notes: string[]
  sourceIds: string[]
  insights: InsightRef[]
}

export interface AssessmentSelection {
  period: string
  substanceGroup: string
  ageGroup: string
}

export interface AssessmentView {
  council: { code: string; name: string }
  selection: AssessmentSelection
  options: {
    periods: string[]
    substanceGroups: { value: string; label: string }[]
    ageGroups: { value: string; label: string }[]
  }
  generatedAt: string
  sections: SectionView[]
  sources: SourceRef[]
}
