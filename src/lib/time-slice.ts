/**
 * Long synchronous work handed out in slices, so that one council's big assessment never holds
 * the event loop (and every other council's requests, health checks and public searches) for more
 * than a few milliseconds at a time (issue 10, ADR 0020).
 *
 * Loops call `due()` (cheap: it reads the clock only every `every` calls) and, when it says so,
 * `await pause()`, which lets timers, I/O and other requests run before the work goes on.
 */
export class TimeSlicer {
  private sliceStarted = performance.now()
  private calls = 0
  /** How many times the work gave way, and the longest slice between (for the benchmark). */
  pauses = 0
  longestSliceMs = 0

  constructor(
    private readonly budgetMs = 4,
    private readonly every = 32,
  ) {}

  /** True when the current slice has used its budget. */
  due(): boolean {
    if (++this.calls < this.every) return false
    this.calls = 0
    return performance.now() - this.sliceStarted >= this.budgetMs
  }

  /** Gives way to everything else waiting on the event loop, then starts a new slice. */
  async pause(): Promise<void> {
    this.pauses++
    this.longestSliceMs = Math.max(this.longestSliceMs, performance.now() - this.sliceStarted)
    await new Promise<void>((resolve) => setImmediate(resolve))
    this.sliceStarted = performance.now()
  }
}

/** `rows.filter(keep)` that gives way between slices. */
export async function filterSliced<T>(rows: readonly T[], keep: (row: T) => boolean, slicer: TimeSlicer): Promise<T[]> {
  const out: T[] = []
  for (const row of rows) {
    if (keep(row)) out.push(row)
    if (slicer.due()) await slicer.pause()
  }
  return out
}

/**
 * A stable sort that gives way between slices: runs of 512 sorted by Array.prototype.sort, then
 * merged pairwise (sorting 25,000 indicator names at once held the event loop for tens of ms).
 */
export async function sortSliced<T>(
  items: readonly T[],
  compare: (a: T, b: T) => number,
  slicer: TimeSlicer,
): Promise<T[]> {
  const run = 512
  let from: T[] = []
  for (let i = 0; i < items.length; i += run) {
    from.push(...items.slice(i, i + run).sort(compare))
    if (slicer.due()) await slicer.pause()
  }
  let to = new Array<T>(from.length)
  for (let width = run; width < from.length; width *= 2) {
    for (let start = 0; start < from.length; start += 2 * width) {
      const mid = Math.min(start + width, from.length)
      const end = Math.min(start + 2 * width, from.length)
      let i = start
      let j = mid
      for (let k = start; k < end; k++) {
        // Taking from the left on a tie keeps the sort stable.
        if (i < mid && (j >= end || compare(from[i] as T, from[j] as T) <= 0)) to[k] = from[i++] as T
        else to[k] = from[j++] as T
        if (slicer.due()) await slicer.pause()
      }
    }
    ;[from, to] = [to, from]
  }
  return from
}

/** The order of Array.prototype.sort with no comparator, for strings (UTF-16 code units). */
export const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
