/**
 * The forms for insight, priorities and female share assumptions: strict parsing (unknown fields
 * are a 400), GOV.UK error messages, and the GOV.UK date input's three fields read as one date.
 */
import { z } from 'zod'
import { insightCohorts } from '../../../db/schema/index.js'
import {
  type DateInputResult,
  type FormErrors,
  formBody,
  parseDayMonthYear,
  parseForm,
} from '../../../platform/forms.js'
import type { InsightInput, PriorityInput, ShareKind } from './repository.js'

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FormErrors; values: Record<string, unknown> }

const emptyToNull = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s)

const asList = (v: unknown): unknown => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v])

const requiredText = (what: string, max: number, label: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)

const cohortList = (min: number, message: string) =>
  z.preprocess(
    asList,
    z
      .array(z.enum(insightCohorts, { error: 'Select groups from the list' }), { error: 'Select groups from the list' })
      .min(min, message),
  )

/** An optional https address, given as typed or left empty. */
const optionalHttpsUrl = z
  .string({ error: 'Enter the link as a web address starting with https://' })
  .trim()
  .max(500, 'The link must be 500 characters or fewer')
  .refine(
    (s) => s === '' || isHttpsUrl(s),
    'Enter the link as a web address starting with https://, like https://www.example.org/report',
  )
  .optional()

export function isHttpsUrl(s: string): boolean {
  try {
    const url = new URL(s)
    return url.protocol === 'https:' && url.hostname.includes('.') && !url.username && !url.password
  } catch {
    return false
  }
}

const dateParts = {
  'receivedOn-day': z.string({ error: 'Date received must be a real date' }).optional(),
  'receivedOn-month': z.string({ error: 'Date received must be a real date' }).optional(),
  'receivedOn-year': z.string({ error: 'Date received must be a real date' }).optional(),
}

const insightSchema = z
  .object({
    organisation: requiredText('the name of the organisation', 200, 'Organisation'),
    byAndFor: z.enum(['yes', 'no'], {
      error: 'Select yes if the organisation is run by and for the women it speaks for',
    }),
    cohorts: cohortList(1, 'Select at least one group of women the insight is about'),
    ...dateParts,
    summary: requiredText('a summary of the insight', 2000, 'Summary'),
    sourceUrl: optionalHttpsUrl,
  })
  .strict()

/** A date that may not be in the future (a date something was received, say). */
export function parseDateInput(
  parts: { day?: string | undefined; month?: string | undefined; year?: string | undefined },
  label: string,
  today: Date = new Date(),
): DateInputResult {
  return parseDayMonthYear(parts, label, { today, must: 'not-future' })
}

/** Adds a field's error to the errors (keeping the order of `order` in the summary). */
function withError(
  errors: FormErrors,
  field: string,
  text: string,
  href: string,
  order: readonly string[],
): FormErrors {
  const fields = { ...errors.fields, [field]: { text } }
  const hrefs = new Map(errors.summary.map((s) => [s.href.slice(1), s]))
  hrefs.set(field, { text, href })
  const summary = order.flatMap((f) => {
    const s = hrefs.get(f)
    return s ? [{ text: fields[f]?.text ?? s.text, href: s.href }] : []
  })
  return { fields, summary }
}

const insightOrder = ['organisation', 'byAndFor', 'cohorts', 'receivedOn', 'summary', 'sourceUrl'] as const

export function parseInsightForm(body: unknown, today: Date = new Date()): Parsed<InsightInput> {
  const form = parseForm(insightSchema, body)
  const values = form.ok ? formBody(body) : form.values
  const date = parseDateInput(
    {
      day: typeof values['receivedOn-day'] === 'string' ? values['receivedOn-day'] : undefined,
      month: typeof values['receivedOn-month'] === 'string' ? values['receivedOn-month'] : undefined,
      year: typeof values['receivedOn-year'] === 'string' ? values['receivedOn-year'] : undefined,
    },
    'Date received',
    today,
  )
  let errors: FormErrors | null = form.ok ? null : normaliseHrefs(form.errors, insightOrder)
  if (errors) {
    // A wrongly typed date part is reported by the date check below, once, not per part.
    const fields = Object.fromEntries(Object.entries(errors.fields).filter(([k]) => !k.startsWith('receivedOn-')))
    errors = { fields, summary: errors.summary.filter((s) => !s.href.startsWith('#receivedOn-')) }
  }
  if (!date.ok) {
    errors = withError(
      errors ?? { fields: {}, summary: [] },
      'receivedOn',
      date.message,
      `#receivedOn-${date.part}`,
      insightOrder,
    )
  }
  if (errors || !form.ok || !date.ok) {
    return {
      ok: false,
      errors: errors ?? { fields: {}, summary: [] },
      values: { ...values, cohorts: asList(values.cohorts) },
    }
  }
  const d = form.data
  return {
    ok: true,
    data: {
      organisation: d.organisation,
      byAndFor: d.byAndFor === 'yes',
      cohorts: d.cohorts,
      receivedOn: date.iso,
      summary: d.summary,
      sourceUrl: emptyToNull(d.sourceUrl),
    },
  }
}

/** Error links go to the first input of a group (radios and checkboxes are ids like byAndFor, cohorts). */
function normaliseHrefs(errors: FormErrors, order: readonly string[]): FormErrors {
  const summary = order.flatMap((f) => {
    const text = errors.fields[f]?.text
    return text ? [{ text, href: `#${f}` }] : []
  })
  const rest = errors.summary.filter((s) => !order.includes(s.href.slice(1)))
  return { fields: errors.fields, summary: [...summary, ...rest] }
}

export const priorityStatuses = ['draft', 'agreed', 'retired'] as const

const prioritySchema = z
  .object({
    title: requiredText('a title for the priority', 200, 'Title'),
    finding: requiredText('what was found', 2000, 'Finding'),
    evidence: requiredText('what the finding rests on', 2000, 'Evidence'),
    cohorts: cohortList(0, ''),
    period: z
      .string({ error: 'Enter the period as text, like 2025 to 2028' })
      .trim()
      .max(50, 'Period must be 50 characters or fewer')
      .optional(),
    status: z.enum(priorityStatuses, { error: 'Select the status of the priority' }),
  })
  .strict()

const priorityOrder = ['title', 'finding', 'evidence', 'cohorts', 'period', 'status'] as const

export function parsePriorityForm(body: unknown): Parsed<PriorityInput> {
  const form = parseForm(prioritySchema, body)
  if (!form.ok) {
    return {
      ok: false,
      errors: normaliseHrefs(form.errors, priorityOrder),
      values: { ...form.values, cohorts: asList(form.values.cohorts) },
    }
  }
  const d = form.data
  return {
    ok: true,
    data: {
      title: d.title,
      finding: d.finding,
      evidence: d.evidence,
      cohorts: d.cohorts,
      period: emptyToNull(d.period),
      status: d.status,
    },
  }
}

export const shareKinds = ['alcohol', 'ocu'] as const
export const shareKindNames: Record<ShareKind, string> = {
  alcohol: 'alcohol dependence',
  ocu: 'opiate and crack cocaine use',
}

const assumptionSchema = z
  .object({
    alcoholShare: z.string({ error: 'Enter the share once' }).optional(),
    alcoholSource: z.string({ error: 'Enter the source once' }).optional(),
    ocuShare: z.string({ error: 'Enter the share once' }).optional(),
    ocuSource: z.string({ error: 'Enter the source once' }).optional(),
  })
  .strict()

export interface ShareInput {
  kind: ShareKind
  /** 0..1 */
  share: number
  source: string
}

/**
 * Reads a percentage typed by a person: more than 0 and less than 100, at most one decimal place,
 * a trailing % allowed. Returns the share as a proportion (29.5 -> 0.295).
 */
export function parsePercent(raw: string, name: string): { ok: true; share: number } | { ok: false; message: string } {
  const text = raw.trim().replace(/\s*%$/, '')
  if (!/^\d+(\.\d+)?$/.test(text)) {
    return { ok: false, message: `Enter the female share of ${name} as a percentage, like 30 or 29.5` }
  }
  if (!/^\d+(\.\d)?$/.test(text)) {
    return { ok: false, message: `Female share of ${name} must have no more than one decimal place` }
  }
  const percent = Number(text)
  if (!(percent > 0 && percent < 100)) {
    return { ok: false, message: `Female share of ${name} must be more than 0% and less than 100%` }
  }
  // Tenths of a percent are whole numbers, so dividing once keeps 29.5 as exactly 295/1000.
  return { ok: true, share: Math.round(percent * 10) / 1000 }
}

export function parseAssumptionForm(body: unknown): Parsed<ShareInput[]> {
  const form = parseForm(assumptionSchema, body)
  if (!form.ok) return { ok: false, errors: form.errors, values: form.values }
  const shares: ShareInput[] = []
  const fields: Record<string, { text: string }> = {}
  for (const kind of shareKinds) {
    const shareText = (form.data[`${kind}Share`] ?? '').trim()
    const source = (form.data[`${kind}Source`] ?? '').trim()
    if (!shareText && !source) continue
    const name = shareKindNames[kind]
    let share: number | null = null
    if (!shareText) fields[`${kind}Share`] = { text: `Enter the female share of ${name}` }
    else {
      const parsed = parsePercent(shareText, name)
      if (parsed.ok) share = parsed.share
      else fields[`${kind}Share`] = { text: parsed.message }
    }
    if (!source) fields[`${kind}Source`] = { text: `Enter the source of the female share of ${name}` }
    else if (source.length > 500) fields[`${kind}Source`] = { text: 'Source must be 500 characters or fewer' }
    if (share !== null && source && source.length <= 500) shares.push({ kind, share, source })
  }
  if (Object.keys(fields).length === 0 && shares.length === 0) {
    fields.alcoholShare = {
      text: 'Enter a female share for alcohol dependence or for opiate and crack cocaine use, with its source',
    }
  }
  if (Object.keys(fields).length) {
    const order = ['alcoholShare', 'alcoholSource', 'ocuShare', 'ocuSource']
    return {
      ok: false,
      errors: {
        fields,
        summary: order.flatMap((f) => {
          const text = fields[f]?.text
          return text ? [{ text, href: `#${f}` }] : []
        }),
      },
      values: form.data,
    }
  }
  return { ok: true, data: shares }
}
