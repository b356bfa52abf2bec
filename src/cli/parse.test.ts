import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../cli.js'
import { optionsOf } from './define.js'
import { commandHelp, mainHelp, usageLine, WIDTH } from './help.js'
import { decide } from './parse.js'

const run = (argv: string[]) => decide(argv, COMMANDS)
const names = Object.keys(COMMANDS)

describe('decide', () => {
  it('runs serve when no command is given', () => {
    expect(run([])).toEqual({ kind: 'run', command: 'serve', values: {}, args: [] })
    expect(run(['--port', '0'])).toMatchObject({ command: 'serve', values: { port: '0' } })
  })

  it('takes options before or after the command and its arguments', () => {
    const expected = { kind: 'run', command: 'follow', args: ['a', 'b'], values: { config: 'c' } }
    expect(run(['--config', 'c', 'follow', 'a', 'b'])).toEqual(expected)
    expect(run(['follow', 'a', '--config', 'c', 'b'])).toEqual(expected)
    expect(run(['follow', 'a', 'b', '--config=c'])).toEqual(expected)
  })

  it('takes a text that starts with a dash after --', () => {
    expect(run(['post', '--', '-5 degrees'])).toMatchObject({ args: ['-5 degrees'] })
  })

  it('collects a repeated option', () => {
    expect(run(['profile', '--link', 'a', '--link', 'b'])).toMatchObject({
      values: { link: ['a', 'b'] },
    })
  })

  it('answers --version, -v, --help, help and help COMMAND', () => {
    expect(run(['--version'])).toEqual({ kind: 'version' })
    expect(run(['-v'])).toEqual({ kind: 'version' })
    expect(run(['--help'])).toEqual({ kind: 'help' })
    expect(run(['help'])).toEqual({ kind: 'help' })
    expect(run(['help', 'follow'])).toEqual({ kind: 'help', command: 'follow' })
    expect(run(['follow', '-h'])).toEqual({ kind: 'help', command: 'follow' })
    expect(() => run(['help', 'folow'])).toThrow('unknown command "folow" (did you mean follow?)')
  })

  it.each(names)('%s: refuses an unknown option, and suggests the one meant', (name) => {
    const args = (COMMANDS[name]!.args ?? []).map((a) => a.name.split('|')[0]!)
    expect(() => run([name, ...args, '--bogus'])).toThrow(
      `unknown option --bogus; run syncweb ${name} --help to see the options`,
    )
    for (const key of Object.keys(optionsOf(COMMANDS[name]!))) {
      const typo = key[1] + key[0]! + key.slice(2)
      expect(() => run([name, ...args, `--${typo}`]), `--${typo}`).toThrow(
        `unknown option --${typo} (did you mean --${key}?)`,
      )
    }
  })

  it.each(names)('%s: says which option needs a value', (name) => {
    const command = COMMANDS[name]!
    for (const [key, spec] of Object.entries(optionsOf(command))) {
      if (spec.type !== 'string') continue
      expect(() => run([name, `--${key}`])).toThrow(
        `option --${key} needs a value: --${key} ${spec.value}`,
      )
      expect(() => run([name, `--${key}`, '--help'])).toThrow(`option --${key} needs a value`)
    }
  })

  it('refuses a value for a flag, a mistyped command, and a wrong number of arguments', () => {
    expect(() => run(['spaces', '--json=yes'])).toThrow('option --json takes no value')
    expect(() => run(['--prot', '1'])).toThrow('unknown option --prot (did you mean --port?)')
    expect(() => run(['folow', 'a', 'b'])).toThrow('unknown command "folow" (did you mean follow?)')
    expect(() => run(['follow', 'a'])).toThrow('missing FOLDER; usage: syncweb follow NAME FOLDER')
    expect(() => run(['post', 'a', 'b'])).toThrow('unexpected argument "b"')
  })

  it('gives an option the same type in every command (the first pass reads them all)', () => {
    const types = new Map<string, string>()
    for (const command of Object.values(COMMANDS)) {
      for (const [key, spec] of Object.entries(optionsOf(command))) {
        expect(types.get(key) ?? spec.type, key).toBe(spec.type)
        types.set(key, spec.type)
      }
    }
  })
})

describe('help', () => {
  const texts = [mainHelp(COMMANDS, '1.2.3'), ...names.map((n) => commandHelp(n, COMMANDS[n]!))]

  it(`fits every line of every help text in ${WIDTH} columns`, () => {
    for (const text of texts) {
      for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(WIDTH)
    }
  })

  it.each(names)('%s: describes every option and argument, with examples', (name) => {
    const command = COMMANDS[name]!
    const help = commandHelp(name, command)
    expect(help).toContain(`Usage: syncweb ${name}`)
    for (const [key, spec] of Object.entries(optionsOf(command))) {
      const label = spec.type === 'string' ? `--${key} ${spec.value}` : `--${key}`
      expect(help).toMatch(new RegExp(`^  (-\\w, )?${label.replace(/[.$]/g, '\\$&')}\\b`, 'm'))
      expect(spec.help.length).toBeGreaterThan(10)
      if (key !== 'help') expect(usageLine(name, command)).toContain(`[${label}]`)
    }
    for (const arg of command.args ?? []) expect(help).toContain(`  ${arg.name}  `)
    expect(help).toContain('Examples:\n  syncweb ' + name)
  })

  it('lists every command in the main help', () => {
    for (const name of names) expect(texts[0]).toMatch(new RegExp(`^  ${name} +\\w`, 'm'))
  })
})
