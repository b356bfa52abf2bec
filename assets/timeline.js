// The timeline, a conversation and the notifications, live: new items from /events come as
// the server renders them (`card`) and go in their place, removed ones go, relative times stay
// fresh, and the bell counts what is unread. With the page token (the user's own pages) or on
// a paired device's pages: the compose and reply box and "mark all read" (mute.js has the
// menus). Without JavaScript the page is complete, only not live.
;(() => {
  const section = document.querySelector('.timeline')
  if (!section) return
  const list = document.getElementById('items')
  const marker = section.querySelector('.new-marker')
  const thread = section.classList.contains('thread')
  const token = document.querySelector('meta[name="syncweb-token"]')?.content
  // A paired device's page has no token: its HttpOnly cookie goes with a same-origin fetch.
  const writer = Boolean(token || document.querySelector('meta[name="syncweb-writer"]'))
  const byId = (root, id) => root.querySelector(`[data-id="${CSS.escape(id)}"]`)
  let unseen = 0

  const relative = window.syncwebRelative

  const refreshTimes = () => {
    for (const time of document.querySelectorAll('.item time[datetime]')) {
      time.textContent = relative(time.getAttribute('datetime'))
    }
  }

  // The gateway's own POST API (api.js): the page token, or a paired device's cookie.
  const send = window.syncwebSend

  // A card is the item as the server renders it for this page: its HTML is the gateway's own
  // template over sanitized content, never a friend's markup as such.
  const insert = ({ id, date, html }) => {
    const template = document.createElement('template')
    template.innerHTML = html.trim()
    const node = template.content.firstElementChild
    if (!node) return
    node.classList.add('fresh')
    const existing = byId(list, id)
    if (existing) return existing.replaceWith(node)
    const time = Date.parse(date)
    // The timeline is newest first; a conversation oldest first.
    const after = [...list.querySelectorAll(':scope > .item')].find((el) => {
      const other = Date.parse(el.dataset.at ?? '')
      return thread ? other > time : other <= time
    })
    list.insertBefore(node, after || null)
    document.getElementById('empty')?.remove()
    if (thread) placeInThread(id)
    else if (window.scrollY > 200 && marker) {
      unseen++
      marker.textContent = `${unseen} new ↑`
      marker.hidden = false
    }
  }

  // A live card does not know its depth in the conversation, nor do its parents know their new
  // count of replies: the page as the server renders it now does. Its card takes the place and
  // the indent the page gives it, and the others take their counts.
  const placeInThread = async (id) => {
    try {
      const res = await fetch(location.href, { headers: { Accept: 'text/html' } })
      if (!res.ok) return
      const page = new DOMParser().parseFromString(await res.text(), 'text/html')
      const items = page.getElementById('items')
      const rendered = items && byId(items, id)
      const live = byId(list, id)
      if (!rendered || !live) return
      const node = document.importNode(rendered, true)
      node.classList.add('fresh')
      live.replaceWith(node)
      const before = rendered.previousElementSibling?.dataset.id
      const anchor = before && byId(list, before)
      if (anchor) anchor.after(node)
      for (const item of items.querySelectorAll(':scope > .item')) {
        const count = item.querySelector('.replies')?.textContent
        const shown = byId(list, item.dataset.id)?.querySelector('.replies')
        if (shown && count && shown.textContent !== count) shown.textContent = count
      }
    } catch {}
  }

  marker?.addEventListener('click', () => {
    window.scrollTo({ top: 0, behavior: 'smooth' })
    unseen = 0
    marker.hidden = true
  })
  window.addEventListener('scroll', () => {
    if (window.scrollY < 50 && unseen && marker) {
      unseen = 0
      marker.hidden = true
    }
  })

  // The compose box (the timeline) and the reply box (a conversation): shown only with
  // JavaScript, since the gateway takes JSON only. In a conversation, "Reply" under an item
  // moves the box right under that item.
  const compose = document.getElementById('compose')
  if (compose && writer) {
    compose.hidden = false
    const status = compose.querySelector('.compose-status')
    const textarea = compose.querySelector('textarea')
    const target = compose.querySelector('.reply-target')
    const cancel = compose.querySelector('.cancel')
    const home = { parent: compose.parentNode, next: compose.nextSibling }
    const root = { ref: compose.dataset.replyTo, name: target?.textContent }
    let replyTo = root.ref
    // The box grows with what is written (no scrollbar, no handle to drag).
    const grow = () => {
      textarea.style.height = 'auto'
      textarea.style.height = `${textarea.scrollHeight}px`
    }
    textarea.addEventListener('input', grow)
    const indent = (depth) => {
      compose.className = compose.className.replace(/\s*\bdepth-\d\b/g, '')
      if (depth) compose.classList.add(`depth-${Math.min(depth, 6)}`)
    }
    const replyUnder = (card, ref, name) => {
      replyTo = ref
      if (target) target.textContent = name
      card.after(compose)
      indent(Number(/\bdepth-(\d)\b/.exec(card.className)?.[1] ?? 0) + 1)
      if (cancel) cancel.hidden = false
      status.textContent = ''
      textarea.focus()
    }
    const backToEnd = () => {
      replyTo = root.ref
      if (target) target.textContent = root.name
      home.parent.insertBefore(compose, home.next)
      indent(0)
      if (cancel) cancel.hidden = true
    }
    if (thread) {
      list.addEventListener('click', (event) => {
        const link = event.target.closest('.item-actions [data-reply]')
        if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return
        event.preventDefault()
        replyUnder(link.closest('.item'), link.dataset.reply, link.dataset.name)
      })
      cancel?.addEventListener('click', backToEnd)
      textarea.addEventListener('keydown', (event) => {
        if (event.key === 'Escape' && cancel && !cancel.hidden) backToEnd()
      })
    }
    compose.addEventListener('submit', async (event) => {
      event.preventDefault()
      const button = compose.querySelector('button[type="submit"]')
      button.disabled = true
      status.textContent = 'Posting…'
      try {
        // compose-image.js, where loaded, attaches the chosen image.
        const image = await compose.attachment?.()
        await send('/api/posts', {
          text: textarea.value,
          ...(replyTo ? { reply_to: replyTo } : {}),
          ...(image ? { image } : {}),
        })
        compose.dispatchEvent(new Event('posted'))
        textarea.value = ''
        grow()
        // The reply shows up in its place when it comes back through the folder.
        if (cancel && !cancel.hidden) backToEnd()
        status.textContent = 'Posted. Your sync tool shares it from here.'
      } catch (error) {
        status.textContent = `Not posted: ${error.message}`
      } finally {
        button.disabled = false
      }
    })
  }

  // "Mark all read": up to the newest item this page showed, so that what arrives after stays
  // new.
  const bar = section.querySelector('.unread-bar')
  const markRead = bar?.querySelector('.mark-read')
  if (writer && markRead) {
    markRead.hidden = false
    markRead.addEventListener('click', async () => {
      markRead.disabled = true
      try {
        await send('/api/read', { what: bar.dataset.what, upTo: Number(bar.dataset.upto) })
        for (const item of list.querySelectorAll('.item.unread')) {
          item.classList.remove('unread')
          item.querySelector('.new-badge')?.remove()
        }
        bar.remove()
      } catch (error) {
        markRead.textContent = `Not marked: ${error.message}`
        markRead.disabled = false
      }
    })
  }

  setInterval(refreshTimes, 30_000)
  if (section.dataset.live !== 'on' || !window.EventSource) return
  const query = new URLSearchParams(section.dataset.query || '')
  query.set('view', 'cards')
  const events = new EventSource(`/events?${query}`)
  events.addEventListener('card', (e) => insert(JSON.parse(e.data)))
  events.addEventListener('remove', (e) => byId(list, e.data)?.remove())
  // The bell is bell.js's; this page's stream brings its count.
  events.addEventListener('unread', (e) =>
    window.syncwebShowUnread?.(JSON.parse(e.data).notifications),
  )
  events.addEventListener('space', (e) => showSpace(JSON.parse(e.data)))
  events.addEventListener('reset', () => reloadFirstPage())
  section.dataset.connected = 'yes'
  events.addEventListener('open', () => (section.dataset.connected = 'open'))

  // A space followed, unfollowed, gone offline or back: its filter chip says so at once.
  // Items of an unfollowed space leave with it (the index drops them with the space). A new
  // space's first reading is not streamed item by item (it could be thousands): once it is
  // read, the first page is fetched again, with its items in place.
  function showSpace({ name, followed, online, me, status }) {
    const filters = section.querySelector('.filters')
    if (!filters) return
    const chip = [...filters.querySelectorAll('a.chip')].find(
      (a) => new URL(a.href).searchParams.get('space') === name,
    )
    if (!followed) {
      chip?.remove()
      for (const item of list.querySelectorAll(`.item[data-space="${CSS.escape(name)}"]`))
        item.remove()
      return
    }
    // The notifications page has no chip for the user's own space.
    if (!chip && me && section.dataset.view === 'notifications') return
    const shown = chip ?? document.createElement('a')
    if (!chip) {
      shown.className = 'chip'
      shown.href = `${location.pathname}?space=${encodeURIComponent(name)}`
      shown.textContent = `@${name}`
      filters.append(shown)
    }
    const was = shown.dataset.status
    shown.dataset.status = status
    if ((!chip || was === 'indexing') && status !== 'indexing') reloadFirstPage()
    shown.classList.toggle('offline', !online)
    if (online) shown.removeAttribute('title')
    else shown.title = `@${name} is offline: its folder is missing`
  }

  // The stream missed more than the server kept (a long sleep, a restart): the first page as
  // the server renders it now replaces the items and chips, and what is typed stays.
  async function reloadFirstPage() {
    try {
      const res = await fetch(location.href, { headers: { Accept: 'text/html' } })
      if (!res.ok) return location.reload()
      const page = new DOMParser().parseFromString(await res.text(), 'text/html')
      const items = page.getElementById('items')
      if (!items) return location.reload()
      // A reply box open under an item goes back to its place first, with its text.
      if (compose && list.contains(compose)) compose.querySelector('.cancel')?.click()
      list.replaceChildren(...[...items.children].map((n) => document.importNode(n, true)))
      const filters = page.querySelector('.filters')
      if (filters)
        section.querySelector('.filters')?.replaceWith(document.importNode(filters, true))
      unseen = 0
      if (marker) marker.hidden = true
      section.dataset.reset = String(Number(section.dataset.reset || 0) + 1)
    } catch {
      location.reload()
    }
  }
})()
