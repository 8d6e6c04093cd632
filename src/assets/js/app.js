// Progressive enhancement only: every page works without JavaScript.
import { initAll } from './govuk-frontend.min.js'

initAll()

// Session timeout warning (WCAG 2.2.1): warn before the idle timeout and let the user extend.
const dialog = document.getElementById('session-timeout')
if (dialog instanceof HTMLDialogElement) {
  let remaining = Number(dialog.dataset.remaining)
  const warning = Number(dialog.dataset.warning)
  const countdown = dialog.querySelector('.app-timeout-dialog__countdown')
  const form = dialog.querySelector('form')
  const loadedAt = Date.now()
  // Leave for the sign-in page only once the server has surely ended the session: any request
  // before that counts as activity and would renew it, so an unattended tab would never time out.
  // The server rounds `remaining` down, so this page's clock can run up to a second early.
  const graceSeconds = 2
  const describe = (seconds) => {
    if (seconds >= 120) return `${String(Math.ceil(seconds / 60))} minutes`
    if (seconds > 60) return `1 minute and ${String(Math.round(seconds - 60))} seconds`
    return `${String(Math.max(0, Math.round(seconds)))} seconds`
  }
  const tick = () => {
    const left = remaining - (Date.now() - loadedAt) / 1000
    if (left <= -graceSeconds) {
      window.location.assign('/sign-in?timedOut=1')
      return
    }
    if (left <= warning) {
      if (countdown) countdown.textContent = describe(left)
      if (!dialog.open) dialog.showModal()
    }
    window.setTimeout(tick, 1000)
  }
  window.setTimeout(tick, 1000)
  // Extend without leaving the page when fetch is available; the form still works without it.
  form?.addEventListener('submit', async (event) => {
    if (event.submitter?.getAttribute('formaction') === '/sign-out') return
    event.preventDefault()
    const response = await fetch('/session/extend', {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams(new FormData(form)),
    })
    if (response.ok) {
      const body = await response.json()
      remaining = Number(body.remaining) + (Date.now() - loadedAt) / 1000
      dialog.close()
    } else {
      window.location.assign('/sign-in?timedOut=1')
    }
  })
}

// Filters beside a list (the service map): open on wide screens, folded behind "Show filters" on
// small ones. Without JavaScript they start folded and the disclosure still opens them.
// On a small screen the panel keeps the state the user left it in, also after the screen was wide
// for a while (a phone turned on its side and back).
const wideScreen = window.matchMedia('(min-width: 48.0625em)')
const filterPanels = Array.from(document.querySelectorAll('details[data-app-filter-toggle]'))
const openOnSmallScreen = new Map(filterPanels.map((details) => [details, false]))
for (const details of filterPanels) {
  details.addEventListener('toggle', () => {
    if (!wideScreen.matches) openOnSmallScreen.set(details, details.open)
  })
}
const placeFilters = () => {
  for (const details of filterPanels) details.open = wideScreen.matches || openOnSmallScreen.get(details) === true
}
placeFilters()
wideScreen.addEventListener('change', placeFilters)
