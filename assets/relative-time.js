// "5 min ago", as render/format.ts (formatRelative) words it on the server, for the page
// scripts that keep times current (timeline.js, home.js). Loaded before them.
window.syncwebRelative = (iso) => {
  const seconds = (Date.now() - Date.parse(iso)) / 1000
  // A date ahead of now is a friend's clock or time zone slip: the tooltip has the date.
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
