/** The assessment's section pages (src/features/needs/assessment/pages.ts), for tests that read every table's HTML. */
import type { TestClient } from '../../support/app.js'

/** Written out by hand: the address of each section's page. */
export const SECTION_PAGES: readonly string[] = [
  '/needs/access',
  '/needs/unmet-need',
  '/needs/referrals',
  '/needs/exits',
  '/needs/safeguarding',
  '/needs/representation',
  '/needs/harm',
  '/needs/local-insight',
  '/needs/recorded-priorities',
]

/** The HTML of every section page, one after another (each must answer 200). */
export async function allSectionPages(client: TestClient, query = ''): Promise<string> {
  const pages: string[] = []
  for (const path of SECTION_PAGES) {
    const res = await client.get(`${path}${query}`)
    if (res.statusCode !== 200) throw new Error(`GET ${path}${query} answered ${String(res.statusCode)}`)
    pages.push(res.body)
  }
  return pages.join('\n')
}
