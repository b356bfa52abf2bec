import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../atomic.js'

/** A device of the network the user paired: it may post, reply and mark read, as the user. */
export interface Device {
  id: string
  name: string
  /** SHA-256 of its secret (hex): the file never holds a credential that works. */
  hash: string
  paired: string
}

/** What a device shows of itself (never its hash). */
export type DeviceView = Omit<Device, 'hash'> & { lastSeen?: string }

const FILE = 'devices.json'
export const MAX_DEVICE_NAME = 60

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex')

/**
 * The paired devices, in `devices.json` of the state folder (0600; undefined folder: in
 * memory). A device holds `ID.SECRET` in an HttpOnly cookie; only the secret's hash is kept.
 * The file is read again whenever it changes on disk, so `syncweb devices --revoke` run while no
 * gateway was running, or by hand, takes effect at the next request.
 */
export class DeviceRegistry {
  #devices: Device[] = []
  #mtimeMs = -1
  #lastSeen = new Map<string, number>()

  constructor(readonly dir: string | undefined) {
    this.#reload()
  }

  list(): DeviceView[] {
    this.#reload()
    return this.#devices.map(({ hash: _hash, ...device }) => {
      const seen = this.#lastSeen.get(device.id)
      return { ...device, ...(seen ? { lastSeen: new Date(seen).toISOString() } : {}) }
    })
  }

  /** Pairs a new device: its record, and the cookie value to hand it (once). */
  async add(name: string): Promise<{ device: DeviceView; credential: string }> {
    this.#reload()
    const id = randomBytes(6).toString('hex')
    const secret = randomBytes(32).toString('base64url')
    const device: Device = { id, name, hash: digest(secret), paired: new Date().toISOString() }
    this.#devices = [...this.#devices, device]
    await this.#save()
    const { hash: _hash, ...view } = device
    return { device: view, credential: `${id}.${secret}` }
  }

  /** Revokes a device by name or id; the names of those revoked. */
  async revoke(nameOrId: string): Promise<string[]> {
    this.#reload()
    const wanted = nameOrId.trim().toLowerCase()
    const gone = this.#devices.filter((d) => d.id === wanted || d.name.toLowerCase() === wanted)
    if (!gone.length) return []
    this.#devices = this.#devices.filter((d) => !gone.includes(d))
    await this.#save()
    return gone.map((d) => d.name)
  }

  /** The device a cookie value names, when its secret is right; undefined otherwise. */
  verify(credential: string | undefined): Device | undefined {
    if (!credential) return undefined
    const dot = credential.indexOf('.')
    if (dot < 1 || credential.length > 200) return undefined
    this.#reload()
    const device = this.#devices.find((d) => d.id === credential.slice(0, dot))
    if (!device) return undefined
    const given = Buffer.from(digest(credential.slice(dot + 1)), 'hex')
    if (!timingSafeEqual(given, Buffer.from(device.hash, 'hex'))) return undefined
    this.#lastSeen.set(device.id, Date.now())
    return device
  }

  #reload() {
    if (!this.dir) return
    const file = join(this.dir, FILE)
    const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0
    if (mtimeMs === this.#mtimeMs) return
    this.#mtimeMs = mtimeMs
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { devices?: unknown }
      this.#devices = (Array.isArray(data.devices) ? data.devices : []).filter(
        (d): d is Device =>
          typeof d === 'object' &&
          d !== null &&
          ['id', 'name', 'hash', 'paired'].every(
            (k) => typeof (d as Record<string, unknown>)[k] === 'string',
          ) &&
          /^[0-9a-f]{64}$/.test((d as Device).hash),
      )
    } catch {
      // No file (or not one we can read): no device is paired.
      this.#devices = []
    }
  }

  async #save() {
    if (!this.dir) return
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    const file = join(this.dir, FILE)
    await writeFileAtomic(file, JSON.stringify({ devices: this.#devices }, null, 2) + '\n', {
      mode: 0o600,
    })
    this.#mtimeMs = statSync(file).mtimeMs
  }
}
