/** What a search query may be: longer ones get a 400 that says so. */
export const MAX_QUERY_LENGTH = 1000
export const MAX_QUERY_TERMS = 32

/** The words and phrases one alternative of a query must hold, and those it must not. */
interface Alternative {
  hold: string[]
  not: string[]
}

/**
 * A person's query as an FTS5 expression. Never FTS5 syntax from the user: words and
 * `"quoted phrases"` become quoted strings (so `NEAR`, `col:` and brackets are just words), a
 * word ending in `*` a prefix; all must match. As search engines have them: `-word` (or `NOT
 * word`) leaves out what holds it, `OR` between words gives either side, `AND` says what is said
 * anyway, `title:word` finds it in titles only. Throws with a reason for a 400.
 */
export function ftsQuery(q: string): string {
  // Control characters are no words, and SQLite ends an FTS5 string at a NUL ("unterminated
  // string"): spaces instead.
  const text = q.replace(/[\u0000-\u001f\u007f]/g, ' ').trim()
  if (text.length > MAX_QUERY_LENGTH) {
    throw new Error(`q: at most ${MAX_QUERY_LENGTH.toLocaleString('en')} characters`)
  }
  const alternatives: Alternative[] = [{ hold: [], not: [] }]
  let terms = 0
  let negate = false
  const pattern = /(-?)"([^"]*)"?|(\S+)/g
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const word = m[3]
    if (word === 'OR') {
      if (alternatives.at(-1)!.hold.length) alternatives.push({ hold: [], not: [] })
      continue
    }
    if (word === 'AND') continue
    if (word === 'NOT') {
      negate = true
      continue
    }
    const minus = m[1] === '-' || (word !== undefined && word.length > 1 && word.startsWith('-'))
    const bare = word === undefined ? m[2]! : minus ? word.slice(1) : word
    // `title:word`: in titles only.
    const titled = word !== undefined && /^title:./i.test(bare)
    const found = quoted(titled ? bare.slice(6) : bare, !word)
    if (found === undefined) continue
    const term = titled ? `({title} : ${found})` : found
    // Words count as the tokenizer makes them (`of.of.of` is three, a phrase of five five): each
    // is a doclist to read, and a long phrase of common words reads every document's positions.
    terms += found.split(/[^\p{L}\p{N}]+/u).filter(Boolean).length
    const alternative = alternatives.at(-1)!
    ;(minus || negate ? alternative.not : alternative.hold).push(term)
    negate = false
  }
  const used = alternatives.filter((a) => a.hold.length || a.not.length)
  if (!terms) throw new Error('q: give words to search for, e.g. tomato or "a phrase"')
  if (terms > MAX_QUERY_TERMS) throw new Error(`q: at most ${MAX_QUERY_TERMS} words`)
  if (used.some((a) => !a.hold.length)) {
    throw new Error('q: give words to find as well as words to leave out, e.g. kites -river')
  }
  const expression = used
    .map((a) => `(${a.hold.join(' ')})${a.not.map((term) => ` NOT ${term}`).join('')}`)
    .join(' OR ')
  return `{title body} : (${expression})`
}

/** A word or phrase as an FTS5 string (a word ending in `*` a prefix); undefined: no letter. */
function quoted(text: string, phrase: boolean): string | undefined {
  let term = text.replace(/"/g, ' ')
  const prefix = !phrase && term.length > 1 && term.endsWith('*')
  term = term.replace(/\*+$/, '')
  // A term with no letter or digit matches nothing the tokenizer keeps.
  if (!/[\p{L}\p{N}]/u.test(term)) return undefined
  return `"${term.replace(/\s+/g, ' ').trim()}"${prefix ? '*' : ''}`
}

/**
 * How many words and phrases an expression of ftsQuery holds when each of them must match (no
 * OR, no NOT); 0 otherwise. The rarest of them bounds how many documents match.
 */
export function conjunctionTerms(match: string): number {
  // An operator always follows a bracket: `("a") NOT "b"`, `("a") OR ("b")`.
  if (/\) (OR|NOT) /.test(match)) return 0
  return match.match(/"[^"]*"\*?/g)?.length ?? 0
}
