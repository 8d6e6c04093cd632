import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatProblem, validateOruk } from '../../src/features/directory/oruk-validation.js'
import { fromRoot } from '../../src/platform/root.js'
import { readStandard } from './standard.js'

describe('the ORUK schemas copied into the product', () => {
  it.each([
    'compiled/service.json',
    'compiled/service_list.json',
    'compiled/service_at_location_list.json',
    'openapi.json',
    'taxonomy.json',
    'taxonomy_term.json',
    'phone.json',
    'language.json',
    'schedule.json',
  ])('%s equals the standard’s file', (file) => {
    const copy = JSON.parse(readFileSync(fromRoot('src/features/directory/oruk-schema', file), 'utf8')) as unknown
    expect(copy).toEqual(readStandard('schema', ...file.split('/')))
  })

  it('validate the standard’s own full service example', () => {
    expect(validateOruk('service', readStandard('examples', 'service_full.json'))).toEqual([])
    expect(validateOruk('page', readStandard('examples', 'service_list.json'))).toEqual([])
  })

  it('report problems in plain words at their JSON path', () => {
    const example = readStandard('examples', 'service_full.json') as {
      service_at_locations: { location: Record<string, unknown> }[]
    } & Record<string, unknown>
    example.service_at_locations[0]!.location.latitude = 'north'
    example.email = 'not an email'
    delete example.id
    expect(validateOruk('service', example, '/contents/3').map(formatProblem)).toEqual([
      '/contents/3/id: is required',
      '/contents/3/email: must be an email address',
      '/contents/3/service_at_locations/0/location/latitude: must be a number',
    ])
  })
})
