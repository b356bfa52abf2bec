/** A mistake in how syncweb was called (exit code 2); the message says how to call it right. */
export class UsageError extends Error {
  override name = 'UsageError'
}
