/**
 * Standards frameworks (issue 12): what a framework document is, how it is checked, versioned,
 * compared and written as JSON. Pure: no database. A framework is a list of themes, each with its
 * standards; a council adapts one by making a new version (its own wording, its own local
 * standards), and an assessment keeps the version it was made against.
 */
import { z } from 'zod'
import { featureCodes, serviceTypeCodes } from '../../lib/taxonomy.js'

/** The guide's five principles, in its order. */
export const principles = [
  { id: 'needs', number: 1, title: "Understand local women's needs" },
  { id: 'standards', number: 2, title: 'Basic standards of gender-responsive treatment' },
  { id: 'workforce', number: 3, title: 'A trauma-informed workforce' },
  { id: 'partnership', number: 4, title: 'Partnership and integrated care' },
  { id: 'lived-experience', number: 5, title: 'The voice of women with lived experience' },
] as const

export type PrincipleId = (typeof principles)[number]['id']
const principleIds = principles.map((p) => p.id) as [PrincipleId, ...PrincipleId[]]

const text = (what: string, max: number) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(max, `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} must be ${String(max)} characters or fewer`)

const idPattern = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/
const id = (what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .regex(idPattern, `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} must be 1 to 40 letters, digits or hyphens`)

export const standardSchema = z
  .object({
    id: id('the standard’s id'),
    title: text('the standard’s title', 200),
    asks: text('what the standard asks', 2000),
    evidence: text('what good evidence looks like', 2000),
    principle: z.enum(principleIds, { error: `Choose one of the principles: ${principleIds.join(', ')}` }),
    appliesTo: z
      .array(z.enum(serviceTypeCodes, { error: 'Use the service map’s service type codes' }))
      .min(1, 'Name at least one service type the standard applies to'),
    directoryFeatures: z.array(z.enum(featureCodes, { error: 'Use the service map’s feature codes' })).default([]),
    /** Added by the council, not part of the framework it was adapted from. */
    local: z.boolean().default(false),
  })
  .strict()

export const themeSchema = z
  .object({
    id: id('the theme’s id'),
    title: text('the theme’s title', 200),
    summary: text('the theme’s summary', 1000),
    standards: z.array(standardSchema).min(1, 'A theme needs at least one standard'),
  })
  .strict()

export const frameworkSchema = z
  .object({
    key: id('the framework’s key'),
    name: text('the framework’s name', 200),
    version: z.number({ error: 'Give the version as a whole number' }).int().min(1, 'Versions start at 1'),
    /** The version this one was adapted from, if any. */
    basedOn: z
      .object({ key: z.string(), version: z.number().int().min(1) })
      .strict()
      .nullable()
      .default(null),
    /** Where the wording comes from, for the reader (our own words, with the sources they rest on). */
    source: text('where the framework comes from', 2000),
    changeNote: z.string().trim().max(2000).default(''),
    themes: z.array(themeSchema).min(1, 'A framework needs at least one theme'),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seenThemes = new Map<string, number>()
    const seenStandards = new Map<string, string>()
    f.themes.forEach((theme, t) => {
      const before = seenThemes.get(theme.id)
      if (before !== undefined)
        ctx.addIssue({ code: 'custom', path: ['themes', t, 'id'], message: `Theme id ${theme.id} is used twice` })
      seenThemes.set(theme.id, t)
      theme.standards.forEach((standard, s) => {
        const where = seenStandards.get(standard.id)
        if (where !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['themes', t, 'standards', s, 'id'],
            message: `Standard id ${standard.id} is already used in the theme ${where}`,
          })
        seenStandards.set(standard.id, theme.id)
      })
    })
  })

export type Standard = z.output<typeof standardSchema>
export type Theme = z.output<typeof themeSchema>
export type Framework = z.output<typeof frameworkSchema>

export interface FieldProblem {
  /** Where in the document, e.g. "themes[2].standards[0].title". */
  path: string
  message: string
}

function pathText(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${String(part)}]` : `${out ? '.' : ''}${String(part)}`
  return out || '(the document)'
}

export type ParsedFramework = { ok: true; framework: Framework } | { ok: false; problems: FieldProblem[] }

/** Checks a framework document (already parsed JSON); every problem names its place. */
export function checkFramework(input: unknown): ParsedFramework {
  const result = frameworkSchema.safeParse(input)
  if (result.success) return { ok: true, framework: result.data }
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({ path: pathText(issue.path), message: issue.message })),
  }
}

/** Reads a framework from JSON text (an import). */
export function parseFrameworkJson(textIn: string): ParsedFramework {
  let value: unknown
  try {
    value = JSON.parse(textIn.replace(/^\uFEFF/, ''))
  } catch (err) {
    return {
      ok: false,
      problems: [{ path: '(the document)', message: `This is not JSON: ${(err as Error).message}` }],
    }
  }
  return checkFramework(value)
}

/** A framework with its fields in a fixed order, whatever order the object was built in (the export). */
export function frameworkDocument(framework: Framework): Framework {
  return {
    key: framework.key,
    name: framework.name,
    version: framework.version,
    basedOn: framework.basedOn,
    source: framework.source,
    changeNote: framework.changeNote,
    themes: framework.themes.map((t) => ({
      id: t.id,
      title: t.title,
      summary: t.summary,
      standards: t.standards.map((s) => ({
        id: s.id,
        title: s.title,
        asks: s.asks,
        evidence: s.evidence,
        principle: s.principle,
        appliesTo: [...s.appliesTo],
        directoryFeatures: [...s.directoryFeatures],
        local: s.local,
      })),
    })),
  }
}

/** The JSON a framework is exported as: fields in a fixed order, two-space indent, a final newline. */
export function frameworkJson(framework: Framework): string {
  return `${JSON.stringify(frameworkDocument(framework), null, 2)}\n`
}

/** How many standards a framework has, across its themes. */
export function standardCount(framework: Framework): number {
  return framework.themes.reduce((n, t) => n + t.standards.length, 0)
}

/**
 * The next version of a framework: the council's edits applied to the current version. The
 * version number is the current one plus one, whatever the edited document says, and it records
 * what it was based on. The result is checked like an import.
 */
export function nextVersion(current: Framework, edited: Omit<Framework, 'version' | 'basedOn'>): ParsedFramework {
  if (edited.key !== current.key) {
    return {
      ok: false,
      problems: [{ path: 'key', message: `This is a version of ${current.key}, not of ${edited.key}` }],
    }
  }
  return checkFramework({
    ...edited,
    version: current.version + 1,
    basedOn: { key: current.key, version: current.version },
  })
}

export type StandardChange =
  | { kind: 'added'; theme: string; standard: Standard }
  | { kind: 'removed'; theme: string; standard: Standard }
  | { kind: 'changed'; theme: string; before: Standard; after: Standard; fields: (keyof Standard | 'theme')[] }

const comparedFields = ['title', 'asks', 'evidence', 'principle', 'appliesTo', 'directoryFeatures', 'local'] as const

/** What changed between two versions, standard by standard (matched by id), in the newer one's order. */
export function compareVersions(older: Framework, newer: Framework): StandardChange[] {
  const locate = (f: Framework) => {
    const out = new Map<string, { theme: string; standard: Standard }>()
    for (const t of f.themes) for (const s of t.standards) out.set(s.id, { theme: t.id, standard: s })
    return out
  }
  const before = locate(older)
  const after = locate(newer)
  const changes: StandardChange[] = []
  for (const [sid, now] of after) {
    const was = before.get(sid)
    if (!was) {
      changes.push({ kind: 'added', theme: now.theme, standard: now.standard })
      continue
    }
    const fields: (keyof Standard | 'theme')[] = comparedFields.filter(
      (k) => JSON.stringify(was.standard[k]) !== JSON.stringify(now.standard[k]),
    )
    if (was.theme !== now.theme) fields.push('theme')
    if (fields.length > 0)
      changes.push({ kind: 'changed', theme: now.theme, before: was.standard, after: now.standard, fields })
  }
  for (const [sid, was] of before) {
    if (!after.has(sid)) changes.push({ kind: 'removed', theme: was.theme, standard: was.standard })
  }
  return changes
}

/** The standards of a framework that apply to a service type. */
export function standardsFor(framework: Framework, serviceType: string): { theme: Theme; standard: Standard }[] {
  return framework.themes.flatMap((theme) =>
    theme.standards
      .filter((s) => (s.appliesTo as readonly string[]).includes(serviceType))
      .map((standard) => ({ theme, standard })),
  )
}
