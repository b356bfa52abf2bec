import { parse } from 'yaml'
import { MAX_NESTING, yamlDepth } from '../nesting.js'

export interface FrontMatter {
  data: Record<string, unknown>
  body: string
  /** Set when a front matter block was found but is not valid YAML; `body` is then the whole text. */
  error?: string
}

// A YAML block between `---` lines at the very top (Jekyll, Hugo, Eleventy). Only the fence is
// matched here; the YAML itself is parsed by `yaml`. gray-matter was not used: it evaluates
// `---js` front matter with eval(), which is remote code execution for a friend's file.
const FENCE = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/

export function parseFrontMatter(source: string): FrontMatter {
  const match = FENCE.exec(source)
  if (!match) return { data: {}, body: source }
  // yaml's composer recurses once per level: 1,200 levels of `[` overflow the stack, and the
  // process then dies in V8 at the next regular expression. Its lexer is linear: ask it first.
  if (yamlDepth(match[1]!) > MAX_NESTING) {
    return {
      data: {},
      body: source.slice(match[0].length),
      error: `front matter nested too deeply (over ${MAX_NESTING} levels)`,
    }
  }
  try {
    // The core schema keeps dates as strings (we parse them ourselves, with a time zone rule),
    // and a small alias budget stops "billion laughs" documents.
    const data = parse(match[1]!, { schema: 'core', maxAliasCount: 100 }) as unknown
    if (data === null || data === undefined)
      return { data: {}, body: source.slice(match[0].length) }
    if (typeof data !== 'object' || Array.isArray(data)) {
      return { data: {}, body: source, error: 'front matter is not a YAML mapping' }
    }
    return { data: data as Record<string, unknown>, body: source.slice(match[0].length) }
  } catch (error) {
    return { data: {}, body: source, error: `front matter: ${(error as Error).message}` }
  }
}
