import { describe, expect, it } from 'vitest'
import { NO_MUTES, type Config } from '../config/config.js'
import { DEFAULT_LIMITS } from '../config/limits.js'
import type { SpaceState } from '../index/indexer/space-facts.js'
import { mentionTokens } from '../index/parsers/refs.js'
import {
  audienceOf,
  hueOf,
  initialOf,
  jsonAuthor,
  nameForUrl,
  personOf,
  profileOf,
  type SpaceStates,
} from './index.js'

const base: SpaceState = { status: 'ready', files: 0, problems: [], problemCount: 0 }

function world(
  spaces: Array<{ name: string; title?: string; state?: Partial<SpaceState> }>,
  me?: Config['me'] | string[],
): { config: Config; index: SpaceStates } {
  const config = {
    port: 0,
    host: '127.0.0.1',
    allowedHosts: [],
    isolation: 'subdomain',
    limits: DEFAULT_LIMITS,
    mute: NO_MUTES,
    spaces: spaces.map(({ name, title }) => ({
      name,
      root: `/x/${name}`,
      ...(title ? { title } : {}),
    })),
    ...(me ? { me } : {}),
  } as Config
  const states = new Map(spaces.map((s) => [s.name, { ...base, ...s.state }]))
  return { config, index: { space: (name) => states.get(name) } }
}

const twtxt = (meta: Partial<NonNullable<SpaceState['twtxt']>>) => ({ follows: [], ...meta })

describe('profileOf', () => {
  it('takes profile.json first, then twtxt, then the home page, field by field', () => {
    const state: SpaceState = {
      ...base,
      profile: { name: 'Bob', description: 'from profile.json' },
      twtxt: twtxt({ nick: 'bobby', avatar: 'me.png', description: 'from twtxt' }),
      home: { title: 'Home', icon: 'favicon.png', description: 'from html' },
    }
    expect(profileOf(state)).toEqual({
      source: 'profile.json',
      name: 'Bob',
      nick: 'bobby',
      avatar: 'me.png',
      description: 'from profile.json',
      links: [],
    })
  })

  it('reads twtxt alone, with links through safeHttpUrl and a same-site avatar', () => {
    const state: SpaceState = {
      ...base,
      twtxt: twtxt({
        nick: 'bob',
        url: 'https://bob.example/twtxt.txt',
        avatar: 'https://bob.example/img/me.png',
        links: [{ title: 'Site', url: 'https://bob.example/' }, { url: 'javascript:alert(1)' }],
      }),
    }
    expect(profileOf(state)).toEqual({
      source: 'twtxt.txt',
      name: 'bob',
      nick: 'bob',
      avatar: 'img/me.png',
      links: [{ title: 'Site', url: 'https://bob.example/' }],
    })
  })

  it('has no twtxt avatar on another site', () => {
    const state: SpaceState = {
      ...base,
      twtxt: twtxt({ url: 'https://bob.example/twtxt.txt', avatar: 'https://cdn.example/me.png' }),
    }
    expect(profileOf(state)).toBeUndefined()
  })

  it('reads the home page alone', () => {
    const state: SpaceState = { ...base, home: { title: 'Carol’s log', icon: 'icon.png' } }
    expect(profileOf(state)).toEqual({
      source: 'index.html',
      name: 'Carol’s log',
      avatar: 'icon.png',
      links: [],
    })
  })

  it('names a profile.json with a nick only by its nick, before the page title', () => {
    const state: SpaceState = { ...base, profile: { nick: 'dan' }, home: { title: 'Home' } }
    expect(profileOf(state)?.name).toBe('dan')
  })

  it('is undefined when no file says anything', () => {
    expect(profileOf({ ...base, profile: {}, home: {} })).toBeUndefined()
  })
})

describe('personOf and jsonAuthor', () => {
  it('lets the config title win, and shows the own name beside it', () => {
    const { config, index } = world([
      { name: 'bob', title: 'Bobby', state: { profile: { name: 'Robert', avatar: 'a b/me.png' } } },
    ])
    const person = personOf(config, index, 'bob')
    expect(person).toMatchObject({
      space: 'bob',
      name: 'Bobby',
      ownName: 'Robert',
      avatar: '/@bob/a%20b/me.png',
      initial: 'B',
      hue: hueOf('bob'),
    })
    expect(jsonAuthor(person, 'http://127.0.0.1:4747/')).toEqual({
      name: 'Bobby',
      url: 'http://127.0.0.1:4747/@bob/',
      avatar: 'http://127.0.0.1:4747/@bob/a%20b/me.png',
    })
  })

  it('uses the own name without a title, the space name without either', () => {
    const { config, index } = world([
      { name: 'bob', state: { profile: { name: 'Robert' } } },
      { name: 'carol' },
      { name: 'dan', title: 'dan', state: { profile: { name: ' DAN ' } } },
    ])
    expect(personOf(config, index, 'bob')).toMatchObject({ name: 'Robert' })
    expect(personOf(config, index, 'bob').ownName).toBeUndefined()
    expect(personOf(config, index, 'carol')).toMatchObject({ name: 'carol', initial: 'C' })
    expect(personOf(config, index, 'dan').ownName).toBeUndefined()
    expect(jsonAuthor(personOf(config, index, 'carol'), 'http://h')).toEqual({
      name: 'carol',
      url: 'http://h/@carol/',
    })
  })

  it.each([
    ['émile', 'É'],
    ['👩‍🚀 crew', '👩‍🚀'],
    ['', '?'],
  ])('takes the first grapheme of %j as the initial', (name, initial) => {
    expect(initialOf(name)).toBe(initial)
  })
})

describe('nameForUrl', () => {
  const daveUrl = 'https://dave.example/twtxt.txt'
  const follows = (name: string, url = daveUrl) => [{ name, url }]

  it('names a followed space by its twtxt # url, by the petname rule', () => {
    const { config, index } = world([
      { name: 'dave', title: 'Dave D.', state: { twtxt: twtxt({ url: daveUrl }) } },
    ])
    expect(nameForUrl(config, index, 'HTTPS://DAVE.example/twtxt.txt')).toEqual({
      space: 'dave',
      name: 'Dave D.',
    })
    expect(nameForUrl(config, index, 'https://dave.example/TWTXT.txt')).toBeUndefined()
  })

  it('names someone a friend follows as the friend names them', () => {
    const { config, index } = world([
      { name: 'bob', state: { follows: follows('david') } },
      { name: 'carol', state: { twtxt: twtxt({ follows: [{ nick: 'dave', url: daveUrl }] }) } },
    ])
    expect(nameForUrl(config, index, daveUrl)).toEqual({
      name: 'david, followed by bob',
      followedBy: 'bob',
    })
    expect(nameForUrl(config, index, daveUrl, 'dave')).toEqual({
      name: 'dave, followed by carol',
      followedBy: 'carol',
    })
    expect(nameForUrl(config, index, 'https://eve.example/twtxt.txt')).toBeUndefined()
  })

  it('takes my own name for them, plainly, and the follower by its petname', () => {
    const { config, index } = world(
      [
        { name: 'carol', title: 'Carol C.', state: { follows: follows('dave') } },
        { name: 'me', state: { follows: follows('Dave from work') } },
      ],
      'me',
    )
    expect(nameForUrl(config, index, daveUrl)).toEqual({ name: 'Dave from work' })
    const other = world([{ name: 'carol', title: 'Carol C.', state: { follows: follows('dave') } }])
    expect(nameForUrl(other.config, other.index, daveUrl)?.name).toBe('dave, followed by Carol C.')
  })
})

describe('audienceOf', () => {
  it('lists my spaces and what mentions me, as mentionTokens writes them', () => {
    const { config, index } = world(
      [
        {
          name: 'me',
          title: 'Me Myself',
          state: {
            profile: { name: 'Ann', nick: 'annie' },
            twtxt: twtxt({ nick: 'Ann_T', url: 'https://Ann.example/Twtxt.txt' }),
          },
        },
        { name: 'bob' },
      ],
      'me',
    )
    const audience = audienceOf(config, index)
    expect(audience.spaces).toEqual(['me'])
    expect([...audience.tokens].sort()).toEqual(
      ['@me', '@ann', '@annie', '@ann_t', 'https://ann.example/Twtxt.txt'].sort(),
    )
    const mentioned = mentionTokens('hi @Annie and @<ann https://ANN.example/Twtxt.txt>')
    expect(mentioned.filter((t) => audience.tokens.includes(t)).sort()).toEqual(
      ['@ann', 'https://ann.example/Twtxt.txt', '@annie'].sort(),
    )
  })

  it('takes a list of my spaces, and nobody when there is none', () => {
    const two = world([{ name: 'a' }, { name: 'b' }], ['a', 'b'])
    expect(audienceOf(two.config, two.index)).toEqual({ spaces: ['a', 'b'], tokens: ['@a', '@b'] })
    const none = world([{ name: 'a' }])
    expect(audienceOf(none.config, none.index)).toEqual({ spaces: [], tokens: [] })
  })
})
