import { parse } from 'yaml'

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
