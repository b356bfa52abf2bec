/**
 * The on-disk index (docs/index.md describes it for people). A cache of the folders: anything
 * here can be rebuilt from them, so a file of another version is moved aside, never migrated.
 */
export const SCHEMA_VERSION = 5
/** 'swix' in the SQLite header: a database that says it is not ours is never touched. */
export const APPLICATION_ID = 0x73776978

/** The tables: written once, by a gateway that finds the file empty. */
export const TABLES = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE files (
  space TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER,
  mtime REAL,
  ino INTEGER,
  problem TEXT,
  facts TEXT,
  PRIMARY KEY (space, path)
) WITHOUT ROWID;
-- key: the document's place in the full-text index (its rowid there), in the order documents
-- reached this gateway (Statements #key): search's newest-first order is a read of it.
CREATE TABLE docs (
  rowid INTEGER PRIMARY KEY,
  key INTEGER NOT NULL,
  title TEXT,
  body TEXT NOT NULL,
  -- The space, as one token for the full-text index (spaceToken): search's space= filter.
  within TEXT NOT NULL
);
CREATE TABLE items (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  space TEXT NOT NULL,
  path TEXT NOT NULL,
  kind TEXT NOT NULL,
  date INTEGER NOT NULL,
  shown INTEGER NOT NULL,
  ref TEXT NOT NULL,
  reply_ref TEXT,
  reply_file TEXT,
  arrived INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE TABLE tags (
  tag TEXT NOT NULL COLLATE NOCASE,
  item INTEGER NOT NULL,
  PRIMARY KEY (tag, item)
) WITHOUT ROWID;
CREATE TABLE mentions (
  token TEXT NOT NULL,
  item INTEGER NOT NULL,
  PRIMARY KEY (token, item)
) WITHOUT ROWID;
-- Replies are few: these stay current from the start, so that threads are found while a first
-- build is still running.
CREATE INDEX items_reply_ref ON items(reply_ref) WHERE reply_ref IS NOT NULL;
CREATE INDEX items_reply_file ON items(reply_file) WHERE reply_file IS NOT NULL;
-- The timeline's order, current from the start too: without it each page asked for during a
-- first build read every item (GET / took 260 ms at a million, polled every 0.2 s it stretched the
-- build from 73 to 196 s); kept during the build it costs nothing measurable.
CREATE INDEX items_order ON items(shown DESC, id);
CREATE TABLE pages (
  rowid INTEGER PRIMARY KEY,
  space TEXT NOT NULL,
  path TEXT NOT NULL
);
CREATE VIRTUAL TABLE search USING fts5(
  title, body, within,
  content='docs', content_rowid='key',
  tokenize='unicode61 remove_diacritics 2'
);
`

/**
 * What a first build does without, and adds once it is done, one statement a turn: random
 * inserts into these indexes and the full-text index cost 30 s of a million items; built at the
 * end they cost 6. The full-text index comes after them (fill-search.ts).
 */
export const INDEXES = [
  'CREATE INDEX IF NOT EXISTS items_id ON items(id)',
  // Made with the tables now; here for an index whose first build began before that.
  'CREATE INDEX IF NOT EXISTS items_order ON items(shown DESC, id)',
  'CREATE INDEX IF NOT EXISTS items_space ON items(space, shown DESC, id)',
  'CREATE INDEX IF NOT EXISTS items_file ON items(space, path)',
  'CREATE INDEX IF NOT EXISTS items_ref ON items(ref, date, id)',
  'CREATE INDEX IF NOT EXISTS items_arrived ON items(arrived)',
  'CREATE UNIQUE INDEX IF NOT EXISTS pages_file ON pages(space, path)',
]

const INSERT_DOC = `INSERT INTO search(rowid, title, body, within) VALUES (new.key, new.title, new.body, new.within);`
const DELETE_DOC = `INSERT INTO search(search, rowid, title, body, within) VALUES ('delete', old.key, old.title, old.body, old.within);`

/** How far a first build has filled the full-text index: the greatest key in it, in `meta`. */
export const FILLED = 'filled'

/**
 * The start of a first build's full-text index, filled in key order a chunk at a time up to
 * `last`, the greatest key when it starts (fill-search.ts). Any earlier attempt is wiped first.
 * Meanwhile triggers keep it whole: a new document (its key is after `last`, Statements #key)
 * goes in at once; one removed goes out if it was in, that is if its key is after `last` or not
 * after FILLED.
 */
export const startFill = (last: number) => `
DROP TRIGGER IF EXISTS docs_insert;
DROP TRIGGER IF EXISTS docs_delete;
INSERT INTO search(search) VALUES ('delete-all');
INSERT OR REPLACE INTO meta (key, value) VALUES ('${FILLED}', -1);
CREATE TRIGGER docs_insert AFTER INSERT ON docs WHEN new.key > ${last} BEGIN
  ${INSERT_DOC}
END;
CREATE TRIGGER docs_delete AFTER DELETE ON docs
WHEN old.key > ${last} OR old.key <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = '${FILLED}') BEGIN
  ${DELETE_DOC}
END;`

/** Once every document is in: the triggers that keep the full-text index whole from then on. */
export const END_FILL = `
DROP TRIGGER IF EXISTS docs_insert;
DROP TRIGGER IF EXISTS docs_delete;
DELETE FROM meta WHERE key = '${FILLED}';
CREATE TRIGGER docs_insert AFTER INSERT ON docs BEGIN
  ${INSERT_DOC}
END;
CREATE TRIGGER docs_delete AFTER DELETE ON docs BEGIN
  ${DELETE_DOC}
END;`

/**
 * Made whenever an index is opened (a new one, or one made before they existed): they hold only
 * the few files with a problem or with facts, so keeping them current costs a build nothing.
 * Without them, a space's problems were read through its whole primary key range: 1,000 files
 * of one space scanned per question, 300 ms of each home page at 1,000 spaces.
 */
export const FILE_INDEXES = `
CREATE INDEX IF NOT EXISTS files_problems ON files(space, path) WHERE problem IS NOT NULL;
CREATE INDEX IF NOT EXISTS files_facts ON files(space, path) WHERE facts IS NOT NULL;
`

/**
 * Made whenever an index is opened too (left-out.ts): files whose items a space at its limit
 * leaves out. Few rows, unless a space floods; none in most indexes.
 */
export const LEFT_OUT = `
CREATE TABLE IF NOT EXISTS left_out (
  space TEXT NOT NULL,
  path TEXT NOT NULL,
  shown INTEGER NOT NULL,
  PRIMARY KEY (space, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS left_out_newest ON left_out(space, shown DESC);
`

/** Made before INDEXES (Statements.sealKeys): the full-text index is built in its order. */
export const DOCS_KEY = 'CREATE UNIQUE INDEX IF NOT EXISTS docs_key ON docs(key)'

/**
 * Keys a first build gave twice (two documents of one millisecond whose counters met, which a
 * crafted folder can arrange): the later ones move after every other key, then docs_key is made.
 */
export const DOCS_KEY_FIX = `UPDATE docs SET key = (SELECT max(key) FROM docs) + rowid
  WHERE rowid NOT IN (SELECT min(rowid) FROM docs GROUP BY key)`

/** In `meta` once INDEXES ran: the index is whole, and kept whole by its triggers. */
export const BUILT = 'built'
