// "Add image" in the compose box: the chosen file's name, a small preview and a remove button.
// timeline.js sends what `compose.attachment()` gives with the post, as base64 in the JSON body
// (the gateway takes JSON only); the gateway checks the type by the file's first bytes and the
// size again, so these checks only save a useless upload.
;(() => {
  const compose = document.getElementById('compose')
  const row = compose?.querySelector('.compose-row')
  if (!row) return
  const TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']
  const max = Number(compose.dataset.maxImage) || 8 * 1024 * 1024

  const picker = document.createElement('label')
  picker.className = 'attach'
  picker.innerHTML =
    '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><rect x="3" y="4" width="18" height="16" rx="2" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="9" cy="10" r="2" fill="currentColor"/><path d="M4 19l6-6 4 4 3-3 3 3" fill="none" stroke="currentColor" stroke-width="2"/></svg><span>Image</span>'
  const input = document.createElement('input')
  input.type = 'file'
  input.accept = TYPES.join(',')
  input.className = 'visually-hidden'
  input.setAttribute('aria-label', 'Attach an image')
  picker.prepend(input)

  const chosen = document.createElement('span')
  chosen.className = 'attached'
  chosen.hidden = true
  const preview = document.createElement('img')
  preview.alt = ''
  const name = document.createElement('span')
  name.className = 'attached-name'
  const remove = document.createElement('button')
  remove.type = 'button'
  remove.className = 'attached-remove'
  remove.textContent = '×'
  remove.setAttribute('aria-label', 'Remove the image')
  chosen.append(preview, name, remove)
  // After the Post button in the page, before it on screen (style.css `order`): the compose
  // box's first button stays Post.
  row.append(picker, chosen)

  const status = compose.querySelector('.compose-status')
  let file
  let reading
  const clear = () => {
    reading?.abort()
    reading = undefined
    preview.removeAttribute('src')
    file = undefined
    input.value = ''
    chosen.hidden = true
    picker.hidden = false
  }
  input.addEventListener('change', () => {
    const picked = input.files?.[0]
    clear()
    if (!picked) return
    if (!TYPES.includes(picked.type)) {
      status.textContent = `${picked.name} is not a PNG, JPEG, GIF or WebP image`
      return
    }
    if (picked.size > max) {
      status.textContent = `${picked.name} is ${(picked.size / 1048576).toFixed(1)} MB; an image is at most ${(max / 1048576).toFixed(1)} MB`
      return
    }
    file = picked
    status.textContent = ''
    // A data: URL, not a blob: one: the gateway's Content-Security-Policy allows images from
    // 'self' and data: only, and a blocked preview showed as a broken image.
    reading = new FileReader()
    reading.onload = () => {
      preview.src = String(reading.result)
    }
    reading.readAsDataURL(picked)
    name.textContent = picked.name
    chosen.hidden = false
    picker.hidden = true
  })
  remove.addEventListener('click', clear)
  compose.addEventListener('posted', clear)

  // The chosen image as the API takes it, read when the post is sent.
  compose.attachment = () =>
    file &&
    new Promise((resolve, reject) => {
      const reader = new FileReader()
      reader.onload = () => resolve({ name: file.name, data: String(reader.result).split(',')[1] })
      reader.onerror = () => reject(new Error(`could not read ${file.name}`))
      reader.readAsDataURL(file)
    })
})()
