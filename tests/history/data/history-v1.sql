-- A history written by posture-auditor 0.1 (history schema 1; the quiz tables made unversioned, as
-- quiz/records.py did then): two scans and one quiz attempt. Made by the released code (main 534d967)
-- and dumped with sqlite3's iterdump; tests/history/test_store.py opens it with today's code.
BEGIN TRANSACTION;
CREATE TABLE benchmark_scores (
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        benchmark_id TEXT NOT NULL,
        control_ratio REAL,
        weighted_score REAL,
        coverage REAL,
        PRIMARY KEY (scan_id, benchmark_id)
    );
INSERT INTO "benchmark_scores" VALUES(1,'cis-aws-7.0',0.5,0.5,0.75);
INSERT INTO "benchmark_scores" VALUES(2,'cis-aws-7.0',1.0,1.0,0.75);
CREATE TABLE control_statuses (
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        benchmark_id TEXT NOT NULL,
        control_id TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (scan_id, benchmark_id, control_id)
    );
INSERT INTO "control_statuses" VALUES(1,'cis-aws-7.0','3.7','FAIL');
INSERT INTO "control_statuses" VALUES(2,'cis-aws-7.0','3.7','PASS');
CREATE TABLE quiz_answers (
    attempt_id INTEGER NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    section TEXT NOT NULL,
    score REAL NOT NULL,
    correct INTEGER NOT NULL,
    given TEXT NOT NULL,
    expected TEXT NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);
INSERT INTO "quiz_answers" VALUES(1,'q-zeta','flow-logs',1.0,1,'[1]','[1]');
INSERT INTO "quiz_answers" VALUES(1,'q-alpha','flow-logs',0.0,0,'[1]','[0]');
CREATE TABLE quiz_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operator TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    seed INTEGER,
    score REAL NOT NULL,
    passed INTEGER NOT NULL,
    pass_mark REAL NOT NULL,
    per_section TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('quiz', 'practice'))
);
INSERT INTO "quiz_attempts" VALUES(1,'alice','2026-11-03T09:00:00+00:00','2026-11-03T09:03:00+00:00','module4',4000000000,0.5,0,0.8,'{"flow-logs": 0.5}','quiz');
CREATE TABLE quiz_reviews (
    operator TEXT NOT NULL,
    question_id TEXT NOT NULL,
    state TEXT NOT NULL,
    due TEXT NOT NULL,
    PRIMARY KEY (operator, question_id)
);
CREATE TABLE scan_scopes (
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        provider TEXT NOT NULL,
        account TEXT NOT NULL,
        regions TEXT NOT NULL,
        PRIMARY KEY (scan_id, provider, account)
    );
INSERT INTO "scan_scopes" VALUES(1,'aws','111122223333','["us-east-1"]');
INSERT INTO "scan_scopes" VALUES(2,'aws','111122223333','["us-east-1"]');
CREATE TABLE scans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        saved_at TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        source TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        inventory_hash TEXT NOT NULL,
        result_json TEXT NOT NULL
    );
INSERT INTO "scans" VALUES(1,'2026-12-04T20:46:47.836687+00:00','2026-11-01T08:00:00+00:00','2026-11-01T08:00:30+00:00','snapshot','0.1.0','sha256:v1','{"schema":"posture-auditor/scan-result","schema_version":1,"tool_version":"0.1.0","started_at":"2026-11-01T08:00:00Z","finished_at":"2026-11-01T08:00:30Z","source":"snapshot","scopes":[{"provider":"aws","account":"111122223333","regions":["us-east-1"],"inventory_summary":{},"name":"","not_entered":""}],"inventory_hash":"sha256:v1","api_calls":3,"api_calls_by_service":{},"collection_errors":[],"findings":[{"id":"b09789463ecb1fc8bb91","check_id":"aws.vpc.flow_logs_enabled","provider":"aws","service":"vpc","severity":"medium","status":"FAIL","account":"111122223333","region":"us-east-1","resource_id":"vpc-1","resource_name":"","message":"flow logs of vpc-1","evidence":{},"tags":{},"muted":null},{"id":"4ebc6c947a03a31dca19","check_id":"aws.vpc.flow_logs_enabled","provider":"aws","service":"vpc","severity":"medium","status":"PASS","account":"111122223333","region":"us-east-1","resource_id":"vpc-2","resource_name":"","message":"flow logs of vpc-2","evidence":{},"tags":{},"muted":null}],"benchmarks":[],"exceptions":null,"account_scores":[],"traffic":null}');
INSERT INTO "scans" VALUES(2,'2026-12-04T20:46:47.839028+00:00','2026-11-02T08:00:00+00:00','2026-11-02T08:00:30+00:00','snapshot','0.1.0','sha256:v1','{"schema":"posture-auditor/scan-result","schema_version":1,"tool_version":"0.1.0","started_at":"2026-11-02T08:00:00Z","finished_at":"2026-11-02T08:00:30Z","source":"snapshot","scopes":[{"provider":"aws","account":"111122223333","regions":["us-east-1"],"inventory_summary":{},"name":"","not_entered":""}],"inventory_hash":"sha256:v1","api_calls":3,"api_calls_by_service":{},"collection_errors":[],"findings":[{"id":"b09789463ecb1fc8bb91","check_id":"aws.vpc.flow_logs_enabled","provider":"aws","service":"vpc","severity":"medium","status":"PASS","account":"111122223333","region":"us-east-1","resource_id":"vpc-1","resource_name":"","message":"flow logs of vpc-1","evidence":{},"tags":{},"muted":null},{"id":"4ebc6c947a03a31dca19","check_id":"aws.vpc.flow_logs_enabled","provider":"aws","service":"vpc","severity":"medium","status":"PASS","account":"111122223333","region":"us-east-1","resource_id":"vpc-2","resource_name":"","message":"flow logs of vpc-2","evidence":{},"tags":{},"muted":null}],"benchmarks":[],"exceptions":null,"account_scores":[],"traffic":null}');
CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);
INSERT INTO "schema_version" VALUES(1,'2026-12-04T20:46:47.834049+00:00');
CREATE TABLE status_counts (
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (scan_id, status)
    );
INSERT INTO "status_counts" VALUES(1,'PASS',1);
INSERT INTO "status_counts" VALUES(1,'FAIL',1);
INSERT INTO "status_counts" VALUES(1,'ERROR',0);
INSERT INTO "status_counts" VALUES(1,'NOT_APPLICABLE',0);
INSERT INTO "status_counts" VALUES(1,'MANUAL',0);
INSERT INTO "status_counts" VALUES(1,'MUTED',0);
INSERT INTO "status_counts" VALUES(2,'PASS',2);
INSERT INTO "status_counts" VALUES(2,'FAIL',0);
INSERT INTO "status_counts" VALUES(2,'ERROR',0);
INSERT INTO "status_counts" VALUES(2,'NOT_APPLICABLE',0);
INSERT INTO "status_counts" VALUES(2,'MANUAL',0);
INSERT INTO "status_counts" VALUES(2,'MUTED',0);
CREATE INDEX scans_started_at ON scans (started_at);
CREATE INDEX quiz_attempts_operator ON quiz_attempts (operator, id);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('scans',2);
INSERT INTO "sqlite_sequence" VALUES('quiz_attempts',1);
COMMIT;
