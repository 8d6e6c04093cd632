/**
 * The training register's arithmetic (issue 12, principle 3), against figures worked out by hand
 * with a calendar: renewal dates, in date or lapsed, the share of staff in post, and the edges
 * (the renewal day itself, 90 days ahead, short months, more trained than in post).
 */
import { describe, expect, it } from 'vitest'
import { addMonths, daysBetween } from '../../src/lib/dates.js'
import {
  courseDefinitions,
  courseState,
  registerState,
  sessionState,
  type SessionCounts,
  shareText,
} from '../../src/features/standards/workforce/register.js'

const domestic = courseDefinitions.find((c) => c.key === 'domestic_abuse')
if (!domestic) throw new Error('no domestic abuse course')

const group = (id: string, completedOn: string, staffTrained: number, stillInPost: number): SessionCounts => ({
  id,
  course: 'domestic_abuse',
  completedOn,
  staffTrained,
  stillInPost,
})

describe('calendar arithmetic', () => {
  it('adds months keeping the day, or the last day of a shorter month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29') // a leap year
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28')
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28')
    expect(addMonths('2026-12-07', -25)).toBe('2024-11-07')
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28')
    expect(addMonths('2025-11-15', 2)).toBe('2026-01-15') // across a year end
  })

  it('counts the days between two dates', () => {
    // 24 days left of December, then 31 + 28 + 7.
    expect(daysBetween('2026-12-07', '2027-03-07')).toBe(90)
    expect(daysBetween('2027-03-07', '2026-12-07')).toBe(-90)
  })
})

describe('one group of staff trained', () => {
  // Completed 7 March 2024, renewed every 36 months: due again on 7 March 2027.
  const g = group('a', '2024-03-07', 5, 5)

  it('is in date until 90 days before its renewal date, then due, then lapsed on the day itself', () => {
    expect(sessionState(g, 36, '2026-12-06')).toMatchObject({ expiresOn: '2027-03-07', state: 'in-date' })
    expect(sessionState(g, 36, '2026-12-07').state).toBe('due-soon') // exactly 90 days ahead
    expect(sessionState(g, 36, '2027-03-06').state).toBe('due-soon')
    expect(sessionState(g, 36, '2027-03-07').state).toBe('lapsed')
  })

  it('counts for nothing once no one in it is still in post, lapsed or not', () => {
    expect(sessionState({ ...g, stillInPost: 0 }, 36, '2030-01-01').state).toBe('closed')
  })
})

describe('one course of one provider', () => {
  const today = '2026-12-07'
  // Renewed every 24 months:
  //   A, 1 June 2024: 6 trained, 4 still counted; renewal 1 June 2026, past: 4 lapsed.
  //   B, 15 January 2025: 5 trained and counted; renewal 15 January 2027, 39 days away: due.
  //   C, 30 September 2026: 3 trained and counted; renewal 30 September 2028: in date.
  const groups = [group('A', '2024-06-01', 6, 4), group('B', '2025-01-15', 5, 5), group('C', '2026-09-30', 3, 3)]

  it('holds in date the staff of groups B and C, 8 of 10, and counts the 4 of A as lapsed', () => {
    const s = courseState(domestic, { course: 'domestic_abuse', staffInPost: 10, renewalMonths: 24 }, groups, today)
    expect(s.trainedInDate).toBe(8)
    expect(s.share).toBe(0.8)
    expect(s.lapsedStaff).toBe(4)
    expect(s.dueSoonStaff).toBe(5)
    expect(s.nextRenewal).toBe('2027-01-15')
    expect(s.status).toBe('lapsed')
    expect(s.overCounted).toBe(false)
    expect(shareText(s)).toBe('8 of 10 (80%)')
    // Newest first.
    expect(s.sessions.map((x) => x.id)).toEqual(['C', 'B', 'A'])
  })

  it('never counts more trained than in post, and says the groups over-count', () => {
    const s = courseState(domestic, { course: 'domestic_abuse', staffInPost: 6, renewalMonths: 24 }, groups, today)
    expect(s.trainedInDate).toBe(6)
    expect(s.share).toBe(1)
    expect(s.overCounted).toBe(true)
    expect(shareText(s)).toBe('6 of 6 (100%)')
  })

  it('rounds the share to a whole per cent for the page: 2 of 3 is 67%', () => {
    const s = courseState(
      domestic,
      { course: 'domestic_abuse', staffInPost: 3, renewalMonths: 24 },
      [group('C', '2026-09-30', 2, 2)],
      today,
    )
    expect(shareText(s)).toBe('2 of 3 (67%)')
    expect(s.status).toBe('in-date')
  })

  it('says what is missing: not recorded, no staff in post, none trained', () => {
    const none = courseState(domestic, null, [], today)
    expect(none.status).toBe('not-recorded')
    expect(shareText(none)).toBe('Not recorded')
    const empty = courseState(domestic, { course: 'domestic_abuse', staffInPost: 0, renewalMonths: 24 }, [], today)
    expect(empty.share).toBeNull()
    expect(shareText(empty)).toBe('No staff in post recorded')
    const untrained = courseState(domestic, { course: 'domestic_abuse', staffInPost: 12, renewalMonths: 24 }, [], today)
    expect(untrained.status).toBe('none-trained')
    expect(shareText(untrained)).toBe('0 of 12 (0%)')
  })

  it('keeps each course’s groups to that course', () => {
    const states = registerState(
      [{ course: 'trauma_informed', staffInPost: 4, renewalMonths: 36 }],
      [{ ...group('T', '2026-01-01', 4, 4), course: 'trauma_informed' }, group('D', '2026-01-01', 2, 2)],
      today,
    )
    expect(states.map((s) => s.course.key)).toEqual([
      'trauma_informed',
      'domestic_abuse',
      'anti_stigma',
      'anti_discrimination',
      'working_with_mothers',
    ])
    expect(states[0]?.trainedInDate).toBe(4)
    // Domestic abuse has a group but no settings: not recorded, and nothing counted as held.
    expect(states[1]?.status).toBe('not-recorded')
    expect(states[1]?.trainedInDate).toBe(0)
  })
})
