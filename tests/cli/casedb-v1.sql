-- tests/cli/casedb-v1.sql: the case.db schema of version 1 (lib/casedb.sql as
-- it was up to commit 685b9b2), kept for t-case-runs: a version-1 case is
-- made with it to test the migration to version 2.  Do not edit.
-- case.db schema, version 1 (PRAGMA user_version = 1).  CONTRACT shared by
-- spoor-case (writes; owns migrations), the tools' -C CASE option (writes)
-- and spoor-report (reads only).  Times are ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ".
-- Additive changes only; anything else needs user_version 2 + a migration.

CREATE TABLE case_info (            -- exactly these keys:
  key   TEXT PRIMARY KEY,           -- 'case_id', 'examiner', 'created',
  value TEXT NOT NULL               -- 'spoor_version', 'description' (may be '')
);

CREATE TABLE exhibits (
  id              INTEGER PRIMARY KEY,
  exhibit         TEXT NOT NULL UNIQUE, -- examiner's exhibit ID, e.g. 'E01'
  path            TEXT NOT NULL,        -- absolute path when registered
  kind            TEXT NOT NULL,        -- 'image' | 'directory' | 'file' | 'device'
  size            INTEGER NOT NULL,     -- bytes (sum of files for a directory)
  md5             TEXT, sha1 TEXT,
  sha256          TEXT NOT NULL,        -- image/file: of the bytes; directory:
                                        -- of the sorted "sha256  relpath\n" list
  description     TEXT, received_from TEXT,
  acquisition_log TEXT,                 -- text of the spoor-acquire log if found
  acquired_json   TEXT,                 -- JSON facts from the acquisition (may be NULL)
  added           TEXT NOT NULL,
  custody_seq     INTEGER NOT NULL      -- seq of its 'received'/'acquired' event
);

CREATE TABLE runs (
  id           INTEGER PRIMARY KEY,
  tool         TEXT NOT NULL,          -- 'spoor-files', 'spoor-artifacts', ...
  version      TEXT NOT NULL,
  parameters   TEXT NOT NULL,          -- JSON array of the argv strings
  exhibit      TEXT,                   -- exhibits.exhibit, NULL if several/none
  input_sha256 TEXT,
  examiner     TEXT NOT NULL,
  started      TEXT NOT NULL,
  finished     TEXT,                   -- NULL while running / if it crashed
  exit_code    INTEGER,
  counts       TEXT,                   -- JSON object, e.g. {"files":12,"hits":1}
  custody_seq  INTEGER                 -- seq of its 'analysed' event
);

CREATE TABLE records (
  id      INTEGER PRIMARY KEY,         -- the RECORD-ID users tag
  run_id  INTEGER NOT NULL REFERENCES runs(id),
  exhibit TEXT NOT NULL,
  rtype   TEXT NOT NULL,               -- 'file' (spoor-files) | 'message' |
                                       -- 'contact' | 'call' | 'account'
  json    TEXT NOT NULL                -- the record exactly as the tool's JSONL
                                       -- line (no newline); query it with
                                       -- json_extract(); spoor-files known-bad
                                       -- hits carry their hashdb fields in it
);
CREATE INDEX records_rtype ON records(rtype, exhibit);
CREATE INDEX records_run ON records(run_id);

CREATE TABLE tags (
  id          INTEGER PRIMARY KEY,
  record_id   INTEGER NOT NULL REFERENCES records(id),
  label       TEXT NOT NULL,
  note        TEXT,
  examiner    TEXT NOT NULL,
  time        TEXT NOT NULL,
  custody_seq INTEGER NOT NULL
);
CREATE INDEX tags_record ON tags(record_id);
