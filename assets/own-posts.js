// Edit and Delete on the user's own status updates (cards marked `data-own` by the server).
// Loaded only by pages that may write (the user's, with the page token; a paired device's,
// whose cookie goes with the request). The file changes in the user's folder; the live stream
// then replaces or removes the card, and the page does the same at once so that it reads right
// even where it is not live (an older page of the timeline).
;(() => {
  const list = document.getElementById('items')
  if (!list) return

  const send = window.syncwebSend

  const button = (className, label) => {
    const b = document.createElement('button')
    b.type = 'button'
    b.className = className
    b.textContent = label
    return b
  }

  // Cards come from the server's template, and live ones arrive later: each gets its buttons
  // once, whenever it appears.
  const equip = (card) => {
    const actions = card.querySelector('.item-actions')
    if (!actions || actions.querySelector('.own-actions')) return
    const own = document.createElement('span')
    own.className = 'own-actions'
    own.append(button('own-edit', 'Edit'), button('own-delete', 'Delete'))
    actions.append(own)
  }
  const equipAll = () => list.querySelectorAll('.item[data-own]').forEach(equip)
  equipAll()
  new MutationObserver(equipAll).observe(list, { childList: true })

  const edit = (card) => {
    if (card.querySelector('.own-edit-form')) return
    const content = card.querySelector('.content')
    const form = document.createElement('form')
    form.className = 'own-edit-form'
    const textarea = document.createElement('textarea')
    textarea.value = card.dataset.text ?? content?.textContent ?? ''
    textarea.setAttribute('aria-label', 'Edit your status update')
    textarea.rows = Math.min(12, textarea.value.split('\n').length + 1)
    const status = document.createElement('span')
    status.className = 'compose-status'
    status.setAttribute('role', 'status')
    const row = document.createElement('div')
    row.className = 'compose-row'
    const save = button('save', 'Save')
    save.type = 'submit'
    row.append(status, button('cancel', 'Cancel'), save)
    form.append(textarea, row)
    if (content) content.hidden = true
    // Edit and Delete again, under the box that edits: one thing at a time.
    const actions = card.querySelector('.own-actions')
    if (actions) actions.hidden = true
    ;(content ?? card.querySelector('.item-actions')).before(form)
    textarea.focus()
    const close = () => {
      form.remove()
      if (content) content.hidden = false
      if (actions) actions.hidden = false
    }
    row.querySelector('.cancel').addEventListener('click', close)
    form.addEventListener('keydown', (e) => e.key === 'Escape' && close())
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      save.disabled = true
      status.textContent = 'Saving…'
      try {
        await send('/api/posts/edit', { ref: card.dataset.ref, text: textarea.value })
        card.dataset.text = textarea.value.trim()
        // The plain text for now; the live card, links and all, takes its place when the
        // watcher has read the file.
        if (content) {
          content.replaceChildren(document.createTextNode(card.dataset.text))
          content.classList.add('text')
        }
        close()
      } catch (error) {
        status.textContent = `Not saved: ${error.message}`
        save.disabled = false
      }
    })
  }

  const askDelete = (card, own) => {
    if (own.querySelector('.own-confirm')) return
    const confirm = document.createElement('span')
    confirm.className = 'own-confirm'
    confirm.setAttribute('role', 'group')
    confirm.append('Delete this post? ', button('yes', 'Delete'), ' ', button('no', 'Keep'))
    own.replaceChildren(confirm)
    const restore = () =>
      own.replaceChildren(button('own-edit', 'Edit'), button('own-delete', 'Delete'))
    confirm.querySelector('.no').addEventListener('click', restore)
    const yes = confirm.querySelector('.yes')
    yes.focus()
    yes.addEventListener('click', async () => {
      yes.disabled = true
      try {
        await send('/api/posts/delete', { ref: card.dataset.ref })
        card.remove()
      } catch (error) {
        confirm.replaceChildren(`Not deleted: ${error.message} `, button('no', 'OK'))
        confirm.querySelector('.no').addEventListener('click', restore)
      }
    })
  }

  list.addEventListener('click', (event) => {
    const target = event.target.closest('.own-actions button')
    const card = target?.closest('.item[data-own]')
    if (!card) return
    if (target.classList.contains('own-edit')) edit(card)
    else if (target.classList.contains('own-delete')) askDelete(card, target.parentElement)
  })
})()
