import { describe, expect, it } from 'vitest'
import { file } from './source-file.test-helpers.js'
import { contentRef, replyTarget, twtHash, twtStamp } from './refs.js'
import { parseStatus } from './status.js'
import { parseTwtxt } from './twtxt.js'
import { parsePost } from './post.js'

describe('the Twt Hash (yarn.social)', () => {
  it('passes the test vector: o6dsrga', () => {
    expect(
      twtHash(
        'https://twtxt.net/user/prologic/twtxt.txt',
        '2020-07-18T12:39:52Z',
        'Hello World! 😊',
      ),
    ).toBe('o6dsrga')
  })

  it.each([
    ['2020-07-18T12:39:52Z', '2020-07-18T12:39:52Z'],
    ['2020-07-18T12:39:52.123Z', '2020-07-18T12:39:52Z'],
    ['2020-07-18T12:39Z', '2020-07-18T12:39:00Z'],
    ['2020-07-18T12:39:52+00:00', '2020-07-18T12:39:52Z'],
    ['2020-07-18T14:39:52+02:00', '2020-07-18T14:39:52+02:00'],
    ['2020-07-18T14:39:52+0200', '2020-07-18T14:39:52+02:00'],
    ['2020-07-18T12:39:52', '2020-07-18T12:39:52Z'],
  ])('reads the timestamp %s as %s (RFC 3339 to the second, in its own offset)', (raw, stamp) => {
    expect(twtStamp(raw)).toBe(stamp)
  })

  it('is each twt’s ref, made with the file’s first # url; without one, a content hash', () => {
    const text =
      '# url = https://twtxt.net/user/prologic/twtxt.txt\n# url = https://other.example/t.txt\n2020-07-18T12:39:52Z\tHello World! 😊\n'
    expect(parseTwtxt(file('twtxt.txt', text)).items[0]!.ref).toBe('o6dsrga')
    const bare = parseTwtxt(file('twtxt.txt', '2020-07-18T12:39:52Z\tHello World! 😊\n')).items[0]!
    expect(bare.ref).toBe(contentRef(Date.parse('2020-07-18T12:39:52Z'), 'Hello World! 😊'))
  })
})

describe('twtxt replies (Twt Subject)', () => {
  const twt = (line: string) =>
    parseTwtxt(file('twtxt.txt', `# nick = me\n2026-01-01T00:00:00Z\t${line}\n`)).items[0]!

  it.each([
    ['(#o6dsrga) agreed', 'o6dsrga', 'agreed'],
    ['(#<o6dsrga https://twtxt.net/search?tag=o6dsrga>) agreed', 'o6dsrga', 'agreed'],
    ['@<bob https://bob.example/twtxt.txt> (#abcdefg) yes', 'abcdefg', '@bob yes'],
  ])('reads %j as a reply to %s, shown as %j', (line, parent, shown) => {
    const item = twt(line)
    expect(item.replyTo).toBe(parent)
    expect(item.text).toBe(shown)
  })

  it('names whom the reply answers by its leading mention', () => {
    expect(twt('@<bob https://bob.example/twtxt.txt> (#abcdefg) yes').replyToWho).toEqual({
      nick: 'bob',
      url: 'https://bob.example/twtxt.txt',
    })
  })

  it.each(['yes (#abcdefg)', '(really) (#abcdefg) yes', 'plain text'])(
    'reads %j as no reply (only a leading subject counts)',
    (line) => expect(twt(line).replyTo).toBeUndefined(),
  )

  it('lists who a twt mentions, for notifications', () => {
    expect(twt('hi @<Ada https://ADA.example/twtxt.txt> and @bob').mentions?.sort()).toEqual(
      ['@ada', 'https://ada.example/twtxt.txt', '@bob'].sort(),
    )
  })
})

describe('refs of status updates and posts', () => {
  it('is the status’s own id, or a hash of its date and text', () => {
    const own = parseStatus(file('status/a.json', '{"id": 42, "text": "x", "date": "2026-01-01"}'))
    expect(own.items[0]!.ref).toBe('42')
    const none = parseStatus(file('status/a.json', '{"text": "x", "date": "2026-01-01"}'))
    expect(none.items[0]!.ref).toBe(contentRef(Date.parse('2026-01-01'), 'x'))
    // The same file read by anyone: the same ref, whatever the reader called the space.
    const elsewhere = parseStatus({
      ...file('status/a.json', '{"text": "x", "date": "2026-01-01"}'),
      space: 'other',
    })
    expect(elsewhere.items[0]!.ref).toBe(none.items[0]!.ref)
  })

  it('reads reply_to and in_reply_to, and old gateway URLs as the file they name', () => {
    const status = (reply: string) =>
      parseStatus(file('status/a.json', JSON.stringify({ text: 'x', reply_to: reply }))).items[0]!
    expect(status('abc').replyTo).toBe('abc')
    expect(status('http://localhost:5200/@Bob/status/2026/a%20b.json').replyFile).toBe(
      'bob/status/2026/a b.json',
    )
    const post = parsePost(
      file('posts/p.md', '---\ndate: 2026-01-01\nid: p1\nin_reply_to: abc\n---\nHi @ada\n'),
    ).items[0]!
    expect([post.ref, post.replyTo, post.mentions]).toEqual(['p1', 'abc', ['@ada']])
  })

  it.each([
    ['http://h:1/@bob/../x', undefined],
    ['/@bob/status/x.json', 'bob/status/x.json'],
    ['https://example.com/@bob/x', 'bob/x'],
    ['tag:example.com,2026:1', undefined],
  ])('maps %s to a file only when it is a clean gateway path', (value, file) => {
    expect(replyTarget(value)?.file).toBe(file)
  })
})
