/**
 * The bounds syncweb puts on what friends' folders and clients can make it do. Each has a safe
 * default and can be set in the config's `limits` object; the README's table documents them.
 */
export interface Limits {
  /** Files larger than this are served but not parsed into the timeline. */
  readonly maxParseBytes: number
  /** A file (or Markdown page) that takes longer to parse is skipped with a reason. */
  readonly parseTimeoutMs: number
  /** Items one space may hold in the timeline; the rest are left out, with a reason. */
  readonly maxItemsPerSpace: number
  /** Request bodies larger than this get a 413. */
  readonly maxBodyBytes: number
  /** An image attached in the compose box larger than this gets a 413 (on top of the body). */
  readonly maxImageBytes: number
  /** A client must send its request headers within this time (slowloris). */
  readonly headersTimeoutMs: number
  /** A client must send its whole request within this time. */
  readonly requestTimeoutMs: number
  /** A connection that neither sends nor reads for this long is closed (slow readers). */
  readonly idleTimeoutMs: number
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxParseBytes: 4 * 1024 * 1024,
  parseTimeoutMs: 5000,
  maxItemsPerSpace: 20_000,
  maxBodyBytes: 64 * 1024,
  maxImageBytes: 8 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
})

const BOUNDS: Record<keyof Limits, [min: number, max: number]> = {
  maxParseBytes: [1024, 256 * 1024 * 1024],
  parseTimeoutMs: [100, 600_000],
  maxItemsPerSpace: [1, 10_000_000],
  maxBodyBytes: [1024, 64 * 1024 * 1024],
  maxImageBytes: [1024, 64 * 1024 * 1024],
  headersTimeoutMs: [100, 600_000],
  requestTimeoutMs: [100, 3_600_000],
  idleTimeoutMs: [100, 3_600_000],
}

/**
 * Reads the config's `limits` object over the defaults. Returns the field and rule that a
 * value breaks, for the config's error message.
 */
export function readLimits(raw: unknown): Limits | { field: string; rule: string } {
  if (raw === undefined) return DEFAULT_LIMITS
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { field: 'limits', rule: 'must be an object (see the README for its fields)' }
  }
  const limits: Record<string, number> = { ...DEFAULT_LIMITS }
  for (const [key, value] of Object.entries(raw)) {
    const bounds = BOUNDS[key as keyof Limits]
    if (!bounds) {
      const known = Object.keys(BOUNDS).join(', ')
      return { field: `limits.${key}`, rule: `is not a limit syncweb knows (${known})` }
    }
    const [min, max] = bounds
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return { field: `limits.${key}`, rule: `must be a whole number from ${min} to ${max}` }
    }
    limits[key] = value
  }
  return Object.freeze(limits as unknown as Limits)
}
