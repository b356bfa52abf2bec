import { describe, expect, it } from 'vitest'
import { MAX_URL_LENGTH, safeHttpUrl } from './safe-url.js'
import { file } from './index/parsers/source-file.test-helpers.js'
import { parseTwtxt } from './index/parsers/twtxt.js'

describe('safeHttpUrl, the one policy for links from friend data', () => {
  it.each([
    ['https://bob.example/twtxt.txt', 'https://bob.example/twtxt.txt'],
    ['  HTTP://Bob.Example  ', 'http://bob.example/'],
    ['https://bob.example/a b?q="x"', 'https://bob.example/a%20b?q=%22x%22'],
    ['https://bob.exa\tmple/', 'https://bob.example/'],
    ['javascript:alert(document.domain)', undefined],
    ['JaVaScRiPt:alert(1)', undefined],
    ['\u0001javascript:alert(1)', undefined],
    ['java\tscript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['data:image/png;base64,iVBORw0KGgo=', undefined],
    ['vbscript:msgbox(1)', undefined],
    ['file:///etc/passwd', undefined],
    ['mailto:bob@bob.example', undefined],
    ['//evil.example/', undefined],
    ['/@bob/x', undefined],
    ['https:evil.example', undefined],
    ['https://bank.example@evil.example/', undefined],
    ['https://user:pw@bob.example/', undefined],
    ['http://[::1', undefined],
    ['https://', undefined],
    [`https://bob.example/${'a'.repeat(MAX_URL_LENGTH)}`, undefined],
    [42, undefined],
    [undefined, undefined],
  ])('%j → %j', (raw, expected) => {
    expect(safeHttpUrl(raw)).toBe(expected)
  })

  it('is what twtxt `# follow =` lines keep: an unsafe URL leaves the nick without a link', () => {
    const { meta } = parseTwtxt(
      file(
        'twtxt.txt',
        [
          '# follow = evil javascript:alert(document.domain)',
          '# follow = datum data:text/html,<script>alert(1)</script>',
          '# follow = good https://good.example/twtxt.txt',
        ].join('\n'),
      ),
    )
    expect(meta.follows).toEqual([
      { nick: 'evil' },
      { nick: 'datum' },
      { nick: 'good', url: 'https://good.example/twtxt.txt' },
    ])
  })
})
