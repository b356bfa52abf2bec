import { describe, expect, it } from 'vitest'
import { homeMeta } from './home.js'
import { parseProfile } from './profile.js'
import { cleanText, siteFilePath, spaceFilePath } from './profile-fields.js'
import { sourceOf } from './sources.js'

describe('profile.json', () => {
  it('is the profile source at the root only', () => {
    expect(sourceOf('profile.json')).toBe('profile')
    expect(sourceOf('sub/profile.json')).toBeUndefined()
  })

  it('reads every field, trimmed', () => {
    const text = JSON.stringify({
      name: '  Bob  Builder ',
      nick: 'bob',
      avatar: './img/me.png',
      description: 'Builds\nthings',
      links: ['https://bob.example/', 'https://bob.example/'],
      extra: { kept: 'not read' },
    })
    expect(parseProfile(text)).toEqual({
      profile: {
        name: 'Bob Builder',
        nick: 'bob',
        avatar: 'img/me.png',
        description: 'Builds things',
        links: ['https://bob.example/'],
      },
    })
  })

  it.each(['{', '[]', '"bob"', 'null', '[[[[[[[[[[[[[[[[[[[['.repeat(5)])(
    'makes %j the file’s problem, with no profile',
    (text) => {
      const result = parseProfile(text)
      expect(result.profile).toBeUndefined()
      expect(result.problem).toBeTruthy()
    },
  )

  it('bounds names, nicks, descriptions and links', () => {
    const result = parseProfile(
      JSON.stringify({
        name: 'n'.repeat(10_000),
        nick: 'k'.repeat(1_000),
        description: 'd'.repeat(10_000),
        links: Array.from({ length: 40 }, (_, i) => `https://x.example/${i}`),
      }),
    )
    expect(result.profile!.name).toHaveLength(100)
    expect(result.profile!.nick).toHaveLength(100)
    expect(result.profile!.description).toHaveLength(500)
    expect(result.profile!.links).toHaveLength(16)
    expect(result.problem).toContain('links after the first 16')
  })

  it('drops links that are not http(s), and says so', () => {
    const result = parseProfile(
      JSON.stringify({ links: ['javascript:alert(1)', 'data:text/html,x', 'https://ok.example/'] }),
    )
    expect(result.profile).toEqual({ links: ['https://ok.example/'] })
    expect(result.problem).toContain('not http(s)')
  })

  it('drops lone surrogates and control characters, never a half of a pair', () => {
    const result = parseProfile('{"name": "a\\ud800b\\u0000c", "nick": "😊😊"}')
    expect(result.profile!.name).toBe('abc')
    expect(cleanText('a' + '😊'.repeat(60), 100)).toHaveLength(99)
  })

  it.each([
    '../secret.png',
    'img/../../secret.png',
    '/etc/passwd',
    'https://bob.example/me.png',
    'data:image/png;base64,AAAA',
    'javascript:alert(1)',
    '.git/me.png',
    'img/.hidden.png',
    'me.png.tmp',
    'img\\me.png',
    'C:/me.png',
    '',
    42,
  ])('refuses the avatar %j and keeps the rest', (avatar) => {
    const result = parseProfile(JSON.stringify({ name: 'Bob', avatar }))
    expect(result.profile).toEqual({ name: 'Bob' })
    expect(result.problem).toContain('"avatar"')
  })
})

describe('paths of the space from URLs', () => {
  it.each([
    ['https://x.example/img/me.png', 'https://x.example/twtxt.txt', 'img/me.png'],
    ['http://X.example/img/me.png?v=2', 'https://x.example/twtxt.txt', 'img/me.png'],
    ['img/me.png', 'https://x.example/twtxt.txt', 'img/me.png'],
    ['/img/me.png', 'https://x.example/twtxt.txt', 'img/me.png'],
    ['https://x.example/~bob/me%20too.png', 'https://x.example/~bob/twtxt.txt', 'me too.png'],
    ['me.png', 'http://space.invalid/twtxt.txt', 'me.png'],
  ])('%s at %s is %s', (url, base, path) => {
    expect(siteFilePath(url, base)).toBe(path)
  })

  it.each([
    ['https://cdn.example/me.png', 'https://x.example/twtxt.txt'],
    ['https://x.example/me.png', 'https://x.example/~bob/twtxt.txt'],
    ['/me.png', 'https://x.example/~bob/twtxt.txt'],
    ['../me.png', 'https://x.example/~bob/twtxt.txt'],
    ['https://x.example/%2e%2e/me.png', 'https://x.example/a/twtxt.txt'],
    ['https://x.example/a/%2e%2e%2fme.png', 'https://x.example/a/twtxt.txt'],
    ['https://x.example/.git/me.png', 'https://x.example/twtxt.txt'],
    ['https://user@x.example/me.png', 'https://x.example/twtxt.txt'],
    ['data:image/png;base64,AAAA', 'https://x.example/twtxt.txt'],
    ['javascript:alert(1)', 'https://x.example/twtxt.txt'],
    ['https://x.example/', 'https://x.example/twtxt.txt'],
  ])('%s at %s is no file of the space', (url, base) => {
    expect(siteFilePath(url, base)).toBeUndefined()
  })

  it('normalizes ./ and empty segments of a space path', () => {
    expect(spaceFilePath('./a//b/./c.png')).toBe('a/b/c.png')
  })
})

describe('the home page', () => {
  it('reads its title, icon and description from <head>', () => {
    const html = `<!doctype html><html><head><title> Bob &amp; co </title>
      <meta name="Description" content="A workshop">
      <link rel="shortcut icon" href="/img/icon.png"></head>
      <body><title>not this</title><link rel="icon" href="other.png"></body></html>`
    expect(homeMeta(html)).toEqual({
      title: 'Bob & co',
      icon: 'img/icon.png',
      description: 'A workshop',
    })
  })

  it.each([
    'https://elsewhere.example/icon.png',
    '//elsewhere.example/icon.png',
    'data:image/png;base64,AAAA',
    '.hidden/icon.png',
  ])('has no icon for href %j', (href) => {
    expect(homeMeta(`<link rel="icon" href="${href}">`).icon).toBeUndefined()
  })

  it('reads ../icon.png at the root as a browser does: the root’s icon.png', () => {
    expect(homeMeta('<link rel="icon" href="../icon.png">').icon).toBe('icon.png')
  })

  it('says nothing of a page without a head', () => {
    expect(homeMeta('hi')).toEqual({})
  })
})
