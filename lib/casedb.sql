-- case.db schema, version 2 (PRAGMA user_version = 2).  CONTRACT shared by
-- spoor-case (writes; owns migrations), the tools' -C CASE option (writes)
-- and spoor-report (reads only).  Times are ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ".
-- Additive changes only; anything else needs a user_version bump + a migration.
-- Version 2 (migrated from 1 in lib/casedb.c): runs.state,
-- runs.replaced_by, runs.exhibits and exhibits.media_json are added; the
-- table `records` became `record_rows`, and `records` is now a view of the
-- rows of committed runs, with the same columns, so readers read it as
-- before.  A run's rows are written while it runs and become findings
-- only when the run is committed, in one transaction with its custody
-- event (an UPDATE of its state, however many rows it has).

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
  custody_seq     INTEGER NOT NULL,     -- seq of its 'received'/'acquired' event
  media_json      TEXT                  -- a container's media (EWF; split raw,
                                        -- VMDK, VHD): stored and computed
                                        -- hashes, verdict; NULL otherwise
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
  custody_seq  INTEGER,                -- seq of its 'analysed' event (committed,
                                       -- replaced) or 'discarded' event
  state        TEXT,                   -- 'running' (finished NULL: working,
                                       -- or abandoned by a killed tool) |
                                       -- 'committed' (its records are in
                                       -- `records`) | 'replaced' (by the run
                                       -- replaced_by; no records) |
                                       -- 'discarded' (interrupted, failed or
                                       -- removed; no records)
  replaced_by  INTEGER,                -- runs.id of the run that replaced it
  exhibits     TEXT                    -- JSON array of the exhibits it covers
);

CREATE TABLE record_rows (           -- every run's records; read `records`
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
CREATE INDEX records_rtype ON record_rows(rtype, exhibit);
CREATE INDEX records_run ON record_rows(run_id);

-- The findings: the records of committed runs (a running, discarded or
-- replaced run's rows are never seen here; those of discarded and
-- replaced runs are deleted soon after).
CREATE VIEW records AS
  SELECT r.id, r.run_id, r.exhibit, r.rtype, r.json FROM record_rows r
  WHERE r.run_id IN (SELECT id FROM runs WHERE state = 'committed');

CREATE TABLE tags (
  id          INTEGER PRIMARY KEY,
  record_id   INTEGER NOT NULL REFERENCES record_rows(id),
  label       TEXT NOT NULL,
  note        TEXT,
  examiner    TEXT NOT NULL,
  time        TEXT NOT NULL,
  custody_seq INTEGER NOT NULL
);
CREATE INDEX tags_record ON tags(record_id);
