import { describe, expect, it } from 'vitest'
import { BoundedCache } from './cache.js'

describe('BoundedCache', () => {
  const cache = () => new BoundedCache<string, string>(1000, (v) => v.length)

  it('drops the least recently used entries to stay under its byte budget', () => {
    const c = cache()
    for (const key of ['a', 'b', 'c', 'd']) c.set(key, 'x'.repeat(150))
    c.get('a') // a is now the most recently used, b the least
    c.set('e', 'x'.repeat(150))
    expect(c.bytes).toBeLessThanOrEqual(1000)
    expect(c.get('b')).toBeUndefined()
    for (const key of ['a', 'c', 'd', 'e']) expect(c.get(key)).toBeDefined()
  })

  it('does not keep an entry over a quarter of the budget', () => {
    const c = cache()
    c.set('small', 'x')
    c.set('huge', 'x'.repeat(300))
    expect(c.get('huge')).toBeUndefined()
    expect(c.get('small')).toBe('x')
  })

  it('stays bounded whatever keys a client varies', () => {
    const c = cache()
    for (let n = 0; n < 10_000; n++) c.set(`/timeline?x=${n}`, 'x'.repeat(100))
    expect(c.bytes).toBeLessThanOrEqual(1000)
    expect(c.size).toBeLessThan(10)
  })

  it('replaces an entry without counting it twice', () => {
    const c = cache()
    c.set('a', 'x'.repeat(100))
    c.set('a', 'x'.repeat(100))
    expect(c.size).toBe(1)
    expect(c.bytes).toBe(166)
  })
})
