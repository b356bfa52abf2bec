import { Eta } from 'eta'
import type { Item } from '../index/item.js'
import type { ThreadInfo } from '../index/store/threads.js'
import { conversationPath } from './json-feed.js'
import { TEMPLATES } from '../render/templates.js'
import { xmlEscape } from './xml-text.js'

/** What the feed says about itself; `origin` also makes the items' gateway paths absolute. */
export interface AtomHead {
  title: string
  origin: string
  /** Absolute: this page, the timeline page, the next (older) page. */
  links: { self: string; alternate: string; next?: string }
}

/** An item of the page with its HTML, which posts render only on demand. */
export interface AtomSource {
  item: Item
  html: string
  thread?: ThreadInfo | undefined
  /** Who wrote it, by the petname rule (people/ personOf). */
  author?: string
}

const FEED_ID = 'urn:syncweb:timeline'
const TITLE_LENGTH = 80

// Every `<%= %>` of templates/atom.eta goes through xmlEscape, so no field, whatever a friend
// wrote into it, can carry markup or a character that XML forbids; the template has no `<%~ %>`.
const eta = new Eta({
  views: TEMPLATES,
  autoEscape: true,
  escapeFunction: xmlEscape,
  cache: true,
  autoTrim: [false, 'nl'],
})

/**
 * A page of the timeline as an Atom 1.0 document (RFC 4287).
 *
 * @example atomFeed([{ item, html: item.html }], { title, origin: 'http://localhost:4747', links })
 */
export function atomFeed(page: readonly AtomSource[], { title, origin, links }: AtomHead): string {
  const newest = page.reduce((max, { item }) => Math.max(max, item.updated ?? item.date), 0)
  return eta.render('atom', {
    id: FEED_ID,
    title,
    updated: new Date(newest || Date.now()).toISOString(),
    links,
    entries: page.map((source) => atomEntry(source, origin)),
  })
}

/** Atom ids must be IRIs: a space name may start with a digit, so wrap ours in a URN. */
export function atomId(id: string): string {
  return `urn:syncweb:item:${encodeURIComponent(id)}`
}

function atomEntry({ item, html, thread, author }: AtomSource, origin: string) {
  const absolute = (url: string) => (url.startsWith('/') ? origin + url : url)
  return {
    id: atomId(item.id),
    title: item.title ?? truncate(item.summary || item.text, TITLE_LENGTH),
    updated: new Date(item.updated ?? item.date).toISOString(),
    published: new Date(item.date).toISOString(),
    link: absolute(item.url),
    content: html
      ? { type: 'html', value: html }
      : item.text
        ? { type: 'text', value: item.text }
        : undefined,
    summary: item.summary || undefined,
    author: { name: author ?? item.author ?? item.space, uri: `${origin}/@${item.space}/` },
    categories: item.tags,
    // RFC 4685: the parent by its portable ref, and where the conversation can be read.
    inReplyTo:
      thread?.replyTo !== undefined
        ? {
            ref: thread.replyTo,
            href: origin + conversationPath(thread.thread ?? thread.replyTo),
          }
        : undefined,
  }
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : text.slice(0, length - 1) + '…'
}
