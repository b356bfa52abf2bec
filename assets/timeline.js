// The timeline, a conversation and the notifications, live: new items from /events come as
// the server renders them (`card`) and go in their place, removed ones go, relative times stay
// fresh, and the bell counts what is unread. With the page token (the user's own pages): the
// compose and reply box, "mark all read", mute and unmute. Without JavaScript the page is
// complete, only not live.
;(() => {
  const section = document.querySelector('.timeline')
  if (!section) return
  const list = document.getElementById('items')
  const marker = section.querySelector('.new-marker')
  const thread = section.classList.contains('thread')
  const token = document.querySelector('meta[name="syncweb-token"]')?.content
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

  // The gateway's own POST API: JSON, same origin, the page token.
  const send = async (path, body) => {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Syncweb-Token': token },
      body: JSON.stringify(body),
    })
    const answer = await res.json().catch(() => ({}))
    if (!res.ok) throw new Error(answer.error?.message || res.statusText)
    return answer
  }

  // A card is the item as the server renders it for this page: its HTML is the gateway's own
  // template over sanitized content, never a friend's markup as such.
  const insert = ({ id, date, html }) => {
    const template = document.createElement('template')
    template.innerHTML = html.trim()
    const node = template.content.firstElementChild
    if (!node) return
    node.classList.add('fresh')
    if (token) enable(node)
    const existing = list.querySelector(`[data-id="${CSS.escape(id)}"]`)
    if (existing) return existing.replaceWith(node)
    const time = Date.parse(date)
    // The timeline is newest first; a conversation oldest first.
    const after = [...list.children].find((el) => {
      const other = Date.parse(el.querySelector('time')?.dateTime ?? '')
      return thread ? other > time : other <= time
    })
    list.insertBefore(node, after || null)
    document.getElementById('empty')?.remove()
    if (!thread && window.scrollY > 200 && marker) {
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
    if (window.scrollY < 50 && unseen && marker) {
      unseen = 0
      marker.hidden = true
    }
  })

  // Mute a space or a tag from an item's menu.
  const enable = (item) => {
    const menu = item.querySelector('.item-menu')
    if (!menu) return
    menu.hidden = false
    for (const button of menu.querySelectorAll('[data-mute]')) {
      button.addEventListener('click', async () => {
        try {
          await send('/api/mute', { [button.dataset.mute]: button.dataset.value, muted: true })
          location.reload()
        } catch (error) {
          alert(`Not muted: ${error.message}`)
        }
      })
    }
  }

  // The compose box (the timeline) and the reply box (a conversation): shown only with
  // JavaScript, since the gateway takes JSON only.
  const compose = document.getElementById('compose')
  if (compose && token) {
    compose.hidden = false
    const status = compose.querySelector('.compose-status')
    const textarea = compose.querySelector('textarea')
    const target = compose.querySelector('.reply-target')
    let replyTo = compose.dataset.replyTo
    if (thread) {
      for (const link of document.querySelectorAll('.item-actions [data-reply]')) {
        link.addEventListener('click', (event) => {
          event.preventDefault()
          replyTo = link.dataset.reply
          if (target) target.textContent = ` to ${link.dataset.name}`
          textarea.focus()
        })
      }
    }
    compose.addEventListener('submit', async (event) => {
      event.preventDefault()
      const button = compose.querySelector('button')
      button.disabled = true
      status.textContent = 'Posting…'
      try {
        await send('/api/posts', {
          text: textarea.value,
          ...(replyTo ? { reply_to: replyTo } : {}),
        })
        textarea.value = ''
        status.textContent = 'Posted. Your sync tool shares it from here.'
      } catch (error) {
        status.textContent = `Not posted: ${error.message}`
      } finally {
        button.disabled = false
      }
    })
  }

  if (token) {
    for (const item of list.querySelectorAll('.item')) enable(item)

    // "Mark all read": up to the newest item this page showed, so that what arrives after
    // stays new.
    const bar = section.querySelector('.unread-bar')
    const markRead = bar?.querySelector('.mark-read')
    if (markRead) {
      markRead.hidden = false
      markRead.addEventListener('click', async () => {
        try {
          await send('/api/read', { what: bar.dataset.what, upTo: Number(bar.dataset.upto) })
          for (const item of list.querySelectorAll('.item.unread')) {
            item.classList.remove('unread')
            item.querySelector('.new-badge')?.remove()
          }
          bar.remove()
        } catch (error) {
          markRead.textContent = `Not marked: ${error.message}`
        }
      })
    }

    for (const button of section.querySelectorAll('.unmute')) {
      button.hidden = false
      button.addEventListener('click', async () => {
        try {
          await send('/api/mute', { [button.dataset.kind]: button.dataset.value, muted: false })
          location.reload()
        } catch (error) {
          button.textContent = `Not unmuted: ${error.message}`
        }
      })
    }

    // Select a word in an item to mute it.
    const floating = document.createElement('button')
    floating.type = 'button'
    floating.className = 'mute-word'
    floating.hidden = true
    document.body.append(floating)
    document.addEventListener('selectionchange', () => {
      const selection = document.getSelection()
      const word = selection?.toString().trim() ?? ''
      const inItem = selection?.anchorNode?.parentElement?.closest('.item .content')
      if (!inItem || !word || word.length > 60 || /\n/.test(word)) {
        floating.hidden = true
        return
      }
      const rect = selection.getRangeAt(0).getBoundingClientRect()
      floating.textContent = `Mute “${word}”`
      floating.dataset.word = word
      floating.style.top = `${window.scrollY + rect.bottom + 6}px`
      floating.style.left = `${window.scrollX + rect.left}px`
      floating.hidden = false
    })
    floating.addEventListener('mousedown', (event) => event.preventDefault())
    floating.addEventListener('click', async () => {
      try {
        await send('/api/mute', { word: floating.dataset.word, muted: true })
        location.reload()
      } catch (error) {
        floating.textContent = `Not muted: ${error.message}`
      }
    })
  }

  setInterval(refreshTimes, 30_000)
  if (section.dataset.live !== 'on' || !window.EventSource) return
  const query = new URLSearchParams(section.dataset.query || '')
  query.set('view', 'cards')
  const events = new EventSource(`/events?${query}`)
  events.addEventListener('card', (e) => insert(JSON.parse(e.data)))
  events.addEventListener('remove', (e) => {
    list.querySelector(`[data-id="${CSS.escape(e.data)}"]`)?.remove()
  })
  // The bell is bell.js's; this page's stream brings its count.
  events.addEventListener('unread', (e) =>
    window.syncwebShowUnread?.(JSON.parse(e.data).notifications),
  )
  section.dataset.connected = 'yes'
  events.addEventListener('open', () => (section.dataset.connected = 'open'))
})()
