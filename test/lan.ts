// Another device of the network, for tests: real clients that connect from a non-loopback
// address of this machine (its own, or one added to a dummy interface and removed afterwards)
// and name the gateway by a LAN name from allowedHosts.
import { execFileSync } from 'node:child_process'
import { request, type IncomingHttpHeaders } from 'node:http'
import { networkInterfaces } from 'node:os'

export const LAN_NAME = 'mypc.lan'

/**
 * A non-loopback IPv4 address of this machine, adding one to a dummy interface if need be;
 * test files that run at once pass different numbers, so that they add different interfaces.
 */
export function lanAddress(n = 0): { address: string; remove?: () => void } | undefined {
  for (const addresses of Object.values(networkInterfaces()))
    for (const a of addresses ?? [])
      if (a.family === 'IPv4' && !a.internal) return { address: a.address }
  try {
    const run = (...args: string[]) => execFileSync('ip', args, { stdio: 'ignore' })
    const [link, address] = [`syncweb-t${n}`, `198.51.100.${7 + n}`]
    run('link', 'add', link, 'type', 'dummy')
    run('addr', 'add', `${address}/32`, 'dev', link)
    run('link', 'set', link, 'up')
    return { address, remove: () => run('link', 'del', link) }
  } catch {
    return undefined
  }
}

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

export interface RequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
}

/** A device at `address` talking to the gateway on `port()`, by its LAN name. */
export function deviceClient(address: string, port: () => number) {
  const own = () => `http://${LAN_NAME}:${port()}`
  const fromDevice = (path: string, { method = 'GET', headers = {}, body }: RequestOptions = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const req = request(
        {
          host: address,
          localAddress: address,
          port: port(),
          path,
          method,
          headers: { Host: `${LAN_NAME}:${port()}`, ...headers },
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (d) => (text += d))
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  return {
    own,
    fromDevice,
    /** A JSON write from the gateway's own page on the device, with its cookie if paired. */
    post: (path: string, data: object, cookie?: string) =>
      fromDevice(path, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Origin: own(),
          'Sec-Fetch-Site': 'same-origin',
          ...(cookie ? { Cookie: cookie } : {}),
        },
        body: JSON.stringify(data),
      }),
    /** The pairing form sent with a code and a device name. */
    enterCode: (code: string, name: string) =>
      fromDevice('/pair', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: own() },
        body: new URLSearchParams({ code, name }).toString(),
      }),
  }
}
