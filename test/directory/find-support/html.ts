/** Reading the find-support page's HTML in tests. */

const decode = (s: string): string =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim()

/** The results' service names, in page order (each card's heading, without its 'Example data' tag). */
export function resultNames(html: string): string[] {
  return [...html.matchAll(/<h4 class="govuk-heading-s">([^<]*)(?:<strong[^>]*>[^<]*<\/strong>)?<\/h4>/g)].map((m) =>
    decode(m[1] ?? ''),
  )
}

/** The results' 'Distance' values, in page order. */
export function resultDistances(html: string): string[] {
  return [...html.matchAll(/<span class="app-find-support__distance">([^<]*)<\/span>/g)].map((m) => decode(m[1] ?? ''))
}

/** The texts of the error summary's list. */
export function errorSummary(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/div>\s*<\/div>/.exec(html)?.[0] ?? ''
  return [...summary.matchAll(/<a href="#q">([^<]*)<\/a>/g)].map((m) => decode(m[1] ?? ''))
}

/** The error message under the 'Postcode or place' input, without its visually hidden prefix. */
export function fieldError(html: string): string | undefined {
  const m =
    /<p id="q-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span>([^<]*)<\/p>/.exec(
      html,
    )
  return m ? decode(m[1] ?? '') : undefined
}

/** The heading above the results, spaces collapsed. */
export function resultsHeading(html: string): string | undefined {
  const m = /<h2 class="govuk-heading-m" id="results-heading">([\s\S]*?)<\/h2>/.exec(html)
  return m ? decode((m[1] ?? '').replace(/\s+/g, ' ')) : undefined
}

export function pageTitle(html: string): string | undefined {
  const m = /<title[^>]*>([^<]*)<\/title>/.exec(html)
  return m ? decode(m[1] ?? '') : undefined
}
