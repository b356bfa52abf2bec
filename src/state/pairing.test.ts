import { describe, expect, it } from 'vitest'
import { CODE_LIFETIME_MS, MAX_TRIES, Pairing } from './pairing.js'

describe('pairing codes', () => {
  it('are six digits, good once', () => {
    const pairing = new Pairing()
    const { code } = pairing.start(0)
    expect(code).toMatch(/^\d{6}$/)
    expect(pairing.try(`${code.slice(0, 3)} ${code.slice(3)}`, 1)).toEqual({ ok: true })
    expect(pairing.try(code, 2)).toEqual({ ok: false, reason: 'none' })
  })

  it('expire after five minutes', () => {
    const pairing = new Pairing()
    const { code } = pairing.start(0)
    expect(pairing.try(code, CODE_LIFETIME_MS)).toEqual({ ok: false, reason: 'expired' })
  })

  it(`are void after ${MAX_TRIES} wrong tries, even for the right code`, () => {
    const pairing = new Pairing()
    const { code } = pairing.start(0)
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 1; i < MAX_TRIES; i++)
      expect(pairing.try(wrong, i)).toEqual({
        ok: false,
        reason: 'wrong',
        triesLeft: MAX_TRIES - i,
      })
    expect(pairing.try(wrong, MAX_TRIES)).toEqual({ ok: false, reason: 'used-up' })
    expect(pairing.try(code, MAX_TRIES + 1)).toEqual({ ok: false, reason: 'used-up' })
  })

  it('start over with a new code, and the old one stops working', () => {
    const pairing = new Pairing()
    const first = pairing.start(0).code
    let second = pairing.start(1).code
    while (second === first) second = pairing.start(1).code
    expect(pairing.try(first, 2)).toMatchObject({ ok: false })
  })
})
