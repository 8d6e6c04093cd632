/**
 * The training register's arithmetic (issue 12, principle 3; ADR 28). A provider records, for each
 * accredited course type, how many staff in post should hold it and how often it is renewed, and
 * then each group of staff that completed it on a day. From those counts alone this works out,
 * for any day, how many staff hold the course in date, the share of staff in post, the next
 * renewal, and any lapse (a group whose renewal date has passed while staff are still counted
 * against it). Pure: no dates are read from the clock here.
 */
import type { TrainingCourseType } from '../../../db/schema/standards.js'
import { addMonths, daysBetween } from '../../../lib/dates.js'

export interface CourseDefinition {
  key: TrainingCourseType
  title: string
  /** What the course covers, in a phrase. */
  hint: string
  /** The standards of the built-in framework whose evidence this course is. */
  standards: readonly string[]
}

export const courseDefinitions: readonly CourseDefinition[] = [
  {
    key: 'trauma_informed',
    title: 'Trauma-informed practice',
    hint: 'Accredited training in trauma-informed, gender-responsive practice',
    standards: ['WF1', 'WF5'],
  },
  {
    key: 'domestic_abuse',
    title: 'Domestic abuse',
    hint: 'Accredited domestic and sexual abuse training, including routine enquiry',
    standards: ['WF2', 'DA1'],
  },
  {
    key: 'anti_stigma',
    title: 'Anti-stigma and strength-based practice',
    hint: 'Non-judgemental, relational practice and the language it uses',
    standards: ['WF3', 'WF4'],
  },
  {
    key: 'anti_discrimination',
    title: 'Anti-discrimination',
    hint: 'Equality, race, disability, neurodiversity and LGBTQ+ inclusion',
    standards: ['II2', 'II3', 'II4'],
  },
  {
    key: 'working_with_mothers',
    title: 'Working with mothers',
    hint: 'Pregnancy, parenting, child protection and working with mothers without blame',
    standards: ['MF5', 'MF3'],
  },
]

export const courseTitle = new Map<string, string>(courseDefinitions.map((c) => [c.key, c.title]))

/** Staff whose training runs out within this many days are shown as due for renewal. */
export const DUE_SOON_DAYS = 90
/** What the register's form suggests for a new course's renewal period; the provider sets their own. */
export const DEFAULT_RENEWAL_MONTHS = 36

export interface CourseSettings {
  course: TrainingCourseType
  staffInPost: number
  renewalMonths: number
}

export interface SessionCounts {
  id: string
  course: TrainingCourseType
  completedOn: string
  staffTrained: number
  stillInPost: number
}

export interface SessionState extends SessionCounts {
  expiresOn: string
  state: 'in-date' | 'due-soon' | 'lapsed' | 'closed'
}

export interface CourseState {
  course: CourseDefinition
  settings: CourseSettings | null
  /** Staff counted as holding the course in date (never more than the staff in post). */
  trainedInDate: number
  /** The groups counted more trained staff than are in post: someone has left and was not taken off. */
  overCounted: boolean
  /** trainedInDate / staffInPost, 0 to 1; null when no staff in post are recorded. */
  share: number | null
  /** The earliest day on which staff still counted will need to renew. */
  nextRenewal: string | null
  lapsedStaff: number
  dueSoonStaff: number
  sessions: SessionState[]
  status: 'not-recorded' | 'lapsed' | 'due-soon' | 'in-date' | 'none-trained'
}

/** One group's standing on `today`: in date until the day before its renewal date. */
export function sessionState(session: SessionCounts, renewalMonths: number, today: string): SessionState {
  const expiresOn = addMonths(session.completedOn, renewalMonths)
  const state =
    session.stillInPost === 0
      ? 'closed'
      : expiresOn <= today
        ? 'lapsed'
        : daysBetween(today, expiresOn) <= DUE_SOON_DAYS
          ? 'due-soon'
          : 'in-date'
  return { ...session, expiresOn, state }
}

export function courseState(
  course: CourseDefinition,
  settings: CourseSettings | null,
  sessions: readonly SessionCounts[],
  today: string,
): CourseState {
  const renewal = settings?.renewalMonths ?? DEFAULT_RENEWAL_MONTHS
  const states = sessions
    .filter((s) => s.course === course.key)
    .map((s) => sessionState(s, renewal, today))
    .sort((a, b) => (a.completedOn < b.completedOn ? 1 : a.completedOn > b.completedOn ? -1 : 0))
  const current = states.filter((s) => s.state === 'in-date' || s.state === 'due-soon')
  const counted = current.reduce((n, s) => n + s.stillInPost, 0)
  const inPost = settings?.staffInPost ?? 0
  const trainedInDate = Math.min(counted, inPost)
  const lapsedStaff = states.filter((s) => s.state === 'lapsed').reduce((n, s) => n + s.stillInPost, 0)
  const dueSoonStaff = states.filter((s) => s.state === 'due-soon').reduce((n, s) => n + s.stillInPost, 0)
  const nextRenewal = current.map((s) => s.expiresOn).sort()[0] ?? null
  const status = !settings
    ? 'not-recorded'
    : lapsedStaff > 0
      ? 'lapsed'
      : dueSoonStaff > 0
        ? 'due-soon'
        : trainedInDate === 0
          ? 'none-trained'
          : 'in-date'
  return {
    course,
    settings,
    trainedInDate,
    overCounted: settings !== null && counted > inPost,
    share: settings && inPost > 0 ? trainedInDate / inPost : null,
    nextRenewal,
    lapsedStaff,
    dueSoonStaff,
    sessions: states,
    status,
  }
}

/** Every course type's standing for one provider, in the order of `courseDefinitions`. */
export function registerState(
  settings: readonly CourseSettings[],
  sessions: readonly SessionCounts[],
  today: string,
): CourseState[] {
  const byCourse = new Map(settings.map((s) => [s.course, s]))
  return courseDefinitions.map((c) => courseState(c, byCourse.get(c.key) ?? null, sessions, today))
}

/** "18 of 24 (75%)": the share rounded to a whole per cent, as the register and the evidence show it. */
export function shareText(state: Pick<CourseState, 'trainedInDate' | 'settings' | 'share'>): string {
  if (!state.settings) return 'Not recorded'
  if (state.share === null) return 'No staff in post recorded'
  return `${String(state.trainedInDate)} of ${String(state.settings.staffInPost)} (${String(Math.round(state.share * 100))}%)`
}
