/**
 * Form parsing with zod, GOV.UK style: strict schemas (unknown fields such as tenantId, role or
 * __proto__ are refused, ASVS 15.3.3), and errors as an error summary plus inline messages.
 */
import { z } from 'zod'
import { HttpError } from './errors.js'

export interface FormErrors {
  /** For govukErrorSummary: [{ text, href }] */
  summary: { text: string; href: string }[]
  /** For each field's errorMessage: { field: { text } } */
  fields: Record<string, { text: string }>
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FormErrors; values: Record<string, unknown> }

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype'])

/** Strips the CSRF field; refuses prototype-polluting keys outright (a 400, not a form error). */
export function formBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {}
  if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The form could not be read.')
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(body)) {
    if (forbiddenKeys.has(key)) throw new HttpError(400, `The form contains a field that is not allowed: ${key}`)
    if (key === '_csrf') continue
    const value = (body as Record<string, unknown>)[key]
    // PostgreSQL text cannot hold a NUL character: refuse it here, not as a database error (a 500).
    if (hasNul(value)) throw new HttpError(400, `The form field ${key} contains a character that is not allowed.`)
    out[key] = value
  }
  return out
}

const hasNul = (value: unknown): boolean =>
  typeof value === 'string' ? value.includes('\u0000') : Array.isArray(value) && value.some(hasNul)

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const values = formBody(body)
  const parsed = schema.safeParse(values)
  if (parsed.success) return { ok: true, data: parsed.data }
  const fields: Record<string, { text: string }> = {}
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      throw new HttpError(400, `The form contains fields that are not allowed: ${issue.keys.join(', ')}`)
    }
    const field = String(issue.path[0] ?? 'form')
    fields[field] ??= { text: issue.message }
  }
  return {
    ok: false,
    values,
    errors: { fields, summary: Object.entries(fields).map(([f, e]) => ({ text: e.text, href: `#${f}` })) },
  }
}

/** Query strings: strict too, but errors are a 400 naming the parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(formBody(query))
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  if (issue?.code === 'unrecognized_keys') throw new HttpError(400, `Unknown query parameter: ${issue.keys.join(', ')}`)
  throw new HttpError(400, `${String(issue?.path[0] ?? 'query')}: ${issue?.message ?? 'not valid'}`)
}

export type DateInputResult = { ok: true; iso: string } | { ok: false; message: string; part: 'day' | 'month' | 'year' }

/** The calendar day in England of an instant, as 'YYYY-MM-DD'. */
export const londonDay = (at: Date): string => at.toLocaleDateString('en-CA', { timeZone: 'Europe/London' })

/**
 * The GOV.UK date input's three fields read as one date, with the GOV.UK error messages: a date
 * received may not be in the future, a due date may not be in the past.
 */
export function parseDayMonthYear(
  parts: { day?: string | undefined; month?: string | undefined; year?: string | undefined },
  label: string,
  opts: { today?: Date; must: 'not-future' | 'not-past' },
): DateInputResult {
  const day = (parts.day ?? '').trim()
  const month = (parts.month ?? '').trim()
  const year = (parts.year ?? '').trim()
  if (!day && !month && !year) return { ok: false, message: `Enter the ${label.toLowerCase()}`, part: 'day' }
  const missing = (['day', 'month', 'year'] as const).filter((p) => !{ day, month, year }[p])
  const first = missing[0]
  if (first) {
    return { ok: false, message: `${label} must include a ${missing.join(' and ')}`, part: first }
  }
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
    const part = !/^\d{1,2}$/.test(day) ? 'day' : !/^\d{1,2}$/.test(month) ? 'month' : 'year'
    return {
      ok: false,
      message: part === 'year' ? `Year must include 4 numbers` : `${label} must be a real date`,
      part,
    }
  }
  const d = Number(day)
  const m = Number(month)
  const y = Number(year)
  const date = new Date(Date.UTC(y, m - 1, d))
  if (m < 1 || m > 12 || d < 1 || date.getUTCDate() !== d || date.getUTCMonth() !== m - 1) {
    return { ok: false, message: `${label} must be a real date`, part: m < 1 || m > 12 ? 'month' : 'day' }
  }
  if (y < 1900) return { ok: false, message: `${label} must be after 1900`, part: 'year' }
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  const todayIso = londonDay(opts.today ?? new Date())
  if (opts.must === 'not-future' && iso > todayIso)
    return { ok: false, message: `${label} must be today or in the past`, part: 'day' }
  if (opts.must === 'not-past' && iso < todayIso)
    return { ok: false, message: `${label} must be today or in the future`, part: 'day' }
  return { ok: true, iso }
}

/** The three fields of a GOV.UK date input named `<prefix>-day`, `-month` and `-year`, for a strict form schema. */
export const dateFields = (prefix: string) => ({
  [`${prefix}-day`]: z.string().optional(),
  [`${prefix}-month`]: z.string().optional(),
  [`${prefix}-year`]: z.string().optional(),
})

/** A GOV.UK date input's three fields, read from a form body as one date (see parseDayMonthYear). */
export function readDateFields(
  values: Record<string, unknown>,
  prefix: string,
  label: string,
  must: 'not-future' | 'not-past',
  today: Date,
): DateInputResult {
  const part = (p: string): string | undefined => {
    const v = values[`${prefix}-${p}`]
    return typeof v === 'string' ? v : undefined
  }
  return parseDayMonthYear({ day: part('day'), month: part('month'), year: part('year') }, label, { today, must })
}

/** Errors in the order of the form's fields; the summary links to each field (a date to its first wrong part). */
export function collect(order: readonly string[], found: Map<string, { text: string; href?: string }>): FormErrors {
  const fields: Record<string, { text: string }> = {}
  const summary: { text: string; href: string }[] = []
  for (const field of order) {
    const e = found.get(field)
    if (!e) continue
    fields[field] = { text: e.text }
    summary.push({ text: e.text, href: e.href ?? `#${field}` })
  }
  return { fields, summary }
}

export function zodProblems(result: ReturnType<typeof parseForm>): Map<string, { text: string; href?: string }> {
  const out = new Map<string, { text: string; href?: string }>()
  if (!result.ok)
    for (const [f, e] of Object.entries(result.errors.fields)) if (!/-(day|month|year)$/.test(f)) out.set(f, e)
  return out
}
