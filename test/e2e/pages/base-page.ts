/**
 * Page objects: each page knows its heading and how to use it. `verifyOnPage()` checks the browser
 * is on that page (one h1 with the expected text), that our CSS and JavaScript loaded under the
 * Content Security Policy, that axe finds no WCAG 2.2 AA problem in what is on screen now, and that
 * the layout holds at 320, 768 and 1280 px (support/layout.ts).
 */
import { AxeBuilder } from '@axe-core/playwright'
import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { checkLayout } from '../support/layout.js'

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

interface AxeNode {
  target: unknown[]
  html: string
  failureSummary?: string | undefined
}
interface AxeViolation {
  id: string
  impact?: string | null | undefined
  help: string
  helpUrl: string
  nodes: AxeNode[]
}

/** A readable list of axe violations, one block per rule, naming each offending element. */
export function describeViolations(where: string, violations: AxeViolation[]): string {
  const lines = [`${String(violations.length)} accessibility rule(s) failed on ${where}:`]
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact ?? 'unknown impact'}]: ${v.help} (${v.helpUrl})`)
    for (const node of v.nodes.slice(0, 5)) {
      lines.push(`    at ${node.target.map(String).join(' ')}`)
      lines.push(`       ${node.html.slice(0, 200)}`)
      if (node.failureSummary) lines.push(`       ${node.failureSummary.replace(/\n\s*/g, ' | ')}`)
    }
    if (v.nodes.length > 5) lines.push(`    and ${String(v.nodes.length - 5)} more element(s)`)
  }
  return lines.join('\n')
}

/** axe's best-practice rules (content in landmarks, heading order...) fail a test from this impact up. */
export const BEST_PRACTICE_IMPACTS = ['moderate', 'serious', 'critical']

/** Every WCAG violation, and the best-practice ones of moderate impact or worse. */
export function failingViolations<V extends AxeViolation & { tags: string[] }>(violations: V[]): V[] {
  return violations.filter(
    (v) => v.tags.some((t) => WCAG_TAGS.includes(t)) || BEST_PRACTICE_IMPACTS.includes(v.impact ?? ''),
  )
}

/** Runs axe on the page as it is now and fails with a readable list when anything is wrong. */
export async function checkAccessibility(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags([...WCAG_TAGS, 'best-practice']).analyze()
  const where = `${what} (${new URL(page.url()).pathname})`
  const failing = failingViolations(results.violations)
  if (failing.length > 0) throw new Error(describeViolations(where, failing))
  // axe ran real checks, not an empty page.
  expect(results.passes.length, `axe found nothing to check on ${where}`).toBeGreaterThan(5)
}

export abstract class BasePage {
  /** The text of the page's one h1. */
  abstract readonly heading: string

  constructor(readonly page: Page) {}

  get path(): string {
    return new URL(this.page.url()).pathname
  }

  async verifyOnPage(): Promise<this> {
    const h1 = this.page.locator('h1')
    await h1.first().waitFor()
    expect(await h1.count(), `exactly one h1 on ${this.path}`).toBe(1)
    expect((await h1.innerText()).trim()).toBe(this.heading)
    await this.expectStyledAndScripted()
    await checkAccessibility(this.page, this.heading)
    await checkLayout(this.page, `${this.heading} (${this.path})`)
    return this
  }

  /** Our stylesheet applied (own font stack) and govuk-frontend initialised its components. */
  async expectStyledAndScripted(): Promise<void> {
    const state = await this.page.evaluate(() => {
      // A question page's h1 wraps its label, which carries the type style.
      const h1 = document.querySelector('h1 > label') ?? document.querySelector('h1')
      const skip = document.querySelector('.govuk-skip-link')
      return {
        font: h1 ? getComputedStyle(h1).fontFamily : '',
        skipLinkPositioned: skip ? getComputedStyle(skip).position : null,
        frontendInitialised: skip?.hasAttribute('data-govuk-skip-link-init') ?? false,
      }
    })
    expect(state.font, `our font stack on ${this.path}`).toContain('system-ui')
    expect(state.skipLinkPositioned, `skip link styled off-screen on ${this.path}`).toBe('absolute')
    expect(state.frontendInitialised, `govuk-frontend JavaScript ran on ${this.path}`).toBe(true)
  }

  // Parts of the layout every page shares.

  get skipLink(): Locator {
    return this.page.locator('a.govuk-skip-link', { hasText: 'Skip to main content' })
  }

  get exitSkipLink(): Locator {
    return this.page.locator('a.govuk-skip-link', { hasText: 'Exit this page' })
  }

  get exitThisPageButton(): Locator {
    return this.page.locator('.govuk-exit-this-page').getByRole('button', { name: 'Exit this page' })
  }

  get signOutButton(): Locator {
    return this.page.locator('header').getByRole('button', { name: 'Sign out' })
  }

  get serviceNavigation(): Locator {
    return this.page.getByRole('navigation', { name: 'Menu' })
  }

  get errorSummary(): Locator {
    return this.page.locator('.govuk-error-summary')
  }

  async errorMessages(): Promise<string[]> {
    return (await this.errorSummary.locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
  }

  /**
   * Clicks something that submits a form or follows a link, and waits until the next document has
   * loaded (its deferred scripts included). Waiting for a load state would not do: the page being
   * left is already loaded.
   */
  async clickAndWaitForNextPage(target: Locator): Promise<void> {
    await Promise.all([this.page.waitForEvent('load'), target.click()])
  }

  async signOut(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/signed-out'), this.signOutButton.click()])
  }

  /** Does the document scroll sideways at the current viewport (WCAG 1.4.10 reflow)? */
  async horizontalOverflow(): Promise<{ scrollWidth: number; clientWidth: number }> {
    return this.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }))
  }
}
