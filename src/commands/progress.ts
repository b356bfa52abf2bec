import type { TimelineIndex } from '../index/index.js'

/**
 * Start-up indexing runs in the background while the server already answers; this tells the
 * user on stderr how far it got (at most once a second), then what it found.
 */
export function reportIndexing(index: TimelineIndex, out: NodeJS.WriteStream = process.stderr) {
  const started = performance.now()
  let last = 0
  const onProgress = () => {
    const now = performance.now()
    if (now - last < 1000) return
    last = now
    const done = [...index.spaces.values()].filter((s) => s.status !== 'indexing').length
    out.write(
      `Indexing… ${index.filesScanned.toLocaleString('en')} files, ${done}/${index.spaces.size} spaces done\n`,
    )
  }
  index.on('progress', onProgress)
  void index.ready().then(() => {
    index.off('progress', onProgress)
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const problems = [...index.spaces.values()].reduce((n, s) => n + s.problems.size, 0)
    out.write(
      `Indexed ${index.store.size.toLocaleString('en')} items from ${index.filesScanned.toLocaleString('en')} files in ${seconds} s` +
        (problems ? `; ${problems} file(s) skipped, reasons at /api/spaces\n` : '\n'),
    )
    const lines = [...index.spaces.values()].flatMap((space) =>
      [...space.problems].map(([file, reason]) => `  @${space.name}/${file}: ${reason}\n`),
    )
    for (const line of lines.slice(0, 10)) out.write(line)
    if (lines.length > 10) out.write(`  … and ${lines.length - 10} more\n`)
  })
}
