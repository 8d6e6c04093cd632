/**
 * Validation against the Open Referral UK 3.0 schemas (copied in oruk-schema/), with Ajv 2020
 * (`strict: false` because the ORUK schemas carry non-JSON-Schema keywords such as `core` and
 * `constraints`) and ajv-formats. Problems name the JSON path of the value at fault, e.g.
 * '/contents/3/service_at_locations/0/location/latitude: must be a number'.
 */
import { readFileSync } from 'node:fs'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { fromRoot } from '../../platform/root.js'

export interface OrukProblem {
  /** JSON Pointer of the value at fault ('' is the whole document). */
  path: string
  message: string
}

export const formatProblem = (p: OrukProblem): string => `${p.path === '' ? '/' : p.path}: ${p.message}`

export type OrukSchemaName =
  'service' | 'service_list' | 'service_at_location_list' | 'page' | 'taxonomy' | 'taxonomy_term' | 'service_import'

const BASE = 'https://schemas.wtc.invalid/oruk-3.0/'

function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(fromRoot('src/features/directory/oruk-schema', file), 'utf8')) as Record<
    string,
    unknown
  >
}

/**
 * What an import also checks beyond the UK profile's compiled service: the HSDS 3.0 core parts our
 * export uses and the UK profile leaves out (phones of contacts, schedules of a service at
 * location, an attribute's value) and our schedule extension fields (women_only, run_by).
 */
const serviceImportSchema = {
  $id: `${BASE}service_import.json`,
  allOf: [{ $ref: 'compiled/service.json' }],
  properties: {
    contacts: {
      items: {
        properties: {
          email: { type: 'string', format: 'email' },
          phones: { type: 'array', items: { $ref: 'phone.json' } },
        },
      },
    },
    service_at_locations: {
      items: {
        properties: {
          schedules: { type: 'array', items: { $ref: 'schedule-extended.json' } },
          location: {
            properties: { addresses: { items: { properties: { address_2: { type: 'string' } } } } },
          },
        },
      },
    },
    schedules: { items: { $ref: 'schedule-extended.json' } },
    attributes: { items: { properties: { value: { type: 'string' } } } },
  },
}

const scheduleExtendedSchema = {
  $id: `${BASE}schedule-extended.json`,
  allOf: [{ $ref: 'schedule.json' }],
  properties: { women_only: { type: 'boolean' }, run_by: { type: 'string' } },
}

let validators: Map<OrukSchemaName, ValidateFunction> | undefined

function load(): Map<OrukSchemaName, ValidateFunction> {
  if (validators) return validators
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  const add = (file: string) => {
    const schema = readSchema(file)
    ajv.addSchema({ ...schema, $id: `${BASE}${file}` })
  }
  for (const file of [
    'compiled/service.json',
    'compiled/service_list.json',
    'compiled/service_at_location_list.json',
    'taxonomy.json',
    'taxonomy_term.json',
    'phone.json',
    'language.json',
    'schedule.json',
  ]) {
    add(file)
  }
  ajv.addSchema(scheduleExtendedSchema)
  ajv.addSchema(serviceImportSchema)
  const openapi = readSchema('openapi.json') as { components: { schemas: { Page: Record<string, unknown> } } }
  ajv.addSchema({ ...openapi.components.schemas.Page, $id: `${BASE}page.json` })
  const get = (id: string): ValidateFunction => {
    const fn = ajv.getSchema(`${BASE}${id}`)
    if (!fn) throw new Error(`ORUK schema ${id} did not load`)
    return fn
  }
  validators = new Map<OrukSchemaName, ValidateFunction>([
    ['service', get('compiled/service.json')],
    ['service_list', get('compiled/service_list.json')],
    ['service_at_location_list', get('compiled/service_at_location_list.json')],
    ['page', get('page.json')],
    ['taxonomy', get('taxonomy.json')],
    ['taxonomy_term', get('taxonomy_term.json')],
    ['service_import', get('service_import.json')],
  ])
  return validators
}

const typeWords: Record<string, string> = {
  number: 'a number',
  integer: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  null: 'null',
}

const formatWords: Record<string, string> = {
  uuid: 'a UUID, like 0b6f9e0c-2d7a-4c52-9f0e-5f1b8a3c2d11',
  email: 'an email address',
  uri: 'a full web address (URI), like https://example.org/',
  'date-time': 'a date and time, like 2026-01-31T09:00:00Z',
  date: 'a date, like 2026-01-31',
}

/** One Ajv error in plain words, at its JSON path under `basePath`. */
export function ajvErrorToProblem(error: ErrorObject, basePath = ''): OrukProblem {
  const at = `${basePath}${error.instancePath}`
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { path: `${at}/${String(params.missingProperty)}`, message: 'is required' }
    case 'type': {
      const types = String(params.type)
        .split(',')
        .map((t) => typeWords[t] ?? t)
      return { path: at, message: `must be ${types.join(' or ')}` }
    }
    case 'format': {
      const format = String(params.format)
      return { path: at, message: `must be ${formatWords[format] ?? `in the format ${format}`}` }
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')
      return { path: at, message: `must be one of ${allowed}` }
    }
    default:
      return { path: at, message: error.message ?? 'is not valid' }
  }
}

/** Problems of `value` against one of the ORUK schemas; empty when it is valid. */
export function validateOruk(name: OrukSchemaName, value: unknown, basePath = ''): OrukProblem[] {
  const validate = load().get(name)
  if (!validate) throw new Error(`Unknown ORUK schema ${name}`)
  if (validate(value)) return []
  const seen = new Set<string>()
  const problems: OrukProblem[] = []
  for (const error of validate.errors ?? []) {
    // allOf wrappers repeat the inner errors: keep each path and message once.
    const problem = ajvErrorToProblem(error, basePath)
    const key = formatProblem(problem)
    if (seen.has(key)) continue
    seen.add(key)
    problems.push(problem)
  }
  return problems
}
