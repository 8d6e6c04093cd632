/**
 * Small-number suppression: THE one function that decides which counts of people may be shown.
 * Every page, chart, download and report goes through it.
 *
 * - Primary suppression: a count from 1 to threshold - 1 (1 to 4) is hidden and shown as '<5'.
 * - Publisher suppression: a cell the publisher hid ('*' or 'c' in NDTMS) is shown as '[c]'.
 * - Not available: a null count is shown as '[x]'.
 * - Secondary suppression: where cells add up to a total shown beside them (a row or a column of a
 *   table), a single hidden cell could be worked out by subtraction. So in any group with a total,
 *   if exactly one of its cells (parts and total) is hidden, the smallest shown non-zero part (else
 *   the total) is hidden too and shown as '[c]'. This repeats until nothing changes.
 * - As a further safeguard for tables with rows and columns, a hidden cell that could still be
 *   worked out by combining several rows and columns (solving the equations of all the groups
 *   together) leads to one more cell being hidden in the same way, again until nothing changes.
 *
 * Zero is shown: it cannot identify a person.
 */

export const SMALL_NUMBER_THRESHOLD = 5

export type CellStatus = 'shown' | 'primary' | 'secondary' | 'publisher' | 'not-available'

export interface CountInput {
  key: string
  count: number | null
  publisherSuppressed?: boolean
}

/** Cells that add up to a total shown beside them (a row or column of a table). */
export interface CountGroup {
  total?: string
  parts: string[]
}

export interface DisclosedCount {
  key: string
  count: number | null
  display: string
  status: CellStatus
}

export const PRIMARY_DISPLAY = '<5'
export const SECONDARY_DISPLAY = '[c]'
export const NOT_AVAILABLE_DISPLAY = '[x]'

/** Plain-English explanation of the symbols, to show beside any table, chart or download. */
export const SUPPRESSION_NOTE: string =
  '<5 means a count from 1 to 4. We hide these small numbers so that nobody can be identified. ' +
  '[c] means a number we or the publisher have hidden so that a small number cannot be worked out from the totals. ' +
  '[x] means the number is not available.'

const countFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 })

function formatCount(count: number): string {
  return countFormat.format(count)
}

function initialStatus(input: CountInput, threshold: number): DisclosedCount {
  const { key, count } = input
  if (input.publisherSuppressed === true) return { key, count: null, display: SECONDARY_DISPLAY, status: 'publisher' }
  if (count === null || !Number.isFinite(count)) {
    return { key, count: null, display: NOT_AVAILABLE_DISPLAY, status: 'not-available' }
  }
  if (count < 0) throw new RangeError(`A count of people cannot be negative (cell ${key}: ${count})`)
  if (count > 0 && count < threshold) return { key, count: null, display: PRIMARY_DISPLAY, status: 'primary' }
  return { key, count, display: formatCount(count), status: 'shown' }
}

interface Cell {
  out: DisclosedCount
  /** The true value, kept for choosing the smallest part; never leaves this module for hidden cells. */
  value: number | null
  order: number
}

const isHidden = (cell: Cell): boolean => cell.out.status !== 'shown'

function hideSecondary(cell: Cell): void {
  cell.out = { key: cell.out.key, count: null, display: SECONDARY_DISPLAY, status: 'secondary' }
}

/**
 * The cell to hide in a group to protect its hidden cells: the smallest shown non-zero part
 * (the first in the group's parts on a tie), else the total if shown, else any shown part (zeros).
 */
function chooseComplement(group: CountGroup, cells: Map<string, Cell>): Cell | undefined {
  const parts = group.parts.map((k) => cells.get(k)).filter((c): c is Cell => c !== undefined)
  const shownParts = parts.filter((c) => !isHidden(c))
  // Array.prototype.sort is stable, so a tie keeps the order of the parts.
  const nonZero = shownParts.filter((c) => (c.value ?? 0) > 0).sort((x, y) => (x.value ?? 0) - (y.value ?? 0))
  if (nonZero[0]) return nonZero[0]
  const total = group.total === undefined ? undefined : cells.get(group.total)
  if (total && !isHidden(total)) return total
  return shownParts[0]
}

function groupCells(group: CountGroup, cells: Map<string, Cell>): Cell[] {
  const keys = group.total === undefined ? group.parts : [...group.parts, group.total]
  return keys.map((k) => cells.get(k)).filter((c): c is Cell => c !== undefined)
}

/** One pass of the contract rule; true when a cell was hidden. */
function singleHiddenPass(groups: CountGroup[], cells: Map<string, Cell>): boolean {
  let changed = false
  for (const group of groups) {
    if (group.total === undefined) continue
    const members = groupCells(group, cells)
    if (members.filter(isHidden).length !== 1) continue
    const complement = chooseComplement(group, cells)
    if (complement) {
      hideSecondary(complement)
      changed = true
    }
  }
  return changed
}

const EPSILON = 1e-9

/**
 * Hidden cells whose value is fixed by the equations of all groups together (sum of parts = total),
 * found by Gaussian elimination on the hidden cells: a hidden cell is determined when it is a pivot
 * whose row has no free variable in it.
 */
function determinedHiddenCells(groups: CountGroup[], cells: Map<string, Cell>): Set<string> {
  const withTotal = groups.filter((g) => g.total !== undefined && cells.has(g.total))
  const hiddenKeys: string[] = []
  const column = new Map<string, number>()
  for (const g of withTotal) {
    for (const cell of groupCells(g, cells)) {
      if (isHidden(cell) && !column.has(cell.out.key)) {
        column.set(cell.out.key, hiddenKeys.length)
        hiddenKeys.push(cell.out.key)
      }
    }
  }
  if (hiddenKeys.length === 0) return new Set()
  const rows: number[][] = []
  for (const g of withTotal) {
    const row = new Array<number>(hiddenKeys.length).fill(0)
    const signed: [string, number][] = [...new Set(g.parts)].map((k) => [k, 1])
    if (g.total !== undefined) signed.push([g.total, -1])
    let touched = false
    for (const [key, sign] of signed) {
      const j = column.get(key)
      if (j === undefined) continue
      row[j] = (row[j] ?? 0) + sign
      touched = true
    }
    if (touched) rows.push(row)
  }
  // Reduced row echelon form.
  const width = hiddenKeys.length
  const pivotColumns: number[] = []
  let rank = 0
  for (let col = 0; col < width && rank < rows.length; col++) {
    let best = -1
    let bestAbs = EPSILON
    for (let i = rank; i < rows.length; i++) {
      const v = Math.abs(rows[i]?.[col] ?? 0)
      if (v > bestAbs) {
        best = i
        bestAbs = v
      }
    }
    if (best < 0) continue
    const pivotRow = rows[best] ?? []
    rows[best] = rows[rank] ?? []
    rows[rank] = pivotRow
    const pv = pivotRow[col] ?? 1
    for (let j = 0; j < width; j++) pivotRow[j] = (pivotRow[j] ?? 0) / pv
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]
      if (i === rank || !row) continue
      const f = row[col] ?? 0
      if (Math.abs(f) <= EPSILON) continue
      for (let j = 0; j < width; j++) row[j] = (row[j] ?? 0) - f * (pivotRow[j] ?? 0)
    }
    pivotColumns.push(col)
    rank++
  }
  const pivotSet = new Set(pivotColumns)
  const determined = new Set<string>()
  pivotColumns.forEach((col, i) => {
    const row = rows[i] ?? []
    const free = row.some((v, j) => j !== col && !pivotSet.has(j) && Math.abs(v) > EPSILON)
    const key = hiddenKeys[col]
    if (!free && key !== undefined) determined.add(key)
  })
  return determined
}

/** Hides one more cell to protect a determined hidden cell; true when a cell was hidden. */
function linearPass(groups: CountGroup[], cells: Map<string, Cell>): boolean {
  const determined = determinedHiddenCells(groups, cells)
  if (determined.size === 0) return false
  const ordered = [...cells.values()].filter((c) => determined.has(c.out.key)).sort((x, y) => x.order - y.order)
  for (const target of ordered) {
    for (const group of groups) {
      if (group.total === undefined) continue
      if (!groupCells(group, cells).includes(target)) continue
      const complement = chooseComplement(group, cells)
      if (complement) {
        hideSecondary(complement)
        return true
      }
    }
  }
  return false
}

/** The groups with a total, split into sets that share cells (union-find on the cell keys), in first-seen order. */
function connectedGroups(groups: CountGroup[]): CountGroup[][] {
  const parent = new Map<string, string>()
  const find = (key: string): string => {
    let root = key
    for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root)) root = up
    for (let k = key, up = parent.get(k); up !== undefined && up !== root; up = parent.get(k)) {
      parent.set(k, root)
      k = up
    }
    return root
  }
  const withTotal = groups.filter((g) => g.total !== undefined)
  for (const g of withTotal) {
    const keys = [...g.parts, g.total ?? '']
    for (const k of keys) if (!parent.has(k)) parent.set(k, k)
    const first = find(keys[0] ?? '')
    for (const k of keys.slice(1)) {
      const root = find(k)
      if (root !== first) parent.set(root, first)
    }
  }
  const byRoot = new Map<string, CountGroup[]>()
  for (const g of withTotal) {
    const root = find(g.total ?? '')
    const list = byRoot.get(root)
    if (list) list.push(g)
    else byRoot.set(root, [g])
  }
  return [...byRoot.values()]
}

/**
 * Primary: counts 1..threshold-1 are hidden ('<5'). Publisher-suppressed: '[c]'. null: '[x]'.
 * Secondary: in any group with a total, if exactly one of its cells (parts and total) is hidden,
 * hide the smallest shown non-zero part (else the total), display '[c]'; repeat until stable.
 * Shown counts display with en-GB grouping ('1,465'); count is null unless status is 'shown'.
 *
 * Keys named in groups but missing from cells are ignored. RangeError for a negative count or a
 * key given twice.
 */
export function discloseCounts(
  cells: CountInput[],
  groups: CountGroup[] = [],
  options: { threshold?: number } = {},
): Map<string, DisclosedCount> {
  const threshold = options.threshold ?? SMALL_NUMBER_THRESHOLD
  const byKey = new Map<string, Cell>()
  cells.forEach((input, order) => {
    if (byKey.has(input.key)) throw new RangeError(`Cell key given twice: ${input.key}`)
    byKey.set(input.key, {
      out: initialStatus(input, threshold),
      value: input.count !== null && Number.isFinite(input.count) ? input.count : null,
      order,
    })
  })
  // Groups that share no cell cannot give each other's cells away, so each connected set of groups
  // is settled on its own: the result is the same as settling them all together, and the work
  // grows with the size of the largest table instead of with the square of all of them (issue 10).
  for (const component of connectedGroups(groups)) {
    // Each pass hides at least one more cell or stops, so this ends after at most cells.length passes.
    for (;;) {
      if (singleHiddenPass(component, byKey)) continue
      if (linearPass(component, byKey)) continue
      break
    }
  }
  const result = new Map<string, DisclosedCount>()
  for (const [key, cell] of byKey) result.set(key, cell.out)
  return result
}

export function discloseCount(count: number | null, publisherSuppressed?: boolean): DisclosedCount {
  return initialStatus({ key: '', count, publisherSuppressed }, SMALL_NUMBER_THRESHOLD)
}

/** 0.3106 -> '31.1%' (en-GB). A non-finite proportion gives '[x]'. */
export function formatPercent(proportion: number, decimals = 1): string {
  if (!Number.isFinite(proportion)) return NOT_AVAILABLE_DISPLAY
  return percentFormatter(decimals).format(proportion)
}

// Building an Intl.NumberFormat costs far more than using one; pages format thousands of figures.
const percentFormatters = new Map<number, Intl.NumberFormat>()
export function percentFormatter(decimals: number): Intl.NumberFormat {
  let format = percentFormatters.get(decimals)
  if (!format) {
    format = new Intl.NumberFormat('en-GB', {
      style: 'percent',
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    })
    percentFormatters.set(decimals, format)
  }
  return format
}

/**
 * A proportion derived from two disclosed counts: shown only when both counts are shown and the
 * denominator is more than 0; otherwise hidden with the numerator's display if it is hidden, else
 * the denominator's ('[x]' for a zero denominator).
 */
export function discloseProportion(
  numerator: DisclosedCount,
  denominator: DisclosedCount,
  decimals = 1,
): { proportion: number | null; display: string; status: CellStatus } {
  if (numerator.status !== 'shown' || numerator.count === null) {
    return { proportion: null, display: numerator.display, status: numerator.status }
  }
  if (denominator.status !== 'shown' || denominator.count === null) {
    return { proportion: null, display: denominator.display, status: denominator.status }
  }
  if (denominator.count <= 0) return { proportion: null, display: NOT_AVAILABLE_DISPLAY, status: 'not-available' }
  const proportion = numerator.count / denominator.count
  return { proportion, display: formatPercent(proportion, decimals), status: 'shown' }
}
