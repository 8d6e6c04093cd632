/** The progress form of an action: a status and a note, refused when neither changes. Pure. */
import { z } from 'zod'
import { type ActionStatus, actionStatuses } from '../../platform/actions.js'
import { collect, type FormErrors, formBody, parseForm, zodProblems } from '../../platform/forms.js'

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .default('')

const version = z.coerce.number({ error: 'The form could not be read' }).int().min(0)

const actionUpdateSchema = z
  .object({
    status: z.enum(actionStatuses, { error: 'Select the action’s status' }),
    note: optionalText('The progress note', 3000),
    version,
  })
  .strict()

export function parseActionUpdateForm(
  body: unknown,
  current: ActionStatus,
):
  | { ok: true; data: { status: ActionStatus; note: string; version: number } }
  | { ok: false; errors: FormErrors; values: Record<string, unknown> } {
  const form = parseForm(actionUpdateSchema, body)
  const found = zodProblems(form)
  if (form.ok && form.data.status === current && form.data.note === '')
    found.set('note', { text: 'Enter a progress note, or change the status' })
  if (!form.ok || found.size > 0)
    return { ok: false, errors: collect(['status', 'note'], found), values: formBody(body) }
  return { ok: true, data: form.data }
}
