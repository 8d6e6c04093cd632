/**
 * Stable identifiers for the directory: RFC 9562 version 5 UUIDs (SHA-1, name-based) made with
 * node:crypto. The same name always gives the same id, so taxonomy terms, demo records and the
 * ids of ORUK sub-records that the directory does not store (addresses, phones, attributes) never
 * change between releases or between an export and a re-import.
 */
import { createHash } from 'node:crypto'

/** Our fixed namespace. Never change it: every published taxonomy term id is derived from it. */
export const WTC_NAMESPACE = '21fab392-275f-4e1f-b42a-1211c0024851'

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value)
}

/** UUID version 5 of `name` in `namespace` (a UUID string). */
export function uuidV5(name: string, namespace: string): string {
  if (!isUuid(namespace)) throw new RangeError(`Not a UUID: ${namespace}`)
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A stable id in our namespace from a path of names, e.g. stableId('taxonomy-term', 'creche'). */
export function stableId(...parts: string[]): string {
  return uuidV5(parts.join('/'), WTC_NAMESPACE)
}
