import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { auditHash, canonicalJson, GENESIS_HASH } from './audit.js'

describe('audit hash chain', () => {
  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}',
    )
  })

  it('hashes the previous hash, a newline and the canonical row, as worked out here by hand', () => {
    const row = {
      at: new Date('2026-01-02T03:04:05.678Z'),
      tenantId: null,
      actorUserId: null,
      actorLabel: 'wtc cli',
      action: 'user.create',
      subjectType: 'user',
      subjectId: 'abc',
      details: { roles: ['admin'], email: 'a@b.example' },
    }
    const expectedBody =
      '{"action":"user.create","actorLabel":"wtc cli","actorUserId":null,"at":"2026-01-02T03:04:05.678Z",' +
      '"details":{"email":"a@b.example","roles":["admin"]},"subjectId":"abc","subjectType":"user","tenantId":null}'
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${expectedBody}`).digest('hex')
    expect(auditHash(GENESIS_HASH, row)).toBe(expected)
  })

  it('changes when any field changes', () => {
    const row = {
      at: new Date(0),
      tenantId: null,
      actorUserId: null,
      actorLabel: 'x',
      action: 'a',
      subjectType: null,
      subjectId: null,
      details: {},
    }
    const base = auditHash(GENESIS_HASH, row)
    expect(auditHash(GENESIS_HASH, { ...row, action: 'b' })).not.toBe(base)
    expect(auditHash(GENESIS_HASH, { ...row, details: { x: 1 } })).not.toBe(base)
    expect(auditHash('1'.repeat(64), row)).not.toBe(base)
  })
})
