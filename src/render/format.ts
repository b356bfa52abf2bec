/** Small formatting helpers shared by the pages. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

export function formatSize(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

const DATE = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'long', day: 'numeric' })
const DATE_TIME = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

export function formatDate(date: Date): string {
  return DATE.format(date)
}

export function formatDateTime(date: Date): string {
  return DATE_TIME.format(date)
}

/**
 * "just now", "5 min ago", "3 h ago", "2 d ago", then the date: how a timeline reads. A date
 * ahead of `now` (a friend's clock or time zone slip) reads "just now" too; the page puts the
 * stated date in the tooltip.
 */
export function formatRelative(ms: number, now = Date.now()): string {
  const seconds = (now - ms) / 1000
  if (seconds < 45) return 'just now'
  const minutes = Math.max(1, Math.round(seconds / 60))
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  const days = Math.round(hours / 24)
  if (days < 7) return `${days} d ago`
  return formatDate(new Date(ms))
}
