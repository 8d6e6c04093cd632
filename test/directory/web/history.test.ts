/**
 * What changed between two versions of a service (src/features/directory/history-diff.ts): the
 * fields changed with their old and new values, the words removed and added in long text, and the
 * stored summary. Every expectation is worked out by hand from the inputs written here.
 */
import { describe, expect, it } from 'vitest'
import { demoDirectory } from '../../../src/demo/directory-data.js'
import {
  changeSummaryOf,
  serviceDiff,
  type ServiceVersion,
  wordDiff,
} from '../../../src/features/directory/history-diff.js'
import type { Service } from '../../../src/features/directory/model.js'

const first = demoDirectory().services[0]
if (first === undefined) throw new Error('the demo directory has no services')
const base: Service = first
const version = (service: Partial<Service>): ServiceVersion => ({ service: { ...base, ...service }, places: [] })

describe('serviceDiff', () => {
  it('finds nothing when nothing changed, and the summary says so', () => {
    const v = version({})
    expect(serviceDiff(v, version({}))).toEqual([])
    expect(changeSummaryOf(serviceDiff(v, version({})))).toBe('Saved with no changes')
    expect(changeSummaryOf(null)).toBe('Created')
  })

  it('gives changed contacts as the ones taken out and put in, each in one line', () => {
    const ana = {
      id: '00000000-0000-4000-8000-00000000000a',
      name: 'Ana Diaz',
      title: 'Key worker',
      phone: '020 7946 0123',
    }
    const team = { id: '00000000-0000-4000-8000-00000000000b', title: 'Duty team', email: 'duty@example.org' }
    const changes = serviceDiff(version({ contacts: [ana] }), version({ contacts: [team] }))
    expect(changes).toEqual([
      {
        field: 'contacts',
        label: 'contacts',
        kind: 'list',
        removed: ['Ana Diaz, Key worker: 020 7946 0123'],
        added: ['Duty team: duty@example.org'],
      },
    ])
  })

  it('gives changed eligibility in words, before and after', () => {
    const changes = serviceDiff(
      version({ eligibility: { womenOnly: false } }),
      version({ eligibility: { womenOnly: true, minimumAge: 18 } }),
    )
    expect(changes).toEqual([
      {
        field: 'eligibility',
        label: 'eligibility',
        kind: 'value',
        before: 'Open to everyone, any age',
        after: 'Women only, aged 18 or over',
      },
    ])
    const ages = serviceDiff(
      version({ eligibility: { womenOnly: true, maximumAge: 25 } }),
      version({ eligibility: { womenOnly: true, minimumAge: 16, maximumAge: 25 } }),
    )
    expect(ages).toMatchObject([{ before: 'Women only, aged up to 25', after: 'Women only, aged 16 to 25' }])
  })

  it('gives a changed name with its old and new value', () => {
    const changes = serviceDiff(version({ name: 'Old name' }), version({ name: 'New name' }))
    expect(changes).toEqual([{ field: 'name', label: 'name', kind: 'value', before: 'Old name', after: 'New name' }])
    expect(changeSummaryOf(changes)).toBe('Changed name')
  })

  it('gives the status in words, features as lists taken out and put in, in the fixed order', () => {
    const changes = serviceDiff(
      version({ status: 'draft', features: ['women-only-groups', 'children-welcome'] }),
      version({ status: 'published', features: ['children-welcome', 'online-or-phone'] }),
    )
    expect(changes.map((c) => c.label)).toEqual(['status', 'features'])
    expect(changes[0]).toEqual({ field: 'status', label: 'status', kind: 'value', before: 'Draft', after: 'Published' })
    expect(changes[1]).toMatchObject({ kind: 'list', removed: ['Women-only group sessions'] })
    expect(changes[1]).toMatchObject({ kind: 'list', added: ['Online or phone support'] })
    expect(changeSummaryOf(changes)).toBe('Changed status and features')
  })

  it('gives the words removed and added in a changed description', () => {
    const [change] = serviceDiff(
      version({ description: 'A drop-in on Monday mornings for women.' }),
      version({ description: 'A drop-in on Tuesday evenings for women.' }),
    )
    expect(change).toEqual({
      field: 'description',
      label: 'description',
      kind: 'text',
      before: 'A drop-in on Monday mornings for women.',
      after: 'A drop-in on Tuesday evenings for women.',
      words: [
        { op: 'same', text: 'A drop-in on ' },
        { op: 'removed', text: 'Monday mornings ' },
        { op: 'added', text: 'Tuesday evenings ' },
        { op: 'same', text: 'for women.' },
      ],
    })
  })
})

describe('wordDiff', () => {
  it('keeps a word added at the end apart from the words kept (kept runs take the spaces of the new text)', () => {
    expect(wordDiff('Open to women', 'Open to women and girls')).toEqual([
      { op: 'same', text: 'Open to women ' },
      { op: 'added', text: 'and girls' },
    ])
  })

  it('tells a word taken out of the middle', () => {
    expect(wordDiff('Evening groups every week', 'Evening groups week')).toEqual([
      { op: 'same', text: 'Evening groups ' },
      { op: 'removed', text: 'every ' },
      { op: 'same', text: 'week' },
    ])
  })

  it('gives all the old text removed and all the new added when they share no word', () => {
    expect(wordDiff('', 'New text')).toEqual([{ op: 'added', text: 'New text' }])
    expect(wordDiff('Old', 'New')).toEqual([
      { op: 'removed', text: 'Old' },
      { op: 'added', text: 'New' },
    ])
  })
})
