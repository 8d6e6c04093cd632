import { describe, expect, it } from 'vitest'
import { safeCell, toCsv } from './csv.js'

describe('formula-safe CSV', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+441234', "'+441234"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['\nx', "'\nx"],
    ['plain', 'plain'],
  ])('prefixes %j so spreadsheets read it as text', (input, expected) => {
    expect(safeCell(input)).toBe(expected)
  })

  it('keeps numbers as numbers, negative ones included', () => {
    expect(safeCell(-5)).toBe(-5)
    expect(toCsv(['n'], [[-5]])).toBe('\uFEFF"n"\r\n-5\r\n')
  })

  it('quotes every text cell, doubles embedded quotes and starts with a byte order mark', () => {
    expect(toCsv(['name', 'note'], [['Barnet', 'said "hi", then left']])).toBe(
      '\uFEFF"name","note"\r\n"Barnet","said ""hi"", then left"\r\n',
    )
  })

  it('writes empty cells for null, undefined and non-finite numbers', () => {
    expect(toCsv(['a', 'b', 'c'], [[null, undefined, Number.NaN]])).toBe('\uFEFF"a","b","c"\r\n,,\r\n')
  })
})
