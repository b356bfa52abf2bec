import type { TimelineIndex } from '../index/index.js'

/**
 * Start-up indexing runs in the background while the server already answers; this tells the
 * user on stderr how far it got (at most once a second), then what it found.
 */
export function reportIndexing(
  index: TimelineIndex,
  out: NodeJS.WriteStream = process.stderr,
  started = performance.now(),
) {
  let last = 0
  const onProgress = () => {
    const now = performance.now()
    if (now - last < 1000) return
    last = now
    const { files, done, spaces } = index.progress()
    out.write(`Indexing… ${files.toLocaleString('en')} files, ${done}/${spaces} spaces done\n`)
  }
  index.on('progress', onProgress)
  // The index's disk is full: said once a minute at most, while it lasts.
  let unwritableSaid = -Infinity
  const unwritable = (reason: string) => {
    if (performance.now() - unwritableSaid < 60_000) return
    unwritableSaid = performance.now()
    out.write(
      `The index ${index.store.file ?? ''} cannot be written (${reason}): what changes in the folders is indexed once there is room again; syncweb tries again by itself.\n`,
    )
  }
  index.store.on('unwritable', unwritable)
  if (index.refused) unwritable(index.refused)
  // A new index then makes its indexes: at a million items, 15 s with no file to count.
  void index.scanned().then(() => {
    if (index.store.built || last === 0) return
    index.off('progress', onProgress)
    const { files, spaces } = index.progress()
    out.write(
      `Indexing… every space read (${files.toLocaleString('en')} files in ${spaces} space${spaces === 1 ? '' : 's'}); making the timeline and search indexes\n`,
    )
  })
  void index.ready().then(() => {
    index.off('progress', onProgress)
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const lines = index.names.flatMap((name) =>
      (index.space(name)?.problems ?? []).map((p) => `  @${name}/${p.file}: ${p.reason}\n`),
    )
    // A space keeps its first 1,000 problems to show, and counts them all.
    const skipped = index.names.reduce(
      (sum, name) => sum + (index.space(name)?.problemCount ?? 0),
      0,
    )
    const { files, reread, unchanged } = index.progress()
    const n = (count: number) => count.toLocaleString('en')
    // Not store.size: a space unfollowed while the disk was full is still in the index.
    const items = index.names.reduce((sum, name) => sum + index.store.countOf(name), 0)
    out.write(
      `Indexed ${count(items, 'item')} from ${count(files, 'file')} in ${seconds} s` +
        ` (${n(reread)} read, ${n(unchanged)} unchanged since last time and not read again)` +
        (skipped
          ? `; ${skipped === 1 ? '1 file' : `${n(skipped)} files`} skipped (syncweb spaces and /settings list them too):\n`
          : '\n'),
    )
    for (const line of lines.slice(0, 10)) out.write(line)
    if (skipped > 10) out.write(`  … and ${n(skipped - Math.min(lines.length, 10))} more\n`)
    if (index.store.buildFailed)
      out.write(
        `The timeline and search indexes could not be made (${index.store.buildFailed}): search finds nothing until syncweb is started again with room for ${index.store.file}.\n`,
      )
    // A space followed from now on: its own line once its first scan is over.
    const reported = new Set(index.names)
    index.on('space', (name) => {
      const space = index.space(name)
      if (!space) return reported.delete(name)
      if (reported.has(name) || space.status === 'indexing') return
      reported.add(name)
      const problems = space.problemCount
        ? `; ${space.problemCount === 1 ? '1 file' : `${n(space.problemCount)} files`} skipped (syncweb spaces and /settings list them)`
        : ''
      out.write(
        space.status === 'offline'
          ? `@${name} is offline: ${space.offline ?? 'its folder is missing'}\n`
          : `Indexed @${name}: ${count(index.store.countOf(name), 'item')} from ${count(space.files, 'file')}${problems}\n`,
      )
    })
  })
}

const count = (n: number, what: string) => `${n.toLocaleString('en')} ${what}${n === 1 ? '' : 's'}`
