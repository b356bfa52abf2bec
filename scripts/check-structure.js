// npm test runs this: the layout rules of README "Architecture" that a tool can check.
// - no import cycle between modules of src/ (type-only imports included: they still tie a
//   module to another's shape, and a cycle through types hides a cycle of ideas);
// - no module over 250 lines (tests beside the modules excepted).
// Imports are read with the TypeScript compiler's own scanner, not with patterns.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SRC = join(ROOT, 'src')
const MAX_LINES = 250

function modules(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return modules(path)
    return entry.name.endsWith('.ts') && !/\.test(-helpers)?\.ts$/.test(entry.name) ? [path] : []
  })
}

const files = modules(SRC)
const graph = new Map()
const problems = []
for (const file of files) {
  const text = readFileSync(file, 'utf8')
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
  if (lines > MAX_LINES)
    problems.push(`${relative(ROOT, file)} has ${lines} lines (at most ${MAX_LINES})`)
  const { importedFiles } = ts.preProcessFile(text, true, true)
  graph.set(
    file,
    importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts'))),
  )
}

// Tarjan's strongly connected components: any component of more than one module is a cycle.
let counter = 0
const index = new Map()
const low = new Map()
const stack = []
const onStack = new Set()
function connect(node) {
  index.set(node, counter)
  low.set(node, counter++)
  stack.push(node)
  onStack.add(node)
  for (const next of graph.get(node) ?? []) {
    if (!graph.has(next)) continue
    if (!index.has(next)) {
      connect(next)
      low.set(node, Math.min(low.get(node), low.get(next)))
    } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)))
  }
  if (low.get(node) === index.get(node)) {
    const component = []
    let member
    do {
      member = stack.pop()
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1) {
      problems.push(`import cycle: ${component.map((f) => relative(ROOT, f)).join(' ↔ ')}`)
    }
  }
}
for (const file of graph.keys()) if (!index.has(file)) connect(file)

if (problems.length) {
  console.error(`check-structure: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(
  `check-structure: ${files.length} modules, no import cycle, none over ${MAX_LINES} lines`,
)
