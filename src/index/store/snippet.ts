/**
 * The text around a document's matches, as FTS5's snippet() gives it: the matches between \x01
 * and \x02, '…' where it was cut. A wide window, cut down here: FTS5 places its window to hold
 * the most matches, and one of 16 tokens can end inside a phrase ("…wax <mark>train</mark>…" for
 * "train clock").
 */
export const SNIPPET = "snippet(search, -1, char(1), char(2), '…', 64)"

/** Words shown around the first match. */
const BEFORE = 8
const WORDS = 24

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** A snippet as HTML: about WORDS words from a little before the first match, none cut. */
export function snippetHtml(snippet: string): string {
  return around(snippet)
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replace(/\x01/g, '<mark>')
    .replace(/\x02/g, '</mark>')
}

function around(snippet: string): string {
  const words = snippet.split(/\s+/).filter(Boolean)
  const first = Math.max(
    0,
    words.findIndex((w) => w.includes('\x01')),
  )
  const start = Math.max(0, first - BEFORE)
  let end = Math.min(words.length, start + WORDS)
  // Never end inside a match: go on to where it closes.
  let open = false
  for (let i = start; i < words.length && (i < end || open); i++) {
    for (const c of words[i]!) if (c === '\x01' || c === '\x02') open = c === '\x01'
    end = Math.max(end, i + 1)
  }
  let text = words.slice(start, end).join(' ')
  if (start > 0 && !text.startsWith('…')) text = '…' + text
  if (end < words.length && !text.endsWith('…')) text += '…'
  return text
}
