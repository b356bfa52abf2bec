import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { parseFeedFile } from './feed.js'
import type { ParseResult, SourceFile } from './item.js'
import { parsePost } from './post.js'
import type { Source } from './sources.js'
import { parseStatus } from './status.js'
import { parseTwtxt, type TwtxtMeta } from './twtxt.js'

export type ParsedSource = Exclude<Source, 'home' | 'follows'>

/** One file's items and problem, and for `twtxt.txt` its metadata. Plain data: it crosses threads. */
export interface ParsedFile extends ParseResult {
  twtxt?: TwtxtMeta
}

/**
 * Reads a file of a space for parsing: a regular file (not a FIFO, not a symlink), at most
 * `maxBytes`, with its mtime from the same descriptor.
 */
export function readSource(
  file: string,
  maxBytes: number,
): { text: string; mtimeMs: number } | { problem: string } {
  let fd: number | undefined
  try {
    // O_NONBLOCK: a FIFO dropped into the folder must not hang the indexer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
    const stats = fstatSync(fd)
    if (!stats.isFile()) return { problem: 'not a regular file' }
    if (stats.size > maxBytes) {
      const mb = (n: number) => (n / 2 ** 20).toFixed(1)
      return {
        problem: `is ${mb(stats.size)} MB, over the ${mb(maxBytes)} MB limit for parsing; it is served but not indexed`,
      }
    }
    const buffer = Buffer.allocUnsafe(stats.size)
    let offset = 0
    while (offset < stats.size) {
      const n = readSync(fd, buffer, offset, stats.size - offset, offset)
      if (n === 0) break
      offset += n
    }
    return { text: buffer.toString('utf8', 0, offset), mtimeMs: stats.mtimeMs }
  } catch (error) {
    return { problem: `cannot be read: ${(error as Error).message}` }
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Reads and parses one file of a space; never throws (a failure is the file's problem). */
export function readAndParse(
  space: string,
  realRoot: string,
  path: string,
  source: ParsedSource,
  maxBytes: number,
): ParsedFile {
  const read = readSource(join(realRoot, path), maxBytes)
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
    }
  } catch (error) {
    return { items: [], problem: `could not be parsed: ${(error as Error).message}` }
  }
}
