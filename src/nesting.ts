import { CST, Lexer } from 'yaml'

/**
 * How deeply a friend's document may nest before we refuse to parse it. The parsers we use
 * recurse once per level (yaml's composer, marked's blockquotes, lists and emphasis): 1,200
 * levels of `[` overflow the stack, and V8 aborts the whole process ("RegExpCompiler Allocation
 * failed") when a regular expression is compiled while the stack is that deep — a worker thread
 * does not isolate it. Real documents nest a handful of levels; these checks are linear scans
 * that run before any recursive parser sees the text, so no input can get near the stack limit.
 */
export const MAX_NESTING = 64

/** Thrown (and turned into the file's problem) when a document nests deeper than allowed. */
export class NestingError extends Error {
  constructor(what: string, max: number) {
    super(`${what} nested too deeply (over ${max} levels)`)
    this.name = 'NestingError'
  }
}

/** The deepest `[`/`{` nesting of a JSON text, strings skipped; linear, never recursive. */
export function jsonDepth(text: string): number {
  let depth = 0
  let max = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i)
        if (s === 0x5c /* \ */) i++
        else if (s === 0x22) break
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) max = depth
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--
    }
  }
  return max
}

/**
 * JSON.parse behind the depth check. V8's parser is iterative, but what is done with the value
 * afterwards (stringify, structured clone, our own walks) is not.
 */
export function parseJson(text: string, what = 'JSON', max = MAX_NESTING): unknown {
  if (jsonDepth(text) > max) throw new NestingError(what, max)
  return JSON.parse(text)
}

const OPEN_FLOW = new Set(['flow-map-start', 'flow-seq-start'])
const CLOSE_FLOW = new Set(['flow-map-end', 'flow-seq-end'])
const BLOCK_INDICATORS = new Set(['seq-item-ind', 'explicit-key-ind', 'map-value-ind'])

/**
 * An upper bound of a YAML document's nesting, from yaml's own lexer (a state machine, linear
 * and not recursive): open flow collections, plus on each line its indentation and the block
 * indicators (`- `, `? `, `: `) it holds, each of which can open a level.
 */
export function yamlDepth(text: string): number {
  let flow = 0
  let line = 0
  let max = 0
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token)
    if (!type) continue
    if (OPEN_FLOW.has(type)) flow++
    else if (CLOSE_FLOW.has(type)) flow = Math.max(0, flow - 1)
    else if (type === 'newline') line = 0
    else if (type === 'space' && line === 0) line = Math.ceil(token.length / 2)
    else if (BLOCK_INDICATORS.has(type)) line++
    if (flow + line > max) max = flow + line
  }
  return max
}

/**
 * An upper bound of how deeply marked would recurse on a Markdown text. Block containers: per
 * line, the `>` and list markers it opens, plus its indentation when it opens one (that is how
 * lists nest). Emphasis (`*`, `_`, `~`): a level needs an opening run and a closing one, so a
 * paragraph nests at most as deep as the smaller of the two counts (unclosed `*p` in C code
 * does not count). Inside a fenced code block only containers count; a change of containers
 * ends the fence, as it does for marked.
 */
export function markdownDepth(text: string): number {
  let max = 0
  let opens = 0
  let closes = 0
  let fence: { char: number; length: number; containers: number } | undefined
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    let i = start
    let indent = 0
    let containers = 0
    for (; i < end; i++) {
      const c = text.charCodeAt(i)
      if (c === 0x20) indent++
      else if (c === 0x09) indent += 4
      else if (c === 0x3e /* > */) containers++
      else if ((c === 0x2d || c === 0x2a || c === 0x2b) && isBlank(text.charCodeAt(i + 1))) {
        containers++
      } else if (isDigit(c)) {
        let j = i
        while (j < end && j - i < 9 && isDigit(text.charCodeAt(j))) j++
        const mark = text.charCodeAt(j)
        if ((mark !== 0x2e && mark !== 0x29) || !isBlank(text.charCodeAt(j + 1))) break
        containers++
        i = j
      } else break
    }
    max = Math.max(max, containers + (containers ? Math.ceil(indent / 2) : 0))
    if (fence && containers !== fence.containers) fence = undefined
    const c = text.charCodeAt(i)
    if (c === 0x60 || c === 0x7e) {
      let j = i
      while (j < end && text.charCodeAt(j) === c) j++
      if (j - i >= 3) {
        if (!fence) fence = { char: c, length: j - i, containers }
        else if (c === fence.char && j - i >= fence.length) fence = undefined
        start = end + 1
        continue
      }
    }
    if (i >= end) opens = closes = 0 // a blank line ends the paragraph
    if (!fence) {
      for (; i < end; i++) {
        const ch = text.charCodeAt(i)
        if (ch === 0x5c /* \\ */) {
          i++ // an escaped character opens and closes nothing
          continue
        }
        if (ch !== 0x2a && ch !== 0x5f && ch !== 0x7e) continue
        let j = i
        while (j < end && text.charCodeAt(j) === ch) j++
        const before = i === start ? 0x20 : text.charCodeAt(i - 1)
        const after = j === end ? 0x20 : text.charCodeAt(j)
        if (!isBlank(after)) opens += j - i
        if (!isBlank(before)) closes += j - i
        i = j - 1
      }
      max = Math.max(max, Math.min(opens, closes))
    }
    start = end + 1
  }
  return max
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || Number.isNaN(c)
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

// Elements that never hold others, and those whose end tag is implied by the next sibling (a
// parser closes them itself): neither makes the open-element stack deeper.
const VOID = new Set(
  'area base br col embed hr img input link meta param source track wbr'.split(' '),
)
const IMPLIED_END = new Set(
  'p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rp'.split(' '),
)
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)|<!--/g

/**
 * An upper bound of how many elements of an HTML fragment are open at once. htmlparser2 (under
 * sanitize-html) scans its stack of open elements on every end tag: 40,000 `<b>` then 40,000
 * `</i>` took 1.8 s of a worker. Comments are skipped; `/>` is ignored (counted as open).
 */
export function htmlDepth(html: string): number {
  let depth = 0
  let max = 0
  TAG.lastIndex = 0
  for (let match = TAG.exec(html); match; match = TAG.exec(html)) {
    if (match[0] === '<!--') {
      const end = html.indexOf('-->', match.index + 4)
      if (end === -1) break
      TAG.lastIndex = end + 3
      continue
    }
    const name = match[2]!.toLowerCase()
    if (VOID.has(name) || IMPLIED_END.has(name)) continue
    if (match[1]) depth = Math.max(0, depth - 1)
    else if (++depth > max) max = depth
  }
  return max
}
