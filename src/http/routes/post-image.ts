import { formatSize } from '../../render/format.js'

/** An image attached in the compose box: its bytes and the extension its content proves. */
export interface PostImage {
  bytes: Buffer
  ext: string
}

/** Why an attached image is refused, as the status and message the API answers with. */
export interface ImageRefusal {
  status: 400 | 413 | 415
  code: string
  message: string
}

/**
 * The formats a browser shows in an `<img>` without running anything. SVG is left out on
 * purpose: it is a document that can carry script, and the space serves it on the user's own
 * origin. The type is decided by the first bytes, never by the name or the declared type.
 */
const SIGNATURES: Array<{ ext: string; test: (b: Buffer) => boolean }> = [
  { ext: '.png', test: (b) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')) },
  { ext: '.jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { ext: '.gif', test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')) },
  {
    ext: '.webp',
    test: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' &&
      b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
]

const ACCEPTED = 'PNG, JPEG, GIF or WebP'

/**
 * Reads `"image": {"name"?, "data": BASE64}` from a post's JSON body. JSON rather than
 * multipart: the write guard accepts JSON only, which a page of another origin cannot send
 * without a preflight (a form post could).
 */
export function readPostImage(value: unknown, maxBytes: number): PostImage | ImageRefusal {
  const data = (value as { data?: unknown } | null)?.data
  if (typeof value !== 'object' || value === null || typeof data !== 'string')
    return bad('"image" must be {"data": "…base64…"}')
  // Base64 is 4 characters for 3 bytes: refuse an oversized image before decoding it. The
  // padding is counted by hand: /=+$/ backtracks over a run of "=" from each of its positions
  // (quadratic: minutes for a few hundred kilobytes of them).
  let end = data.length
  while (end > 0 && data.charCodeAt(end - 1) === 0x3d) end--
  const size = Math.floor((end * 3) / 4)
  if (size > maxBytes)
    return {
      status: 413,
      code: 'too_large',
      message: `the image is ${formatSize(size)}; an image is at most ${formatSize(maxBytes)} (limits.maxImageBytes)`,
    }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return bad('"image.data" is not base64')
  const bytes = Buffer.from(data, 'base64')
  if (bytes.length === 0) return bad('the image is empty')
  const ext = SIGNATURES.find((s) => s.test(bytes))?.ext
  if (!ext)
    return {
      status: 415,
      code: 'unsupported_image',
      message: `the image must be a ${ACCEPTED} file (SVG and other formats are not accepted)`,
    }
  return { bytes, ext }
}

function bad(message: string): ImageRefusal {
  return { status: 400, code: 'bad_request', message }
}
