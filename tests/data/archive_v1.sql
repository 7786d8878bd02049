-- An archive as schema version 1 wrote it (riza-tui's first archive): the test opens it with the current code.
BEGIN TRANSACTION;
CREATE TABLE executions (
            id TEXT PRIMARY KEY NOT NULL,
            started_at TEXT NOT NULL,      -- as the server sent it
            started_us INTEGER NOT NULL,   -- microseconds since 1970 (UTC), to sort and to page by
            exit_code INTEGER NOT NULL,    -- clamped to 64 bits; the head keeps the value as sent
            duration INTEGER NOT NULL,
            language TEXT NOT NULL,
            kind TEXT NOT NULL,            -- the details type, '' without details
            tool_id TEXT NOT NULL,
            error TEXT NOT NULL,           -- the error line of a failure, '' otherwise
            archived_at REAL NOT NULL,     -- seconds since 1970 when it was written here
            size INTEGER NOT NULL,         -- bytes of the execution's JSON
            head TEXT NOT NULL,            -- the execution without details, as a list page carries it (JSON)
            body BLOB NOT NULL             -- the execution's JSON, zlib-compressed (masked in a user's archive)
        );
INSERT INTO "executions" VALUES('exec_v1_one','2026-11-28T08:00:00Z',1795852800000000,0,10,'python','script','','',1764000000.0,291,'{"id":"exec_v1_one","language":"python","duration":10,"exit_code":0,"started_at":"2026-11-28T08:00:00Z"}',X'78017D4FCD0A83300C7E15C9C50D145A0F437C8E9DC6403A1B5C41DA2E8D6E22BEFB527695410EF9F97EF26DE02C74801F1CFA45F7C1235430193FCE664439C4959FC1CBCECE64D849DB695509DE713F042B1099121B62B4BD616134AAB9D45AD74D7B556DA794D42DF3918D9B12741BF01AB3741AC8459613E16BC624DCEDD0F96703919CE753B9E8F20C7B26A5187C12A1ED28C2FF776D98F3AB6F72CCE88BC75A2C4849D215FA9EC326B6482408D8F7FD0B17A45E31');
CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
INSERT INTO "meta" VALUES('server','http://127.0.0.1:8000');
INSERT INTO "meta" VALUES('masked','1');
CREATE INDEX executions_newest ON executions (started_us, id);
CREATE INDEX failures_newest ON executions (started_us, id) WHERE exit_code != 0;
COMMIT;
