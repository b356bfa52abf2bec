// The CLI tests run bin/syncweb.js, which loads dist/: build it first when it is stale.
// @ts-expect-error: a plain JS script without types
import { buildIfNeeded } from '../scripts/build-if-needed.js'

export default function setup() {
  buildIfNeeded()
}
