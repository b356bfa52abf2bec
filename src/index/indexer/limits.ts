import { DEFAULT_LIMITS, type Limits } from '../../config/limits.js'

/** The index's share of the config's limits, and its own timings. */
export interface IndexLimits extends Pick<
  Limits,
  'maxParseBytes' | 'maxItemsPerSpace' | 'parseTimeoutMs'
> {
  /** How often a space's folder is checked for having gone or come back (ms). */
  rootCheckMs: number
  /** How often a space whose watcher failed is rescanned (ms). */
  rescanMs: number
  /** false for one-shot readers (the `timeline` command): scan once, watch nothing. */
  watch: boolean
}

export function indexLimits(limits: Limits = DEFAULT_LIMITS, watch = true): IndexLimits {
  return {
    maxParseBytes: limits.maxParseBytes,
    maxItemsPerSpace: limits.maxItemsPerSpace,
    parseTimeoutMs: limits.parseTimeoutMs,
    rootCheckMs: 1000,
    rescanMs: 15_000,
    watch,
  }
}
