import { describe, expect, it } from 'vitest'
import {
  htmlDepth,
  jsonDepth,
  markdownDepth,
  NestingError,
  parseJson,
  yamlDepth,
} from './nesting.js'

describe('nesting bounds, before any recursive parser runs', () => {
  it('measures JSON, skipping brackets inside strings', () => {
    expect(jsonDepth('{"a": [1, {"b": "[[[[{{{{"}]}')).toBe(3)
    expect(jsonDepth('['.repeat(100_000))).toBe(100_000)
    expect(() => parseJson('['.repeat(65) + ']'.repeat(65))).toThrow(NestingError)
    expect(parseJson('{"a": [1]}')).toEqual({ a: [1] })
  })

  it('measures YAML flow and block nesting with yaml’s own lexer', () => {
    expect(yamlDepth('title: x\ntags:\n  - a\n  - b\n')).toBeLessThan(5)
    for (const deep of [
      '['.repeat(1200),
      '{a: '.repeat(1200),
      '- '.repeat(1200),
      '? '.repeat(1200),
    ]) {
      expect(yamlDepth(deep)).toBeGreaterThan(1000)
    }
  })

  it('over-counts Markdown containers and emphasis, never under-counts', () => {
    expect(markdownDepth('# Title\n\nA *b* **c** paragraph.\n\n- one\n  - two\n')).toBeLessThan(6)
    expect(markdownDepth('>'.repeat(5000) + ' x')).toBeGreaterThanOrEqual(5000)
    expect(markdownDepth('- '.repeat(3000) + 'x')).toBeGreaterThanOrEqual(3000)
    expect(markdownDepth('*a '.repeat(2000) + 'x' + ' a*'.repeat(2000))).toBeGreaterThanOrEqual(
      2000,
    )
    // Unclosed emphasis (C pointers) does not nest; neither does code in a fence.
    expect(markdownDepth('int *a; '.repeat(500))).toBe(0)
    expect(markdownDepth('\\*'.repeat(5000) + 'a*')).toBeLessThan(2)
    expect(markdownDepth('```\n' + '*a '.repeat(500) + ' a*'.repeat(500) + '\n```\n')).toBe(0)
  })
})

describe('htmlDepth', () => {
  it('counts open elements, not void ones, implied ends or comments', () => {
    expect(htmlDepth('<div><p>a<p>b<ul><li>x<li>y</ul><img src=x><br></div>')).toBe(2)
    expect(htmlDepth('<!-- <div><div><div> -->' + '<b>x</b>'.repeat(1000))).toBe(1)
    expect(htmlDepth('<b>'.repeat(40_000) + '</i>'.repeat(40_000))).toBe(40_000)
  })
})
