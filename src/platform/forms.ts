/**
 * Form parsing with zod, GOV.UK style: strict schemas (unknown fields such as tenantId, role or
 * __proto__ are refused, ASVS 15.3.3), and errors as an error summary plus inline messages.
 */
import type { z } from 'zod'
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
