// The floor: raw node:http answering the bytes syncweb answers for the same files, with nothing
// between the socket and res.end(). index.html is read once at start and every request gets the
// same buffer and the same headers syncweb sends for it (bench/static.js checks them against
// syncweb's before loading); an If-None-Match equal to its ETag gets a bare 304 with syncweb's
// 304 headers. big.bin is streamed with fs.createReadStream, as a plain node:http server would.
import etag from 'etag'
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { contentType } from 'mime-types'

const [root, port] = process.argv.slice(2)

// What syncweb adds to every file of a space's origin.
const ORIGIN = {
  'Content-Security-Policy':
    'sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads',
  'X-Content-Type-Options': 'nosniff',
}

function file(name) {
  const path = join(root, name)
  const stats = statSync(path)
  const validators = {
    'Cache-Control': 'no-cache',
    ETag: etag(stats),
    'Last-Modified': stats.mtime.toUTCString(),
    'Accept-Ranges': 'bytes',
  }
  return {
    path,
    etag: validators.ETag,
    ok: {
      ...ORIGIN,
      'Content-Type': contentType(name) || 'application/octet-stream',
      ...validators,
      'Content-Length': String(stats.size),
    },
    // What syncweb's 304 carries (RFC 9110 §15.4.5): the ETag and Cache-Control.
    notModified: { ETag: validators.ETag, 'Cache-Control': 'no-cache' },
  }
}

const index = file('index.html')
const indexBody = readFileSync(index.path)
const big = file('big.bin')

createServer((req, res) => {
  if (req.url === '/index.html') {
    if (req.headers['if-none-match'] === index.etag) res.writeHead(304, index.notModified).end()
    else res.writeHead(200, index.ok).end(indexBody)
  } else if (req.url === '/big.bin') {
    if (req.headers['if-none-match'] === big.etag) res.writeHead(304, big.notModified).end()
    else {
      res.writeHead(200, big.ok)
      createReadStream(big.path).pipe(res)
    }
  } else res.writeHead(404).end()
}).listen(Number(port), '127.0.0.1', () => console.log('ready'))
