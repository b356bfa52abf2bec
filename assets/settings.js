// /settings on the computer that runs syncweb. The page is complete without JavaScript; changes
// go through the gateway's token-guarded JSON API (the token is in the page's <meta>), and a
// change that worked reloads the page, which the server draws from the state it now serves.
;(() => {
  const token = document.querySelector('meta[name="syncweb-token"]')?.content
  if (!token) return
  const send = window.syncwebSend
  // The error line nearest to the control: its form, else its card.
  const errorFor = (el) =>
    el.closest('form, li, .settings-card')?.querySelector(':scope > .settings-error') ??
    el.closest('.settings-card, .settings-space')?.querySelector('.settings-error')
  const attempt = async (el, path, body) => {
    const error = errorFor(el)
    if (error) error.hidden = true
    el.setAttribute('aria-busy', 'true')
    try {
      await send(path, body)
      location.reload()
    } catch (e) {
      el.removeAttribute('aria-busy')
      if (error) {
        error.textContent = e.message
        error.hidden = false
      }
    }
  }
  // The controls are disabled in the HTML, so that without JavaScript none looks usable.
  for (const el of document.querySelectorAll(
    '.settings fieldset[disabled], .settings button[disabled], .settings input[disabled]',
  ))
    el.disabled = false

  for (const form of document.querySelectorAll('.title-form'))
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      void attempt(form, '/api/settings/space', {
        name: form.dataset.name,
        title: form.elements.title.value,
      })
    })

  const follow = document.querySelector('.follow-form')
  follow?.addEventListener('submit', (event) => {
    event.preventDefault()
    void attempt(follow, '/api/settings/follow', {
      name: follow.elements.name.value,
      path: follow.elements.path.value,
    })
  })

  for (const box of document.querySelectorAll('.me-choice'))
    box.addEventListener('change', () => {
      const names = [...document.querySelectorAll('.me-choice:checked')].map((b) => b.value)
      void attempt(box, '/api/settings/me', { names })
    })

  for (const button of document.querySelectorAll('.unfollow'))
    button.addEventListener('click', () => {
      const name = button.dataset.name
      if (confirm(`Unfollow @${name}? Its folder is not touched; you can follow it again.`))
        void attempt(button, '/api/settings/unfollow', { name })
    })

  for (const button of document.querySelectorAll('.unmute-chip'))
    button.addEventListener('click', () =>
      attempt(button, '/api/mute', { [button.dataset.kind]: button.dataset.value, muted: false }),
    )
  const mute = document.querySelector('.mute-form')
  mute?.addEventListener('submit', (event) => {
    event.preventDefault()
    void attempt(mute, '/api/mute', {
      [mute.elements.kind.value]: mute.elements.value.value,
      muted: true,
    })
  })

  const start = document.getElementById('pair-start')
  const output = document.getElementById('pair-code')
  const urls = document.getElementById('pair-urls')
  start?.addEventListener('click', async () => {
    try {
      const answer = await send('/api/pair', {})
      const until = new Date(answer.expires).toLocaleTimeString()
      output.textContent = `${answer.code.slice(0, 3)} ${answer.code.slice(3)} · until ${until}`
      urls.replaceChildren(
        ...(answer.urls.length
          ? answer.urls.map((url) =>
              Object.assign(document.createElement('li'), {
                textContent: `On the device, open ${url} and enter the code.`,
              }),
            )
          : [
              Object.assign(document.createElement('li'), {
                textContent:
                  'No device can reach this gateway yet: add the name devices use for this computer to "allowedHosts" in the config, and listen beyond 127.0.0.1 ("host").',
              }),
            ]),
      )
      urls.hidden = false
    } catch (error) {
      output.textContent = `No code: ${error.message}`
    }
  })
  for (const button of document.querySelectorAll('.revoke'))
    button.addEventListener('click', () => {
      if (confirm(`Revoke ${button.dataset.label}? It will only be able to read.`))
        void attempt(button, '/api/devices/revoke', { device: button.dataset.device })
    })
})()
