import { join } from 'node:path'
import { readInSpaceSync, type FileVersion } from '../../spaces/read.js'
import type { PageText } from '../store/store.js'
import { bounded } from './bounds.js'
import { parseFeedFile } from './feed.js'
import { parseFollows, type Follow } from './follows.js'
import { homeMeta, type HomeMeta } from './home.js'
import type { ParseResult, SourceFile } from '../item.js'
import { parseHEntries } from './h-entry.js'
import { parsePost } from './post.js'
import { parseProfile, type Profile } from './profile.js'
import { htmlPage, markdownPage, textPage } from './page.js'
import { alternateFeed, type Source } from './sources.js'
import { parseStatus } from './status.js'
import { parseTwtxt, type TwtxtMeta } from './twtxt.js'

export type ParsedSource = Source

/**
 * One file's items and problem, and what some files say about the space: `twtxt.txt` its
 * metadata, `follows.json` whom it follows, `profile.json` who it is, the root `index.html`
 * which feed it names (null: none) and its title, icon and description; a page's text for
 * search; and the version of the file read. Plain data: it crosses threads.
 */
export interface ParsedFile extends ParseResult {
  twtxt?: TwtxtMeta
  follows?: Follow[]
  profile?: Profile
  alternate?: string | null
  home?: HomeMeta
  page?: PageText
  version?: FileVersion
}

/**
 * Reads (through the contained opener) and parses one file of a space; never throws (a
 * failure is the file's problem). Runs in the parse workers, under their deadline.
 */
export function readAndParse(
  space: string,
  realRoot: string,
  path: string,
  source: ParsedSource,
  maxBytes: number,
): ParsedFile {
  const read = readInSpaceSync(realRoot, join(realRoot, path), maxBytes)
  const version = read.version ? { version: read.version } : {}
  if ('problem' in read) return { items: [], problem: read.problem, ...version }
  const file: SourceFile = { space, path, text: read.text, mtimeMs: read.version.mtimeMs }
  try {
    return { ...bounded(parse(file, source)), ...version }
  } catch (error) {
    return { items: [], problem: `could not be parsed: ${(error as Error).message}`, ...version }
  }
}

function parse(file: SourceFile, source: ParsedSource): ParsedFile {
  switch (source) {
    case 'status':
      return parseStatus(file)
    case 'post': {
      const result = parsePost(file)
      // Markdown without a date is a page.
      return result.items.length || result.problem
        ? result
        : { ...result, page: markdownPage(file.text, file.path) }
    }
    case 'feed':
      return parseFeedFile(file)
    case 'twtxt': {
      const { meta, ...result } = parseTwtxt(file)
      return { ...result, twtxt: meta }
    }
    case 'follows':
      return { items: [], ...parseFollows(file.text) }
    case 'profile':
      return { items: [], ...parseProfile(file.text) }
    case 'home':
      return {
        items: parseHEntries(file),
        alternate: alternateFeed(file.text) ?? null,
        home: homeMeta(file.text),
        page: htmlPage(file.text, file.path),
      }
    case 'page': {
      if (/\.txt$/i.test(file.path)) return { items: [], page: textPage(file.text, file.path) }
      // Hand-written HTML blogs mark their posts with microformats (h-entry).
      return { items: parseHEntries(file), page: htmlPage(file.text, file.path) }
    }
  }
}
