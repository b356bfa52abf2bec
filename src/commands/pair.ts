import { findConfigFile, loadConfig } from '../config/config.js'
import { DeviceRegistry, type DeviceView } from '../state/devices.js'
import { stateHome } from '../state/home.js'
import { readRuntime, type RuntimeInfo } from '../state/runtime.js'
import { UsageError } from '../usage-error.js'

/** A call to the running gateway's API, as its own page would make it (origin, token). */
async function call<T>(gateway: RuntimeInfo, method: 'GET' | 'POST', path: string, body?: object) {
  const origin = `http://127.0.0.1:${gateway.port}`
  const res = await fetch(origin + path, {
    method,
    headers: {
      Origin: origin,
      'Content-Type': 'application/json',
      'X-Syncweb-Token': gateway.token,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  const answer = (await res.json().catch(() => ({}))) as T & { error?: { message: string } }
  if (!res.ok) {
    const message = answer.error?.message ?? `the gateway answered ${res.status}`
    // A refusal (4xx) is about what was asked, as a usage error is; anything else is a failure.
    throw res.status < 500
      ? Object.assign(new UsageError(message), { status: res.status })
      : new Error(message)
  }
  return answer
}

const running = async () => {
  const gateway = await readRuntime(stateHome())
  if (!gateway)
    throw new UsageError('no gateway is running here: start it with syncweb serve, then pair')
  return gateway
}

/**
 * `syncweb pair`: a one-time code for a device of the network, from the running gateway; then
 * waits (unless --no-wait) until a device has used it.
 */
export async function pair(options: { configFlag?: string; wait: boolean }): Promise<number> {
  const gateway = await running()
  const before = new Set(
    (await call<{ devices: DeviceView[] }>(gateway, 'GET', '/api/devices')).devices.map(
      (d) => d.id,
    ),
  )
  const { code, expires, urls } = await call<{ code: string; expires: string; urls: string[] }>(
    gateway,
    'POST',
    '/api/pair',
    {},
  )
  const config = await loadConfig(findConfigFile(options.configFlag)).catch(() => undefined)
  const minutes = Math.round((Date.parse(expires) - Date.now()) / 60_000)
  const out = [
    `Pairing code: ${code.slice(0, 3)} ${code.slice(3)}  (for one device, good for ${minutes} minutes)`,
    '',
  ]
  if (urls.length) {
    out.push(
      'On the device, open',
      ...urls.map((u) => `  ${u}`),
      'and enter the code and a name for the device.',
    )
  } else {
    out.push(
      `This gateway answers only this computer (it listens on ${config?.host ?? gateway.host}).`,
      `To reach it from another device: in ${config?.file ?? findConfigFile(options.configFlag)},`,
      'set "host": "0.0.0.0" and add the name the device uses for this computer to "allowedHosts"',
      '(for example "allowedHosts": ["mypc.lan"], or its address), restart syncweb, run',
      `syncweb pair again (a restart forgets this code), and open http://THAT-NAME:${gateway.port}/pair`,
      'on the device. README, "Reading on your phone", has the steps.',
    )
  }
  process.stdout.write(out.join('\n') + '\n')
  if (!options.wait) return 0
  process.stdout.write('Waiting for the device… (Ctrl-C to stop; the code stays valid)\n')
  while (Date.now() < Date.parse(expires)) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const { devices } = await call<{ devices: DeviceView[] }>(gateway, 'GET', '/api/devices')
    const added = devices.find((d) => !before.has(d.id))
    if (added) {
      process.stdout.write(
        `Paired: ${added.name}. It can post and reply; revoke it with syncweb devices --revoke "${added.name}".\n`,
      )
      return 0
    }
  }
  process.stdout.write('The code expired before a device used it; run syncweb pair again.\n')
  return 1
}

/** `syncweb devices [--revoke NAME] [--json]`: through the running gateway, or the file itself. */
export async function devices(options: { revoke?: string; json: boolean }): Promise<number> {
  const gateway = await readRuntime(stateHome())
  const registry = gateway ? undefined : new DeviceRegistry(stateHome())
  if (options.revoke !== undefined) {
    const revoked = gateway
      ? await call<{ revoked: string[] }>(gateway, 'POST', '/api/devices/revoke', {
          device: options.revoke,
        }).then(
          (answer) => answer.revoked,
          (error: { status?: number }) => (error.status === 404 ? [] : Promise.reject(error)),
        )
      : await registry!.revoke(options.revoke)
    if (!revoked.length)
      throw new UsageError(`no paired device named ${options.revoke}; syncweb devices lists them`)
    process.stdout.write(`Revoked ${revoked.join(', ')}: refused from now on.\n`)
    return 0
  }
  const list = gateway
    ? (await call<{ devices: DeviceView[] }>(gateway, 'GET', '/api/devices')).devices
    : registry!.list()
  if (options.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n')
  else if (!list.length) process.stdout.write('No paired devices. Pair one with syncweb pair.\n')
  else
    for (const d of list)
      process.stdout.write(
        `${d.name.padEnd(24)} paired ${d.paired.slice(0, 10)}${d.lastSeen ? `, last seen ${d.lastSeen.slice(0, 16).replace('T', ' ')}` : ''}  (${d.id})\n`,
      )
  return 0
}
