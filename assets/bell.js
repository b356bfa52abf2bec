// The bell of every gateway page: its count of unread replies and mentions stays current
// through /events. A live timeline page and the home page's list of spaces already listen, and
// hand the count over; other pages open a stream of their own (of notifications only).
;(() => {
  const bell = document.querySelector('.bell')
  if (!bell) return
  if (!document.querySelector('.timeline[data-live="on"], .spaces') && window.EventSource) {
    const events = new EventSource('/events?to=me')
    events.addEventListener('unread', (e) => showUnread(JSON.parse(e.data).notifications))
  }

  function showUnread(count) {
    const badge = bell.querySelector('.bell-count')
    badge.hidden = !count
    badge.textContent = count >= 1000 ? '999+' : String(count || '')
    bell.classList.toggle('has-unread', Boolean(count))
    bell.setAttribute('aria-label', count ? `Notifications, ${count} unread` : 'Notifications')
  }
  window.syncwebShowUnread = showUnread
})()
