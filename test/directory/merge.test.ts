import { describe, expect, it } from 'vitest'
import { demoDirectory, demoServiceId } from '../../src/demo/directory-data.js'
import { mergeDirectory, type MergeResult } from '../../src/features/directory/merge.js'
import { type Directory, emptyDirectory } from '../../src/features/directory/model.js'
import { directoryToOrukDump, formatProblem, parseOrukDocument } from '../../src/features/directory/oruk.js'

const imported = (): Directory => {
  const result = parseOrukDocument(structuredClone(directoryToOrukDump(demoDirectory())))
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
  return result.directory
}
const ok = (result: MergeResult) => {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
  return result
}
const published = demoDirectory().services.filter((s) => s.status === 'published')

describe('mergeDirectory', () => {
  it('creates every service in an empty council, then changes nothing on a second import', () => {
    const first = ok(mergeDirectory(emptyDirectory(), imported()))
    expect(first.summary.created).toHaveLength(published.length)
    const second = ok(mergeDirectory(first.directory, imported()))
    expect(second.summary).toEqual({ created: [], updated: [], unchanged: published.map((s) => s.id) })
    expect(second.directory).toEqual(first.directory)
  })

  it('keeps internal notes and drafts, leaves unchanged services at their version', () => {
    const result = ok(mergeDirectory(demoDirectory(), imported()))
    expect(result.summary.unchanged).toHaveLength(published.length)
    expect(result.directory).toEqual(demoDirectory())
  })

  it('replaces a changed service with its sessions, bumping the version and keeping its notes', () => {
    const incoming = imported()
    const hendonId = demoServiceId('hendonTreatment')
    const hendon = incoming.services.find((s) => s.id === hendonId)!
    hendon.name = 'Example: Hendon drug and alcohol service (renamed)'
    const hendonSals = new Set(incoming.serviceAtLocations.filter((x) => x.serviceId === hendonId).map((x) => x.id))
    // Drop every Hendon session but the first.
    const firstSession = incoming.schedules.find((x) => hendonSals.has(x.serviceAtLocationId))!
    incoming.schedules = incoming.schedules.filter((x) => !hendonSals.has(x.serviceAtLocationId) || x === firstSession)
    const result = ok(mergeDirectory(demoDirectory(), incoming))
    expect(result.summary.updated).toEqual([hendonId])
    const merged = result.directory.services.find((s) => s.id === hendonId)!
    expect(merged.version).toBe(2)
    expect(merged.internalNotes).toBe(demoDirectory().services.find((s) => s.id === hendonId)!.internalNotes)
    expect(result.directory.schedules.filter((x) => hendonSals.has(x.serviceAtLocationId))).toEqual([firstSession])
    // Other services' sessions are untouched. Hendon has 9 sessions: 4 weekday mornings (Friday's
    // gives way to the women's group), the Monday hub, Tuesday to Thursday afternoons, the Friday group.
    const hendonBefore = demoDirectory().schedules.filter((x) => hendonSals.has(x.serviceAtLocationId)).length
    expect(hendonBefore).toBe(9)
    expect(result.directory.schedules).toHaveLength(demoDirectory().schedules.length - hendonBefore + 1)
  })
})
