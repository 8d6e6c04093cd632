/**
 * The forms of a standards round: strict parsing (unknown fields are a 400), GOV.UK messages that
 * name the field, and the GOV.UK date input's three fields read as one date. Pure.
 */
import { z } from 'zod'
import { type RatingValue, ratingValues } from '../../../db/schema/standards.js'
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

const asList = (v: unknown): unknown => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v])

const text = (what: string, label: string, max: number) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .default('')

const version = z.coerce.number({ error: 'The form could not be read' }).int().min(0)

// Opening a round --------------------------------------------------------------------------------

const roundSchema = z
  .object({
    title: text('a name for the round', 'The name', 200),
    framework: z.string({ error: 'Choose the framework' }).min(1, 'Choose the framework'),
    services: z.preprocess(
      asList,
      z
        .array(z.uuid('Choose services from the list'), { error: 'Choose services from the list' })
        .min(1, 'Choose at least one service to assess')
        .max(500, 'Choose at most 500 services'),
    ),
    ...dateFields('dueOn'),
  })
  .strict()

export interface RoundInput {
  title: string
  framework: string
  services: string[]
  dueOn: string
}

export function parseRoundForm(body: unknown, today: Date = new Date()): Parsed<RoundInput> {
  const values = formBody(body)
  const form = parseForm(roundSchema, body)
  const found = zodProblems(form)
  const date = readDateFields(values, 'dueOn', 'The due date', 'not-past', today)
  if (!date.ok) found.set('dueOn', { text: date.message, href: `#dueOn-${date.part}` })
  if (!form.ok || !date.ok || found.size > 0) {
    return {
      ok: false,
      errors: collect(['title', 'framework', 'services', 'dueOn'], found),
      values: { ...values, services: asList(values.services) },
    }
  }
  return {
    ok: true,
    data: { title: form.data.title, framework: form.data.framework, services: form.data.services, dueOn: date.iso },
  }
}

// A provider's rating -----------------------------------------------------------------------------

const ratingSchema = z
  .object({
    rating: z.enum(ratingValues, { error: 'Select whether the service meets the standard' }),
    narrative: optionalText('What you do', 5000),
    naReason: optionalText('The reason', 1000),
    version,
  })
  .strict()

export interface RatingInput {
  rating: RatingValue
  narrative: string
  naReason: string
  version: number
}

export function parseRatingForm(body: unknown): Parsed<RatingInput> {
  const form = parseForm(ratingSchema, body)
  const found = zodProblems(form)
  if (form.ok) {
    const d = form.data
    if (d.rating === 'not_applicable' && d.naReason === '')
      found.set('naReason', { text: 'Enter why the standard does not apply to this service' })
    if (d.rating !== 'not_applicable' && d.narrative === '')
      found.set('narrative', { text: 'Enter what the service does towards this standard' })
  }
  if (!form.ok || found.size > 0)
    return { ok: false, errors: collect(['rating', 'narrative', 'naReason', 'version'], found), values: formBody(body) }
  return { ok: true, data: form.data }
}

// Evidence: a link (a file comes with the multipart upload) -----------------------------------------

const evidenceSchema = z
  .object({
    label: text('what the evidence is', 'The description', 200),
    url: z.string().trim().max(1000, 'The link must be 1,000 characters or fewer').default(''),
  })
  .strict()

export function isWebAddress(s: string): boolean {
  try {
    const url = new URL(s)
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.hostname.includes('.') &&
      !url.username &&
      !url.password
    )
  } catch {
    return false
  }
}

export function parseEvidenceForm(
  body: unknown,
  file: { problem: string | null; present: boolean },
): Parsed<{ label: string; url: string }> {
  const form = parseForm(evidenceSchema, body)
  const found = zodProblems(form)
  if (form.ok) {
    const url = form.data.url
    if (file.present && url) found.set('url', { text: 'Attach a file or give a link, not both' })
    else if (!file.present && !url) found.set('file', { text: 'Select a file or enter a link' })
    else if (url && !isWebAddress(url))
      found.set('url', {
        text: 'Enter the link as a web address starting with https://, like https://www.example.org/policy',
      })
  }
  if (file.problem) found.set('file', { text: file.problem })
  if (!form.ok || found.size > 0)
    return { ok: false, errors: collect(['label', 'file', 'url'], found), values: formBody(body) }
  return { ok: true, data: form.data }
}

// The commissioner's verification ---------------------------------------------------------------------

const decisionSchema = z
  .object({
    decision: z.enum(['agreed', 'changed', 'returned'], { error: 'Select whether you agree with the rating' }),
    verifiedRating: z.enum(ratingValues, { error: 'Select the rating you found' }).optional(),
    reason: optionalText('The reason', 2000),
    version,
  })
  .strict()

export interface DecisionInput {
  decision: 'agreed' | 'changed' | 'returned'
  verifiedRating: RatingValue | null
  reason: string
  version: number
}

export function parseDecisionForm(body: unknown, providerRating: RatingValue): Parsed<DecisionInput> {
  const form = parseForm(decisionSchema, body)
  const found = zodProblems(form)
  if (form.ok) {
    const d = form.data
    if (d.decision === 'changed') {
      if (!d.verifiedRating) found.set('verifiedRating', { text: 'Select the rating you found' })
      else if (d.verifiedRating === providerRating)
        found.set('verifiedRating', { text: 'Select a rating other than the provider’s, or choose “Agree”' })
      if (d.reason === '') found.set('reason', { text: 'Enter why you changed the rating: the provider will see it' })
    }
    if (d.decision === 'returned' && d.reason === '')
      found.set('reason', { text: 'Enter what more evidence you need: the provider will see it' })
  }
  if (!form.ok || found.size > 0)
    return { ok: false, errors: collect(['decision', 'verifiedRating', 'reason'], found), values: formBody(body) }
  return {
    ok: true,
    data: {
      decision: form.data.decision,
      verifiedRating: form.data.decision === 'changed' ? (form.data.verifiedRating ?? null) : null,
      reason: form.data.reason,
      version: form.data.version,
    },
  }
}

// A panel member's observation ------------------------------------------------------------------------

const observationSchema = z
  .object({
    source: z.enum(['visit', 'conversation', 'other'], { error: 'Select how you found this out' }),
    view: z.enum([...ratingValues, 'none'], { error: 'Select what you found' }).default('none'),
    text: text('what you found', 'What you found', 3000),
    ...dateFields('observedOn'),
  })
  .strict()

export interface ObservationInput {
  source: 'visit' | 'conversation' | 'other'
  view: RatingValue | null
  text: string
  observedOn: string
}

export function parseObservationForm(body: unknown, today: Date = new Date()): Parsed<ObservationInput> {
  const values = formBody(body)
  const form = parseForm(observationSchema, body)
  const found = zodProblems(form)
  const date = readDateFields(values, 'observedOn', 'The date', 'not-future', today)
  if (!date.ok) found.set('observedOn', { text: date.message, href: `#observedOn-${date.part}` })
  if (!form.ok || !date.ok || found.size > 0)
    return { ok: false, errors: collect(['source', 'observedOn', 'view', 'text'], found), values }
  const d = form.data
  return {
    ok: true,
    data: { source: d.source, view: d.view === 'none' ? null : d.view, text: d.text, observedOn: date.iso },
  }
}

// Improvement actions ---------------------------------------------------------------------------------

const actionSchema = z
  .object({
    standard: z.string({ error: 'Choose the gap the action is for' }).min(1, 'Choose the gap the action is for'),
    title: text('what will be done', 'What will be done', 300),
    detail: optionalText('The detail', 3000),
    ...dateFields('dueOn'),
  })
  .strict()

export function parseActionForm(
  body: unknown,
  today: Date = new Date(),
): Parsed<{ standard: string; title: string; detail: string; dueOn: string }> {
  const values = formBody(body)
  const form = parseForm(actionSchema, body)
  const found = zodProblems(form)
  const date = readDateFields(values, 'dueOn', 'The due date', 'not-past', today)
  if (!date.ok) found.set('dueOn', { text: date.message, href: `#dueOn-${date.part}` })
  if (!form.ok || !date.ok || found.size > 0)
    return { ok: false, errors: collect(['standard', 'title', 'detail', 'dueOn'], found), values }
  return {
    ok: true,
    data: { standard: form.data.standard, title: form.data.title, detail: form.data.detail, dueOn: date.iso },
  }
}
