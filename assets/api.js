// The gateway's own POST API, as every page script sends to it: JSON, same origin, with the
// page token (on the user's pages) or the device cookie (a paired device's, which has no token).
// Loaded before the page scripts (layout.eta), which call window.syncwebSend.
;(() => {
  const token = document.querySelector('meta[name="syncweb-token"]')?.content
  window.syncwebSend = async (path, body) => {
    const res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { 'X-Syncweb-Token': token } : {}),
      },
      body: JSON.stringify(body),
    })
    const answer = await res.json().catch(() => ({}))
    if (!res.ok) throw new Error(answer.error?.message || `${res.status} ${res.statusText}`)
    return answer
  }
})()
