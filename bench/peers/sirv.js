// The peer to beat: sirv 3 on plain node:http, as its README sets it up.
import { createServer } from 'node:http'
import sirv from 'sirv'

const [root, port] = process.argv.slice(2)
const serve = sirv(root, { etag: true, dotfiles: false })
createServer((req, res) => serve(req, res, () => res.writeHead(404).end())).listen(
  Number(port),
  '127.0.0.1',
  () => console.log('ready'),
)
