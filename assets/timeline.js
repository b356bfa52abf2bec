// The timeline page, live: new items from /events are inserted at the top, removed ones go,
// and relative times stay fresh. Without JavaScript the page is complete, only not live.
;(() => {
  const section = document.querySelector('.timeline')
  if (!section) return
  const list = document.getElementById('items')
  const template = document.getElementById('item-template')
  const marker = section.querySelector('.new-marker')
  const titles = JSON.parse(section.dataset.spaces || '{}')
  let unseen = 0

  const relative = (iso) => {
    const seconds = (Date.now() - Date.parse(iso)) / 1000
    if (seconds < 0) return new Date(iso).toLocaleString()
    if (seconds < 45) return 'just now'
    const minutes = Math.max(1, Math.round(seconds / 60))
    if (minutes < 60) return `${minutes} min ago`
    const hours = Math.round(minutes / 60)
    if (hours < 24) return `${hours} h ago`
    const days = Math.round(hours / 24)
    if (days < 7) return `${days} d ago`
    return new Date(iso).toLocaleDateString(undefined, {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
    })
  }

  const refreshTimes = () => {
    for (const time of document.querySelectorAll('.item time[datetime]')) {
      time.textContent = relative(time.getAttribute('datetime'))
    }
  }

  // Builds an item from the server's own markup: text goes in as text, and content_html is
  // HTML the gateway has already sanitized with its allowlist.
  const render = (item) => {
    const node = template.content.firstElementChild.cloneNode(true)
    const space = item._syncweb.space
    const title = titles[space] || space
    const short = item._syncweb.kind === 'post' || item._syncweb.kind === 'feed'
    node.dataset.id = item.id
    node.dataset.space = space
    node.className = `item kind-${item._syncweb.kind} fresh`
    const avatar = node.querySelector('.avatar')
    avatar.textContent = title.slice(0, 1).toUpperCase()
    let hash = 0
    for (const char of space) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
    avatar.className = `avatar hue-${hash % 8}`
    for (const a of node.querySelectorAll('.avatar, .who'))
      a.href = `/timeline?space=${encodeURIComponent(space)}`
    node.querySelector('.who').textContent = title
    node.querySelector('.handle').textContent = `@${space}`
    node.querySelector('.when').href = item.url
    const time = node.querySelector('time')
    time.dateTime = item.date_published
    time.title = new Date(item.date_published).toLocaleString()
    time.textContent = relative(item.date_published)
    const heading = node.querySelector('.item-title')
    if (item.title) {
      heading.querySelector('a').href = item.url
      heading.querySelector('a').textContent = item.title
    } else heading.remove()
    const content = node.querySelector('.content')
    if (!short && item.content_html) {
      const div = document.createElement('div')
      div.className = 'content'
      div.innerHTML = item.content_html
      content.replaceWith(div)
    } else {
      content.textContent = short ? item.summary || '' : item.content_text || ''
      if (!content.textContent) content.remove()
    }
    if (item.image) {
      const img = document.createElement('img')
      img.className = 'item-image'
      img.loading = 'lazy'
      img.alt = ''
      img.src = item.image
      node.querySelector('.item-body').append(img)
    }
    const tags = node.querySelector('.item-tags')
    if (tags) tags.remove()
    return node
  }

  const insert = (item) => {
    const existing = list.querySelector(`[data-id="${CSS.escape(item.id)}"]`)
    const node = render(item)
    if (existing) return existing.replaceWith(node)
    // Keep timeline order: newest first.
    const date = Date.parse(item.date_published)
    const after = [...list.children].find(
      (el) => Date.parse(el.querySelector('time').dateTime) <= date,
    )
    list.insertBefore(node, after || null)
    document.getElementById('empty')?.remove()
    if (window.scrollY > 200) {
      unseen++
      marker.textContent = `${unseen} new ↑`
      marker.hidden = false
    }
  }

  marker?.addEventListener('click', () => {
    window.scrollTo({ top: 0, behavior: 'smooth' })
    unseen = 0
    marker.hidden = true
  })
  window.addEventListener('scroll', () => {
    if (window.scrollY < 50 && unseen) {
      unseen = 0
      marker.hidden = true
    }
  })

  // The compose box: shown only with JavaScript, since the gateway takes JSON only.
  const compose = document.getElementById('compose')
  const token = document.querySelector('meta[name="syncweb-token"]')?.content
  if (compose && token) {
    compose.hidden = false
    const status = compose.querySelector('.compose-status')
    const textarea = compose.querySelector('textarea')
    compose.addEventListener('submit', async (event) => {
      event.preventDefault()
      const button = compose.querySelector('button')
      button.disabled = true
      status.textContent = 'Posting…'
      try {
        const res = await fetch('/api/posts', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Syncweb-Token': token },
          body: JSON.stringify({ text: textarea.value }),
        })
        const body = await res.json()
        if (!res.ok) throw new Error(body.error?.message || res.statusText)
        textarea.value = ''
        status.textContent = 'Posted. Your sync tool shares it from here.'
      } catch (error) {
        status.textContent = `Not posted: ${error.message}`
      } finally {
        button.disabled = false
      }
    })
  }

  setInterval(refreshTimes, 30_000)
  if (section.dataset.live !== 'on' || !window.EventSource) return
  const query = section.dataset.query
  const events = new EventSource(`/events${query ? `?${query}` : ''}`)
  events.addEventListener('item', (e) => insert(JSON.parse(e.data)))
  events.addEventListener('remove', (e) => {
    list.querySelector(`[data-id="${CSS.escape(e.data)}"]`)?.remove()
  })
  section.dataset.connected = 'yes'
  events.addEventListener('open', () => (section.dataset.connected = 'open'))
})()
