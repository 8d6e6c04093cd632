/** Local insight from stakeholders and by-and-for organisations, and the priorities recorded from the assessment. */
import { insightCohorts } from '../../../../db/schema/needs.js'
import { cohortLabel } from '../../../../platform/cohorts.js'
import { textCell } from '../cells.js'
import { formatDay } from '../../../../lib/dates.js'
import type { AssessmentData } from '../model.js'
import { INSIGHT_PATH, PRIORITIES_PATH } from '../notes.js'
import type { Cell, SectionView } from '../types.js'
import { emptySection, noData } from './common.js'

export function buildInsight(data: AssessmentData): SectionView {
  const section = emptySection('insight')
  if (data.insights.length === 0) {
    return {
      ...noData(
        section,
        'No local insight has been recorded yet. Record what stakeholders and by-and-for organisations tell you about women’s needs and the barriers they face.',
      ),
      noDataAction: { href: INSIGHT_PATH, text: 'Record local insight' },
    }
  }
  const order = [...insightCohorts, '']
  const rows: Record<string, Cell>[] = []
  const covered = new Set<string>()
  for (const cohort of order) {
    const entries = data.insights.filter((i) => (cohort === '' ? i.cohorts.length === 0 : i.cohorts.includes(cohort)))
    if (entries.length > 0) covered.add(cohort)
    for (const i of entries) {
      rows.push({
        cohort: textCell(cohort === '' ? 'No cohort given' : cohortLabel(cohort)),
        organisation: textCell(i.organisation),
        byAndFor: textCell(i.byAndFor ? 'Yes' : 'No'),
        received: { value: i.receivedOn, display: formatDay(i.receivedOn), status: 'shown' },
        summary: textCell(i.summary),
        source: i.sourceUrl ? textCell(i.sourceUrl) : { value: null, display: '', status: 'not-available' },
      })
    }
  }
  section.tables.push({
    id: 'insight',
    caption: 'Local insight by cohort of women',
    columns: [
      { key: 'cohort', label: 'Cohort', kind: 'text' },
      { key: 'organisation', label: 'Organisation', kind: 'text' },
      { key: 'byAndFor', label: 'By and for', kind: 'text' },
      { key: 'received', label: 'Received', kind: 'text' },
      { key: 'summary', label: 'What they told us', kind: 'text' },
      { key: 'source', label: 'Source', kind: 'text' },
    ],
    rows,
    notes: ['An entry about more than one cohort appears under each of them.'],
  })
  const organisations = new Set(data.insights.map((i) => i.organisation.trim().toLowerCase()))
  const byAndFor = new Set(data.insights.filter((i) => i.byAndFor).map((i) => i.organisation.trim().toLowerCase()))
  const n = data.insights.length
  section.findings.push(
    `${String(n)} ${n === 1 ? 'piece' : 'pieces'} of local insight from ${String(organisations.size)} ${organisations.size === 1 ? 'organisation' : 'organisations'}, ${String(byAndFor.size)} of them by-and-for.`,
  )
  // 'Disabled women' reads 'disabled women' inside the sentence; 'LGBTQ+ women' keeps its capitals.
  const inSentence = (label: string) =>
    /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label
  const missing = insightCohorts.filter((c) => !covered.has(c)).map((c) => inSentence(cohortLabel(c)))
  if (missing.length > 0) section.findings.push(`There is no local insight yet about: ${missing.join('; ')}.`)
  section.cards.push(
    {
      label: 'Pieces of local insight',
      value: String(n),
      detail: `from ${String(organisations.size)} ${organisations.size === 1 ? 'organisation' : 'organisations'}`,
    },
    {
      label: 'Cohorts with local insight',
      value: `${String(insightCohorts.length - missing.length)} of ${String(insightCohorts.length)}`,
      detail: 'cohorts of women named in the guide',
    },
  )
  section.insights = data.insights.map((i) => ({
    id: i.id,
    organisation: i.organisation,
    byAndFor: i.byAndFor,
    cohorts: i.cohorts,
    receivedOn: i.receivedOn,
    summary: i.summary,
    sourceUrl: i.sourceUrl,
  }))
  return section
}

const statusLabels: Record<string, string> = { draft: 'Draft', agreed: 'Agreed', retired: 'Retired' }

export function buildPriorities(data: AssessmentData): SectionView {
  const section = emptySection('priorities')
  if (data.priorities.length === 0) {
    return {
      ...noData(
        section,
        'No priorities have been recorded yet. Use “Record this as a priority” under any section of the assessment.',
      ),
      noDataAction: { href: `${PRIORITIES_PATH}/new`, text: 'Record a priority' },
    }
  }
  section.tables.push({
    id: 'priorities',
    caption: 'Priorities recorded from the needs assessment',
    columns: [
      { key: 'title', label: 'Priority', kind: 'text' },
      { key: 'finding', label: 'Finding', kind: 'text' },
      { key: 'evidence', label: 'Evidence', kind: 'text' },
      { key: 'cohorts', label: 'Cohorts', kind: 'text' },
      { key: 'period', label: 'Year', kind: 'text' },
      { key: 'status', label: 'Status', kind: 'text' },
    ],
    rows: data.priorities.map((p) => ({
      title: textCell(p.title),
      finding: textCell(p.finding),
      evidence: textCell(p.evidence),
      cohorts: textCell(p.cohorts.map(cohortLabel).join('; ')),
      period: p.period ? textCell(p.period) : { value: null, display: '', status: 'not-available' },
      status: textCell(statusLabels[p.status] ?? p.status),
    })),
    notes: [],
  })
  const agreed = data.priorities.filter((p) => p.status === 'agreed').length
  section.findings.push(
    `${String(data.priorities.length)} ${data.priorities.length === 1 ? 'priority' : 'priorities'} recorded, ${String(agreed)} agreed.`,
  )
  return section
}
