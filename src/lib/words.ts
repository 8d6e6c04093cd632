/** 'a', 'a and b', 'a, b and c' (or 'a, b or c'): a list for a sentence, with no serial comma. */
export function listInWords(items: readonly string[], last: 'and' | 'or' = 'and'): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1) ?? ''}`
}
