import { execFileSync } from 'node:child_process'
import { mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir, writeFiles } from './helpers.js'

export const SECRET = 'TOP-SECRET-SENTINEL-7f3a'

/**
 * A parent folder holding the space `alice`, a sibling `alice-evil` that shares her name as a
 * prefix, bob's space, a `secret.txt` one level above the spaces, and edge cases in file names.
 */
export async function makeSpaces() {
  const parent = await tempDir()
  const alice = join(parent, 'alice')
  const bob = join(parent, 'bob')
  const evil = join(parent, 'alice-evil')
  await writeFiles(parent, {
    'secret.txt': SECRET,
    'alice-evil/secret.txt': SECRET,
    'outside/secret.txt': SECRET,
    'bob/index.html': '<h1>Bob</h1>',
    'bob/private.txt': 'BOB-ONLY-SENTINEL',
  })
  await writeFiles(alice, {
    'index.html': '<!doctype html><title>Alice</title><link rel="stylesheet" href="/style.css">',
    'style.css': 'body { color: green }',
    'with space.md': '# Spaced out\n\nA file name with a space.',
    'fünke.txt': 'unicode name',
    '<b>.md': '# Angle\n\nA name with angle brackets.',
    'post.md': [
      '---',
      'title: Hello <World>',
      'date: 2026-05-01T10:00:00Z',
      'tags: [one, two]',
      '---',
      '',
      'Intro paragraph.',
      '',
      '## Second heading',
      '',
      '```js',
      'const answer = 42',
      '```',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
    ].join('\n'),
    'page.md': '# A page without a date\n\nJust a page.\n',
    'broken-front.md': '---\ntitle: [unclosed\n---\n\nStill shown.\n',
    'docs/index.md': '# Docs index',
    'site/index.htm': '<p>htm index</p>',
    'notes/a.txt': 'a',
    'notes/b.txt': 'bb',
    'notes/sub/c.txt': 'c',
    'notes/.hidden.txt': 'hidden',
    'notes/x.syncthing.tmp': 'PARTIAL-SENTINEL',
    'media/song.mp3': Buffer.alloc(64, 1),
    'media/clip.mp4': Buffer.alloc(64, 2),
    'media/pic.png': Buffer.alloc(64, 3),
    'about.html': '<p>about page</p>',
    'guide.md': '# Guide\n\nclean url markdown',
    '404.html': '<h1>Alice has no such page</h1>',
    'range.bin': Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256)),
    'empty.txt': '',
    'data.json': '{"a":1}',
    'image.svg': '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '.stfolder/marker': 'x',
    '.stversions/post~1.md': 'OLD-VERSION-SENTINEL',
    '.stignore': 'STIGNORE-SENTINEL',
    '.git/config': 'GIT-SENTINEL',
    '.sync/ID': 'RESILIO-SENTINEL',
    '.syncthing.draft.md.tmp': 'PARTIAL-SENTINEL',
    '~syncthing~draft.md.tmp': 'PARTIAL-SENTINEL',
    'upload.!sync': 'PARTIAL-SENTINEL',
    'movie.SyncPart': 'PARTIAL-SENTINEL',
    'movie.SyncTemp': 'PARTIAL-SENTINEL',
    'note.sync-conflict-20261101-101010-ABCDEFG.md': '# Conflict copy',
  })
  await mkdir(join(alice, 'emptydir'))
  await symlink(join(alice, 'style.css'), join(alice, 'link-inside.css'))
  await symlink(join(alice, 'notes'), join(alice, 'notes-link'))
  await symlink(join(parent, 'secret.txt'), join(alice, 'link-outside.txt'))
  await symlink('../secret.txt', join(alice, 'relative-outside.txt'))
  await symlink(join(parent, 'outside'), join(alice, 'dir-outside'))
  await symlink(join(bob, 'private.txt'), join(alice, 'link-to-bob.txt'))
  await symlink(join(alice, '.git', 'config'), join(alice, 'link-to-git'))
  await symlink(join(alice, 'loop-a'), join(alice, 'loop-b'))
  await symlink(join(alice, 'loop-b'), join(alice, 'loop-a'))
  execFileSync('mkfifo', [join(alice, 'pipe')])
  // The same kinds of entries in a folder without an index, to check what a listing shows.
  await mkdir(join(alice, 'links'))
  await symlink(join(alice, 'style.css'), join(alice, 'links', 'inside.css'))
  await symlink(join(parent, 'secret.txt'), join(alice, 'links', 'outside.txt'))
  await symlink(join(parent, 'outside'), join(alice, 'links', 'outside-dir'))
  await symlink(join(alice, '.git'), join(alice, 'links', 'git'))
  await symlink(join(alice, 'links', 'loop'), join(alice, 'links', 'loop'))
  execFileSync('mkfifo', [join(alice, 'links', 'pipe')])
  return { parent, alice, bob, evil, missing: join(parent, 'not-there') }
}
