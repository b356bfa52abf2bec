import type { SourceFile } from '../item.js'

/** A file of a space as parsers are given it, dated 2026-01-02T03:04:05Z. */
export const MTIME = Date.parse('2026-01-02T03:04:05Z')

export const file = (path: string, text: string, space = 'bob'): SourceFile => ({
  space,
  path,
  text,
  mtimeMs: MTIME,
})
