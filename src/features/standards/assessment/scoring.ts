/**
 * Scoring a standards return (ADR 27): which rating counts, a summary by theme with a RAG status,
 * the list of gaps, and the comparison of a round's services as one table. Pure: no database.
 *
 * The rating that counts is the commissioner's where they changed it, otherwise the provider's
 * (agreed or not yet verified). A theme scores met = 1, partly met = 1/2, not met = 0 over the
 * standards that apply and are rated (not applicable ones are left out); green at 80% or more,
 * amber from 50%, red below, and grey ("not rated") when nothing that applies is rated yet.
 */
import type { RatingValue } from '../../../db/schema/standards.js'
import type { Cell, TableView } from '../../../lib/table.js'
import type { Framework, Standard, Theme } from '../framework.js'

export const ratingLabel: Record<RatingValue, string> = {
  met: 'Met',
  partly_met: 'Partly met',
  not_met: 'Not met',
  not_applicable: 'Not applicable',
}

/** A rating as the summary reads it: the provider's answer and any verification of it. */
export interface RatingFacts {
  standardId: string
  rating: RatingValue
  decision: 'agreed' | 'changed' | 'returned' | null
  verifiedRating: RatingValue | null
}

/** The rating that counts: the commissioner's where they changed it, otherwise the provider's. */
export function effectiveRating(r: Pick<RatingFacts, 'rating' | 'decision' | 'verifiedRating'>): RatingValue {
  return r.decision === 'changed' && r.verifiedRating ? r.verifiedRating : r.rating
}

export type Rag = 'green' | 'amber' | 'red' | 'grey'
export const ragLabel: Record<Rag, string> = { green: 'Green', amber: 'Amber', red: 'Red', grey: 'Not rated' }

const points: Record<Exclude<RatingValue, 'not_applicable'>, number> = { met: 2, partly_met: 1, not_met: 0 }

/** RAG of a score given as half-points earned out of half-points possible (kept whole, so 80% is exact). */
export function ragOf(earnedHalves: number, possibleHalves: number): Rag {
  if (possibleHalves === 0) return 'grey'
  if (earnedHalves * 10 >= possibleHalves * 8) return 'green'
  if (earnedHalves * 10 >= possibleHalves * 5) return 'amber'
  return 'red'
}

export interface ThemeSummary {
  id: string
  title: string
  applicable: number
  rated: number
  met: number
  partlyMet: number
  notMet: number
  notApplicable: number
  /** Share of the possible score, in whole percent (rounded half up); null when nothing is rated. */
  percent: number | null
  rag: Rag
}

/** The standards of a framework that apply to a service type, by theme (themes with none left out). */
export function applicableThemes(framework: Framework, serviceType: string): { theme: Theme; standards: Standard[] }[] {
  return framework.themes
    .map((theme) => ({
      theme,
      standards: theme.standards.filter((s) => (s.appliesTo as readonly string[]).includes(serviceType)),
    }))
    .filter((t) => t.standards.length > 0)
}

export function summariseByTheme(
  framework: Framework,
  serviceType: string,
  ratings: readonly RatingFacts[],
): ThemeSummary[] {
  const byId = new Map(ratings.map((r) => [r.standardId, r]))
  return applicableThemes(framework, serviceType).map(({ theme, standards }) => {
    const s: ThemeSummary = {
      id: theme.id,
      title: theme.title,
      applicable: standards.length,
      rated: 0,
      met: 0,
      partlyMet: 0,
      notMet: 0,
      notApplicable: 0,
      percent: null,
      rag: 'grey',
    }
    let earned = 0
    let possible = 0
    for (const standard of standards) {
      const r = byId.get(standard.id)
      if (!r) continue
      s.rated++
      const value = effectiveRating(r)
      if (value === 'not_applicable') {
        s.notApplicable++
        continue
      }
      if (value === 'met') s.met++
      else if (value === 'partly_met') s.partlyMet++
      else s.notMet++
      earned += points[value]
      possible += 2
    }
    s.rag = ragOf(earned, possible)
    s.percent = possible === 0 ? null : Math.floor((earned * 100) / possible + 0.5)
    return s
  })
}

export interface Gap {
  themeTitle: string
  standardId: string
  title: string
  rating: 'partly_met' | 'not_met'
}

/** The standards that count as partly met or not met, in framework order. */
export function gapsOf(framework: Framework, serviceType: string, ratings: readonly RatingFacts[]): Gap[] {
  const byId = new Map(ratings.map((r) => [r.standardId, r]))
  const out: Gap[] = []
  for (const { theme, standards } of applicableThemes(framework, serviceType)) {
    for (const standard of standards) {
      const r = byId.get(standard.id)
      if (!r) continue
      const value = effectiveRating(r)
      if (value === 'partly_met' || value === 'not_met')
        out.push({ themeTitle: theme.title, standardId: standard.id, title: standard.title, rating: value })
    }
  }
  return out
}

/** One column of the comparison: a service's return in the round. */
export interface ComparedReturn {
  key: string
  label: string
  serviceType: string
  /** Submitted (or returned, or verified): a draft is the provider's own until they submit it. */
  submitted: boolean
  ratings: readonly RatingFacts[]
}

export type HeatCell = Cell & { rating: RatingValue | 'unrated' | 'does-not-apply' }

/**
 * The comparison of a round: one row per standard, one column per service. A cell shows the rating
 * that counts, "Not rated", "Not submitted", or "Does not apply" where the standard is not for that type of service.
 * The same table is the page's heatmap, its CSV and its JSON.
 */
export function comparisonTable(framework: Framework, returns: readonly ComparedReturn[]): TableView {
  const rows: Record<string, Cell>[] = []
  const lookups = returns.map((r) => new Map(r.ratings.map((x) => [x.standardId, x])))
  for (const theme of framework.themes) {
    for (const standard of theme.standards) {
      const row: Record<string, Cell> = {
        theme: { value: theme.title, display: theme.title, status: 'shown' },
        standard: { value: standard.id, display: `${standard.id}: ${standard.title}`, status: 'shown' },
      }
      returns.forEach((ret, i) => {
        let cell: HeatCell
        if (!(standard.appliesTo as readonly string[]).includes(ret.serviceType)) {
          cell = { value: null, display: 'Does not apply', status: 'not-available', rating: 'does-not-apply' }
        } else if (!ret.submitted) {
          cell = { value: null, display: 'Not submitted', status: 'not-available', rating: 'unrated' }
        } else {
          const r = lookups[i]?.get(standard.id)
          if (!r) cell = { value: null, display: 'Not rated', status: 'not-available', rating: 'unrated' }
          else {
            const value = effectiveRating(r)
            cell = { value, display: ratingLabel[value], status: 'shown', rating: value }
          }
        }
        row[ret.key] = cell
      })
      rows.push(row)
    }
  }
  return {
    id: 'comparison',
    caption: `${framework.name}: the rating that counts for each standard and service`,
    columns: [
      { key: 'theme', label: 'Theme', kind: 'text', downloadOnly: true },
      { key: 'standard', label: 'Standard', kind: 'text' },
      ...returns.map((r) => ({ key: r.key, label: r.label, kind: 'text' as const })),
    ],
    rows,
    notes: [
      'Where the commissioner changed a rating when verifying it, the table shows the commissioner’s rating; otherwise the provider’s own.',
      'A service whose provider has not submitted its return yet shows “Not submitted”: drafts stay with the provider.',
    ],
  }
}
