/**
 * A small Markdown-to-HTML renderer for the template documentation (templates/README.md), with
 * GOV.UK classes. It covers what that file uses: headings, paragraphs, lists, tables, code blocks,
 * `code`, **bold** and links. Everything is escaped first; a link is kept only if it goes to an
 * https address or a path on this site.
 */

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

function inline(raw: string): string {
  // Code spans first, so their contents are not read as bold or links.
  const parts = raw.split(/(`[^`]*`)/)
  return parts
    .map((part) => {
      if (part.length >= 2 && part.startsWith('`') && part.endsWith('`'))
        return `<code>${escapeHtml(part.slice(1, -1))}</code>`
      let html = escapeHtml(part)
      html = html.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      html = html.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, text: string, href: string) => {
        const target = href.replace(/&amp;/g, '&')
        const safe = /^https:\/\/[^\s]+$/i.test(target) || /^\/(?!\/)[^\s]*$/.test(target)
        return safe ? `<a class="govuk-link" href="${href}">${text}</a>` : whole
      })
      return html
    })
    .join('')
}

const headingClass = ['govuk-heading-l', 'govuk-heading-m', 'govuk-heading-s', 'govuk-heading-s']

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim())

export function markdownToHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const out: string[] = []
  let paragraph: string[] = []
  let list: { ordered: boolean; items: string[] } | null = null
  /** Tables take the heading they sit under as their caption (read by screen readers). */
  let lastHeading = ''

  const flush = () => {
    if (paragraph.length) out.push(`<p class="govuk-body">${inline(paragraph.join(' '))}</p>`)
    paragraph = []
    if (list) {
      const tag = list.ordered ? 'ol' : 'ul'
      const cls = list.ordered ? 'govuk-list govuk-list--number' : 'govuk-list govuk-list--bullet'
      out.push(`<${tag} class="${cls}">${list.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${tag}>`)
    }
    list = null
  }

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const fence = /^```/.exec(line)
    if (fence) {
      flush()
      const code: string[] = []
      for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) code.push(lines[i] ?? '')
      out.push(`<pre class="govuk-body app-code-break"><code>${escapeHtml(code.join('\n'))}</code></pre>`)
      continue
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) {
      flush()
      const level = heading[1]?.length ?? 1
      const tag = `h${String(Math.min(level + 1, 6))}`
      lastHeading = heading[2] ?? ''
      out.push(
        `<${tag} class="${headingClass[Math.min(level, 4) - 1] ?? 'govuk-heading-s'}">${inline(heading[2] ?? '')}</${tag}>`,
      )
      continue
    }
    if (/^\s*\|/.test(line) && /^\s*\|?\s*:?-{2,}/.test(lines[i + 1] ?? '')) {
      flush()
      const head = cells(line)
      const body: string[][] = []
      for (i += 2; i < lines.length && /^\s*\|/.test(lines[i] ?? ''); i++) body.push(cells(lines[i] ?? ''))
      i--
      out.push(
        '<div class="app-table-wrap"><table class="govuk-table">' +
          (lastHeading ? `<caption class="govuk-visually-hidden">${inline(lastHeading)}</caption>` : '') +
          '<thead class="govuk-table__head"><tr class="govuk-table__row">' +
          head.map((h) => `<th scope="col" class="govuk-table__header">${inline(h)}</th>`).join('') +
          '</tr></thead><tbody class="govuk-table__body">' +
          body
            .map(
              (r) =>
                `<tr class="govuk-table__row">${head.map((_h, c) => `<td class="govuk-table__cell">${inline(r[c] ?? '')}</td>`).join('')}</tr>`,
            )
            .join('') +
          '</tbody></table></div>',
      )
      continue
    }
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line)
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line)
    if (bullet || numbered) {
      const ordered = !bullet
      if (paragraph.length || (list && list.ordered !== ordered)) flush()
      list ??= { ordered, items: [] }
      list.items.push((bullet ?? numbered)?.[1] ?? '')
      continue
    }
    if (line.trim() === '') {
      flush()
      continue
    }
    if (list && /^\s{2,}\S/.test(line)) {
      const last = list.items.length - 1
      list.items[last] = `${list.items[last] ?? ''} ${line.trim()}`
      continue
    }
    if (list) flush()
    paragraph.push(line.trim())
  }
  flush()
  return out.join('\n')
}
