import { describe, expect, it } from 'vitest'
import { passwordProblem } from './passwords.js'

describe('passwordProblem', () => {
  it('refuses 7 characters and accepts 8 (NIST 800-63B minimum)', () => {
    expect(passwordProblem('abcdefg')).toMatch(/8 characters or more/)
    expect(passwordProblem('kq3vzx7w')).toBeNull()
  })

  it('counts characters, not UTF-16 units: 4 emoji are 4 characters, too short', () => {
    // Each of these emoji is 2 UTF-16 units, so .length would say 8.
    expect('😀😀😀😀'.length).toBe(8)
    expect(passwordProblem('😀😀😀😀')).toMatch(/8 characters or more/)
  })

  it('accepts 128 characters and refuses 129', () => {
    expect(passwordProblem('ab'.repeat(64))).toBeNull()
    expect(passwordProblem(`${'ab'.repeat(64)}c`)).toMatch(/128 characters or fewer/)
  })

  it('has no composition rules: a lowercase passphrase with spaces passes', () => {
    expect(passwordProblem('purple lantern orchard river')).toBeNull()
  })

  it('refuses common passwords whatever their case', () => {
    expect(passwordProblem('password')).toMatch(/too common/)
    expect(passwordProblem('Iloveyou1')).toMatch(/too common/)
    expect(passwordProblem('qwertyuiop')).toMatch(/too common/)
  })

  it('refuses a password built from the email address', () => {
    expect(passwordProblem('jane.smith2026', { email: 'jane.smith@barnet.example' })).toMatch(/email address/)
  })
})
