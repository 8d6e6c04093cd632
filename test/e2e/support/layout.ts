/**
 * What axe cannot see about layout, checked at a phone, a tablet and a desktop width (WCAG 1.4.10
 * reflow, 2.4.11 focus not obscured): the page never scrolls sideways; a table wider than its
 * container sits in a scroll container and has a caption; nothing fixed or sticky covers the start
 * of the main content. The page's own viewport and scroll position are put back afterwards.
 */
import type { Page } from 'playwright-core'

export const LAYOUT_WIDTHS = [320, 768, 1280] as const

/** One problem found at one width, in words. */
export type LayoutProblem = string

/** The layout problems on the page as it is now, at its current viewport. */
export async function layoutProblemsNow(page: Page): Promise<LayoutProblem[]> {
  return page.evaluate(() => {
    const problems: string[] = []
    const describe = (el: Element): string => {
      const id = el.id ? `#${el.id}` : ''
      const cls =
        typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''
      return `<${el.tagName.toLowerCase()}${id}${cls}>`
    }

    // 1. No sideways scroll of the page itself.
    const root = document.scrollingElement ?? document.documentElement
    if (root.scrollWidth > root.clientWidth) {
      // Name the widest elements that stick out, to say where to look.
      const culprits = Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
        .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= root.clientWidth + 1)
        .slice(0, 3)
        .map(describe)
      problems.push(
        `the page scrolls sideways (scrollWidth ${String(root.scrollWidth)} > clientWidth ${String(root.clientWidth)})` +
          (culprits.length ? `; sticking out: ${culprits.join(', ')}` : ''),
      )
    }

    // 2. A table wider than its container needs a scroll container and a caption.
    const scrollContainerOf = (table: Element): Element | null => {
      for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
        const overflowX = getComputedStyle(el).overflowX
        if (overflowX === 'auto' || overflowX === 'scroll') return el
      }
      return null
    }
    for (const table of Array.from(document.querySelectorAll('table'))) {
      if (table.getClientRects().length === 0) continue // not displayed (a closed disclosure)
      const container = table.parentElement
      if (!container) continue
      const tableWidth = Math.max(table.scrollWidth, table.getBoundingClientRect().width)
      if (tableWidth <= container.clientWidth + 1) continue
      const scroller = scrollContainerOf(table)
      const caption = table.caption?.textContent.trim() ?? ''
      const label = caption ? `table "${caption.slice(0, 60)}"` : `table ${describe(table)} (no caption)`
      if (!scroller)
        problems.push(
          `${label} is ${String(Math.round(tableWidth))} px wide in a ${String(container.clientWidth)} px container with no scroll container`,
        )
      else if (!caption) problems.push(`${label} scrolls sideways in ${describe(scroller)} but has no caption`)
    }

    // 3. Nothing fixed or sticky covers the first heading and paragraph of the main content.
    const main = document.querySelector('main')
    if (!main) problems.push('no <main> element')
    else {
      const visible = (el: Element) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
      const firstVisible = (selector: string) => Array.from(main.querySelectorAll(selector)).find(visible)
      const targets = [firstVisible('h1, h2'), firstVisible('p')].filter((el): el is Element => el !== undefined)
      const saved = { x: window.scrollX, y: window.scrollY }
      for (const target of targets) {
        target.scrollIntoView({ block: 'center', inline: 'nearest' })
        const box = target.getBoundingClientRect()
        const points = [
          [box.left + Math.min(4, box.width / 2), box.top + Math.min(4, box.height / 2)],
          [box.left + box.width / 2, box.top + box.height / 2],
          [box.right - Math.min(4, box.width / 2), box.bottom - Math.min(4, box.height / 2)],
        ]
        for (const [x, y] of points) {
          if (x === undefined || y === undefined) continue
          if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) continue
          const hit = document.elementFromPoint(x, y)
          if (hit && !main.contains(hit)) {
            problems.push(
              `${describe(hit)} covers ${describe(target)} "${target.textContent.trim().slice(0, 40)}" at (${String(Math.round(x))}, ${String(Math.round(y))})`,
            )
            break
          }
        }
      }
      window.scrollTo(saved.x, saved.y)
    }
    return problems
  })
}

/** Lets the page lay itself out again (and its scripts react) after a viewport change. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        requestAnimationFrame(() => {
          requestAnimationFrame(() => {
            resolve()
          })
        })
      }),
  )
}

/**
 * Checks the page at 320, 768 and 1280 px and throws one readable error listing every problem.
 * The viewport the page had is restored, whatever happens.
 */
export async function checkLayout(page: Page, what = new URL(page.url()).pathname): Promise<void> {
  const original = page.viewportSize()
  const height = original?.height ?? 900
  const found: string[] = []
  try {
    for (const width of LAYOUT_WIDTHS) {
      await page.setViewportSize({ width, height })
      await settle(page)
      for (const problem of await layoutProblemsNow(page)) found.push(`at ${String(width)} px: ${problem}`)
    }
  } finally {
    if (original) {
      await page.setViewportSize(original)
      await settle(page)
    }
  }
  if (found.length > 0) throw new Error(`layout problems on ${what}:\n- ${found.join('\n- ')}`)
}
