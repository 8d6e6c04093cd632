/**
 * The training register as pages and downloads see it: the council's table of every provider
 * (one `TableView`, so the page, the CSV and the JSON carry the same figures), a provider's
 * courses and one course's groups. Pure.
 */
import { formatDay } from '../../../lib/dates.js'
import type { Cell, Column, TableView } from '../../../lib/table.js'
import { paths } from '../../../platform/paths.js'
import { courseSlug } from './forms.js'
import { courseDefinitions, type CourseState, DUE_SOON_DAYS, type SessionState, shareText } from './register.js'
import type { ProviderRegister } from './service.js'

interface Tag {
  text: string
  classes: string
}

export const courseStatusTag: Record<CourseState['status'], Tag> = {
  'not-recorded': { text: 'Not recorded', classes: 'govuk-tag--grey' },
  'none-trained': { text: 'None trained', classes: 'govuk-tag--red' },
  lapsed: { text: 'Lapsed', classes: 'govuk-tag--red' },
  'due-soon': { text: 'Renewal due', classes: 'govuk-tag--yellow' },
  'in-date': { text: 'In date', classes: 'govuk-tag--green' },
}

export const groupStateTag: Record<SessionState['state'], Tag> = {
  'in-date': { text: 'In date', classes: 'govuk-tag--green' },
  'due-soon': { text: 'Renewal due', classes: 'govuk-tag--yellow' },
  lapsed: { text: 'Lapsed', classes: 'govuk-tag--red' },
  closed: { text: 'No one counted', classes: 'govuk-tag--grey' },
}

const text = (s: string): Cell => ({ value: s, display: s, status: 'shown' })
const number = (n: number | null): Cell =>
  n === null
    ? { value: null, display: 'n/a', status: 'not-available' }
    : { value: n, display: String(n), status: 'shown' }

function shareCell(c: CourseState): Cell {
  if (!c.settings) return { value: null, display: 'Not recorded', status: 'not-available', share: null }
  const lapse = c.lapsedStaff > 0 ? `; ${String(c.lapsedStaff)} lapsed` : ''
  return {
    value: c.trainedInDate,
    display: `${shareText(c)}${lapse}`,
    status: 'shown',
    share: c.share === null ? null : Math.round(c.share * 1000) / 10,
  }
}

/**
 * Every provider by course: staff holding the course in date, of the staff in post, with the
 * share. Staff counts are not counts of women using services, so they are not suppressed (ADR 28).
 */
export function councilTable(registers: readonly ProviderRegister[], today: string): TableView {
  const columns: Column[] = [
    { key: 'provider', label: 'Provider', kind: 'text' },
    ...courseDefinitions.map((c): Column => ({
      key: c.key,
      label: c.title,
      kind: 'count-share',
      unit: 'staff trained in date',
    })),
    ...courseDefinitions.flatMap((c): Column[] => [
      { key: `${c.key}:inPost`, label: `${c.title}: staff in post`, kind: 'count', downloadOnly: true },
      { key: `${c.key}:lapsed`, label: `${c.title}: staff lapsed`, kind: 'count', downloadOnly: true },
      { key: `${c.key}:renewal`, label: `${c.title}: renewal period (months)`, kind: 'number', downloadOnly: true },
    ]),
  ]
  const rows = registers.map((r) => {
    const row: Record<string, Cell> = { provider: text(r.provider.name) }
    for (const c of r.courses) {
      row[c.course.key] = shareCell(c)
      row[`${c.course.key}:inPost`] = number(c.settings?.staffInPost ?? null)
      row[`${c.course.key}:lapsed`] = number(c.settings ? c.lapsedStaff : null)
      row[`${c.course.key}:renewal`] = number(c.settings?.renewalMonths ?? null)
    }
    return row
  })
  return {
    id: 'training',
    caption: `Staff holding each course in date, by provider, on ${formatDay(today)}`,
    columns,
    rows,
    notes: [
      'Counts of staff, never names: each provider records how many staff in post should hold a course and each group of staff that completed it.',
      'A course is held in date until its renewal period has passed since the day it was completed; “lapsed” counts staff whose renewal date has passed.',
      'The downloads add the staff in post, the staff lapsed and the renewal period of each course.',
    ],
  }
}

export function registerLinks(registers: readonly ProviderRegister[]) {
  return registers.map((r) => {
    const lapsed = r.courses.reduce((n, c) => n + c.lapsedStaff, 0)
    const recorded = r.courses.filter((c) => c.settings !== null).length
    return {
      name: r.provider.name,
      href: paths.standards.register(r.provider.id),
      note:
        recorded === 0
          ? 'No courses recorded yet'
          : `${String(recorded)} of ${String(r.courses.length)} courses recorded${lapsed > 0 ? `; ${String(lapsed)} staff lapsed` : ''}`,
      lapsed: lapsed > 0,
    }
  })
}

export function courseRows(register: ProviderRegister) {
  return register.courses.map((c) => ({
    title: c.course.title,
    hint: c.course.hint,
    href: paths.standards.course(register.provider.id, courseSlug(c.course.key)),
    status: courseStatusTag[c.status],
    share: shareText(c),
    inPost: c.settings ? String(c.settings.staffInPost) : 'Not recorded',
    renewal: c.settings ? months(c.settings.renewalMonths) : 'Not recorded',
    nextRenewal: c.nextRenewal ? formatDay(c.nextRenewal) : 'None',
    lapsed: c.lapsedStaff,
    dueSoon: c.dueSoonStaff,
    overCounted: c.overCounted,
    standards: c.course.standards.join(', '),
  }))
}

export const months = (n: number): string =>
  n % 12 === 0 ? `${String(n / 12)} ${n === 12 ? 'year' : 'years'}` : `${String(n)} ${n === 1 ? 'month' : 'months'}`

export function groupRows(c: CourseState, versions: ReadonlyMap<string, number>, mayChange: boolean) {
  return c.sessions.map((s) => ({
    id: s.id,
    completedOn: formatDay(s.completedOn),
    staffTrained: s.staffTrained,
    stillInPost: s.stillInPost,
    renewalDate: formatDay(s.expiresOn),
    tag: groupStateTag[s.state],
    version: versions.get(s.id) ?? 0,
    updateHref: mayChange ? paths.standards.trainingGroup(s.id) : null,
  }))
}

/** The groups a new training can renew: lapsed or due within 90 days, with staff still counted. */
export function renewable(c: CourseState) {
  return c.sessions
    .filter((s) => s.state === 'lapsed' || s.state === 'due-soon')
    .map((s) => ({
      value: s.id,
      text: `The ${String(s.stillInPost)} staff trained on ${formatDay(s.completedOn)} (${s.state === 'lapsed' ? 'lapsed' : 'due'} ${formatDay(s.expiresOn)})`,
    }))
}

export const dueSoonDays = DUE_SOON_DAYS
