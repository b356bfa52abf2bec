/**
 * A space name is a DNS label, so that it also works as `NAME.localhost`: 1-63 characters of
 * a-z, 0-9 and `-`, not starting or ending with `-` (RFC 1035 §2.3.1, lower-cased).
 */
const NAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

export const NAME_RULE =
  'a name is 1-63 characters of a-z, 0-9 and "-", not starting or ending with "-"'

export function isValidName(name: string): boolean {
  return NAME.test(name)
}

/** `@Alice` and `alice` are the same space. Returns undefined when the rest is not a name. */
export function normalizeName(input: string): string | undefined {
  const name = input.replace(/^@/, '').toLowerCase()
  return isValidName(name) ? name : undefined
}
