import { describe, expect, it } from 'vitest'
import type { Addressee } from './host.js'
import { routeOf, type RouteRules } from './route.js'

const rules: RouteRules = { isolation: 'subdomain', isSpace: (name) => name === 'alice' }
const gateway: Addressee = { kind: 'gateway', port: '4747' }
const onAlice: Addressee = { kind: 'space', name: 'alice', port: '4747' }
const route = (
  target: string,
  options: Partial<{ method: string; to: Addressee; nav: boolean; rules: RouteRules }> = {},
) =>
  routeOf(
    options.method ?? 'GET',
    target,
    options.to ?? gateway,
    options.nav ?? false,
    options.rules ?? rules,
  )

describe('routeOf, the one decision of what a request is', () => {
  it('leaves the gateway its own routes', () => {
    expect(route('/timeline.json?limit=5')).toEqual({ kind: 'gateway' })
    expect(route('/')).toEqual({ kind: 'gateway' })
  })

  it('serves /@alice/PATH sandboxed on the gateway origin, the raw path as sent', () => {
    expect(route('/@Alice/posts/%C3%BC.md?raw')).toEqual({
      kind: 'space',
      name: 'alice',
      rawPath: '/posts/%C3%BC.md',
      search: '?raw',
      onGatewayOrigin: true,
    })
  })

  it('redirects a browser navigation to the space origin (307), query kept', () => {
    expect(route('/@alice/a/b?x=1', { nav: true })).toEqual({
      kind: 'redirect',
      status: 307,
      location: 'http://alice.localhost:4747/a/b?x=1',
    })
    expect(route('/@alice', { nav: true })).toMatchObject({
      location: 'http://alice.localhost:4747/',
    })
  })

  it('keeps navigations under /@alice/ with "isolation": "sandbox"', () => {
    const sandbox = { ...rules, isolation: 'sandbox' as const }
    expect(route('/@alice/a', { nav: true, rules: sandbox })).toMatchObject({ kind: 'space' })
  })

  it('adds the slash to /@alice', () => {
    expect(route('/@alice?x')).toEqual({ kind: 'redirect', status: 302, location: '/@alice/?x' })
  })

  it('names an unknown or malformed space as written', () => {
    expect(route('/@bob/x')).toEqual({ kind: 'no-such-space', name: 'bob' })
    expect(route('/@-x-/y')).toEqual({ kind: 'no-such-space', name: '-x-' })
  })

  it('refuses writes to a space on either origin', () => {
    expect(route('/@alice/x', { method: 'POST' })).toEqual({ kind: 'read-only' })
    expect(route('/x', { method: 'DELETE', to: onAlice })).toEqual({ kind: 'read-only' })
  })

  it('gives every path of NAME.localhost to that space, /@bob/ included', () => {
    expect(route('/@bob/x', { to: onAlice })).toEqual({
      kind: 'space',
      name: 'alice',
      rawPath: '/@bob/x',
      search: '',
      onGatewayOrigin: false,
    })
  })
})
