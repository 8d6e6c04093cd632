/**
 * What changed between two versions of a service (issue 11): one pure diff, field by field, with
 * the old and the new value in plain words, and for long text the words removed and added. Two
 * renderings read it: the English change summary the repository stores with each version
 * ('Changed name and description') and the history page (web/presenter.ts).
 */
import { canonicalJson } from '../../platform/audit.js'
import { type Contact, dayLabels, type Eligibility, type Location, type Schedule, type Service } from './model.js'
import { featureLabel, isFeatureCode, serviceTypeLabel, substanceDefinitions } from '../../lib/taxonomy.js'

interface ServicePlaceInput {
  location: Location
  serviceAtLocationId: string
  schedules: Schedule[]
}

/** A service as stored at one version (the shape the repository keeps in history). */
export interface ServiceVersion {
  service: Service
  places: ServicePlaceInput[]
}

/** A run of words the same in both versions, only in the old one, or only in the new one. */
export interface WordRun {
  op: 'same' | 'removed' | 'added'
  text: string
}

export type FieldChange =
  /** A short value: the old and the new, whole. */
  | { field: string; label: string; kind: 'value'; before: string; after: string }
  /** Long text: the old and the new, and the words removed and added. */
  | { field: string; label: string; kind: 'text'; before: string; after: string; words: WordRun[] }
  /** A list: the items taken out and put in. */
  | { field: string; label: string; kind: 'list'; removed: string[]; added: string[] }
  /** Changed, with no short way to show it (the organisation, stored as an id). */
  | { field: string; label: string; kind: 'changed' }

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null)
const NONE = '(none)'
const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? NONE : v)
const statusLabels: Record<string, string> = { published: 'Published', draft: 'Draft' }
const substanceName = (code: string) => substanceDefinitions.find((d) => d.code === code)?.name ?? code
const featureName = (code: string) => (isFeatureCode(code) ? featureLabel(code) : code)
export const sessionText = (s: Schedule): string =>
  `${dayLabels[s.dayOfWeek]} ${s.start} to ${s.end}${s.womenOnly ? ', women only' : ''}`
const placeText = (p: ServicePlaceInput) =>
  [p.location.name, p.location.addressLine1, p.location.addressLine2, p.location.town, p.location.postcode]
    .filter((x): x is string => x !== undefined && x !== '')
    .join(', ')

/** A contact in one line: 'Ana Diaz, key worker: ana@example.org, 020 7946 0123'. */
export const contactText = (c: Contact): string => {
  const who = [c.name, c.title].filter((x): x is string => x !== undefined && x !== '').join(', ')
  const how = [c.email, c.phone].filter((x): x is string => x !== undefined && x !== '').join(', ')
  return how === '' ? who : `${who}: ${how}`
}

/** Who may use the service, in words: 'Women only, aged 18 to 65', 'Open to everyone, any age'. */
export const eligibilityText = (e: Eligibility): string => {
  const who = e.womenOnly ? 'Women only' : 'Open to everyone'
  const { minimumAge: min, maximumAge: max } = e
  const ages =
    min !== undefined && max !== undefined
      ? `aged ${String(min)} to ${String(max)}`
      : min !== undefined
        ? `aged ${String(min)} or over`
        : max !== undefined
          ? `aged up to ${String(max)}`
          : 'any age'
  return `${who}, ${ages}`
}

/** Items of `after` not in `before` and of `before` not in `after`, each in its own order. */
function listChange(before: string[], after: string[]): { removed: string[]; added: string[] } {
  return { removed: before.filter((x) => !after.includes(x)), added: after.filter((x) => !before.includes(x)) }
}

type FieldRule = { field: keyof Service; label: string } & (
  | { kind: 'value'; show: (s: Service) => string }
  | { kind: 'text' }
  | { kind: 'list'; show: (s: Service) => string[] }
  | { kind: 'changed' }
)

/** The fields compared, in the order changes are told. */
const rules: FieldRule[] = [
  { field: 'name', label: 'name', kind: 'value', show: (s) => s.name },
  { field: 'description', label: 'description', kind: 'text' },
  { field: 'organisationId', label: 'organisation', kind: 'changed' },
  { field: 'status', label: 'status', kind: 'value', show: (s) => statusLabels[s.status] ?? s.status },
  { field: 'serviceType', label: 'service type', kind: 'value', show: (s) => serviceTypeLabel(s.serviceType) },
  { field: 'substances', label: 'substances', kind: 'list', show: (s) => s.substances.map(substanceName) },
  { field: 'features', label: 'features', kind: 'list', show: (s) => s.features.map(featureName) },
  { field: 'byAndForCommunity', label: 'community served', kind: 'value', show: (s) => text(s.byAndForCommunity) },
  { field: 'internalNotes', label: 'internal notes', kind: 'text' },
  { field: 'url', label: 'website', kind: 'value', show: (s) => text(s.url) },
  { field: 'email', label: 'email address', kind: 'value', show: (s) => text(s.email) },
  { field: 'contacts', label: 'contacts', kind: 'list', show: (s) => s.contacts.map(contactText) },
  { field: 'serviceAreas', label: 'service areas', kind: 'list', show: (s) => s.serviceAreas.map((a) => a.name) },
  { field: 'eligibility', label: 'eligibility', kind: 'value', show: (s) => eligibilityText(s.eligibility) },
]

/** Every field that differs between two versions, in a fixed order; empty when nothing changed. */
export function serviceDiff(before: ServiceVersion, after: ServiceVersion): FieldChange[] {
  const out: FieldChange[] = []
  const b = before.service
  const a = after.service
  for (const rule of rules) {
    if (same(b[rule.field], a[rule.field])) continue
    const { field, label } = rule
    if (rule.kind === 'value') out.push({ field, label, kind: 'value', before: rule.show(b), after: rule.show(a) })
    else if (rule.kind === 'text') {
      const old = (b[rule.field] as string | undefined) ?? ''
      const now = (a[rule.field] as string | undefined) ?? ''
      out.push({ field, label, kind: 'text', before: text(old), after: text(now), words: wordDiff(old, now) })
    } else if (rule.kind === 'list') out.push({ field, label, kind: 'list', ...listChange(rule.show(b), rule.show(a)) })
    else out.push({ field, label, kind: 'changed' })
  }
  const places = (v: ServiceVersion) =>
    v.places.map((p) => ({ id: p.serviceAtLocationId, location: p.location })).sort((x, y) => x.id.localeCompare(y.id))
  if (!same(places(before), places(after))) {
    out.push({
      field: 'places',
      label: 'places',
      kind: 'list',
      ...listChange(before.places.map(placeText), after.places.map(placeText)),
    })
  }
  const sessions = (v: ServiceVersion) =>
    v.places.flatMap((p) => p.schedules).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
  if (!same(sessions(before), sessions(after))) {
    const text = (v: ServiceVersion) => sessions(v).map(sessionText)
    out.push({ field: 'sessions', label: 'sessions', kind: 'list', ...listChange(text(before), text(after)) })
  }
  return out
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`
}

/** The stored summary of a version: 'Created', 'Changed name and description', or 'Saved with no changes'. */
export function changeSummaryOf(changes: FieldChange[] | null): string {
  if (changes === null) return 'Created'
  if (changes.length === 0) return 'Saved with no changes'
  return `Changed ${listWords(changes.map((c) => c.label))}`
}

/** Longest texts compared word by word (words before x words after); longer ones are shown as replaced. */
const MAX_CELLS = 1_000_000

/**
 * The words of `after` against those of `before`: runs kept, removed and added, from a longest
 * common subsequence of words. White space is kept with the word before it.
 */
export function wordDiff(before: string, after: string): WordRun[] {
  const tokens = (s: string) => s.match(/\S+\s*/g) ?? []
  const x = tokens(before)
  const y = tokens(after)
  const key = (t: string) => t.trimEnd()
  const runs: WordRun[] = []
  const push = (op: WordRun['op'], t: string) => {
    const last = runs[runs.length - 1]
    if (last?.op === op) last.text += t
    else runs.push({ op, text: t })
  }
  if (x.length * y.length > MAX_CELLS) {
    if (before !== '') push('removed', before)
    if (after !== '') push('added', after)
    return runs
  }
  // lcs[i][j]: length of the longest common subsequence of x[i..] and y[j..].
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1))
  const xs = x.map(key)
  const ys = y.map(key)
  for (let i = x.length - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array
    const next = lcs[i + 1] as Uint32Array
    for (let j = y.length - 1; j >= 0; j--) {
      row[j] = xs[i] === ys[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0)
    }
  }
  let i = 0
  let j = 0
  while (i < x.length || j < y.length) {
    const xi = x[i]
    const yj = y[j]
    if (xi !== undefined && yj !== undefined && key(xi) === key(yj)) {
      push('same', yj)
      i++
      j++
    } else if (xi !== undefined && (yj === undefined || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // Removed words before added ones where either would do.
      push('removed', xi)
      i++
    } else {
      push('added', yj ?? '')
      j++
    }
  }
  return runs
}
