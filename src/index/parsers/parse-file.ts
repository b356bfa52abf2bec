import { join } from 'node:path'
import { readInSpaceSync } from '../../spaces/open.js'
import { bounded } from './bounds.js'
import { parseFeedFile } from './feed.js'
import { parseFollows, type Follow } from './follows.js'
import type { ParseResult, SourceFile } from '../item.js'
import { parsePost } from './post.js'
import { alternateFeed, type Source } from './sources.js'
import { parseStatus } from './status.js'
import { parseTwtxt, type TwtxtMeta } from './twtxt.js'

export type ParsedSource = Source

/**
 * One file's items and problem, and what some files say about the space: `twtxt.txt` its
 * metadata, `follows.json` whom it follows, the root `index.html` which feed it names (null:
 * none). Plain data: it crosses threads.
 */
export interface ParsedFile extends ParseResult {
  twtxt?: TwtxtMeta
  follows?: Follow[]
  alternate?: string | null
}

/**
 * Reads (through the contained opener) and parses one file of a space; never throws (a
 * failure is the file's problem). Runs in the parse workers, under their deadline.
 */
export function readAndParse(...args: Parameters<typeof parseOne>): ParsedFile {
  return bounded(parseOne(...args))
}

function parseOne(
  space: string,
  realRoot: string,
  path: string,
  source: ParsedSource,
  maxBytes: number,
): ParsedFile {
  const read = readInSpaceSync(realRoot, join(realRoot, path), maxBytes)
  if (source === 'home')
    return { items: [], alternate: 'text' in read ? (alternateFeed(read.text) ?? null) : null }
  if ('problem' in read) return { items: [], problem: read.problem }
  const file: SourceFile = { space, path, text: read.text, mtimeMs: read.mtimeMs }
  try {
    switch (source) {
      case 'status':
        return parseStatus(file)
      case 'post':
        return parsePost(file)
      case 'feed':
        return parseFeedFile(file)
      case 'twtxt': {
        const { meta, ...result } = parseTwtxt(file)
        return { ...result, twtxt: meta }
      }
      case 'follows': {
        const parsed = parseFollows(file.text)
        return 'problem' in parsed
          ? { items: [], problem: parsed.problem, follows: [] }
          : { items: [], follows: parsed.follows }
      }
    }
  } catch (error) {
    return { items: [], problem: `could not be parsed: ${(error as Error).message}` }
  }
}
