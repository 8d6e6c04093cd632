/**
 * A cheap pass over ORUK JSON text before it is parsed (issue 10 point 3): counts the records of
 * the list (the elements of a top-level array, or of an array that is a value of the top-level
 * object, such as `contents` or `content`) and stops as soon as there are more than the cap, so a
 * file of millions of tiny records is refused after reading only `cap` of them, without building
 * any of them in memory. It allocates nothing per character and never looks inside strings.
 */

export interface RecordCount {
  /** Records counted (at most cap + 1). */
  count: number
  /** True when the list holds more than the cap. */
  exceeded: boolean
  /** JSON path of the first record over the cap, e.g. '/contents/10000'. */
  path: string
}

const QUOTE = 34
const BACKSLASH = 92
const OPEN_BRACE = 123
const CLOSE_BRACE = 125
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93
const COMMA = 44
const COLON = 58

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff

export function countListRecords(text: string, cap: number): RecordCount {
  // The stack of open containers: true for an array, false for an object.
  const stack: boolean[] = []
  let inString = false
  let escaped = false
  let armed = false // the next value starts an element of the innermost array
  let count = 0
  // While reading a key of the top-level object, its text; the key of the array being counted.
  let keyStart = -1
  let lastTopKey = ''
  let countingKey = ''
  let expectKey = false
  /** 0: not a record; 1: an element of a top-level array; 2: of an array under the top-level object. */
  const counts = (): 0 | 1 | 2 => {
    if (!armed) return 0
    armed = false
    if (stack.length === 1 && stack[0] === true) return 1
    return stack.length === 2 && stack[0] === false && stack[1] === true ? 2 : 0
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (escaped) escaped = false
      else if (c === BACKSLASH) escaped = true
      else if (c === QUOTE) {
        inString = false
        if (keyStart >= 0) {
          lastTopKey = text.slice(keyStart, i)
          keyStart = -1
        }
      }
      continue
    }
    if (isSpace(c)) continue
    let starts: 0 | 1 | 2 = 0
    switch (c) {
      case QUOTE:
        inString = true
        starts = counts()
        // A string directly in the top-level object, where a key is expected, is a key.
        if (starts === 0 && expectKey && stack.length === 1 && stack[0] === false) keyStart = i + 1
        break
      case OPEN_BRACE:
      case OPEN_BRACKET:
        starts = counts()
        if (c === OPEN_BRACKET && stack.length === 1 && stack[0] === false) countingKey = lastTopKey
        stack.push(c === OPEN_BRACKET)
        armed = c === OPEN_BRACKET
        expectKey = c === OPEN_BRACE && stack.length === 1
        break
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        stack.pop()
        armed = false
        break
      case COMMA:
        armed = stack[stack.length - 1] === true
        expectKey = stack.length === 1 && stack[0] === false
        break
      case COLON:
        expectKey = false
        break
      default:
        starts = counts()
    }
    if (starts !== 0) {
      count += 1
      if (count > cap) {
        const at = starts === 1 ? `/${String(cap)}` : `/${countingKey}/${String(cap)}`
        return { count, exceeded: true, path: at }
      }
    }
  }
  return { count, exceeded: false, path: '' }
}
