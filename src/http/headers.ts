/** Headers that say how a response may run in the browser. DESIGN.md "Origins". */

/** A space's document loaded under the gateway's origin runs in an opaque origin. */
export const SANDBOX_CSP =
  'sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads'

/** The gateway's own pages: its scripts only, and nobody may frame them. */
export const GATEWAY_CSP =
  "default-src 'self'; img-src 'self' data:; media-src 'self'; script-src 'self'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

export const GATEWAY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': GATEWAY_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
})

/** Headers for anything a space serves, depending on the origin it is served from. */
export function spaceHeaders(onGatewayOrigin: boolean): Record<string, string> {
  return onGatewayOrigin
    ? { 'Content-Security-Policy': SANDBOX_CSP, 'X-Content-Type-Options': 'nosniff' }
    : { 'X-Content-Type-Options': 'nosniff' }
}
