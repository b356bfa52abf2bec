/**
 * People: who a space is and what the user calls it (DESIGN.md "Conversations and people").
 * Pure functions over the config and the index's state of each space; nothing here reads a
 * file or knows about HTTP.
 */
export { profileOf, type ProfileSource, type ResolvedProfile } from './profile.js'
export {
  hueOf,
  initialOf,
  jsonAuthor,
  personOf,
  type JsonAuthor,
  type Person,
  type SpaceStates,
} from './person.js'
export { audienceOf, meSpaces, nameForUrl, type UrlName } from './names.js'
