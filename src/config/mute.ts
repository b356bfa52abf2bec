export interface MuteSettings {
  readonly spaces: readonly string[]
  readonly words: readonly string[]
  /** Lowercased, without `#`. */
  readonly tags: readonly string[]
}

export const NO_MUTES: MuteSettings = Object.freeze({ spaces: [], words: [], tags: [] })

/** `"mute": {"spaces": [], "words": [], "tags": []}`, each list optional. */
export function readMute(raw: unknown, fail: (field: string, rule: string) => never): MuteSettings {
  if (raw === undefined) return NO_MUTES
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('mute', 'must be an object: {"spaces": [], "words": [], "tags": []}')
  }
  const o = raw as Record<string, unknown>
  const strings = (key: string) => {
    const value = o[key] ?? []
    if (
      !Array.isArray(value) ||
      !value.every((v) => typeof v === 'string' && v.trim() && v.length <= 200)
    ) {
      fail(`mute.${key}`, 'must be a list of non-empty strings of at most 200 characters')
    }
    return [...new Set((value as string[]).map((v) => v.trim()))]
  }
  return Object.freeze({
    spaces: Object.freeze(strings('spaces').map((s) => s.replace(/^@/, '').toLowerCase())),
    words: Object.freeze(strings('words')),
    tags: Object.freeze(strings('tags').map((t) => t.replace(/^#/, '').toLowerCase())),
  })
}
