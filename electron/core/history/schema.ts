/** Bump when the tables change: an index of another version is dropped and rebuilt from the log. */
export const SCHEMA_VERSION = 2;

/**
 * `lines`: where every record of the log sits (seq → segment, offset, length), with the two
 * fields the raw-log view filters by. The records themselves stay in the JSONL segments.
 * `calls`: one row per call record, its filterable fields and the outcome joined in from its
 * result record. `calls_text`: a contentless FTS5 index (rowid = the call's seq) of the words a
 * call can be found by. Every secondary index ends in seq so "newest first" is an index walk.
 * Each index costs every append a B-tree insert, so only selective columns have one: a two-valued
 * column (decision) and the raw-log view's filters are answered by seq-window scans instead.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lines (
  seq INTEGER PRIMARY KEY,
  seg INTEGER NOT NULL,
  off INTEGER NOT NULL,
  len INTEGER NOT NULL,
  type INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  server TEXT,
  target TEXT
);
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY,
  call TEXT NOT NULL,
  ts INTEGER NOT NULL,
  host TEXT NOT NULL,
  server TEXT NOT NULL,
  method TEXT NOT NULL,
  tool TEXT NOT NULL,
  decision TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  outcome TEXT NOT NULL,
  result_seq INTEGER
);
CREATE INDEX IF NOT EXISTS calls_call ON calls(call);
CREATE INDEX IF NOT EXISTS calls_ts ON calls(ts);
CREATE INDEX IF NOT EXISTS calls_server ON calls(server, seq);
CREATE INDEX IF NOT EXISTS calls_tool ON calls(tool, seq);
CREATE INDEX IF NOT EXISTS calls_host ON calls(host, seq);
CREATE INDEX IF NOT EXISTS calls_decided_by ON calls(decided_by, seq);
CREATE INDEX IF NOT EXISTS calls_outcome ON calls(outcome, seq);
CREATE VIRTUAL TABLE IF NOT EXISTS calls_text USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
`;

export const RECORD_TYPE = { call: 0, result: 1, event: 2 } as const;
