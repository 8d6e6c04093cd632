/** Rows an import refused, as a job's page and an import's page show them (views/_refusals.njk). */
const formatCount = (n: number): string => n.toLocaleString('en-GB')

export interface RefusalView {
  row: string
  column: string
  value: string
  reason: string
}

/** Refusals from an import summary or a failed job's result, read defensively (it is stored JSON). */
export function refusalsFrom(value: unknown): RefusalView[] {
  if (!Array.isArray(value)) return []
  return value
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map((r) => ({
      row: typeof r.row === 'number' ? (r.row > 0 ? formatCount(r.row) : 'Whole file') : '',
      column: typeof r.column === 'string' ? r.column : '',
      value:
        typeof r.value === 'string'
          ? r.value
          : r.value === undefined || r.value === null
            ? ''
            : String(r.value as number),
      reason: typeof r.reason === 'string' ? r.reason : '',
    }))
}
