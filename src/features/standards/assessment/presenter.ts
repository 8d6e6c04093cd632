/** Words and tags for the assessment pages: statuses, ratings and the rows the templates show. Pure. */
import type { RatingValue, ReturnStatus } from '../../../db/schema/standards.js'
import { actionStatusLabel, type ActionRow } from '../../../platform/actions.js'
import { formatDay } from '../../../lib/dates.js'
import { paths } from '../../../platform/paths.js'
import type { Framework } from '../framework.js'
import type { EvidenceRow, ObservationRow, RatingRow, ReturnRow } from './repository.js'
import type { TableView } from '../../../lib/table.js'
import {
  applicableThemes,
  effectiveRating,
  type HeatCell,
  type Rag,
  ragLabel,
  ratingLabel,
  type ThemeSummary,
} from './scoring.js'

export interface Tag {
  text: string
  classes: string
}

export const returnStatusTag: Record<ReturnStatus, Tag> = {
  not_started: { text: 'Not started', classes: 'govuk-tag--grey' },
  draft: { text: 'In progress', classes: 'govuk-tag--light-blue' },
  submitted: { text: 'Submitted', classes: 'govuk-tag--blue' },
  returned: { text: 'Sent back', classes: 'govuk-tag--orange' },
  verified: { text: 'Verified', classes: 'govuk-tag--green' },
}

export const ratingTag: Record<RatingValue, Tag> = {
  met: { text: ratingLabel.met, classes: 'govuk-tag--green' },
  partly_met: { text: ratingLabel.partly_met, classes: 'govuk-tag--yellow' },
  not_met: { text: ratingLabel.not_met, classes: 'govuk-tag--red' },
  not_applicable: { text: ratingLabel.not_applicable, classes: 'govuk-tag--grey' },
}

export const ragTag: Record<Rag, Tag> = {
  green: { text: ragLabel.green, classes: 'govuk-tag--green' },
  amber: { text: ragLabel.amber, classes: 'govuk-tag--yellow' },
  red: { text: ragLabel.red, classes: 'govuk-tag--red' },
  grey: { text: ragLabel.grey, classes: 'govuk-tag--grey' },
}

export const decisionLabel = { agreed: 'Agreed', changed: 'Changed', returned: 'Sent back for more evidence' } as const

export const sourceLabel = { visit: 'Visit', conversation: 'Conversation', other: 'Other' } as const

export const ratingItems = (checked: unknown) =>
  (['met', 'partly_met', 'not_met', 'not_applicable'] as const).map((value) => ({
    value,
    text: ratingLabel[value],
    checked: checked === value,
  }))

export function summaryRows(summary: readonly ThemeSummary[]) {
  return summary.map((s) => ({
    title: s.title,
    counts: `${String(s.met)} met, ${String(s.partlyMet)} partly met, ${String(s.notMet)} not met${s.notApplicable ? `, ${String(s.notApplicable)} not applicable` : ''}`,
    rated: `${String(s.rated)} of ${String(s.applicable)}`,
    percent: s.percent === null ? 'None rated' : `${String(s.percent)}%`,
    rag: ragTag[s.rag],
  }))
}

/** The standards of a return by theme, as the return's task list shows them. */
export function standardRows(
  framework: Framework,
  ret: ReturnRow,
  ratings: readonly RatingRow[],
  evidence: readonly EvidenceRow[],
  observations: readonly ObservationRow[],
) {
  const byId = new Map(ratings.map((r) => [r.standardId, r]))
  const countBy = (rows: readonly { standardId: string }[]) => {
    const m = new Map<string, number>()
    for (const r of rows) m.set(r.standardId, (m.get(r.standardId) ?? 0) + 1)
    return m
  }
  const evidenceCount = countBy(evidence)
  const observationCount = countBy(observations)
  return applicableThemes(framework, ret.serviceType).map(({ theme, standards }) => ({
    id: theme.id,
    title: theme.title,
    standards: standards.map((s) => {
      const r = byId.get(s.id)
      return {
        id: s.id,
        title: s.title,
        href: paths.standards.standard(ret.id, s.id),
        rating: r ? ratingTag[r.rating] : null,
        counts: r ? ratingTag[effectiveRating(r)] : null,
        decision: r?.decision ? decisionLabel[r.decision] : null,
        changed: r?.decision === 'changed',
        evidence: evidenceCount.get(s.id) ?? 0,
        observations: observationCount.get(s.id) ?? 0,
      }
    }),
  }))
}

export function actionRows(rows: readonly ActionRow[], today: string) {
  return rows.map((a) => ({
    title: a.title,
    href: paths.actions.show(a.id),
    owner: a.ownerName,
    due: formatDay(a.dueOn),
    status: actionStatusLabel[a.status],
    overdue: (a.status === 'open' || a.status === 'in_progress') && a.dueOn < today,
    source: a.sourceLabel,
  }))
}

export function evidenceRows(rows: readonly EvidenceRow[], mayRemove: boolean) {
  return rows.map((e) => ({
    label: e.label,
    kind: e.kind,
    href: e.kind === 'file' ? paths.standards.evidenceFile(e.id) : (e.url ?? ''),
    fileName: e.fileName,
    size:
      e.bytes === null
        ? ''
        : e.bytes >= 1024 * 1024
          ? `${(e.bytes / 1024 / 1024).toFixed(1)} MB`
          : `${String(Math.max(1, Math.round(e.bytes / 1024)))} KB`,
    removeHref: mayRemove ? paths.standards.removeEvidence(e.id) : null,
  }))
}

export function observationRows(rows: readonly ObservationRow[]) {
  return rows.map((o) => ({
    by: o.authorLabel,
    on: formatDay(o.observedOn),
    source: sourceLabel[o.source],
    view: o.view ? ratingTag[o.view] : null,
    text: o.text,
  }))
}

const heatClass: Record<string, string> = {
  met: 'h-m',
  partly_met: 'h-p',
  not_met: 'h-n',
  not_applicable: 'h-x',
  unrated: 'h-x',
  'does-not-apply': 'h-x',
}

/**
 * The comparison as the page draws it: theme rows, then each standard with its cells' words and a
 * short tint class (the page has thousands of cells, so the markup is kept small).
 */
export function heatmapView(table: TableView) {
  const services = table.columns.filter((c) => c.key !== 'theme' && c.key !== 'standard')
  const rows: { theme: string | null; standard: string; cells: { text: string; cls: string }[] }[] = []
  let theme = ''
  for (const row of table.rows) {
    const t = row.theme?.display ?? ''
    rows.push({
      theme: t === theme ? null : t,
      standard: row.standard?.display ?? '',
      cells: services.map((c) => {
        const cell = row[c.key] as HeatCell | undefined
        return { text: cell?.display ?? '', cls: heatClass[cell?.rating ?? 'unrated'] ?? 'h-x' }
      }),
    })
    theme = t
  }
  return { caption: table.caption, services: services.map((c) => c.label), rows, notes: table.notes }
}
