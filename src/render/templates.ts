import { Eta } from 'eta'
import { fileURLToPath } from 'node:url'

/** The templates/ folder, beside src/ and dist/. */
export const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url))

// Every `<%= %>` is HTML-escaped; only `<%~ %>` writes raw HTML, and the templates use it for
// the layout's body and for HTML the gateway itself produced (rendered Markdown of the space).
const eta = new Eta({ views: TEMPLATES, autoEscape: true, cache: true, autoTrim: [false, 'nl'] })

/** Data every page gets: `gateway` is the gateway's origin ('' on the gateway's own pages). */
export interface PageData {
  title: string
  gateway: string
  [key: string]: unknown
}

export function renderPage(template: string, data: PageData): string {
  return eta.render(template, data)
}

/** A template without the layout: a part of a page (an item, for the live timeline). */
export function renderFragment(template: string, data: object): string {
  return eta.render(template, data)
}
