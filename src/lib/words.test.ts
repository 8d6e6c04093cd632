import { describe, expect, it } from 'vitest'
import { GSS_CODE, ENGLISH_GSS_CODE } from './gss.js'
import { listInWords } from './words.js'

describe('listInWords', () => {
  it('joins with commas and a last "and", without a serial comma', () => {
    expect(listInWords([])).toBe('')
    expect(listInWords(['Barnet'])).toBe('Barnet')
    expect(listInWords(['Barnet', 'Camden'])).toBe('Barnet and Camden')
    expect(listInWords(['Barnet', 'Camden', 'Sunderland'])).toBe('Barnet, Camden and Sunderland')
  })
  it('can end with "or"', () => {
    expect(listInWords(['a', 'b', 'c'], 'or')).toBe('a, b or c')
  })
})

describe('GSS codes', () => {
  it('takes a nation letter and eight digits', () => {
    expect(GSS_CODE.test('E09000003')).toBe(true)
    expect(GSS_CODE.test('W06000015')).toBe(true)
    expect(GSS_CODE.test('e09000003')).toBe(false)
    expect(GSS_CODE.test('E0900000')).toBe(false)
    expect(GSS_CODE.test('X09000003')).toBe(false)
    expect(ENGLISH_GSS_CODE.test('W06000015')).toBe(false)
  })
})
