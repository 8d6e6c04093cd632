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
  /** How many times the work gave way (for the benchmark and tests). */
  pauses = 0

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
