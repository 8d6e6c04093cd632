/**
 * The training register's forms: strict parsing (unknown fields are a 400) and GOV.UK messages
 * that name the field. Counts are whole numbers; a date of training may not be in the future.
 * Pure.
 */
import { z } from 'zod'
import { type TrainingCourseType, trainingCourseTypes } from '../../../db/schema/standards.js'
import {
  collect,
  dateFields,
  type FormErrors,
  formBody,
  parseForm,
  readDateFields,
  zodProblems,
} from '../../../platform/forms.js'

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FormErrors; values: Record<string, unknown> }

/** The largest count the register takes: a service's staff, not a county's. */
export const MAX_STAFF = 5000

const count = (what: string, min: number) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .regex(/^\d+$/, `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} must be a whole number, like 12`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} must be ${String(min)} or more`)
        .max(
          MAX_STAFF,
          `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} must be ${MAX_STAFF.toLocaleString('en-GB')} or fewer`,
        ),
    )

const version = z.coerce.number({ error: 'The form could not be read' }).int().min(0)

/** A course type as it appears in an address: 'trauma-informed' for 'trauma_informed'. */
export const courseSlug = (course: TrainingCourseType): string => course.replace(/_/g, '-')
export function courseFromSlug(slug: string): TrainingCourseType | null {
  return trainingCourseTypes.find((c) => courseSlug(c) === slug) ?? null
}

// Staff in post and the renewal period of one course ---------------------------------------------

const courseSchema = z
  .object({
    staffInPost: count('the number of staff in post', 0),
    renewalMonths: z
      .string({ error: 'Enter how often the course is renewed, in months' })
      .trim()
      .min(1, 'Enter how often the course is renewed, in months')
      .regex(/^\d+$/, 'The renewal period must be a whole number of months, like 36')
      .transform(Number)
      .pipe(
        z
          .number()
          .min(1, 'The renewal period must be at least 1 month')
          .max(120, 'The renewal period must be 120 months (10 years) or less'),
      ),
    version,
  })
  .strict()

export interface CourseInput {
  staffInPost: number
  renewalMonths: number
  version: number
}

export function parseCourseForm(body: unknown): Parsed<CourseInput> {
  const form = parseForm(courseSchema, body)
  if (!form.ok) return { ok: false, errors: form.errors, values: form.values }
  return { ok: true, data: form.data }
}

// A group of staff trained ------------------------------------------------------------------------

const sessionSchema = z
  .object({
    staffTrained: count('the number of staff trained', 1),
    ...dateFields('completedOn'),
    renews: z.union([z.literal('none'), z.uuid('Choose an earlier group from the list')], {
      error: 'Select whether this training renews an earlier group',
    }),
  })
  .strict()

export interface SessionInput {
  staffTrained: number
  completedOn: string
  /** The earlier group whose staff this training renewed, if any. */
  renews: string | null
}

export function parseSessionForm(body: unknown, today: Date = new Date()): Parsed<SessionInput> {
  const values = formBody(body)
  const form = parseForm(sessionSchema, body)
  const found = zodProblems(form)
  const date = readDateFields(values, 'completedOn', 'The date the training was completed', 'not-future', today)
  if (!date.ok) found.set('completedOn', { text: date.message, href: `#completedOn-${date.part}` })
  if (!form.ok || !date.ok || found.size > 0)
    return { ok: false, errors: collect(['staffTrained', 'completedOn', 'renews'], found), values }
  return {
    ok: true,
    data: {
      staffTrained: form.data.staffTrained,
      completedOn: date.iso,
      renews: form.data.renews === 'none' ? null : form.data.renews,
    },
  }
}

// How many of a group are still counted ----------------------------------------------------------

const stillSchema = z.object({ stillInPost: count('how many of them are still in post', 0), version }).strict()

export function parseStillInPostForm(body: unknown): Parsed<{ stillInPost: number; version: number }> {
  const form = parseForm(stillSchema, body)
  if (!form.ok) return { ok: false, errors: form.errors, values: form.values }
  return { ok: true, data: form.data }
}
