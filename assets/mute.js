// Mutes, on the user's own pages (those that carry the page token): each item's ⋯ menu (mute
// its space or one of its tags), a word selected in an item ("Mute “word”"), and the muted
// list's Unmute buttons. Every change goes to the config through POST /api/mute, and the page
// reloads to show the timeline without (or with) what was muted.
;(() => {
  const token = document.querySelector('meta[name="syncweb-token"]')?.content
  const list = document.getElementById('items')
  if (!token || !list) return

  const mute = async (body) => {
    await window.syncwebSend('/api/mute', body)
    location.reload()
  }

  // The menus are hidden without JavaScript (they need it); live cards bring theirs too.
  const showMenus = () => {
    for (const menu of list.querySelectorAll('.item-menu[hidden]')) menu.hidden = false
  }
  showMenus()
  new MutationObserver(showMenus).observe(list, { childList: true })

  const closeMenus = (except) => {
    for (const open of document.querySelectorAll('.item-menu[open]'))
      if (open !== except) open.open = false
  }
  // One menu open at a time; a click elsewhere or Escape closes it.
  list.addEventListener('toggle', (event) => event.target.open && closeMenus(event.target), true)
  document.addEventListener('click', (event) => closeMenus(event.target.closest?.('.item-menu')))
  document.addEventListener('keydown', (event) => {
    const open = document.querySelector('.item-menu[open]')
    if (event.key !== 'Escape' || !open) return
    open.open = false
    open.querySelector('summary').focus()
  })

  list.addEventListener('click', async (event) => {
    const button = event.target.closest('.item-menu [data-mute]')
    if (!button) return
    const menu = button.closest('.menu')
    button.disabled = true
    try {
      await mute({ [button.dataset.mute]: button.dataset.value, muted: true })
    } catch (error) {
      button.disabled = false
      let note = menu.querySelector('.menu-error')
      if (!note)
        menu.append(
          (note = Object.assign(document.createElement('p'), { className: 'menu-error' })),
        )
      note.textContent = `Not muted: ${error.message}`
    }
  })

  for (const button of document.querySelectorAll('.unmute')) {
    button.hidden = false
    button.addEventListener('click', async () => {
      button.disabled = true
      try {
        await mute({ [button.dataset.kind]: button.dataset.value, muted: false })
      } catch (error) {
        button.textContent = `Not unmuted: ${error.message}`
        button.disabled = false
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
    floating.style.top = `${window.scrollY + rect.bottom + 8}px`
    floating.style.left = `${window.scrollX + rect.left}px`
    floating.hidden = false
  })
  // Keep the selection when the button is pressed.
  floating.addEventListener('mousedown', (event) => event.preventDefault())
  floating.addEventListener('click', async () => {
    try {
      await mute({ word: floating.dataset.word, muted: true })
    } catch (error) {
      floating.textContent = `Not muted: ${error.message}`
    }
  })
})()
