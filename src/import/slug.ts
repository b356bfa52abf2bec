import { isValidName } from '../spaces/names.js'

/** A folder label made into a space name: "Alice's Blog (2024)" → "alices-blog-2024". */
export function slugify(label: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '')
  return isValidName(slug) ? slug : 'folder'
}

/** `name`, or `name-2`, `name-3`… the first one not in `taken` (which it then joins). */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name
  for (let n = 2; taken.has(candidate); n++) {
    const suffix = `-${n}`
    candidate = name.slice(0, 63 - suffix.length).replace(/-+$/, '') + suffix
  }
  taken.add(candidate)
  return candidate
}
