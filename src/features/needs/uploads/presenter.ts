/** View models for the imports pages: the templates stay dumb, the shaping is tested here. */
import type { ImportKind } from '../../../db/schema/index.js'
import { importKindInfo } from '../importers/index.js'

export const paths = {
  imports: '/needs/imports',
  import: (id: string) => `/needs/imports/${id}`,
  templates: '/needs/templates',
  template: (name: string) => `/needs/templates/${name}`,
} as const

/** The template files the importer documents, in the order the page lists them. */
export const templateFiles = ['prevalence-template.csv', 'population-template.csv', 'indicator-template.csv'] as const

/** The form offers one "prevalence" choice with a second question (alcohol or opiates and crack cocaine). */
export const formKinds = ['ndtms-viewit', 'fingertips', 'prevalence', 'population', 'indicator'] as const
export type FormKind = (typeof formKinds)[number]
export const prevalenceKinds = ['alcohol', 'ocu'] as const
export type PrevalenceKind = (typeof prevalenceKinds)[number]

export function importKindFor(kind: FormKind, prevalenceKind: PrevalenceKind | undefined): ImportKind {
  if (kind === 'prevalence') return prevalenceKind === 'ocu' ? 'prevalence-ocu' : 'prevalence-alcohol'
  return kind
}

export const kindLabel = (kind: string): string =>
  (importKindInfo as Partial<Record<string, { label: string }>>)[kind]?.label ?? kind

const humanise = (key: string): string => {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const MAX_LISTED = 30

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (Array.isArray(value)) {
    if (value.length === 0) return 'None'
    const shown = value.slice(0, MAX_LISTED).map(describeValue)
    const more = value.length - shown.length
    return more > 0 ? `${shown.join(', ')} and ${String(more)} more` : shown.join(', ')
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${humanise(k)}: ${describeValue(v)}`)
      .join('; ')
  }
  if (typeof value === 'number') return value.toLocaleString('en-GB')
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** What an import covered (periods, areas, indicators...), as rows of a summary list. */
export function coverageRows(coverage: Record<string, unknown>): { key: string; value: string }[] {
  return Object.entries(coverage).map(([k, v]) => ({ key: humanise(k), value: describeValue(v) }))
}
