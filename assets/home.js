// The home page, live: each space's status (online, or why not), item count and last update
// follow /events, as the timeline does. The stream says what changed; /api/spaces says what
// each space is now (without folder paths for another device), so the page shows the same
// lines the server would render. A space followed or unfollowed reloads the page.
;(() => {
  const spaces = document.querySelector('.spaces')
  if (!spaces || !window.EventSource) return
  const rowOf = (name) => spaces.querySelector(`.space[data-space="${CSS.escape(name)}"]`)

  // The same words as home.ts (statsLine); times as render/format.ts (relative-time.js).
  const relative = window.syncwebRelative
  const statsLine = ({ items, lastUpdated, status, problemCount }) => {
    const parts = [`${items} item${items === 1 ? '' : 's'}`]
    if (lastUpdated) parts.push(`updated ${relative(lastUpdated)}`)
    if (status === 'indexing') parts.push('indexing…')
    if (problemCount) parts.push(`${problemCount} skipped file(s)`)
    return parts.join(' · ')
  }

  const show = (row, summary) => {
    const { name, online, offline, path } = summary
    row.classList.toggle('online', online)
    row.classList.toggle('offline', !online)
    const status = row.querySelector('.status')
    const why = (offline ?? 'the folder is missing').replace(/^the folder (is )?/, 'folder ')
    if (status) status.textContent = online ? 'online' : why + (path ? `: ${path}` : '')
    // An offline space's title is no link: there is nothing to browse.
    const title = row.querySelector('.title')
    if (title && online !== (title.tagName === 'A')) {
      const next = document.createElement(online ? 'a' : 'span')
      next.className = 'title'
      if (online) next.href = row.dataset.href
      next.textContent = title.textContent
      title.replaceWith(next)
    }
    const stats = row.querySelector('.stats')
    if (!stats) return
    stats.hidden = !online
    stats.textContent = statsLine(summary)
    if (summary.problemCount) {
      const link = document.createElement('a')
      // The user reads them in /settings; a device (no settings link) gets them as JSON.
      link.href = document.querySelector('a[href$="/settings"]')
        ? `/settings#space-${encodeURIComponent(name)}`
        : `/api/spaces/${encodeURIComponent(name)}`
      link.textContent = 'why'
      stats.append(' (', link, ')')
    }
  }

  let pending
  const refresh = () => {
    clearTimeout(pending)
    // One request for a burst of changes (a sync brings many files at once).
    pending = setTimeout(async () => {
      try {
        const res = await fetch('/api/spaces', { headers: { Accept: 'application/json' } })
        if (!res.ok) return
        const summaries = await res.json()
        const shown = [...spaces.querySelectorAll('.space[data-space]')].map((r) => r.dataset.space)
        const now = summaries.map((s) => s.name)
        if (shown.length !== now.length || shown.some((name) => !now.includes(name)))
          return location.reload()
        for (const summary of summaries) show(rowOf(summary.name), summary)
        spaces.dataset.updated = String(Number(spaces.dataset.updated || 0) + 1)
      } catch {}
    }, 250)
  }

  const events = new EventSource('/events')
  for (const type of ['item', 'remove', 'space', 'reset']) events.addEventListener(type, refresh)
  events.addEventListener('open', () => (spaces.dataset.connected = 'open'))
  // The bell's count comes on this stream too: the bell opens none of its own here.
  events.addEventListener('unread', (e) =>
    window.syncwebShowUnread?.(JSON.parse(e.data).notifications),
  )
  // Relative times age while the page is open.
  setInterval(refresh, 60_000)
})()
