// /pair on the computer that runs syncweb: show a pairing code, revoke a device. These go
// through the gateway's token-guarded JSON API, like every other change.
;(() => {
  const token = document.querySelector('meta[name="syncweb-token"]')?.content
  if (!token) return
  const send = window.syncwebSend
  const start = document.getElementById('pair-start')
  const output = document.getElementById('pair-code')
  if (start && output) {
    start.hidden = false
    start.addEventListener('click', async () => {
      try {
        const { code, expires } = await send('/api/pair', {})
        const until = new Date(expires).toLocaleTimeString()
        output.textContent = `${code.slice(0, 3)} ${code.slice(3)} (until ${until})`
      } catch (error) {
        output.textContent = `No code: ${error.message}`
      }
    })
  }
  for (const button of document.querySelectorAll('.revoke')) {
    button.hidden = false
    button.addEventListener('click', async () => {
      try {
        await send('/api/devices/revoke', { device: button.dataset.device })
        button.closest('li')?.remove()
      } catch (error) {
        button.textContent = `Not revoked: ${error.message}`
      }
    })
  }
})()
