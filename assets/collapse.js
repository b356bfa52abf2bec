// Long items fold to a few lines with "Show more" / "Show less", so that one long post does not
// push the rest of the timeline a screen down. Only with JavaScript: without it nothing is
// folded and every item reads in full.
;(() => {
  const list = document.getElementById('items')
  if (!list) return
  // Folded when the content is taller than this (px); `.folded` in style.css shows less.
  const TALL = 420

  const fold = (card) => {
    const content = card.querySelector(':scope > .item-body > .content')
    if (!content || content.dataset.fold) return
    content.dataset.fold = 'checked'
    if (content.scrollHeight <= TALL) return
    content.dataset.fold = 'long'
    content.classList.add('folded')
    const toggle = document.createElement('button')
    toggle.type = 'button'
    toggle.className = 'show-more'
    toggle.textContent = 'Show more'
    toggle.setAttribute('aria-expanded', 'false')
    content.after(toggle)
    toggle.addEventListener('click', () => {
      const open = content.classList.toggle('folded') === false
      toggle.textContent = open ? 'Show less' : 'Show more'
      toggle.setAttribute('aria-expanded', String(open))
      // Folding a long item back should not leave the reader far below it.
      if (!open && card.getBoundingClientRect().top < 0) card.scrollIntoView({ block: 'start' })
    })
  }
  const foldAll = () => list.querySelectorAll(':scope > .item').forEach(fold)
  foldAll()
  // Live cards arrive later, and are folded as they come.
  new MutationObserver(foldAll).observe(list, { childList: true })
})()
