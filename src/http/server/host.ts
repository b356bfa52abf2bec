/**
 * Who a request is addressed to, decided once from its `Host` header. `remote`: a name from
 * `allowedHosts` (the gateway as other devices of the network reach it), not a loopback name.
 */
export type Addressee =
  { kind: 'gateway'; port: string; remote?: true } | { kind: 'space'; name: string; port: string }

export interface HostRules {
  isSpace(name: string): boolean
  allowedHosts: readonly string[]
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/

/**
 * Classifies a `Host` header, or returns undefined when the gateway must not answer it.
 * Only loopback names, `NAME.localhost` for a followed NAME and the configured `allowedHosts`
 * are answered: a page on any other name that resolves to 127.0.0.1 (DNS rebinding) gets 403.
 */
export function classifyHost(header: string | undefined, rules: HostRules): Addressee | undefined {
  if (!header) return undefined
  const match = HOST.exec(header.toLowerCase())
  if (!match) return undefined
  const hostname = match[1]!
  const port = match[2] ?? ''
  if (LOOPBACK.has(hostname)) return { kind: 'gateway', port }
  if (rules.allowedHosts.includes(hostname)) return { kind: 'gateway', port, remote: true }
  if (hostname.endsWith('.localhost')) {
    const name = hostname.slice(0, -'.localhost'.length)
    if (rules.isSpace(name)) return { kind: 'space', name, port }
  }
  return undefined
}

/** `http://localhost:PORT`: where the gateway's own pages and assets live. */
export function gatewayOrigin(port: string): string {
  return `http://localhost${port ? ':' + port : ''}`
}

/** `http://NAME.localhost:PORT`: the space's own origin. */
export function spaceOrigin(name: string, port: string): string {
  return `http://${name}.localhost${port ? ':' + port : ''}`
}
