// An Ajv 2020 validator built straight from the ORUK 3.0 standard beside the project
// (../shared/standards/oruk-3.0), independent of the product's copies and its validation module.
import { readFileSync } from 'node:fs'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { sharedPath } from '../support/shared.js'

export const standardPath = (...parts: string[]): string => sharedPath('standards', 'oruk-3.0', ...parts)

export const readStandard = (...parts: string[]): Record<string, unknown> =>
  JSON.parse(readFileSync(standardPath(...parts), 'utf8')) as Record<string, unknown>

const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats.default(ajv)
const base = 'https://standard.test/'
for (const file of ['taxonomy.json', 'taxonomy_term.json']) {
  ajv.addSchema({ ...readStandard('schema', file), $id: `${base}${file}` })
}

function compile(...parts: string[]): ValidateFunction {
  return ajv.compile({ ...readStandard(...parts), $id: `${base}${parts.join('/')}` })
}

export const standardValidators = {
  service: compile('schema', 'compiled', 'service.json'),
  serviceList: compile('schema', 'compiled', 'service_list.json'),
  serviceAtLocationList: compile('schema', 'compiled', 'service_at_location_list.json'),
  taxonomy: ajv.getSchema(`${base}taxonomy.json`) as ValidateFunction,
  taxonomyTerm: ajv.getSchema(`${base}taxonomy_term.json`) as ValidateFunction,
  /** The response of GET /services: the openapi's Page schema with contents of service_list items. */
  servicePage: (() => {
    const openapi = readStandard('schema', 'openapi.json') as {
      components: { schemas: { Page: Record<string, unknown> } }
    }
    return ajv.compile({
      $id: `${base}service-page.json`,
      allOf: [openapi.components.schemas.Page],
      properties: { contents: { type: 'array', items: { $ref: 'schema/compiled/service_list.json' } } },
      required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
    })
  })(),
}

/** Ajv's errors as 'path: message' lines, for readable assertion failures. */
export const errorsOf = (validate: ValidateFunction): string[] =>
  (validate.errors ?? []).map((e) => `${e.instancePath}: ${e.message ?? ''}`)
