import { randomInt } from 'node:crypto'

/** How long a pairing code is good for, and how many wrong tries it survives. */
export const CODE_LIFETIME_MS = 5 * 60 * 1000
export const MAX_TRIES = 5

export type PairingAnswer =
  | { ok: true }
  | { ok: false; reason: 'wrong'; triesLeft: number }
  | { ok: false; reason: 'none' | 'expired' | 'used-up' }

/**
 * The one pairing code of the moment (DESIGN.md / SECURITY.md "Devices"): six digits, good for
 * five minutes and for one device, void after MAX_TRIES wrong tries. Six digits and five tries
 * give a guesser one chance in 200,000 per code, and a code exists only while the user pairs.
 */
export class Pairing {
  #code: string | undefined
  #expires = 0
  #tries = 0

  /** A new code (the previous one, if any, stops working). */
  start(now = Date.now()): { code: string; expires: number } {
    this.#code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    this.#expires = now + CODE_LIFETIME_MS
    this.#tries = 0
    return { code: this.#code, expires: this.#expires }
  }

  /** Whether a code is waiting for a device. */
  get active(): boolean {
    return this.#code !== undefined && Date.now() < this.#expires && this.#tries < MAX_TRIES
  }

  /** Checks a code a device entered; a right one is used up. */
  try(given: string, now = Date.now()): PairingAnswer {
    if (this.#code === undefined) return { ok: false, reason: 'none' }
    if (now >= this.#expires) return { ok: false, reason: 'expired' }
    if (this.#tries >= MAX_TRIES) return { ok: false, reason: 'used-up' }
    if (given.replace(/\D/g, '') === this.#code) {
      this.#code = undefined
      return { ok: true }
    }
    this.#tries++
    return this.#tries >= MAX_TRIES
      ? { ok: false, reason: 'used-up' }
      : { ok: false, reason: 'wrong', triesLeft: MAX_TRIES - this.#tries }
  }
}
